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
    grid.put(title, in: inner, row: 0, style: Style(bold: true), options: options)
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
        grid.put(fitText, in: inner, row: 1, style: Style(dim: true), options: options)
    }
    let heatRect = Rect(x: inner.x, y: inner.y + top, width: inner.width, height: inner.height - top - 1)
    let labels = (0..<T).map { $0 < state.tokenLabels.count ? state.tokenLabels[$0] : "" }
    let map = attentionHeatmap(m.attention[layer][head], T: T, labels: labels, autoscale: state.attentionAutoscale,
                               maxColumnLabelRows: 2, fill: isProjectorSize(heatRect))
    map.render(into: &grid, rect: heatRect, options: options)
    drawAttentionLegend(map, autoscale: state.attentionAutoscale, into: &grid,
                        rect: Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1), options: options)
}

/// One head's (T, T) attention, queries down and keys across. Weights are probabilities, so by default
/// the colours span the fixed range 0–1: uniform attention (1/T everywhere) is faint and even, a sharp
/// head (weights near 1) stands out. `autoscale` (key z) spans 0 … the map's largest weight instead.
/// `fill`: the cells grow to fill the area instead of staying square (a projector's 200×60 and larger).
func attentionHeatmap(_ weights: [Float], T: Int, labels: [String], autoscale: Bool, maxColumnLabelRows: Int,
                      fill: Bool = false) -> Heatmap {
    Heatmap(rows: T, cols: T, values: weights, lo: 0, hi: autoscale ? nil : 1, scale: .sequential, reduce: .max,
            rowLabels: labels, colLabels: labels, maxColumnLabelRows: maxColumnLabelRows, squareCells: !fill)
}

/// A heatmap area as large as the Attention panel's at 200×60 (74 × 51): square cells would leave
/// half of it empty, so the cells stretch to fill it.
func isProjectorSize(_ area: Rect) -> Bool { area.width >= 60 && area.height >= 40 }

/// What an attention legend says about its range: "fixed 0–1" or "autoscaled, max X".
func attentionScaleNote(_ map: Heatmap, autoscale: Bool) -> String {
    autoscale ? "autoscaled, max \(formatCompact(map.normalizer.hi))" : "fixed 0–1"
}

/// The colour bar of an attention map with its range note, then the axes when there is room:
/// "0 ..::--==++**##%%@@ 1 fixed 0–1  rows: query  cols: key".
func drawAttentionLegend(_ map: Heatmap, autoscale: Bool, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let note = attentionScaleNote(map, autoscale: autoscale)
    let used = drawColorBar(into: &grid, rect: Rect(x: rect.x, y: rect.y, width: min(rect.width, 36 + note.count), height: 1),
                            normalizer: map.normalizer, options: options, note: note)
    let axes = "  rows: query  cols: key"
    if rect.width - used >= axes.count {
        grid.put(axes, in: Rect(x: rect.x + used, y: rect.y, width: rect.width - used, height: 1), style: Style(dim: true))
    }
}
