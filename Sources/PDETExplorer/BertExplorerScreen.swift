// The MiniLM screen as a pure function of the state and the two forward passes:
//
//   header (model, sentence, layer/head, then the ablation: Residual, Norm, PDE site, alpha, scales)
//   ┌ Attention ──┐┌ Norms ──────┐┌ Drift ──────┐
//   │ word pieces ││ rms / intact││ drift intact│
//   │ on both axes│└─────────────┘└─────────────┘
//   │             │┌ Damage ────────────────────┐
//   └─────────────┘└────────────────────────────┘
//   status line (or the sentence being typed)
//   key bar
import Foundation
import PDETBert
import PDETCore
import PDETRender

extension PanelTitle {
    public static let damage = "Damage"
}

public func renderBertScreen(_ state: BertExplorerState, frame: BertFrame?, width: Int, height: Int,
                             options: RenderOptions) -> Grid {
    var grid = Grid(width: width, height: height)
    let min = ScreenSize.minimum
    guard width >= min.width, height >= min.height else {
        drawTooSmall(into: &grid, options: options)
        return grid
    }
    let rows = bertHeaderRows(state, width: width)
    for (y, row) in rows.enumerated() {
        var x = 1
        for item in row {
            x += grid.put(displayText(item.text, options), x: x, y: y, style: item.style.downgraded(to: options.colorMode),
                          clip: grid.bounds) + 2
        }
    }
    let body = Rect(x: 0, y: rows.count, width: width, height: height - rows.count - 2)
    let leftWidth = max(30, body.width * 42 / 100)
    let columns = Layout.split(body, .horizontal, [.length(leftWidth), .fill(1)])
    let right = Layout.split(columns[1], .vertical, [.fill(1), .fill(1)])
    let top = Layout.split(right[0], .horizontal, [.fill(1), .fill(1)])
    drawBertAttention(state, frame, into: &grid, rect: columns[0], options: options)
    drawBertNorms(state, frame, into: &grid, rect: top[0], options: options)
    drawBertDrift(state, frame, into: &grid, rect: top[1], options: options)
    drawBertDamage(state, frame, into: &grid, rect: right[1], options: options)
    drawBertStatus(state, into: &grid, y: height - 2, options: options)
    drawKeyBar(into: &grid, rect: Rect(x: 0, y: height - 1, width: width, height: 1), hints: bertKeyHints, options: options)
    if state.showHelp { drawHelp(bertHelpLines, into: &grid, options: options) }
    grid.applyTheme(options)
    return grid
}

func bertHeaderRows(_ state: BertExplorerState, width: Int) -> [[HeaderItem]] {
    let bold = Style(bold: true)
    let sentence = state.sentence.count > 48 ? String(state.sentence.prefix(47)) + "…" : state.sentence
    let run: [HeaderItem] = [
        HeaderItem(text: "pdet-tui", style: Style(bold: true, reverse: true)),
        HeaderItem(text: state.modelName, style: bold),
        HeaderItem(text: "sentence \"\(sentence)\""),
        HeaderItem(text: "T \(state.tokens.count)" + (state.truncated ? " (cut)" : "")),
        HeaderItem(text: "layer \(state.layer + 1)/\(state.layers) head \(state.head + 1)/\(state.heads)"),
    ]
    let toggles: [HeaderItem] = [
        HeaderItem(text: "Residual \(residualText(state.residual))", style: state.residual == .on ? .plain : bold),
        HeaderItem(text: "Norm \(state.layerNorm ? "on" : "off")", style: state.layerNorm ? .plain : bold),
        HeaderItem(text: "PDE \(state.site.rawValue)", style: state.site == .off ? .plain : bold),
        HeaderItem(text: "alpha \(formatCompact(Double(state.alpha)))",
                   style: state.diffusionUnstable ? Style(fg: Palette.alarm, bold: true) : .plain),
        HeaderItem(text: "scales \(scalesText(state.scales))"),
        HeaderItem(text: state.isIntact ? "INTACT" : "ABLATED", style: Style(bold: true, reverse: !state.isIntact)),
    ]
    return Array((wrapHeader(run, width: width) + wrapHeader(toggles, width: width)).prefix(3))
}

private func wrapHeader(_ items: [HeaderItem], width: Int) -> [[HeaderItem]] {
    var rows: [[HeaderItem]] = [[]]
    var used = 1
    for item in items {
        let gap = rows[rows.count - 1].isEmpty ? 0 : 2
        if used + gap + item.text.count > width && !rows[rows.count - 1].isEmpty {
            rows.append([])
            used = 1
        }
        used += item.text.count + (rows[rows.count - 1].isEmpty ? 0 : 2)
        rows[rows.count - 1].append(item)
    }
    return rows
}

