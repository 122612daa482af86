// Horizontal bars, one labelled row each: per-layer gradient norms, update ratios, diffusion numbers against
// the stability limit. Bars use eighth blocks "█▉▊▋▌▍▎▏" for sub-cell precision (ASCII: whole "#" cells).
// Row layout: marker column ("▶"/">" on the highlighted row) · label · bar · value text. An optional second
// value is a "•"/"o" mark on the bar; an optional threshold is a "│"/"|" column on every row, and a bar
// beyond it turns red and its value text ends in "!" (so the alarm survives mono). Non-finite values draw "!".

public struct BarRow: Equatable, Sendable {
    public var label: String
    public var value: Float
    public var second: Float?

    public init(_ label: String, _ value: Float, second: Float? = nil) {
        self.label = label
        self.value = value
        self.second = second
    }
}

public struct BarChart: Equatable, Sendable {
    public var rows: [BarRow]
    public var maxValue: Float?     // full-width value (auto: max of values, seconds and threshold)
    public var minValue: Float?     // log scale only: the value at zero length (auto: smallest positive)
    public var logScale: Bool
    public var threshold: Float?
    public var highlightRow: Int?
    public var showValues: Bool
    public var style: Style

    public init(rows: [BarRow], maxValue: Float? = nil, minValue: Float? = nil, logScale: Bool = false,
                threshold: Float? = nil, highlightRow: Int? = nil, showValues: Bool = true,
                style: Style = Style(fg: SeriesColor.blue)) {
        self.rows = rows
        self.maxValue = maxValue
        self.minValue = minValue
        self.logScale = logScale
        self.threshold = threshold
        self.highlightRow = highlightRow
        self.showValues = showValues
        self.style = style
    }

    static let partials: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    func valueText(_ row: BarRow) -> String {
        var text = formatCompact(Double(row.value))
        if let s = row.second { text += "/" + formatCompact(Double(s)) }
        if let th = threshold, row.value.isFinite, th.isFinite, row.value > th { text += "!" }
        return text
    }

