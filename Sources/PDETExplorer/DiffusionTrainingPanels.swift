// The Diffusion panel (one channel of the token states before and after the diffusion layer, the
// filter |H(k)| against the limit 1, the alphas, the layer's gain ρ^steps over its worst channel and
// UNSTABLE when that gain exceeds 1) and the Training panel (loss and accuracy curves, held-out accuracy).
import PDETCore
import PDETRender

func drawDiffusionPanel(_ state: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.diffusion, options: options)
    guard inner.height >= 2, inner.width >= 8 else { return }
    let c = state.config
    guard c.pde != .off else {
        grid.put("diffusion off", in: inner, row: max(0, inner.height / 2 - 1), align: .center, style: Style(bold: true))
        grid.put(inner.width >= 36 ? "p / P: choose one of the seven sites" : "p / P: pick a site", in: inner, row: inner.height / 2, align: .center,
                 style: Style(dim: true))
        return
    }
    guard let probe = state.metrics?.diffusion else {
        grid.put("site \(c.pde.rawValue): no forward pass yet", in: inner, row: 0, style: Style(dim: true))
        return
    }
    let unstable = probe.unstable
    let instance = c.pde.isPerBlock ? "layer \(probe.instance + 1)" : "once"
    // UNSTABLE first so that a narrow panel never cuts it off; then the gain (the deciding figure),
    // then Σα (the sufficient rule's figure, secondary).
    var x = inner.x
    if unstable {
        x += grid.put("UNSTABLE", x: x, y: inner.y, style: Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode),
                      clip: inner) + 1
    }
    let gainText = "gain \(formatCompact(Double(probe.amplification)))" + (unstable ? " ch \(probe.worstChannel)" : "")
    let clampText = c.pdeClamp || unstable ? "" : " clamp off"
    grid.put(displayText("\(gainText)\(clampText)  Σα \(formatCompact(Double(probe.alphaSum)))  \(instance) ch \(probe.channel)"
                       + " (mean Σα \(formatCompact(Double(probe.meanAlphaSum))))", options),
             x: x, y: inner.y, style: Style(bold: true), clip: inner)
    let alphaLine = "α " + zip(c.pdeScales, probe.alphas).map { "s\($0)=\(formatCompact(Double($1)))" }
        .joined(separator: " ") + "  steps \(c.pdeSteps)"
    grid.put(displayText(alphaLine, options), in: inner, row: inner.height - 1, style: Style(dim: true))
    var charts = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 2)
    let magnitude = probe.response.map { abs($0) }
    let limit = [Float](repeating: 1, count: magnitude.count)
    let peak = magnitude.filter(\.isFinite).max() ?? 1
    let response = LineChart(series: [Series("|H(k)|", magnitude, style: Style(fg: unstable ? Palette.alarm : SeriesColor.green), glyph: "*"),
                                      Series("limit 1", limit, style: Style(fg: Palette.marker), glyph: "-")],
                             yMin: 0, yMax: max(1, peak))
    let signal = LineChart(series: [Series("before", probe.before, style: Style(fg: SeriesColor.blue), glyph: "o"),
                                    Series("after", probe.after, style: Style(fg: SeriesColor.orange), glyph: "*")])
    if charts.height >= 10 {            // both charts, stacked
        let halves = Layout.split(charts, .vertical, [.fill(1), .fill(1)])
        signal.render(into: &grid, rect: halves[0], options: options)
        response.render(into: &grid, rect: halves[1], options: options)
    } else if charts.width >= 50 {      // both charts, side by side
        let halves = Layout.split(charts, .horizontal, [.fill(1), .fill(1)])
        signal.render(into: &grid, rect: halves[0], options: options)
        response.render(into: &grid, rect: Rect(x: halves[1].x + 1, y: halves[1].y, width: halves[1].width - 1,
                                                height: halves[1].height), options: options)
    } else {                            // the signal as two sparklines, the filter as the chart
        for (i, (name, values)) in [("in ", probe.before), ("out", probe.after)].enumerated() where charts.height >= 6 {
            grid.put(name, x: charts.x, y: charts.y + i, style: Style(bold: true), clip: charts)
            Sparkline(values: values, style: Style(fg: SeriesColor.blue))
                .render(into: &grid, rect: Rect(x: charts.x + 4, y: charts.y + i, width: charts.width - 4, height: 1), options: options)
        }
        if charts.height >= 6 { charts = Rect(x: charts.x, y: charts.y + 2, width: charts.width, height: charts.height - 2) }
        response.render(into: &grid, rect: charts, options: options)
    }
}

