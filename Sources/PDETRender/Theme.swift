// Themes: which colours a screen uses for a dark or a light background (a projector), or none at all.
//
// Widgets draw with the dark theme's named colours (Palette, and the chart series colours 75, 214, 77,
// 209) and ask the theme for their heatmap ramps (Ramp.color). A screen then calls `applyTheme`, which
// swaps the named colours for the theme's own, as a terminal colour scheme swaps palette entries. The
// dark theme swaps nothing, so its frames are exactly what they were before themes existed. A theme's
// ramps never contain a colour its swap tables replace, and a table's results are never its own keys,
// so applying a theme twice changes nothing (tests pin both).
//
// Light theme ramps (xterm-256, contrast against white by the WCAG 2 formula (L1 + 0.05)/(L2 + 0.05)):
// - sequential: ColorBrewer YlGnBu (Cynthia Brewer, colorbrewer2.org: sequential, colour-blind safe,
//   print friendly), pale yellow-green for low values next to the white background, dark blue for high
//   ones; quantised into the xterm cube with strictly decreasing luminance and at least 1.12× contrast
//   between neighbouring steps: 193 151 109 37 31 25 54 17, contrast 1.12 … 18.02 (docs/explorer.md).
// - diverging: ColorBrewer PuOr reversed (purple negative, orange positive) around a light grey zero.

/// The names `--theme` and PDET_THEME accept.
public enum ThemeName: String, CaseIterable, Equatable, Hashable, Sendable {
    case dark, light, mono
}

public struct Theme: Equatable, Hashable, Sendable {
    public let name: ThemeName
    /// Heatmap ramps (xterm-256 indices for 256 colours, ANSI indices for 16).
    public let sequential: [UInt8]
    public let diverging: [UInt8]
    public let sequential16: [UInt8]
    public let diverging16: [UInt8]
    /// The named colours swapped for this theme (256-colour and 16-colour terminals), in a fixed order.
    let swaps256: [ColorSwap]
    let swaps16: [ColorSwap]
    /// What the terminal's default colours stand for when a frame leaves the terminal (SVG).
    public let background: RGB
    public let foreground: RGB
    /// The explicit colours that replace the terminal's default foreground and background on every cell
    /// (256 and 16 colours), nil to keep the terminal's own: the light theme paints its own page, so a
    /// dark terminal profile does not put its navy cells and blue bars on black.
    let paper256: Paper?
    let paper16: Paper?

    /// The default: a dark terminal background. Swaps nothing.
    public static let dark = Theme(
        name: .dark, sequential: Ramp.sequential, diverging: Ramp.diverging,
        sequential16: Ramp.sequential16, diverging16: Ramp.diverging16, swaps256: [], swaps16: [],
        background: RGB(0, 0, 0), foreground: RGB(229, 229, 229), paper256: nil, paper16: nil)

    /// A white (or light) background, e.g. a projector: darker accents, reversed ramps.
    public static let light = Theme(
        name: .light,
        sequential: [193, 151, 109, 37, 31, 25, 54, 17],
        diverging: [53, 54, 97, 103, 146, 189, 254, 223, 215, 172, 130, 94, 52],
        sequential16: [7, 6, 12, 4, 0],
        diverging16: [4, 12, 6, 7, 3, 13, 1],
        swaps256: [
            ColorSwap(Palette.alarm, .indexed(160)),    // #d70000, 5.40:1 on white
            ColorSwap(Palette.accent, .indexed(25)),    // #005faf, 6.45:1
            ColorSwap(Palette.marker, .indexed(130)),   // #af5f00, 4.71:1
            ColorSwap(Palette.muted, .indexed(242)),    // #6c6c6c, 5.25:1
            ColorSwap(SeriesColor.blue, .indexed(26)),  // #005fd7, 5.80:1
            ColorSwap(SeriesColor.orange, .indexed(166)), // #d75f00, 3.80:1 (lines and marks only)
            ColorSwap(SeriesColor.green, .indexed(28)), // #008700, 4.70:1
            ColorSwap(SeriesColor.salmon, .indexed(131)), // #af5f5f, 4.54:1
        ],
        swaps16: [
            ColorSwap(Palette.alarm, .ansi(1)), ColorSwap(Palette.accent, .ansi(4)), ColorSwap(Palette.marker, .ansi(5)),
            ColorSwap(SeriesColor.blue, .ansi(4)), ColorSwap(SeriesColor.orange, .ansi(5)),
            ColorSwap(SeriesColor.green, .ansi(2)), ColorSwap(SeriesColor.salmon, .ansi(1)),
        ],
        background: RGB(255, 255, 255), foreground: RGB(0, 0, 0),
        paper256: Paper(foreground: .indexed(16), background: .indexed(231)),   // #000000 on #ffffff
        paper16: Paper(foreground: .ansi(0), background: .ansi(15)))            // black on bright white

    /// No colour at all (glyph ramps, bold and reverse carry everything); black on white outside the terminal.
    public static let mono = Theme(
        name: .mono, sequential: Ramp.sequential, diverging: Ramp.diverging,
        sequential16: Ramp.sequential16, diverging16: Ramp.diverging16, swaps256: [], swaps16: [],
        background: RGB(255, 255, 255), foreground: RGB(0, 0, 0), paper256: nil, paper16: nil)

