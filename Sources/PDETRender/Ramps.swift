// Value → colour and value → glyph ramps shared by heatmaps, sparklines and bars.
// The sequential ramp is viridis sampled into the xterm-256 cube and grey ramp: perceptually ordered,
// readable with the common colour-vision deficiencies, and strictly increasing in luminance (a test pins this),
// so it still reads correctly when a terminal or a printout reduces it to brightness.
// The diverging ramp has a dark centre for zero (it fades into a dark terminal background) and grows brighter
// towards both ends: blue for negative values, orange for positive ones.

/// Which ramp maps a normalised value to a colour or glyph.
public enum ColorScale: Equatable, Hashable, Sendable {
    case sequential   // low → high, normalised over [lo, hi]
    case diverging    // negative ← 0 → positive, normalised over a range symmetric about zero
}

public enum Ramp {
    /// viridis, dark purple → yellow, 16 xterm-256 indices, strictly increasing luminance.
    public static let sequential: [UInt8] = [53, 54, 238, 239, 24, 60, 61, 30, 66, 35, 72, 77, 149, 185, 154, 226]

    /// Strong negative (bright cyan-blue) → zero (dark grey, index 6) → strong positive (bright yellow-orange).
    public static let diverging: [UInt8] = [159, 117, 75, 68, 61, 60, 237, 94, 130, 172, 214, 222, 229]

    /// The same two ramps for 16-colour terminals, chosen rather than downgraded (the nearest-colour map would
    /// fold viridis onto greys and break its order): blue → cyan → green → yellow, luminance increasing.
    public static let sequential16: [UInt8] = [4, 12, 6, 10, 11]
    /// Bright cyan → blue → grey (zero, index 3) → red → yellow → bright yellow.
    public static let diverging16: [UInt8] = [14, 6, 4, 8, 1, 3, 11]

    /// Density ramp for mono/ASCII, empty → full (10 levels).
    public static let glyphs: [Character] = Array(" .:-=+*#%@")

    /// Signed ramp for mono/ASCII: strong negative → zero (space, index 4) → strong positive.
    /// Minus-like glyphs below zero, plus-like above: "%=-, '+*#" (',' sits low, '\'' sits high).
    public static let divergingGlyphs: [Character] = Array("%=-, '+*#")

    /// Index into a ramp of `count` entries for normalised `t` in [0, 1] (clamped; NaN → 0).
    public static func index(_ t: Double, count: Int) -> Int {
        guard count > 0 else { return 0 }
        guard t.isFinite else { return t == .infinity ? count - 1 : 0 }
        let i = Int((min(1, max(0, t)) * Double(count)).rounded(.down))
        return min(count - 1, max(0, i))
    }

    /// The colour for normalised `t` in [0, 1] (for `.diverging`, 0.5 is zero) in `mode`: an xterm-256 index,
    /// an ANSI colour from the 16-colour ramps, or `.default` in mono; from `theme`'s ramps (Theme.swift).
    public static func color(_ t: Double, scale: ColorScale, mode: ColorMode, theme: Theme = .dark) -> Color {
        switch mode {
        case .mono:
            return .default
        case .c16:
            let ramp = scale == .sequential ? theme.sequential16 : theme.diverging16
            return .ansi(ramp[index(t, count: ramp.count)])
        case .c256:
            let ramp = scale == .sequential ? theme.sequential : theme.diverging
            return .indexed(ramp[index(t, count: ramp.count)])
        }
    }

    /// The glyph for normalised `t` in [0, 1] (for `.diverging`, 0.5 is zero). On the sequential ramp only
    /// t ≤ 0 is blank: a small positive value (uniform attention over 32 keys, 1/32 on a 0–1 scale) draws
    /// the faintest mark ".", so it still reads as "even, weak" and not as "masked".
    public static func glyph(_ t: Double, scale: ColorScale) -> Character {
        let ramp = scale == .sequential ? glyphs : divergingGlyphs
        let i = index(t, count: ramp.count)
        return ramp[scale == .sequential && i == 0 && t > 0 ? 1 : i]
    }
}

/// Maps finite values onto [0, 1] over [lo, hi]; computed in Double so that huge Floats cannot overflow.
public struct Normalizer: Equatable, Sendable {
    public let lo: Double
    public let hi: Double

    /// Range from `lo`/`hi` when given and finite, else from the finite values (`.diverging`: symmetric ±max|v|).
    /// An empty or one-valued range maps everything to 0.5.
    public init(values: [Float], lo: Float? = nil, hi: Float? = nil, scale: ColorScale = .sequential) {
        var mn = Double.infinity, mx = -Double.infinity
        for v in values where v.isFinite {
            mn = min(mn, Double(v))
            mx = max(mx, Double(v))
        }
        if !mn.isFinite { mn = 0; mx = 0 }
        if scale == .diverging {
            let m = max(abs(mn), abs(mx))
            mn = -m
            mx = m
        }
        if let lo, lo.isFinite { mn = Double(lo) }
        if let hi, hi.isFinite { mx = Double(hi) }
        self.lo = mn
        self.hi = mx
    }

    /// `v` normalised and clamped to [0, 1]; NaN for non-finite input.
    public func callAsFunction(_ v: Double) -> Double {
        guard v.isFinite else { return .nan }
        guard hi > lo else { return 0.5 }
        return min(1, max(0, (v - lo) / (hi - lo)))
    }
}
