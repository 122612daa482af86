// A line chart of several series against their index (training curves: loss, validation loss, gradient norm).
// Points are plotted with braille dots (2x4 dots per cell, consecutive points joined) or, under ASCII — and
// under mono when more than one series would otherwise be told apart only by colour — with each series' glyph,
// one point per cell. Layout: y labels (max on the top plot row, min on the bottom one) and a "│" axis on the
// left; a "└───" axis and the x range "xFirst … xFirst+n-1" below; a legend line "glyph name" per series at the bottom.
// Values outside a given y range are drawn at the edge. Non-finite points (and points ≤ 0 under log-y) are
// skipped, break the line, and leave a red "!" at their column on the top row (NaN, +Inf) or bottom row.

public struct Series: Equatable, Sendable {
    public var name: String
    public var values: [Float]     // y at x = 0, 1, 2, …
    public var style: Style
    public var glyph: Character    // the point glyph in ASCII/mono mode, and the legend mark

    public init(_ name: String, _ values: [Float], style: Style = .plain, glyph: Character = "*") {
        self.name = name
        self.values = values
        self.style = style
        self.glyph = glyph
    }
}

public struct LineChart: Equatable, Sendable {
    public var series: [Series]
    public var yMin: Float?
    public var yMax: Float?
    public var logY: Bool
    public var xCount: Int?        // x positions across the plot (auto: the longest series)
    public var xFirst: Int         // the x label of index 0 (e.g. the training step of the oldest kept value)
    public var showLegend: Bool

    public init(series: [Series], yMin: Float? = nil, yMax: Float? = nil, logY: Bool = false,
                xCount: Int? = nil, xFirst: Int = 0, showLegend: Bool = true) {
        self.series = series
        self.yMin = yMin
        self.yMax = yMax
        self.logY = logY
        self.xCount = xCount
        self.xFirst = xFirst
        self.showLegend = showLegend
    }

    /// The plotted y range (in log10 units under `logY`).
    func yRange() -> (lo: Double, hi: Double) {
        var lo = Double.infinity, hi = -Double.infinity
        for s in series {
            for v in s.values {
                guard let t = transform(v) else { continue }
                lo = min(lo, t)
                hi = max(hi, t)
            }
        }
        if !lo.isFinite { lo = 0; hi = 1 }
        if let yMin, let t = transform(yMin) { lo = t }
        if let yMax, let t = transform(yMax) { hi = t }
        if !(hi > lo) {   // one value, or a given range upside down: pad around lo (relative for huge values)
            let pad = max(0.5, abs(lo) * 1e-3)
            lo -= pad
            hi = lo + 2 * pad
        }
        if !(hi > lo) || !(hi - lo).isFinite {
            lo = 0
            hi = 1
        }
        return (lo, hi)
    }

    /// y in plotting units, nil when it cannot be plotted.
    func transform(_ v: Float) -> Double? {
        guard v.isFinite else { return nil }
        if logY { return v > 0 ? Math.log10(Double(v)) : nil }
        return Double(v)
    }

