// The split view's panels: one pane per run (its toggles, the selected head's attention, the rms
// and drift of every token state) and the differences panel (per state B − A of rms and drift,
// B / A of rms, both loss curves on one chart with different glyphs, the last losses/accuracies).
import Foundation
import PDETCore
import PDETRender

/// The pane's toggles, compact; a "*" marks one that differs from the other pane (visible in plain text).
/// `full`: also the diffusion details (scales, alpha, clamp) when no site is on.
func paneToggleItems(_ s: ExplorerState, other: ExplorerState, full: Bool = false) -> [HeaderItem] {
    let c = s.config, o = other.config
    // What differs comes first, so that a narrow pane that cuts the rest still shows it (the layer and
    // head are on the attention title line).
    var differing: [HeaderItem] = [], same: [HeaderItem] = []
    func add(_ text: String, differs: Bool) {
        if differs { differing.append(HeaderItem(text: "*" + text, style: Style(bold: true, reverse: true))) }
        else { same.append(HeaderItem(text: text)) }
    }
    // The diffusion details matter only with a site on (or when they are what differs).
    let pdeOn = full || c.pde != .off || o.pde != .off
    for field in s.fields.screenRows {
        let spec = field.screen!
        let value = field.shown(c)
        let differs = value != field.shown(o)
        switch spec.paneVisibility {
        case .always: break
        case .withDiffusionSite: if !pdeOn && !differs { continue }
        case .whenDiffers: if !differs { continue }
        }
        var text = fieldText(value)
        // A stabiliser switched off shouts, as in the header: "resid OFF".
        if spec.header.emphasis == .unlessDefault, case .onOff = value, !field.isDefault(c) { text = text.uppercased() }
        add("\(spec.pane) \(text)", differs: differs)
    }
    let alarm = s.firstNonFinite != nil ? [HeaderItem(text: "NaN/Inf", style: Style(fg: Palette.alarm, bold: true))] : []
    return alarm + simulatorPaneItems(s, other: other) + differing + same
}

/// Items wrapped greedily into rows of `width` (two spaces apart).
func wrapSplitItems(_ items: [HeaderItem], width: Int, options: RenderOptions) -> [[HeaderItem]] {
    var rows: [[HeaderItem]] = [[]]
    var used = 0
    for item in items {
        let w = displayText(item.text, options).count
        let need = w + (rows[rows.count - 1].isEmpty ? 0 : 2)
        if used + need > width && !rows[rows.count - 1].isEmpty {
            rows.append([])
            used = w
        } else {
            used += need
        }
        rows[rows.count - 1].append(item)
    }
    return rows
}

func paneTitle(_ pane: Pane, focused: Bool, options: RenderOptions) -> String {
    let name = pane == .a ? SplitTitle.paneA : SplitTitle.paneB
    guard focused else { return name }
    return name + " " + (options.ascii ? SplitTitle.focusedMarkerASCII : SplitTitle.focusedMarker)
}

func drawPane(_ s: ExplorerState, other: ExplorerState, pane: Pane, focused: Bool, into grid: inout Grid, rect: Rect,
              options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: paneTitle(pane, focused: focused, options: options),
                          focused: focused, options: options)
    guard inner.height >= 3, inner.width >= 10 else { return }
    let toggleRows = Array(wrapSplitItems(paneToggleItems(s, other: other, full: inner.width >= 56), width: inner.width, options: options).prefix(2))
    for (i, row) in toggleRows.enumerated() {
        var x = inner.x
        for item in row {
            x += grid.put(displayText(item.text, options), x: x, y: inner.y + i, style: item.style.downgraded(to: options.colorMode),
                          clip: inner) + 2
        }
    }
    let rest = Rect(x: inner.x, y: inner.y + toggleRows.count, width: inner.width, height: inner.height - toggleRows.count)
    let tableWidth = min(24, max(16, rest.width / 3))
    let columns = Layout.split(rest, .horizontal, [.fill(1), .length(1), .length(tableWidth)])
    viewScreen(s).drawPaneBody(&grid, columns[0], columns[2], focused, options)
}

/// The model view's pane body: the selected head's attention and the layer table.
func drawPaneModel(_ s: ExplorerState, into grid: inout Grid, heat: Rect, table: Rect, focused: Bool, options: RenderOptions) {
    drawPaneAttention(s, into: &grid, rect: heat, options: options)
    drawPaneLayers(s, into: &grid, rect: table, focused: focused, options: options)
    if focused {
        // Keys go to the focused pane, so its attention takes the wheel (H / h) like the single view's.
        grid.addRegion(ClickRegion(rect: heat, wheelUp: [.char("H")], wheelDown: [.char("h")]))
    }
}

