// The Norms panel (rms of each token state x_0 … x_L on a log scale, the history of the largest rms
// and of the gradient norm, the first non-finite value) and the Drift panel (per layer: drift from
// the input, update ratio, rank collapse, token uniformity). Row 0 is the embedding x_0; row l is
// the output of block l, so the selected block b is row b + 1.
import PDETCore
import PDETRender

/// "emb", "L1", …, "L<L>": the labels of the L + 1 token states.
func stateLabels(_ layers: Int) -> [String] {
    ["emb"] + (0..<layers).map { "L\($0 + 1)" }
}

func drawNormsPanel(_ state: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    // The bars and both sparklines are on log10 axes: the title says so (a blow-up is decades long).
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.norms + " · rms, log10", options: options)
    guard inner.height >= 1, inner.width >= 8 else { return }
    // Every token state gets its bar first (a short panel, e.g. 80×24, drops the two sparklines before a
    // layer); what still does not fit is named on the last bar line ("+2 more: L5 L6").
    let bars = state.metrics?.layers.count ?? 1
    let footer = inner.height >= bars + 3 ? 3 : (inner.height >= bars + 1 || (inner.height >= 5 && state.firstNonFinite != nil) ? 1 : 0)
    let barsRect = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - footer)
    if let m = state.metrics, !m.layers.isEmpty {
        let labels = stateLabels(m.layers.count - 1)
        let rows = m.layers.enumerated().map { i, l in BarRow(i < labels.count ? labels[i] : "?", l.rms) }
        // Zero length one decade below the smallest rms, so equal norms give equal bars and a blow-up stands out.
        let smallest = m.layers.map(\.rms).filter { $0.isFinite && $0 > 0 }.min()
        let chart = BarChart(rows: rows, minValue: smallest.map { $0 / 10 }, logScale: true, highlightRow: state.layer + 1)
        chart.render(into: &grid, rect: barsRect, options: options)
        addLayerRowRegions(state, rows: chart.visibleRows(in: barsRect), x: barsRect.x, width: barsRect.width, into: &grid)
    } else {
        grid.put("no forward pass yet", in: barsRect, row: 0, style: Style(dim: true))
    }
    guard footer > 0 else { return }
    let h = state.history
    if footer == 3 {
        sparkRow(into: &grid, y: inner.maxY - 3, inner: inner, name: "max rms", values: h.maxRms, options: options)
        sparkRow(into: &grid, y: inner.maxY - 2, inner: inner, name: "grad   ", values: h.gradNorm, options: options)
    }
    let line = Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1)
    if let nf = state.firstNonFinite {
        let where_ = nf.layer < 0 ? "embedding" : (nf.layer >= state.config.layers ? "head" : "layer \(nf.layer + 1)")
        grid.put("! NaN/Inf step \(nf.step) \(where_) \(nf.tensor)", in: line,
                 style: Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode), options: options)
    } else {
        grid.put("all values finite", in: line, style: Style(dim: true))
    }
}

/// "name ▁▂▃▅▇ 1.23": a label, a log-scale sparkline of the history, the latest value.
private func sparkRow(into grid: inout Grid, y: Int, inner: Rect, name: String, values: [Float], options: RenderOptions) {
    let last = values.last.map { formatCompact(Double($0)) } ?? "-"
    let labelWidth = name.count + 1
    let valueWidth = 8
    grid.put(name, x: inner.x, y: y, style: Style(bold: true), clip: inner)
    let spark = Rect(x: inner.x + labelWidth, y: y, width: inner.width - labelWidth - valueWidth, height: 1)
    Sparkline(values: values, logScale: true, style: Style(fg: SeriesColor.blue)).render(into: &grid, rect: spark, options: options)
    grid.put(last, in: Rect(x: inner.maxX - valueWidth, y: y, width: valueWidth, height: 1), align: .right)
}

func drawDriftPanel(_ state: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.drift, options: options)
    guard inner.height >= 2, inner.width >= 8 else { return }
    guard let m = state.metrics, !m.layers.isEmpty else {
        grid.put("no forward pass yet", in: inner, row: 0, style: Style(dim: true))
        return
    }
    let labels = stateLabels(m.layers.count - 1)
    let narrow = inner.width < 32        // 2 decimals and no uniformity column
    let digits = narrow ? 2 : 3
    let rows = m.layers.enumerated().map { i, l -> [String] in
        // Rank collapse → 0 when every token is the same vector: flag it so mono shows it too.
        let rank = tableNumber(l.rankCollapse, digits: digits) + (l.rankCollapse < 0.05 ? "!" : "")
        return [i < labels.count ? labels[i] : "?", tableNumber(l.drift, digits: digits),
                tableNumber(l.updateRatio, digits: digits), rank, tableNumber(l.uniformity, digits: digits)]
    }
    let legendRows = inner.height >= m.layers.count + 3 ? 1 : 0
    var columns = [TableColumn("", width: 4), TableColumn("drift", align: .right), TableColumn("update", align: .right),
                   TableColumn("rank", align: .right), TableColumn("unif", align: .right)]
    if narrow {
        columns.removeLast()
        columns[2].title = "upd"
    }
    let table = Table(columns: columns, rows: rows, highlightRow: state.layer + 1)
    let tableRect = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - legendRows)
    table.render(into: &grid, rect: tableRect, options: options)
    addLayerRowRegions(state, rows: table.visibleRows(in: tableRect), x: tableRect.x, width: tableRect.width, into: &grid)
    if legendRows > 0 {
        let long = "drift = 1−cos(x_l, x_0)   rank → 0: tokens collapse"
        grid.put(long.count <= inner.width ? long : "rank → 0: collapse", in: inner,
                 row: inner.height - 1, style: Style(dim: true), options: options)
    }
}

/// Rows of the token states x_0 … x_L as click targets: row l ≥ 1 (block l's output) selects layer l with
/// the keys that would (`]` / `[` repeated); the embedding row selects nothing.
func addLayerRowRegions(_ state: ExplorerState, rows: [(index: Int, y: Int)], x: Int, width: Int, into grid: inout Grid) {
    for row in rows where row.index >= 1 && row.index <= state.config.layers {
        let keys = stepKeys(from: state.layer, to: row.index - 1, next: .char("]"), previous: .char("["))
        grid.addRegion(ClickRegion(rect: Rect(x: x, y: row.y, width: width, height: 1), click: keys))
    }
}

/// `digits` decimals for the usual 0…10 range (fits a narrow column), the compact form beyond.
func tableNumber(_ v: Float, digits: Int = 3) -> String {
    guard v.isFinite, abs(v) < 10 else { return formatCompact(Double(v)) }
    var scale = 1
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((Double(abs(v)) * Double(scale)).rounded())
    let frac = String(scaled % scale)
    let text = "\(scaled / scale)." + String(repeating: "0", count: digits - frac.count) + frac
    return (v < 0 && scaled != 0 ? "-" : "") + text
}