    public static func named(_ name: ThemeName) -> Theme {
        switch name {
        case .dark: return .dark
        case .light: return .light
        case .mono: return .mono
        }
    }

    /// True when `applyTheme` has nothing to do.
    public var swapsNothing: Bool { swaps256.isEmpty && swaps16.isEmpty && paper256 == nil && paper16 == nil }

    /// The page this theme paints in `mode` (nil: the terminal's own colours; always nil in mono).
    func paper(mode: ColorMode) -> Paper? {
        switch mode {
        case .c256: return paper256
        case .c16: return paper16
        case .mono: return nil
        }
    }

    /// `color` as this theme shows it in `mode` (named colours swapped, everything else unchanged).
    public func swapped(_ color: Color, mode: ColorMode) -> Color {
        let table: [ColorSwap]
        switch mode {
        case .c256: table = swaps256
        case .c16: table = swaps16
        case .mono: return color
        }
        for swap in table where swap.from == color { return swap.to }
        return color
    }

    /// Every colour a swap table replaces (a ramp must not contain one).
    var swappedColors: Set<Color> { Set((swaps256 + swaps16).map(\.from)) }

    /// The colours the table for `mode` replaces.
    func swappedColors(mode: ColorMode) -> Set<Color> {
        switch mode {
        case .c256: return Set(swaps256.map(\.from))
        case .c16: return Set(swaps16.map(\.from))
        case .mono: return []
        }
    }
}

/// The colours a theme puts where a cell asks for the terminal's default ones.
struct Paper: Equatable, Hashable, Sendable {
    let foreground: Color
    let background: Color
}

/// One entry of a theme's swap table.
struct ColorSwap: Equatable, Hashable, Sendable {
    let from: Color
    let to: Color
    init(_ from: Color, _ to: Color) {
        self.from = from
        self.to = to
    }
}

/// The chart series colours the panels use (the dark theme's; a light theme swaps them).
public enum SeriesColor {
    public static let blue = Color.indexed(75)      // accuracy, the "before" signal, sparklines, bars
    public static let orange = Color.indexed(214)   // loss, the "after" signal, rms over time
    public static let green = Color.indexed(77)     // |H(k)|
    public static let salmon = Color.indexed(209)   // MiniLM bars
}

extension Grid {
    /// Swaps the dark theme's named colours for `options.theme`'s (nothing to do for the dark theme), and
    /// paints the theme's page (explicit colours instead of the terminal's defaults) when it has one.
    public mutating func applyTheme(_ options: RenderOptions) {
        let theme = options.theme
        guard !theme.swapsNothing, options.colorMode != .mono else { return }
        let mode = options.colorMode
        let paper = theme.paper(mode: mode)
        for y in 0..<height {
            for x in 0..<width {
                var cell = self[x, y]
                var fg = theme.swapped(cell.style.fg, mode: mode), bg = theme.swapped(cell.style.bg, mode: mode)
                if let paper {
                    if fg == .default { fg = paper.foreground }
                    if bg == .default { bg = paper.background }
                }
                guard fg != cell.style.fg || bg != cell.style.bg else { continue }
                cell.style.fg = fg
                cell.style.bg = bg
                self[x, y] = cell
            }
        }
    }
}

// MARK: choosing a theme

public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The theme name in `text` ("dark", "light", "mono"); an error naming `source` and the allowed values.
public func parseThemeName(_ text: String, source: String) throws(ThemeError) -> ThemeName {
    guard let name = ThemeName(rawValue: text.lowercased()) else {
        let allowed = ThemeName.allCases.map(\.rawValue).joined(separator: ", ")
        throw ThemeError("\(source): '\(text)' is not a theme (use one of \(allowed))")
    }
    return name
}

/// The terminal's background from COLORFGBG ("fg;bg" or "fg;default;bg", as rxvt, Konsole and others
/// set it): light for background colour 7 or 15, dark for any other number, nil when unset or unreadable.
public func themeFromColorFGBG(_ value: String?) -> ThemeName? {
    guard let value, let last = value.split(separator: ";").last, let background = Int(last) else { return nil }
    return background == 7 || background == 15 ? .light : .dark
}

/// The theme to use: the `--theme` flag, else PDET_THEME, else (when `followTerminal`, i.e. drawing on
/// the terminal that COLORFGBG describes) COLORFGBG, else dark. A bad flag or PDET_THEME is an error.
public func chooseTheme(flag: ThemeName?, environment: [String: String], followTerminal: Bool) throws(ThemeError) -> ThemeName {
    if let flag { return flag }
    if let text = environment["PDET_THEME"], !text.isEmpty { return try parseThemeName(text, source: "PDET_THEME") }
    if followTerminal, let fromTerminal = themeFromColorFGBG(environment["COLORFGBG"]) { return fromTerminal }
    return .dark
}

// MARK: contrast

extension RGB {
    /// The WCAG 2 contrast ratio of two colours, (L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1…21.
    public func contrast(with other: RGB) -> Double {
        let a = luminance, b = other.luminance
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// "#rrggbb".
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for c in [r, g, b] {
            out.append(digits[Int(c >> 4)])
            out.append(digits[Int(c & 15)])
        }
        return out
    }
}