    public func render(into grid: inout Grid, rect: Rect, options: RenderOptions = .standard) {
        let clip = rect.intersection(grid.bounds)
        guard !clip.isEmpty else { return }
        let mode = options.colorMode
        let legendRows = showLegend && !series.isEmpty && clip.height >= 4 ? 1 : 0
        let axisRows = clip.height - legendRows >= 4 ? 2 : 0   // axes only when the plot keeps ≥ 2 rows
        let plotH = clip.height - legendRows - axisRows
        let (lo, hi) = yRange()
        let topLabel = formatCompact(logY ? Math.pow(10, hi) : hi)
        let bottomLabel = formatCompact(logY ? Math.pow(10, lo) : lo)
        var labelWidth = max(topLabel.count, bottomLabel.count)
        if clip.width < labelWidth + 3 { labelWidth = 0 }
        let axisWidth = clip.width >= 3 ? 1 : 0
        let plotX = clip.x + labelWidth + axisWidth
        let plotW = clip.width - labelWidth - axisWidth
        guard plotH >= 1, plotW >= 1 else { return }
        let axisStyle = Style(fg: Palette.muted).downgraded(to: mode)

        // Axes and labels.
        if axisWidth > 0 {
            for y in 0..<plotH { grid.set(plotX - 1, clip.y + y, Cell(options.ascii ? "|" : "│", axisStyle), clip: clip) }
        }
        if labelWidth > 0 {
            let labels = Rect(x: clip.x, y: clip.y, width: labelWidth, height: plotH)
            grid.put(topLabel, in: labels, row: 0, align: .right)
            if plotH > 1 { grid.put(bottomLabel, in: labels, row: plotH - 1, align: .right) }
        }
        let n = max(0, xCount ?? (series.map(\.values.count).max() ?? 0))
        if axisRows == 2 {
            let axisY = clip.y + plotH
            if axisWidth > 0 { grid.set(plotX - 1, axisY, Cell(options.ascii ? "+" : "└", axisStyle), clip: clip) }
            for x in 0..<plotW { grid.set(plotX + x, axisY, Cell(options.ascii ? "-" : "─", axisStyle), clip: clip) }
            let ticks = Rect(x: plotX, y: axisY + 1, width: plotW, height: 1).intersection(clip)
            if n > 0 {
                let first = String(xFirst), last = String(xFirst &+ (n - 1))
                grid.put(first, in: ticks)
                if n > 1 && plotW > first.count + last.count { grid.put(last, in: ticks, align: .right) }
            }
        }
        if legendRows > 0 {
            var x = clip.x
            for s in series {
                let style = s.style.downgraded(to: mode)
                x += grid.put(displayText(String(s.glyph) + " " + s.name, options), x: x, y: clip.maxY - 1, style: style, clip: clip) + 2
            }
        }

        // Points.
        let plot = Rect(x: plotX, y: clip.y, width: plotW, height: plotH).intersection(clip)
        let braille = !options.ascii && (mode != .mono || series.count <= 1)
        let dotsX = braille ? 2 : 1, dotsY = braille ? 4 : 1
        let pixelW = plotW * dotsX, pixelH = plotH * dotsY
        func px(_ i: Int) -> Int {
            n <= 1 ? 0 : min(pixelW - 1, Int((Double(i) * Double(pixelW - 1) / Double(n - 1)).rounded()))
        }
        func py(_ t: Double) -> Int {
            let f = (hi - min(hi, max(lo, t))) / (hi - lo)
            return min(pixelH - 1, max(0, Int((f * Double(pixelH - 1)).rounded())))
        }
        var dots = [UInt8](repeating: 0, count: plotW * plotH)       // braille bits per cell, (plotH, plotW)
        var owner = [Int](repeating: -1, count: plotW * plotH)       // series that last touched the cell
        var markers: [(x: Int, top: Bool)] = []
        for (k, s) in series.enumerated() {
            var previous: (Int, Int)?
            for (i, v) in s.values.enumerated() where i < n {
                guard let t = transform(v) else {
                    markers.append((px(i) / dotsX, !(v == -.infinity || (logY && v.isFinite))))
                    previous = nil
                    continue
                }
                let point = (px(i), py(t))
                if braille {
                    for (x, y) in segment(from: previous ?? point, to: point) {
                        let cell = (y / 4) * plotW + x / 2
                        dots[cell] |= brailleBit(x % 2, y % 4)
                        owner[cell] = k
                    }
                } else {
                    grid.set(plotX + point.0, clip.y + point.1, Cell(printable(displayText(String(s.glyph), options).first ?? "*"), s.style.downgraded(to: mode)), clip: plot)
                }
                previous = point
            }
        }
        if braille {
            for cell in 0..<(plotW * plotH) where dots[cell] != 0 {
                let ch = Character(Unicode.Scalar(0x2800 + UInt32(dots[cell]))!)
                grid.set(plotX + cell % plotW, clip.y + cell / plotW,
                         Cell(ch, series[owner[cell]].style.downgraded(to: mode)), clip: plot)
            }
        }
        let alarm = Style(fg: Palette.alarm, bold: true).downgraded(to: mode)
        for m in markers {
            grid.set(plotX + m.x, clip.y + (m.top ? 0 : plotH - 1), Cell("!", alarm), clip: plot)
        }
    }
}

/// The braille dot bit for dot column `dx` (0–1) and row `dy` (0–3) of a cell (Unicode braille numbering).
func brailleBit(_ dx: Int, _ dy: Int) -> UInt8 {
    let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
    return bits[dx][dy]
}

/// Integer points of the segment a → b (Bresenham), both ends included.
func segment(from a: (Int, Int), to b: (Int, Int)) -> [(Int, Int)] {
    var (x, y) = a
    let dx = abs(b.0 - a.0), dy = -abs(b.1 - a.1)
    let sx = a.0 < b.0 ? 1 : -1, sy = a.1 < b.1 ? 1 : -1
    var err = dx + dy
    var points: [(Int, Int)] = []
    while true {
        points.append((x, y))
        if x == b.0 && y == b.1 { break }
        let e2 = 2 * err
        if e2 >= dy { err += dy; x += sx }
        if e2 <= dx { err += dx; y += sy }
    }
    return points
}
