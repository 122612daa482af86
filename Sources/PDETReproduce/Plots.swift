// The reproduce report's figures, as SVG text computed from the CSV's rows alone (pure functions:
// the same rows give the same bytes). Two dot-and-whisker plots in the forest-plot style:
//
// - `forestPlotSVG`: Δ held-out accuracy against the baseline, per diffusion site, single-scale (s1)
//   and multi-scale (s124) side by side; per task the mean of the paired differences over seeds with
//   its 95% CI (paired t, as in the report's tables), and pooled over tasks (the report's estimate: the
//   equal-weight mean of the task means, Welch–Satterthwaite CI); the papers' figures
//   (+4.1 pp after the embedding, −2.5 pp after attention, both single-scale) marked on the pooled rows.
// - `dynamicsPlotSVG`: per variant and task, the last layer's drift 1 − cos(x_L, x_0) (mean, 95% CI)
//   and the RMS growth rms(x_L)/rms(x_0) (geometric mean and 95% CI of log10, on a log axis);
//   non-finite cells are counted on the row instead of being plotted.
//
// Tasks are told apart by shape as well as colour (Okabe–Ito colours: safe for colour-blind readers
// and in greyscale print). Elements carry classes (`ci`, `point`, `pooled`, `paper`, `nonfinite`)
// so tests and style sheets can find them.
import Foundation
import PDETCore
import PDETText

/// The papers' single-scale figures the forest plot marks, in percentage points.
public let paperAfterEmbeddingPP = 4.1
public let paperAfterAttentionPP = -2.5

/// Δ accuracy per site (s1 | s124): per task and pooled, mean and 95% CI of the paired differences.
public func forestPlotSVG(_ rows: [CellResult]) -> String {
    let data = PlotData(rows)
    let sites = DiffusionSite.allCases.filter { site in
        site != .off && (data.variants.contains(.pde(site, multiScale: false)) || data.variants.contains(.pde(site, multiScale: true)))
    }
    var plotRows: [PlotRow] = []
    var marks: [PlotMark] = []
    for site in sites {
        plotRows.append(PlotRow(label: site.rawValue, header: true, entries: [nil, nil]))
        for (k, task) in data.tasks.enumerated() {
            let entries = [false, true].map { multi -> PlotEntry? in
                let d = data.paired(.pde(site, multiScale: multi), task: task) { Double($0.accuracy) * 100 }
                return PlotEntry(MeanCI(d), marker: .task(k), nonFinite: d.filter { !$0.isFinite }.count)
            }
            plotRows.append(PlotRow(label: task.rawValue, header: false, entries: entries))
        }
        if data.tasks.count > 1 {
            let entries = [false, true].map { multi -> PlotEntry? in
                let groups = data.tasks.map { t in data.paired(.pde(site, multiScale: multi), task: t) { Double($0.accuracy) * 100 } }
                return PlotEntry(PooledEstimate(groups: groups, method: reportPooling), marker: .pooled)
            }
            plotRows.append(PlotRow(label: "pooled", header: false, entries: entries))
        }
        if site == .afterEmbedding { marks.append(PlotMark(row: plotRows.count - 1, panel: 0, value: paperAfterEmbeddingPP, label: "paper +4.1")) }
        if site == .afterAttention { marks.append(PlotMark(row: plotRows.count - 1, panel: 0, value: paperAfterAttentionPP, label: "paper −2.5")) }
    }
    let values = plotRows.flatMap { $0.entries.compactMap { $0 }.filter(\.hasPoint).flatMap { [$0.mean, $0.lower ?? $0.mean, $0.upper ?? $0.mean] } }
        + marks.map(\.value) + [0]
    let axis = PlotAxis(values: values, log: false)
    return dotPlotSVG(
        title: "Δ held-out accuracy against the baseline, per diffusion site",
        subtitle: "pp, 95% CI; per task: paired t over \(data.seedText)"
            + (data.tasks.count > 1 ? "; pooled: equal-weight mean of the \(data.tasks.count) task means, Welch df" : ""),
        rows: plotRows,
        panels: [PlotPanel(title: "single scale {1} (s1)", axis: axis, zeroLine: true),
                 PlotPanel(title: "multi-scale {1,2,4} (s124)", axis: axis, zeroLine: true)],
        marks: marks, tasks: data.tasks, pooledLegend: data.tasks.count > 1 ? "pooled over tasks" : nil)
}

