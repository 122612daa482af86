// The panels in simulator mode. The layout is the discrete model's: the left panel becomes the
// Trajectory (the space-time picture of a PDE simulation: time down, tokens across, each token's
// rms), Norms draws the rms over time, Drift tabulates drift / update / rank / uniformity over time
// (the layer table with time instead of depth), and the Diffusion panel becomes Convergence (the
// difference between the trajectory at dt and at dt/2, and its ratio against 2^order).
import Foundation
import PDETCore
import PDETRender

extension PanelTitle {
    public static let trajectory = "Trajectory"
    public static let convergence = "Convergence"
}

/// Below this relative difference the trajectories agree to Float32 rounding (B·T·C sums of ~1e-7 errors).
let convergenceFloor: Float = 1e-5

/// "t 0.25" labels for the points' times.
private func timeLabel(_ t: Float) -> String { formatCompact(Double(t)) }

/// At most `count` indices of 0..<n spread evenly, always with the first and the last; `keep` too.
func evenlySpaced(_ n: Int, count: Int, keep: Int? = nil) -> [Int] {
    guard n > 0, count > 0 else { return [] }
    guard n > count else { return Array(0..<n) }
    guard count > 1 else { return [n - 1] }
    var picked = Set((0..<count).map { Int((Double($0) * Double(n - 1) / Double(count - 1)).rounded()) })
    if let keep, keep >= 0, keep < n, !picked.contains(keep) {
        // Replace the nearest pick that is not an end point, so the count stays.
        if let drop = picked.filter({ $0 != 0 && $0 != n - 1 }).min(by: { abs($0 - keep) < abs($1 - keep) }) {
            picked.remove(drop)
        }
        picked.insert(keep)
    }
    return picked.sorted()
}

private func noSimulation(_ state: ExplorerState, into grid: inout Grid, inner: Rect) {
    grid.put("no simulation yet", in: inner, row: inner.height / 2, align: .center, style: Style(dim: true))
}

private func nonFiniteText(_ sim: SimulationView) -> String? {
    guard let n = sim.nonFiniteStep else { return nil }
    return "! non-finite at t = \(timeLabel(Float(n) * sim.config.dt)) (step \(n))"
}

func drawTrajectoryPanel(_ state: ExplorerState, _ sim: SimulatorState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.trajectory, options: options)
    guard inner.height >= 4, inner.width >= 8 else { return }
    guard let sim = sim.simulation, let first = sim.points.first, !first.tokenRms.isEmpty else {
        noSimulation(state, into: &grid, inner: inner)
        return
    }
    grid.put("row 1, rms of each token: time ↓  tokens →", in: inner, row: 0, style: Style(bold: true), options: options)
    var top = 1
    if let bad = nonFiniteText(sim) {
        grid.put(bad, in: inner, row: 1, style: Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode), options: options)
        top = 2
    }
    let map = trajectoryHeatmap(sim, tokenLabels: state.tokenLabels)
    map.render(into: &grid, rect: Rect(x: inner.x, y: inner.y + top, width: inner.width, height: inner.height - top - 1),
               options: options)
    drawTrajectoryLegend(map, into: &grid, rect: Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1), options: options)
}

/// The trajectory's colour bar: its range in log10 units, autoscaled to the run (a blow-up and a quiet
/// start share one picture), and says so: "-1.2 ▁…█ 0.4 log10 rms, autoscaled".
func drawTrajectoryLegend(_ map: Heatmap, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let note = "log10 rms, autoscaled"
    drawColorBar(into: &grid, rect: Rect(x: rect.x, y: rect.y, width: min(rect.width, 36 + note.count), height: 1),
                 normalizer: map.normalizer, options: options, note: note)
}

/// Time down, tokens across: log10 of each token's rms (row 1), so that a blow-up and a quiet start
/// share one picture; the rows after a non-finite state are absent, its own row is marked.
func trajectoryHeatmap(_ sim: SimulationView, tokenLabels: [String], columnLabelRows: Int = 2) -> Heatmap {
    let T = sim.points.first?.tokenRms.count ?? 0
    let values = sim.points.flatMap { p in
        (0..<T).map { t -> Float in
            let v = t < p.tokenRms.count ? p.tokenRms[t] : .nan
            return v.isFinite && v > 0 ? Float(log10(Double(v))) : (v == 0 ? -30 : v)
        }
    }
    return Heatmap(rows: sim.points.count, cols: T, values: values, scale: .sequential, reduce: .max,
                   rowLabels: sim.points.map { "t " + timeLabel($0.time) },
                   colLabels: (0..<T).map { $0 < tokenLabels.count ? tokenLabels[$0] : "" },
                   highlightRow: sim.nonFiniteStep, maxColumnLabelRows: columnLabelRows, squareCells: false)
}

