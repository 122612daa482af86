// A sparkline: the recent history of one scalar (loss, gradient norm, max activation) in a few cells.
// Each column is one value, newest on the right, only the last `width` values kept; bars grow from the bottom
// in eighths "▁▂▃▄▅▆▇█" (ASCII "_.-=^#", six levels). A taller rect stacks levels (height × 8 levels).
// Non-finite values show as a red bold "!" on the bottom row; under log scale, values ≤ 0 show as the lowest bar.

public struct Sparkline: Equatable, Sendable {
    public var values: [Float]
    public var lo: Float?          // bottom of the scale (auto: the shown values' finite minimum)
    public var hi: Float?          // top of the scale (auto: the shown values' finite maximum)
    public var logScale: Bool
    public var style: Style

    public init(values: [Float], lo: Float? = nil, hi: Float? = nil, logScale: Bool = false, style: Style = .plain) {
        self.values = values
        self.lo = lo
        self.hi = hi
        self.logScale = logScale
        self.style = style
    }

    public static let unicodeLevels: [Character] = Array("▁▂▃▄▅▆▇█")
    public static let asciiLevels: [Character] = Array("_.-=^#")

    public func render(into grid: inout Grid, rect: Rect, options: RenderOptions = .standard) {
        let clip = rect.intersection(grid.bounds)
        guard !clip.isEmpty, !values.isEmpty else { return }
        let shown = Array(values.suffix(clip.width))
        let levels = options.ascii ? Sparkline.asciiLevels : Sparkline.unicodeLevels
        let perRow = levels.count
        let total = perRow * clip.height
        let transformed = shown.map { logScale ? logOrNil($0) : $0 }
        let norm = Normalizer(values: transformed, lo: lo.flatMap { logScale ? logOrNil($0) : $0 },
                              hi: hi.flatMap { logScale ? logOrNil($0) : $0 })
        let barStyle = style.downgraded(to: options.colorMode)
        let alarm = Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode)
        let bottom = clip.maxY - 1
        for (i, v) in shown.enumerated() {
            let x = clip.x + i
            guard v.isFinite else {
                grid.set(x, bottom, Cell("!", alarm), clip: clip)
                continue
            }
            // Level 1…total: the minimum still shows as the lowest bar so that a column is never blank.
            let t = transformed[i].isFinite ? norm(Double(transformed[i])) : 0
            let level = 1 + Int((t * Double(total - 1)).rounded())
            for k in 0..<clip.height {
                let filled = level - k * perRow
                let ch: Character = filled >= perRow ? levels[perRow - 1] : (filled > 0 ? levels[filled - 1] : " ")
                grid.set(x, bottom - k, Cell(ch, barStyle), clip: clip)
            }
        }
    }
}

/// log10 for log scales; -inf for v ≤ 0 (below every scale), NaN kept.
func logOrNil(_ v: Float) -> Float {
    guard v.isFinite else { return v }
    return v > 0 ? Float(Math.log10(Double(v))) : -.infinity
}
