// The Attention panel: the selected layer and head of batch row 0 as a (T, T) heatmap, queries
// down and keys across, token labels on both axes; the head's entropy against its maximum ln T.
import Foundation
import PDETCore
import PDETRender

func drawAttentionPanel(_ state: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.attention, options: options)
    // The wheel steps through the heads as H (up: previous) and h (down: next) do.
    grid.addRegion(ClickRegion(rect: rect, wheelUp: [.char("H")], wheelDown: [.char("h")]))
    guard inner.height >= 3, inner.width >= 8 else { return }
    let T = state.config.seqLen
    let layer = state.layer, head = state.head
    guard let m = state.metrics, layer < m.attention.count, head < m.attention[layer].count,
          m.attention[layer][head].count == T * T else {
        grid.put("no forward pass yet", in: inner, row: inner.height / 2, align: .center, style: Style(dim: true))
        return
    }
    let entropy = layer < m.attentionEntropy.count && head < m.attentionEntropy[layer].count
        ? m.attentionEntropy[layer][head] : .nan
    let maxEntropy = Float(log(Double(T)))
    let title = "L\(layer + 1) H\(head + 1)  entropy \(formatCompact(Double(entropy)))"
        + " of \(formatCompact(Double(maxEntropy))) nats (uniform)"
    grid.put(displayText(title, options), in: inner, row: 0, style: Style(bold: true))
    let layerLabel = "L\(layer + 1) ", headLabel = "H\(head + 1)"
    grid.addRegion(ClickRegion(rect: Rect(x: inner.x + layerLabel.count, y: inner.y, width: headLabel.count, height: 1)
        .intersection(inner), click: [.char("h")]))
    // The heat-kernel fit: how much of this head is plain diffusion along the sequence.
    var top = 1
    if inner.height >= 16 {
        top = 2
        let fitText: String
        if let f = state.attentionFit, f.layer == layer, f.head == head {
            fitText = f.fit.kappa.isFinite
                ? "heat κ \(formatCompact(Double(f.fit.kappa)))  cos \(formatCompact(Double(f.fit.cosine)))"
                  + "  uniform cos \(formatCompact(Double(f.fit.uniformCosine)))"
                : "heat κ: no fit"
        } else {
            fitText = "heat κ …"
        }
        grid.put(displayText(fitText, options), in: inner, row: 1, style: Style(dim: true))
    }
    let heatRect = Rect(x: inner.x, y: inner.y + top, width: inner.width, height: inner.height - top - 1)
    let labels = (0..<T).map { $0 < state.tokenLabels.count ? state.tokenLabels[$0] : "" }
    let map = Heatmap(rows: T, cols: T, values: m.attention[layer][head], lo: 0, scale: .sequential, reduce: .max,
                      rowLabels: labels, colLabels: labels, maxColumnLabelRows: 2)
    map.render(into: &grid, rect: heatRect, options: options)
    let legend = Rect(x: inner.x, y: inner.maxY - 1, width: min(inner.width, 40), height: 1)
    drawColorBar(into: &grid, rect: legend, normalizer: map.normalizer, options: options)
    let axes = " rows: query  cols: key"
    if inner.width - legend.width >= axes.count {
        grid.put(axes, in: Rect(x: legend.maxX, y: legend.y, width: inner.width - legend.width, height: 1),
                 style: Style(dim: true))
    }
}