/// The split view's pane in simulator mode: the trajectory picture and its rms / drift over time.
func drawPaneSimulation(_ s: ExplorerState, _ shown: SimulatorState, into grid: inout Grid, heat: Rect, table: Rect, options: RenderOptions) {
    guard let sim = shown.simulation, !sim.points.isEmpty, heat.height >= 2 else {
        grid.put("no simulation yet", in: heat, row: 0, style: Style(dim: true))
        return
    }
    let title = nonFiniteText(sim) ?? "trajectory: time ↓ tokens →, log10 rms"
    grid.put(title, in: heat, row: 0,
             style: sim.nonFiniteStep == nil ? Style(bold: true) : Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode), options: options)
    let map = trajectoryHeatmap(sim, tokenLabels: s.tokenLabels, columnLabelRows: 1)
    let legendRows = heat.height >= 6 ? 1 : 0
    map.render(into: &grid, rect: Rect(x: heat.x, y: heat.y + 1, width: heat.width, height: heat.height - 1 - legendRows), options: options)
    if legendRows > 0 {
        drawTrajectoryLegend(map, into: &grid, rect: Rect(x: heat.x, y: heat.maxY - 1, width: heat.width, height: 1), options: options)
    }
    guard table.height >= 2, table.width >= 8 else { return }
    let shown = evenlySpaced(sim.points.count, count: table.height - 1, keep: sim.nonFiniteStep)
    let rows = shown.map { n -> [String] in
        let p = sim.points[n]
        return [timeLabel(p.time), tableNumber(p.metrics.rms, digits: 2), tableNumber(p.metrics.drift, digits: 3)]
    }
    Table(columns: [TableColumn("t", width: 5), TableColumn("rms", align: .right), TableColumn("drift", align: .right)],
          rows: rows, highlightRow: sim.nonFiniteStep.flatMap { shown.firstIndex(of: $0) })
        .render(into: &grid, rect: table, options: options)
}

/// A simulating pane's options for the split view's header: "SIM" then each option, a "*" on those
/// that differ from the other pane's simulator (all of them when the other pane is discrete).
func simulatorPaneItems(_ s: ExplorerState, other: ExplorerState) -> [HeaderItem] {
    guard let c = s.shownSimulator?.config else { return [] }
    let o = other.shownSimulator?.config
    var items = [HeaderItem(text: "SIM", style: Style(bold: true, reverse: true))]
    func add(_ text: String, differs: Bool) {
        items.append(HeaderItem(text: (differs ? "*" : "") + text, style: differs ? Style(bold: true, reverse: true) : Style(bold: true)))
    }
    add(c.integrator.rawValue, differs: o.map { $0.integrator != c.integrator } ?? false)
    add("dt \(formatCompact(Double(c.dt)))×\(c.steps)", differs: o.map { $0.dt != c.dt || $0.steps != c.steps } ?? false)
    add(c.weightTied ? "tied" : "per-layer", differs: o.map { $0.weightTied != c.weightTied } ?? false)
    add("x+=dt·F \(c.residual ? "on" : "OFF")", differs: o.map { $0.residual != c.residual } ?? false)
    add("LN \(c.layerNorm ? "on" : "OFF")", differs: o.map { $0.layerNorm != c.layerNorm } ?? false)
    if c.diffusion > 0 || (o.map { $0.diffusion != c.diffusion } ?? false) {
        add("D \(formatCompact(Double(c.diffusion)))", differs: o.map { $0.diffusion != c.diffusion } ?? false)
    }
    return items
}

func drawSimulatorNormsPanel(_ state: ExplorerState, _ sim: SimulatorState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.norms, options: options)
    guard inner.height >= 3, inner.width >= 8 else { return }
    guard let sim = sim.simulation, let first = sim.points.first, let last = sim.points.last else {
        noSimulation(state, into: &grid, inner: inner)
        return
    }
    let growth = last.metrics.rms / first.metrics.rms
    let head = "rms \(formatCompact(Double(first.metrics.rms))) → \(formatCompact(Double(last.metrics.rms)))"
        + " (×\(formatCompact(Double(growth)))) by t \(timeLabel(last.time))"
    grid.put(head, in: inner, row: 0, style: Style(bold: true), options: options)
    let footer = Rect(x: inner.x, y: inner.maxY - 1, width: inner.width, height: 1)
    if let bad = nonFiniteText(sim) {
        grid.put(bad, in: footer, style: Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode), options: options)
    } else {
        let long = "x: step n (t = n·dt)  \(sim.evaluations) evals of F, \(sim.rows) rows"
        let cost = long.count <= inner.width ? long : "x: step n (t = n·dt)"
        grid.put(cost, in: footer, style: Style(dim: true), options: options)
    }
    guard inner.height >= 5 else { return }
    let chart = LineChart(series: [Series("rms, log10 axis", sim.points.map(\.metrics.rms), style: Style(fg: SeriesColor.orange), glyph: "*")],
                          logY: true)
    chart.render(into: &grid, rect: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 2), options: options)
}