/// A click anywhere in the pane that is not focused focuses it (Tab), whatever lies under the click.
func addPaneFocusRegion(rect: Rect, focused: Bool, into grid: inout Grid) {
    if !focused { grid.addRegion(ClickRegion(rect: rect, click: [.tab])) }
}

/// The selected head of batch row 0, (T, T), queries down and keys across, under a one-line title.
private func drawPaneAttention(_ s: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    guard rect.height >= 2, rect.width >= 4 else { return }
    let T = s.config.seqLen
    guard let m = s.metrics, s.layer < m.attention.count, s.head < m.attention[s.layer].count,
          m.attention[s.layer][s.head].count == T * T else {
        grid.put("no forward pass yet", in: rect, row: 0, style: Style(dim: true))
        return
    }
    let entropy = s.layer < m.attentionEntropy.count && s.head < m.attentionEntropy[s.layer].count
        ? m.attentionEntropy[s.layer][s.head] : .nan
    let entropyText = "\(formatCompact(Double(entropy)))/\(formatCompact(log(Double(T))))"
    let long = "attn L\(s.layer + 1) H\(s.head + 1) entropy " + entropyText
    let title = long.count <= rect.width ? long : "L\(s.layer + 1) H\(s.head + 1) ent " + entropyText
    grid.put(title, in: rect, row: 0, style: Style(bold: true), options: options)
    let labels = (0..<T).map { $0 < s.tokenLabels.count ? s.tokenLabels[$0] : "" }
    let map = attentionHeatmap(m.attention[s.layer][s.head], T: T, labels: labels, autoscale: s.attentionAutoscale,
                               maxColumnLabelRows: 1)
    // The legend's row when the pane has one to spare (the map keeps at least 4 rows).
    let legendRows = rect.height >= 6 ? 1 : 0
    map.render(into: &grid, rect: Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1 - legendRows),
               options: options)
    if legendRows > 0 {
        drawAttentionLegend(map, autoscale: s.attentionAutoscale, into: &grid,
                            rect: Rect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), options: options)
    }
}

/// rms and drift of every token state x_0 … x_L; the selected block's output highlighted.
private func drawPaneLayers(_ s: ExplorerState, into grid: inout Grid, rect: Rect, focused: Bool, options: RenderOptions) {
    guard rect.height >= 2, rect.width >= 8 else { return }
    guard let m = s.metrics, !m.layers.isEmpty else {
        grid.put("no forward pass", in: rect, row: 0, style: Style(dim: true))
        return
    }
    let labels = stateLabels(m.layers.count - 1)
    let rows = m.layers.enumerated().map { i, l in
        [i < labels.count ? labels[i] : "?", tableNumber(l.rms, digits: 2), tableNumber(l.drift, digits: 3)]
    }
    let table = Table(columns: [TableColumn("", width: 4), TableColumn("rms", align: .right), TableColumn("drift", align: .right)],
                      rows: rows, highlightRow: s.layer + 1)
    table.render(into: &grid, rect: rect, options: options)
    if focused { addLayerRowRegions(s, rows: table.visibleRows(in: rect), x: rect.x, width: rect.width, into: &grid) }
}

func drawDifferencesPanel(_ ab: SplitState, _ b: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let diffs = configDifferences(ab.a.config, b.config, fields: ab.a.fields) + simulatorDifferences(ab.a, b)
    let title = SplitTitle.differences + " · B: " + (diffs.isEmpty ? "same toggles as A" : diffs.joined(separator: ", "))
    let inner = drawPanel(into: &grid, rect: rect, title: displayText(title, options), options: options)
    guard inner.height >= 3, inner.width >= 20 else { return }
    let wide = inner.width >= 100
    let tableWidth = wide ? 64 : inner.width * 60 / 100
    let parts = Layout.split(inner, .horizontal, [.length(tableWidth), .length(1), .fill(1)])
    drawDifferenceTable(ab, wide: wide, into: &grid, rect: parts[0], options: options)
    drawLossComparison(ab.a, b, into: &grid, rect: parts[2], options: options)
    // Both losses: the wheel is the (shared) speed, as over the single view's Training panel.
    grid.addRegion(ClickRegion(rect: parts[2], wheelUp: [.char("+")], wheelDown: [.char("-")]))
}