// MARK: panels

func drawBertAttention(_ state: BertExplorerState, _ frame: BertFrame?, into grid: inout Grid, rect: Rect,
                       options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.attention, options: options)
    guard inner.height >= 3, inner.width >= 8 else { return }
    let T = state.tokens.count
    let layer = state.layer, head = state.head
    guard let f = frame, layer < f.ablated.attention.count, head < f.ablated.attention[layer].count,
          f.ablated.attention[layer][head].count == T * T, T > 0 else {
        grid.put("no forward pass", in: inner, row: inner.height / 2, align: .center, style: Style(dim: true))
        return
    }
    let probs = f.ablated.attention[layer][head]   // (T, T) rows [query][key]
    var entropy = 0.0
    for p in probs where p > 0 { entropy -= Double(p) * log(Double(p)) }
    entropy /= Double(T)
    let title = "L\(layer + 1) H\(head + 1)  entropy \(formatCompact(entropy)) of \(formatCompact(log(Double(T)))) nats"
    grid.put(title, in: inner, row: 0, style: Style(bold: true), options: options)
    // The heat-kernel fit of this head (docs/attention-fit.md; the corpus study: docs/results/attention-fit-minilm.md).
    var top = 1
    if inner.height >= 16 {
        top = 2
        let fit = fitDiffusionKernel(attention: probs, T: T)
        let fitText = fit.kappa.isFinite
            ? "heat κ \(formatCompact(Double(fit.kappa)))  cos \(formatCompact(Double(fit.cosine)))"
              + "  uniform cos \(formatCompact(Double(fit.uniformCosine)))"
            : "heat κ: no fit"
        grid.put(fitText, in: inner, row: 1, style: Style(dim: true), options: options)
    }
    let heatRect = Rect(x: inner.x, y: inner.y + top, width: inner.width, height: inner.height - top - 1)
    let labels = state.tokens.map { displayText($0, options) }
    let map = attentionHeatmap(probs, T: T, labels: labels, autoscale: state.attentionAutoscale, maxColumnLabelRows: 6,
                               fill: isProjectorSize(heatRect))
    map.render(into: &grid, rect: heatRect, options: options)
    drawAttentionLegend(map, autoscale: state.attentionAutoscale, into: &grid,
                        rect: Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1), options: options)
}

func drawBertNorms(_ state: BertExplorerState, _ frame: BertFrame?, into grid: inout Grid, rect: Rect,
                   options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.norms, options: options)
    guard inner.height >= 1, inner.width >= 8, let f = frame else { return }
    let labels = stateLabels(f.ablated.layers.count - 1)
    let showIntact = inner.width >= 34    // "0.567/0.567" needs room; narrower shows the ablated rms only
    let rows = f.ablated.layers.enumerated().map { i, l in
        BarRow(labels[i], l.rms, second: showIntact && i < f.intact.layers.count ? f.intact.layers[i].rms : nil)
    }
    let legend = showIntact && inner.height >= rows.count + 2 ? 1 : 0
    let all = (f.ablated.layers + f.intact.layers).map(\.rms).filter { $0.isFinite && $0 > 0 }
    BarChart(rows: rows, minValue: all.min().map { $0 / 10 }, logScale: true, highlightRow: state.layer + 1)
        .render(into: &grid, rect: Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - legend),
                options: options)
    if legend > 0 {
        grid.put("rms, log10 axis · • /x = intact", in: inner, row: inner.height - 1,
                 style: Style(dim: true), options: options)
    }
}

func drawBertDrift(_ state: BertExplorerState, _ frame: BertFrame?, into grid: inout Grid, rect: Rect,
                   options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.drift, options: options)
    guard inner.height >= 2, inner.width >= 8, let f = frame else { return }
    let labels = stateLabels(f.ablated.layers.count - 1)
    let digits = inner.width < 30 ? 2 : 3
    let rows = f.ablated.layers.enumerated().map { i, l -> [String] in
        let intact = i < f.intact.layers.count ? f.intact.layers[i].drift : .nan
        return [labels[i], tableNumber(l.drift, digits: digits), tableNumber(intact, digits: digits),
                tableNumber(l.drift - intact, digits: digits)]
    }
    let legend = inner.height >= rows.count + 3 ? 1 : 0
    let columns = [TableColumn("", width: 4), TableColumn("drift", align: .right), TableColumn(digits == 2 ? "int" : "intact", align: .right),
                   TableColumn("Δ", align: .right)]
    Table(columns: columns.map { var c = $0; c.title = displayText(c.title, options); return c }, rows: rows,
          highlightRow: state.layer + 1)
        .render(into: &grid, rect: Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - legend),
                options: options)
    if legend > 0 {
        grid.put("drift = 1−cos(x_l, x_0) per token", in: inner, row: inner.height - 1,
                 style: Style(dim: true), options: options)
    }
}