    /// The bar's scale: [lo, hi] in value units (log10 units under `logScale`), computed once per render.
    func scaleRange() -> (lo: Double, hi: Double) {
        var everything = rows.map(\.value) + rows.compactMap(\.second)
        if let threshold { everything.append(threshold) }
        let finite = everything.filter(\.isFinite).map(Double.init)
        if logScale {
            let positive = finite.filter { $0 > 0 }
            var hi = Math.log10(maxValue.map(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? (positive.max() ?? 1))
            var lo = Math.log10(minValue.map(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? (positive.min() ?? 1))
            if !(hi > lo) { lo = hi - 1 }
            if !hi.isFinite || !lo.isFinite || !(hi > lo) { hi = 1; lo = 0 }
            return (lo, hi)
        }
        var hi = maxValue.map(Double.init) ?? (finite.max() ?? 1)
        if !(hi > 0) || !hi.isFinite { hi = 1 }
        return (0, hi)
    }

    /// Position of `v` along the bar in [0, 1] for `range` from `scaleRange()`; nil when non-finite.
    func fraction(_ v: Float, _ range: (lo: Double, hi: Double)) -> Double? {
        guard v.isFinite else { return nil }
        if logScale {
            guard v > 0 else { return 0 }
            return min(1, max(0, (Math.log10(Double(v)) - range.lo) / (range.hi - range.lo)))
        }
        return min(1, max(0, Double(v) / range.hi))
    }

    /// The rows shown in `height` terminal rows (the highlighted one scrolled into view; the last line
    /// names the rest when they do not all fit).
    func window(height: Int) -> RowWindow { RowWindow(count: rows.count, height: height, highlight: highlightRow) }

    /// Which row is drawn on which terminal row of `rect` (what `render` draws there), for hit-testing.
    public func visibleRows(in rect: Rect) -> [(index: Int, y: Int)] {
        guard !rect.isEmpty else { return [] }
        return window(height: rect.height).shown.enumerated().map { y, index in (index, rect.y + y) }
    }

    public func render(into grid: inout Grid, rect: Rect, options: RenderOptions = .standard) {
        let clip = rect.intersection(grid.bounds)
        guard !clip.isEmpty, !rows.isEmpty else { return }
        let mode = options.colorMode
        let labelWidth = min(rows.map { displayText($0.label, options).count }.max() ?? 0, clip.width / 3)
        var valueWidth = showValues ? min(rows.map { valueText($0).count }.max() ?? 0, clip.width / 3) : 0
        var barWidth = clip.width - 1 - labelWidth - 1 - (valueWidth > 0 ? valueWidth + 1 : 0)
        if barWidth < 1 {
            valueWidth = 0
            barWidth = clip.width - 1 - labelWidth - 1
        }
        let window = window(height: clip.height)
        let barX = clip.x + 1 + labelWidth + 1
        let alarm = Style(fg: Palette.alarm, bold: true).downgraded(to: mode)
        let range = scaleRange()
        let thresholdColumn = threshold.flatMap { fraction($0, range) }.map { min(barWidth - 1, Int(($0 * Double(barWidth)).rounded(.down))) }

        if let line = window.noteLine(height: clip.height) {
            grid.put(window.note(labels: rows.map(\.label), width: clip.width - 1, options: options), x: clip.x + 1,
                     y: clip.y + line, style: Style(dim: true), clip: clip)
        }
        for (y, index) in window.shown.enumerated() {
            let row = rows[index]
            let ty = clip.y + y
            let highlighted = index == highlightRow
            if highlighted {
                grid.set(clip.x, ty, Cell(options.ascii ? ">" : "▶", Style(fg: Palette.accent, bold: true).downgraded(to: mode)), clip: clip)
            }
            grid.put(truncate(displayText(row.label, options), width: labelWidth), x: clip.x + 1, y: ty,
                     style: highlighted ? Style(reverse: true) : .plain,
                     clip: Rect(x: clip.x + 1, y: ty, width: labelWidth, height: 1).intersection(clip))
            let over = threshold.map { row.value.isFinite && $0.isFinite && row.value > $0 } ?? false
            var barStyle = over ? Style(fg: Palette.alarm) : style
            barStyle.bold = barStyle.bold || highlighted
            barStyle = barStyle.downgraded(to: mode)
            if barWidth >= 1 {
                let barClip = Rect(x: barX, y: ty, width: barWidth, height: 1).intersection(clip)
                if let t = fraction(row.value, range) {
                    drawBar(into: &grid, t: t, x: barX, y: ty, width: barWidth, style: barStyle, ascii: options.ascii, clip: barClip)
                } else {
                    grid.set(barX, ty, Cell("!", alarm), clip: barClip)
                }
                if let s = row.second, let t2 = fraction(s, range) {
                    let col = min(barWidth - 1, Int((t2 * Double(barWidth)).rounded(.down)))
                    grid.set(barX + col, ty, Cell(options.ascii ? "o" : "•", Style(bold: true)), clip: barClip)
                }
                if let tc = thresholdColumn {
                    grid.set(barX + tc, ty, Cell(options.ascii ? "|" : "│", Style(fg: Palette.marker, bold: true).downgraded(to: mode)), clip: barClip)
                }
            }
            if valueWidth > 0 {
                var text = valueText(row)
                if over && text.count > valueWidth {   // keep the alarm mark when the numbers must be cut
                    text = String(text.dropLast().prefix(max(0, valueWidth - 1))) + "!"
                }
                let valueRect = Rect(x: clip.maxX - valueWidth, y: ty, width: valueWidth, height: 1).intersection(clip)
                grid.put(truncate(text, width: valueWidth), in: valueRect, align: .right, style: over || !row.value.isFinite ? alarm : .plain)
            }
        }
    }

    private func drawBar(into grid: inout Grid, t: Double, x: Int, y: Int, width: Int, style: Style, ascii: Bool, clip: Rect) {
        if ascii {
            let cells = Int((t * Double(width)).rounded())
            for i in 0..<cells { grid.set(x + i, y, Cell("#", style), clip: clip) }
            return
        }
        let eighths = Int((t * Double(width) * 8).rounded())
        for i in 0..<(eighths / 8) { grid.set(x + i, y, Cell("█", style), clip: clip) }
        if eighths % 8 > 0 { grid.set(x + eighths / 8, y, Cell(BarChart.partials[eighths % 8], style), clip: clip) }
    }
}
