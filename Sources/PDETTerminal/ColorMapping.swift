// Grid colours → curses colour numbers for a terminal that shows `count` colours.
// 256-colour indices map down to the 16 ANSI colours by nearest xterm RGB; ANSI 8-15 map down to
// 0-7 plus bold (foreground only) on 8-colour terminals; anything else becomes the default colour.
import PDETRender

/// What the terminal can show: nothing (NO_COLOR, --no-color, monochrome), 8/16 ANSI colours, or 256.
public enum TerminalColors: Sendable {
    case none, c16, c256

    /// Classifies the curses colour count (COLORS after start_color).
    public init(colorCount: Int) {
        if colorCount >= 256 { self = .c256 } else if colorCount >= 8 { self = .c16 } else { self = .none }
    }
}

/// A colour ready for init_pair: `index` is a curses colour number, -1 for the terminal's default;
/// `bold` asks for A_BOLD to stand in for a bright colour the terminal lacks.
public struct ResolvedColor: Equatable, Sendable {
    public var index: Int
    public var bold: Bool

    public init(index: Int, bold: Bool = false) {
        self.index = index
        self.bold = bold
    }

    public static let terminalDefault = ResolvedColor(index: -1)
}

public enum ColorMapping {
    /// Resolves `color` for a terminal with `count` colours (0 = no colour at all).
    public static func resolve(_ color: Color, colorCount count: Int) -> ResolvedColor {
        switch color {
        case .default:
            return .terminalDefault
        case .indexed(let n):
            if count >= 256 { return ResolvedColor(index: Int(n)) }
            return resolve(.ansi(ansi16(fromIndexed: n)), colorCount: count)
        case .ansi(let n):
            let n = Int(n & 15)
            if n < count { return ResolvedColor(index: n) }
            if n >= 8 && 8 <= count { return ResolvedColor(index: n - 8, bold: true) }
            return .terminalDefault
        }
    }

    /// The ANSI colour (0-15) nearest to xterm-256 colour `n` in RGB.
    public static func ansi16(fromIndexed n: UInt8) -> UInt8 {
        if n < 16 { return n }
        let target = rgb(ofIndexed: n)
        var best = 0
        var bestDistance = Int.max
        for (i, c) in ansiPalette.enumerated() {
            let dr = c.0 - target.0, dg = c.1 - target.1, db = c.2 - target.2
            let d = dr * dr + dg * dg + db * db
            if d < bestDistance { bestDistance = d; best = i }
        }
        return UInt8(best)
    }

    /// xterm's RGB for colours 16-255: a 6×6×6 cube, then 24 greys.
    static func rgb(ofIndexed n: UInt8) -> (Int, Int, Int) {
        let n = Int(n)
        if n < 16 { return ansiPalette[n] }
        if n >= 232 { let v = 8 + 10 * (n - 232); return (v, v, v) }
        let levels = [0, 95, 135, 175, 215, 255]
        let c = n - 16
        return (levels[c / 36], levels[(c / 6) % 6], levels[c % 6])
    }

    /// xterm's default RGB for the 16 ANSI colours.
    static let ansiPalette: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
}