/// Drift and RMS growth at the last layer per variant and task (mean / geometric mean, 95% CI).
public func dynamicsPlotSVG(_ rows: [CellResult]) -> String {
    let data = PlotData(rows)
    var plotRows: [PlotRow] = []
    var driftValues: [Double] = [0], growthValues: [Double] = [1]
    for variant in data.variants {
        plotRows.append(PlotRow(label: variant.name, header: true, entries: [nil, nil]))
        for (k, task) in data.tasks.enumerated() {
            let cells = data.seeds.compactMap { data.row(task, variant, $0) }
            guard !cells.isEmpty else { continue }
            let drift = PlotEntry(MeanCI(cells.map { Double($0.drift) }), marker: .task(k), nonFinite: cells.filter { !$0.drift.isFinite }.count)
            let logs = cells.map { Double($0.rmsGrowth) }.map { $0 > 0 && $0.isFinite ? Foundation.log10($0) : .nan }
            let bad = cells.filter { !($0.rmsGrowth.isFinite && $0.rmsGrowth > 0) || $0.nonFiniteStep > 0 }.count
            let growth = PlotEntry(MeanCI(logs), marker: .task(k), nonFinite: bad).scaled { Foundation.pow(10, $0) }
            driftValues += [drift.mean, drift.lower ?? drift.mean, drift.upper ?? drift.mean]
            growthValues += [growth.mean, growth.lower ?? growth.mean, growth.upper ?? growth.mean]
            plotRows.append(PlotRow(label: task.rawValue, header: false, entries: [drift, growth]))
        }
    }
    return dotPlotSVG(
        title: "Stabilisers: drift and RMS growth at the last layer, per variant",
        subtitle: "after training, held-out sequences; mean over \(data.seedText) with 95% CI (RMS growth: geometric)",
        rows: plotRows,
        panels: [PlotPanel(title: "drift 1 − cos(x_L, x_0)", axis: PlotAxis(values: driftValues, log: false), zeroLine: false),
                 PlotPanel(title: "RMS growth rms(x_L) / rms(x_0), log scale", axis: PlotAxis(values: growthValues, log: true),
                           zeroLine: false, reference: 1)],
        marks: [], tasks: data.tasks, pooledLegend: nil)
}

// MARK: data

/// The rows looked up by (task, variant, seed), in grid order.
struct PlotData {
    let tasks: [TaskKind]
    let variants: [Variant]
    let seeds: [UInt64]
    private var byKey: [String: CellResult] = [:]

    init(_ rows: [CellResult]) {
        tasks = TaskKind.allCases.filter { t in rows.contains { $0.task == t } }
        variants = Variant.all.filter { v in rows.contains { $0.variant == v } }
        seeds = Array(Set(rows.map(\.seed))).sorted()
        for r in rows { byKey["\(r.task.rawValue)|\(r.variant.name)|\(r.seed)"] = r }
    }

    func row(_ t: TaskKind, _ v: Variant, _ s: UInt64) -> CellResult? { byKey["\(t.rawValue)|\(v.name)|\(s)"] }

    /// f(variant) − f(baseline) for each seed of `task` where both cells exist.
    func paired(_ v: Variant, task: TaskKind, _ f: (CellResult) -> Double) -> [Double] {
        seeds.compactMap { s in
            guard let a = row(task, v, s), let b = row(task, .baseline, s) else { return nil }
            return f(a) - f(b)
        }
    }

    var seedText: String { seeds.count == 1 ? "1 seed" : "\(seeds.count) seeds" }
}

// MARK: the plot

enum PlotMarker: Equatable {
    case task(Int)     // the task's shape and colour
    case pooled        // a black diamond
}

struct PlotEntry {
    var mean: Double
    var lower: Double?      // nil: no CI (fewer than two finite values)
    var upper: Double?
    var n: Int
    var marker: PlotMarker
    var nonFinite: Int

    /// `nonFinite`: values left out of `s` because they were not finite (shown as a count on the row).
    init(_ s: MeanCI, marker: PlotMarker, nonFinite: Int = 0) {
        mean = s.mean
        lower = s.halfWidth.isFinite ? s.lower : nil
        upper = s.halfWidth.isFinite ? s.upper : nil
        n = s.n
        self.marker = marker
        self.nonFinite = nonFinite
    }