/// cos(ablated, intact) of the sentence embeddings, large, with a gauge and what it means.
func drawBertDamage(_ state: BertExplorerState, _ frame: BertFrame?, into grid: inout Grid, rect: Rect,
                    options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.damage, options: options)
    guard inner.height >= 1, inner.width >= 8, let f = frame else { return }
    if let error = f.error {
        grid.put("error: \(error)", in: inner, row: 0,
                 style: Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode), options: options)
        return
    }
    let cos = f.cosine
    let verdict = !cos.isFinite ? "NON-FINITE" : cos > 0.99 ? "intact" : cos > 0.9 ? "mild damage"
        : cos > 0.6 ? "damaged" : "destroyed"
    let big = "cos(ablated, intact) = \(tableNumber(cos, digits: 4))"
    let alarm = cos.isFinite && cos <= 0.9
    grid.put(big, in: inner, row: 0,
             style: Style(fg: alarm ? Palette.alarm : .default, bold: true, reverse: true).downgraded(to: options.colorMode), options: options)
    grid.put(" " + verdict, x: inner.x + big.count, y: inner.y, style: Style(bold: true), clip: inner)
    guard inner.height >= 3 else { return }
    BarChart(rows: [BarRow("cos", cos.isFinite ? Swift.max(cos, 0) : cos)], maxValue: 1, showValues: true)
        .render(into: &grid, rect: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: 1), options: options)
    grid.put("sentence embedding (mean-pooled, L2); 1 = unchanged, 0 = unrelated", in: inner, row: 2,
             style: Style(dim: true), options: options)
    // Where the damage enters: |Δ drift| per state, largest first stands out.
    let top = 4
    guard inner.height > top else { return }
    grid.put("|Δ drift| from the intact model, per layer", in: inner, row: top - 1, style: Style(bold: true), options: options)
    let labels = stateLabels(f.ablated.layers.count - 1)
    let rows = f.ablated.layers.enumerated().map { i, l in
        BarRow(labels[i], abs(l.drift - (i < f.intact.layers.count ? f.intact.layers[i].drift : .nan)))
    }
    BarChart(rows: rows, maxValue: Swift.max(rows.map(\.value).filter(\.isFinite).max() ?? 0, 0.01),
             highlightRow: state.layer + 1, style: Style(fg: SeriesColor.salmon))
        .render(into: &grid, rect: Rect(x: inner.x, y: inner.y + top, width: inner.width, height: inner.height - top),
                options: options)
}

// MARK: status, keys, help

let bertKeyHints: [KeyHint] = [
    KeyHint("?", "help"), KeyHint("q", "quit"), KeyHint("i", "sentence"), KeyHint("r", "resid"),
    KeyHint("l", "norm"), KeyHint("p/P", "pde"), KeyHint("a/A", "alpha"), KeyHint("m", "scale"),
    KeyHint("[/]", "layer"), KeyHint("h/H", "head"), KeyHint("z", "autoscale"), KeyHint("s", "snap"),
]

public let bertHelpLines: [(key: String, text: String)] = [
    ("i", "type a new sentence (Enter runs it, Esc cancels)"),
    ("r", "residual on → off everywhere → off at the selected layer"),
    ("l", "LayerNorm on / off (every LayerNorm)"),
    ("p  P", "next / previous diffusion site (off and the seven)"),
    ("a  A", "diffusion alpha down / up by 0.05"),
    ("m", "diffusion scales {1} / {1,2,4}"),
    ("[  ]", "previous / next layer (also ← →)"),
    ("h  H", "next / previous head (also ↓ ↑)"),
    ("z", "attention colours: fixed 0–1 / autoscaled to the map's max"),
    ("s", "snapshot to snapshots/NNNN.txt and .ansi"),
    ("Space n t R + -", "training keys: disabled for a pretrained model"),
    ("?", "this help (Esc closes)"),
    ("q  Ctrl-C", "quit"),
]

private func drawBertStatus(_ state: BertExplorerState, into grid: inout Grid, y: Int, options: RenderOptions) {
    let line = Rect(x: 0, y: y, width: grid.width, height: 1)
    if let buffer = state.editing {
        let prompt = " sentence> "
        // Keep the end of a long sentence visible (that is where the typing happens).
        let room = Swift.max(1, grid.width - prompt.count - 2)
        let text = displayText(buffer, options)      // measured as drawn (--ascii may lengthen a glyph)
        let shown = text.count > room ? String(text.suffix(room)) : text
        grid.put(prompt + shown + "_", in: line, style: Style(bold: true))
        return
    }
    drawStatusLine(state.statusLine, into: &grid, y: y, options: options)
}