/// Per token state: A's and B's rms and drift and B − A (also B / A for rms when wide enough).
private func drawDifferenceTable(_ ab: SplitState, wide: Bool, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let rows = layerDifferences(ab)
    guard !rows.isEmpty else {
        grid.put("no forward pass in both panes yet", in: rect, row: 0, style: Style(dim: true))
        return
    }
    let digits = wide ? 3 : 2
    let n = { (v: Float) in tableNumber(v, digits: digits) }
    let signed = { (v: Float) -> String in
        let text = tableNumber(v, digits: digits)
        return v.isFinite && v > 0 && text.contains(where: { "123456789".contains($0) }) ? "+" + text : text
    }
    let delta = options.ascii ? "d " : "Δ "       // ASCII terminals: "d rms", "d drift"
    let drift = rect.width >= 56 ? "drift" : "drf"  // narrow: the titles fit 5-column cells
    var columns = [TableColumn("", width: 4), TableColumn("rms A", align: .right), TableColumn("rms B", align: .right),
                   TableColumn(delta + "rms", align: .right)]
    if wide { columns.append(TableColumn("B/A", align: .right)) }
    columns += [TableColumn(drift + " A", align: .right), TableColumn(drift + " B", align: .right),
                TableColumn(delta + drift, align: .right)]
    let body = rows.map { d -> [String] in
        var row = [d.label, n(d.rmsA), n(d.rmsB), signed(d.deltaRms)]
        if wide { row.append(tableNumber(d.rmsRatio, digits: 2)) }
        row += [n(d.driftA), n(d.driftB), signed(d.deltaDrift)]
        return row
    }
    let selected = ab.focused.layer + 1
    let tableHeight = min(rect.height, body.count + 1)
    Table(columns: columns, rows: body, highlightRow: selected)
        .render(into: &grid, rect: Rect(x: rect.x, y: rect.y, width: rect.width, height: tableHeight), options: options)
    // Below the table when there is room: the other per-run numbers, A then B.
    guard let b = ab.b else { return }
    let a = ab.a
    func value(_ v: Float?) -> String { v.map { formatCompact(Double($0)) } ?? "-" }
    func held(_ s: ExplorerState) -> String { s.history.heldOut.last.map { "\(formatCompact(Double($0.accuracy)))@\($0.step)" } ?? "-" }
    func bad(_ s: ExplorerState) -> String {
        guard let nf = s.firstNonFinite else { return "none" }
        return "step \(nf.step) " + (nf.layer < 0 ? "emb" : "L\(nf.layer + 1)") + " \(nf.tensor)"
    }
    let extra = [
        "grad norm   A \(value(a.lastStep?.gradNorm))  B \(value(b.lastStep?.gradNorm))",
        "max rms     A \(value(largestRms(a.metrics)))  B \(value(largestRms(b.metrics)))",
        "held-out    A \(held(a))  B \(held(b))",
        "NaN/Inf     A \(bad(a))  B \(bad(b))",
    ]
    for (i, line) in extra.enumerated() where tableHeight + 1 + i < rect.height {
        grid.put(line, in: rect, row: tableHeight + 1 + i,
                 style: line.hasPrefix("NaN") && (a.firstNonFinite != nil || b.firstNonFinite != nil)
                     ? Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode) : .plain, options: options)
    }
}

/// The last losses and accuracies, then both loss curves on one chart ("*" A, "o" B).
private func drawLossComparison(_ a: ExplorerState, _ b: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    guard rect.height >= 2, rect.width >= 10 else { return }
    func last(_ v: [Float]) -> String { v.last.map { formatCompact(Double($0)) } ?? "-" }
    let lossLine = "loss A \(last(a.history.loss))  B \(last(b.history.loss))"
    let accLine = "acc A \(last(a.history.accuracy))  B \(last(b.history.accuracy))"
    var top = 0
    if lossLine.count + accLine.count + 3 <= rect.width {
        grid.put(lossLine + "   " + accLine, in: rect, row: 0, style: Style(bold: true), options: options)
        top = 1
    } else {
        grid.put(lossLine, in: rect, row: 0, style: Style(bold: true), options: options)
        grid.put(accLine, in: rect, row: 1, style: Style(bold: true), options: options)
        top = 2
    }
    let chart = Rect(x: rect.x, y: rect.y + top, width: rect.width, height: rect.height - top)
    guard !a.history.loss.isEmpty || !b.history.loss.isEmpty else {
        grid.put("no training steps yet (Space or n)", in: chart, row: 0, style: Style(dim: true))
        return
    }
    // Both histories start at the same step (B began as a copy of A's); align on the later start.
    let first = max(a.history.firstStep, b.history.firstStep)
    let aLoss = Array(a.history.loss.dropFirst(max(0, first - a.history.firstStep)))
    let bLoss = Array(b.history.loss.dropFirst(max(0, first - b.history.firstStep)))
    LineChart(series: [Series(SplitTitle.legendA, aLoss, style: Style(fg: SeriesColor.orange), glyph: "*"),
                       Series(SplitTitle.legendB, bLoss, style: Style(fg: SeriesColor.blue), glyph: "o")], xFirst: first)
        .render(into: &grid, rect: chart, options: options)
}