    /// A pooled estimate (no non-finite count: the per-task rows show those).
    init(_ s: PooledEstimate, marker: PlotMarker) {
        mean = s.estimate
        lower = s.halfWidth.isFinite ? s.lower : nil
        upper = s.halfWidth.isFinite ? s.upper : nil
        n = s.n
        self.marker = marker
        nonFinite = 0
    }

    /// A point to draw (at least one finite value).
    var hasPoint: Bool { n > 0 && mean.isFinite }

    /// The entry with `f` applied to its numbers (log10 values back to ratios).
    func scaled(_ f: (Double) -> Double) -> PlotEntry {
        var e = self
        e.mean = f(mean)
        e.lower = lower.map(f)
        e.upper = upper.map(f)
        return e
    }
}

struct PlotRow {
    var label: String
    var header: Bool            // a group's title row (bold, no entries)
    var entries: [PlotEntry?]   // one per panel
}

struct PlotMark {
    var row: Int
    var panel: Int
    var value: Double
    var label: String
}

struct PlotPanel {
    var title: String
    var axis: PlotAxis
    var zeroLine: Bool
    var reference: Double? = nil   // a solid line at this value (1 for a ratio)
}

/// A linear or log10 axis over the values (padded by 5%), with "nice" ticks.
struct PlotAxis {
    let lo: Double
    let hi: Double
    let log: Bool

    init(values: [Double], log: Bool) {
        self.log = log
        let finite = values.filter { $0.isFinite && (!log || $0 > 0) }.map { log ? Foundation.log10($0) : $0 }
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if hi - lo < 1e-9 { lo -= 0.5; hi += 0.5 }
        let pad = (hi - lo) * 0.05
        self.lo = lo - pad
        self.hi = hi + pad
    }

    /// Position in [0, 1] (clamped).
    func fraction(_ v: Double) -> Double {
        let t = log ? (v > 0 ? Foundation.log10(v) : lo) : v
        return min(1, max(0, (t - lo) / (hi - lo)))
    }