func drawTrainingPanel(_ state: ExplorerState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.training, options: options)
    // The wheel is the speed keys: up is + (more steps per frame), down is -.
    grid.addRegion(ClickRegion(rect: rect, wheelUp: [.char("+")], wheelDown: [.char("-")]))
    guard inner.height >= 2, inner.width >= 8 else { return }
    let (window, windowLabel) = state.chartRange()
    var h = state.history
    if window > h.firstStep {               // `z`: the recent window fills the chart
        let drop = window - h.firstStep
        h.loss = Array(h.loss.dropFirst(drop))
        h.accuracy = Array(h.accuracy.dropFirst(drop))
        h.firstStep = window
    }
    // After a toggle the last step's figures describe the model before it: "-" until a step
    // (or `e`, for held-out) measures the model on screen.
    let stale = state.trainingFiguresStale
    let held = state.heldOutStale ? "held-out - (e)"
        : h.heldOut.last.map { "held-out \(formatCompact(Double($0.accuracy))) @\($0.step)" } ?? "held-out -"
    let loss = stale ? "-" : h.loss.last.map { formatCompact(Double($0)) } ?? "-"
    let acc = stale ? "-" : h.accuracy.last.map { formatCompact(Double($0)) } ?? "-"
    let wide = inner.width >= 40
    let head = "loss \(loss)  acc \(acc)" + (wide ? "  \(held)" : "")
    grid.put(head, in: inner, row: 0, style: Style(bold: true))
    var bottom = inner.height - 1          // the next free row from the bottom
    // What is stale and what the charts span: beside the figures, else on a row of its own.
    let note = [stale || state.heldOutStale ? "stale: toggled" : nil, windowLabel].compactMap { $0 }.joined(separator: ", ")
    if !note.isEmpty, head.count + note.count + 4 <= inner.width {
        grid.put("(\(note))", x: inner.maxX - note.count - 2, y: inner.y, style: Style(dim: true))
    } else if !note.isEmpty, inner.height >= 8 {
        grid.put("(\(note))", in: inner, row: bottom, style: Style(dim: true))
        bottom -= 1
    }
    if inner.height >= 6, let g = state.lastStep?.layerGradNorms, state.layer < g.count {
        let line = "L\(state.layer + 1) grad \(stale ? "-" : formatCompact(Double(g[state.layer])))"
            + (wide ? "  lr \(formatCompact(Double(state.lastStep?.lr ?? 0)))" : "")
        grid.put(line, in: inner, row: bottom, style: Style(reverse: true))
        bottom -= 1
    }
    if !wide && inner.height >= 7 {
        grid.put(held, in: inner, row: bottom, style: Style(bold: true))
        bottom -= 1
    }
    let chartsHeight = bottom
    guard !h.loss.isEmpty else {
        grid.put("no training steps yet (Space or n)", in: inner, row: 1, style: Style(dim: true))
        return
    }
    let charts = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: chartsHeight)
    let lossChart = LineChart(series: [Series("loss", h.loss, style: Style(fg: SeriesColor.orange), glyph: "*")], xFirst: h.firstStep)
    let stacked = charts.height >= 10
    guard charts.width >= 40 || stacked else {     // small: the loss curve only (accuracy is in the text line)
        lossChart.render(into: &grid, rect: charts, options: options)
        return
    }
    let halves = Layout.split(charts, stacked ? .vertical : .horizontal, [.fill(1), .fill(1)])
    lossChart.render(into: &grid, rect: halves[0], options: options)
    let series = [Series("acc", h.accuracy, style: Style(fg: SeriesColor.blue), glyph: "o")]
    LineChart(series: series, yMin: 0, yMax: 1, xFirst: h.firstStep)
        .render(into: &grid, rect: stacked ? halves[1] : Rect(x: halves[1].x + 1, y: halves[1].y, width: halves[1].width - 1,
                                                               height: halves[1].height),
                options: options)
}