func drawSimulatorDriftPanel(_ state: ExplorerState, _ sim: SimulatorState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.drift, options: options)
    guard inner.height >= 2, inner.width >= 8 else { return }
    guard let sim = sim.simulation, !sim.points.isEmpty else {
        noSimulation(state, into: &grid, inner: inner)
        return
    }
    let legendRows = inner.height >= 6 ? 1 : 0
    let shown = evenlySpaced(sim.points.count, count: inner.height - 1 - legendRows, keep: sim.nonFiniteStep)
    let narrow = inner.width < 36
    let digits = narrow ? 2 : 3
    let rows = shown.map { n -> [String] in
        let p = sim.points[n]
        let m = p.metrics
        let rank = tableNumber(m.rankCollapse, digits: digits) + (m.rankCollapse < 0.05 ? "!" : "")
        return [timeLabel(p.time), tableNumber(m.drift, digits: digits), tableNumber(m.updateRatio, digits: digits), rank,
                tableNumber(m.uniformity, digits: digits)]
    }
    var columns = [TableColumn("t", width: 6), TableColumn("drift", align: .right), TableColumn("update", align: .right),
                   TableColumn("rank", align: .right), TableColumn("unif", align: .right)]
    if narrow {
        columns.removeLast()
        columns[2].title = "upd"
    }
    let highlight = sim.nonFiniteStep.flatMap { shown.firstIndex(of: $0) }
    Table(columns: columns, rows: rows, highlightRow: highlight)
        .render(into: &grid, rect: Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - legendRows), options: options)
    if legendRows > 0 {
        let long = "drift = 1−cos(x(t), x(0))  update per step"
        grid.put(long.count <= inner.width ? long : "drift vs x(0)", in: inner, row: inner.height - 1,
                 style: Style(dim: true), options: options)
    }
}

func drawConvergencePanel(_ state: ExplorerState, _ sim: SimulatorState, into grid: inout Grid, rect: Rect, options: RenderOptions) {
    let inner = drawPanel(into: &grid, rect: rect, title: PanelTitle.convergence, options: options)
    guard inner.height >= 3, inner.width >= 8 else { return }
    let c = sim.config
    let alarm = Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode)
    var row = 0
    func line(_ text: String, _ style: Style = .plain) {
        guard row < inner.height else { return }
        grid.put(text, in: inner, row: row, style: style, options: options)
        row += 1
    }
    let title = "‖x(dt) − x(dt/2)‖ rel. at t \(timeLabel(c.finalTime))"
    line(title.count <= inner.width ? title : "x(dt) vs x(dt/2) at t \(timeLabel(c.finalTime))", Style(bold: true))
    let current = sim.convergence.map { $0.config == c && $0.modelStep == state.step } ?? false
    if let conv = sim.convergence, conv.config == c {
        let ratios = conv.ratios
        for (i, r) in conv.rows.enumerated() {
            let ratio = i < ratios.count ? "  ratio \(formatCompact(Double(ratios[i])))" : ""
            line("  dt \(formatCompact(Double(r.dt)))".padding(toLength: 12, withPad: " ", startingAt: 0)
                 + "diff \(formatCompact(Double(r.difference)))" + ratio)
        }
        let expected = 1 << c.integrator.order
        if !c.residual {
            line("residual off: x ← F(x) has no dt, no limit", Style(bold: true))
        } else if let finest = conv.rows.last?.difference, finest.isFinite, finest < convergenceFloor {
            // Float32 states: differences below ~1e-5 are rounding, their ratios mean nothing.
            line("converged to float rounding (< 1e-5)", Style(bold: true))
        } else if let r = ratios.last, r.isFinite, r > 0 {
            let order = log2(Double(r))
            let ok = abs(order - Double(c.integrator.order)) < 0.5
            line("order ≈ \(formatCompact(order)) (\(c.integrator.rawValue): \(c.integrator.order), ratio \(expected))",
                 ok ? Style(bold: true) : alarm)
        } else {
            line("no convergence (non-finite or zero)", alarm)
        }
        if !current { line("from step \(conv.modelStep); v recomputes", Style(dim: true)) }
    } else {
        line("v: compute (\(convergenceCost(c)) evaluations)", Style(dim: true))
    }
    let courant = c.dt * c.diffusion
    if c.diffusion > 0 {
        let unstable = courant > c.integrator.diffusionStabilityLimit, limit = c.integrator.diffusionStabilityLimitText
        let method = c.integrator == .euler ? "Euler" : c.integrator.displayName
        line("dt·D \(formatCompact(Double(courant))) "
                + (unstable ? "> \(limit): \(method) on D·Δx unstable" : "≤ \(limit): diffusion stable"),
             unstable ? alarm : Style(dim: true))
    } else if row < inner.height {
        line("D 0: no diffusion term (k / K)", Style(dim: true))
    }
}