    /// Tick values and their labels: 1-2-5 steps; on a log axis powers of ten (and 2 and 5 times them
    /// when the axis spans two decades or less).
    var ticks: [(value: Double, label: String)] {
        let span = hi - lo
        if log {
            var out: [(Double, String)] = []
            for decade in Int(lo.rounded(.down))...Int(hi.rounded(.up)) {
                for m in span > 2 ? [1.0] : [1, 2, 5] {
                    let v = m * Foundation.pow(10, Double(decade))
                    let t = Foundation.log10(v)
                    if t >= lo - 1e-9 && t <= hi + 1e-9 { out.append((v, plotNumber(v))) }
                }
            }
            return out
        }
        let rough = span / 8
        let magnitude = Foundation.pow(10, (Foundation.log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        var out: [(Double, String)] = []
        var k = (lo / step).rounded(.up)
        while k * step <= hi + step * 1e-9 {
            out.append((k * step, plotNumber(k * step, step: step)))
            k += 1
        }
        return out
    }
}

/// A tick label: as few decimals as the step needs ("-0.0" written "0.0").
func plotNumber(_ v: Double, step: Double? = nil) -> String {
    let decimals: Int
    if let step {
        decimals = step >= 1 ? 0 : Int((-Foundation.log10(step)).rounded(.up))
    } else {
        decimals = v >= 1 ? 0 : Int((-Foundation.log10(v)).rounded(.up))
    }
    let text = String(format: "%.\(min(6, max(0, decimals)))f", v)
    return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
}

/// Okabe–Ito colours for tasks 1…6 and the pooled / paper marks.
let taskColors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
let paperColor = "#C00000"

/// Coordinates with one decimal (fixed format: deterministic bytes).
func px(_ v: Double) -> String {
    let text = String(format: "%.1f", v)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}

/// The marker's SVG at (x, y); `legend` ones are classed apart from the data's points.
func markerSVG(_ marker: PlotMarker, x: Double, y: Double, legend: Bool = false) -> String {
    let point = legend ? "legend" : "point"
    switch marker {
    case .pooled:
        return "<path class=\"\(point)\(legend ? "" : " pooled")\" d=\"M\(px(x)) \(px(y - 5.5))L\(px(x + 5.5)) \(px(y))L\(px(x)) \(px(y + 5.5))L\(px(x - 5.5)) \(px(y))Z\" fill=\"#000000\"/>"
    case .task(let k):
        let color = taskColors[k % taskColors.count]
        switch k % 4 {
        case 0: return "<circle class=\"\(point)\" cx=\"\(px(x))\" cy=\"\(px(y))\" r=\"3.5\" fill=\"\(color)\"/>"
        case 1: return "<rect class=\"\(point)\" x=\"\(px(x - 3.2))\" y=\"\(px(y - 3.2))\" width=\"6.4\" height=\"6.4\" fill=\"\(color)\"/>"
        case 2: return "<path class=\"\(point)\" d=\"M\(px(x)) \(px(y - 4.2))L\(px(x + 4.2)) \(px(y + 3.2))L\(px(x - 4.2)) \(px(y + 3.2))Z\" fill=\"\(color)\"/>"
        default: return "<path class=\"\(point)\" d=\"M\(px(x)) \(px(y + 4.2))L\(px(x + 4.2)) \(px(y - 3.2))L\(px(x - 4.2)) \(px(y - 3.2))Z\" fill=\"\(color)\"/>"
        }
    }
}

func markerColor(_ marker: PlotMarker) -> String {
    if case .task(let k) = marker { return taskColors[k % taskColors.count] }
    return "#000000"
}

/// Labels down the left, one column per panel with its axis, an entry per row and panel, marks, legend.
func dotPlotSVG(title: String, subtitle: String, rows: [PlotRow], panels: [PlotPanel], marks: [PlotMark],
                tasks: [TaskKind], pooledLegend: String?) -> String {
    let labelWidth = 190.0, panelWidth = 260.0, gap = 24.0, rowHeight = 18.0
    let top = 74.0, left = 16.0
    let width = left + labelWidth + Double(panels.count) * (panelWidth + gap) + 8
    let plotHeight = Double(rows.count) * rowHeight
    let axisY = top + plotHeight + 4
    let legendY = axisY + 40
    let height = legendY + 24
    func panelX(_ p: Int) -> Double { left + labelWidth + Double(p) * (panelWidth + gap) }
    func rowY(_ r: Int) -> Double { top + (Double(r) + 0.5) * rowHeight }

    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(px(width))\" height=\"\(px(height))\" viewBox=\"0 0 \(px(width)) \(px(height))\""
        + " font-family=\"DejaVu Sans,Helvetica,Arial,sans-serif\" font-size=\"12\">\n"
    out += "<title>\(xmlEscaped(title))</title>\n"
    out += "<rect width=\"\(px(width))\" height=\"\(px(height))\" fill=\"#ffffff\"/>\n"
    out += "<text x=\"\(px(left))\" y=\"22\" font-size=\"15\" font-weight=\"bold\">\(xmlEscaped(title))</text>\n"
    out += "<text x=\"\(px(left))\" y=\"40\" fill=\"#444444\">\(xmlEscaped(subtitle))</text>\n"

    // Zebra bands for the groups, so the eye follows a row across both panels.
    var group = -1
    for (r, row) in rows.enumerated() {
        if row.header { group += 1 }
        if group % 2 == 1 {
            out += "<rect x=\"\(px(left))\" y=\"\(px(top + Double(r) * rowHeight))\" width=\"\(px(width - left - 8))\" height=\"\(px(rowHeight))\" fill=\"#f2f2f2\"/>\n"
        }
    }
    for (r, row) in rows.enumerated() {
        let indent = row.header ? 0.0 : 14.0
        out += "<text x=\"\(px(left + indent))\" y=\"\(px(rowY(r) + 4))\"\(row.header ? " font-weight=\"bold\"" : "")>\(xmlEscaped(row.label))</text>\n"
    }
    for (p, panel) in panels.enumerated() {
        let x0 = panelX(p)
        func x(_ v: Double) -> Double { x0 + panel.axis.fraction(v) * panelWidth }
        out += "<text x=\"\(px(x0 + panelWidth / 2))\" y=\"\(px(top - 10))\" text-anchor=\"middle\" font-weight=\"bold\">\(xmlEscaped(panel.title))</text>\n"
        out += "<rect x=\"\(px(x0))\" y=\"\(px(top))\" width=\"\(px(panelWidth))\" height=\"\(px(plotHeight))\" fill=\"none\" stroke=\"#999999\"/>\n"
        for tick in panel.axis.ticks {
            let tx = x(tick.value)
            out += "<line x1=\"\(px(tx))\" y1=\"\(px(top))\" x2=\"\(px(tx))\" y2=\"\(px(axisY))\" stroke=\"#dddddd\"/>\n"
            out += "<text x=\"\(px(tx))\" y=\"\(px(axisY + 14))\" text-anchor=\"middle\" fill=\"#444444\">\(xmlEscaped(tick.label))</text>\n"
        }
        if let reference = panel.reference ?? (panel.zeroLine ? 0 : nil) {
            out += "<line class=\"reference\" x1=\"\(px(x(reference)))\" y1=\"\(px(top))\" x2=\"\(px(x(reference)))\" y2=\"\(px(top + plotHeight))\" stroke=\"#555555\"/>\n"
        }
        for (r, row) in rows.enumerated() where p < row.entries.count {
            guard let e = row.entries[p] else { continue }
            let y = rowY(r), color = markerColor(e.marker)
            if !e.hasPoint && e.nonFinite == 0 {
                out += "<text x=\"\(px(x0 + 6))\" y=\"\(px(y + 4))\" fill=\"#888888\">n/a</text>\n"
            }
            if e.hasPoint, let lo = e.lower, let hi = e.upper {
                let width = e.marker == .pooled ? "2.2" : "1.5"
                out += "<path class=\"ci\" d=\"M\(px(x(lo))) \(px(y))H\(px(x(hi)))M\(px(x(lo))) \(px(y - 3))V\(px(y + 3))M\(px(x(hi))) \(px(y - 3))V\(px(y + 3))\""
                    + " stroke=\"\(color)\" stroke-width=\"\(width)\" fill=\"none\"/>\n"
            }
            if e.hasPoint { out += markerSVG(e.marker, x: x(e.mean), y: y) + "\n" }
            if e.nonFinite > 0 {
                out += "<text class=\"nonfinite\" x=\"\(px(x0 + panelWidth - 4))\" y=\"\(px(y + 4))\" text-anchor=\"end\" fill=\"\(paperColor)\">"
                    + "\(e.nonFinite) non-finite</text>\n"
            }
        }
        for mark in marks where mark.panel == p {
            let mx = x(mark.value), y = rowY(mark.row)
            out += "<line class=\"paper\" x1=\"\(px(mx))\" y1=\"\(px(y - rowHeight / 2 + 1))\" x2=\"\(px(mx))\" y2=\"\(px(y + rowHeight / 2 - 1))\""
                + " stroke=\"\(paperColor)\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>\n"
            let anchorEnd = mark.value > (panel.axis.log ? 1 : 0)
            out += "<text x=\"\(px(mx + (anchorEnd ? -5 : 5)))\" y=\"\(px(y - 3))\" font-size=\"10\" fill=\"\(paperColor)\"\(anchorEnd ? " text-anchor=\"end\"" : "")>"
                + "\(xmlEscaped(mark.label))</text>\n"
        }
    }

    // Legend: the task markers, the pooled diamond, the paper's mark.
    var lx = left
    for (k, task) in tasks.enumerated() {
        out += markerSVG(.task(k), x: lx + 5, y: legendY - 4, legend: true) + "\n"
        out += "<text x=\"\(px(lx + 14))\" y=\"\(px(legendY))\">\(xmlEscaped(task.rawValue))</text>\n"
        lx += 22 + Double(task.rawValue.count) * 7.5
    }
    if let pooledLegend {
        out += markerSVG(.pooled, x: lx + 5, y: legendY - 4, legend: true) + "\n"
        out += "<text x=\"\(px(lx + 14))\" y=\"\(px(legendY))\">\(xmlEscaped(pooledLegend))</text>\n"
        lx += 22 + Double(pooledLegend.count) * 7
    }
    if !marks.isEmpty {
        out += "<line x1=\"\(px(lx + 5))\" y1=\"\(px(legendY - 11))\" x2=\"\(px(lx + 5))\" y2=\"\(px(legendY + 3))\" stroke=\"\(paperColor)\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>\n"
        out += "<text x=\"\(px(lx + 14))\" y=\"\(px(legendY))\">the paper's single-scale figure</text>\n"
    }
    out += "</svg>\n"
    return out
}
