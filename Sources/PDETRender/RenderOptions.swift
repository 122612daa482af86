// What the terminal can show (colour depth, Unicode or ASCII) and the pure colour downgrade that maps
// every widget's xterm-256 colours onto it. Widgets pick glyphs from these options so that under
// `.mono` or `ascii` the meaning is carried by characters (glyph ramps, markers, bold), never by colour alone.

/// How many colours the output may use.
public enum ColorMode: Equatable, Hashable, Sendable {
    case c256   // xterm-256 indices as given
    case c16    // nearest of the 16 ANSI colours
    case mono   // no colour at all (bold/reverse/underline/dim remain)
}

public struct RenderOptions: Equatable, Hashable, Sendable {
    public var colorMode: ColorMode
    /// Only 7-bit ASCII glyphs (no box drawing, blocks or braille).
    public var ascii: Bool
    /// Which colours stand for what (Theme.swift); the mono theme forces `colorMode` to `.mono`.
    public var theme: Theme

    public init(colorMode: ColorMode = .c256, ascii: Bool = false, theme: Theme = .dark) {
        self.colorMode = theme.name == .mono ? .mono : colorMode
        self.ascii = ascii
        self.theme = theme
    }

    public static let standard = RenderOptions()
    public static let plain = RenderOptions(colorMode: .mono, ascii: true)

    /// True when colour cannot carry meaning: widgets switch to glyph ramps and markers.
    public var usesGlyphs: Bool { ascii || colorMode == .mono }
}

/// An sRGB colour, 0…255 per channel.
public struct RGB: Equatable, Hashable, Sendable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// WCAG relative luminance in [0, 1] (sRGB channels linearised), used to keep ramps monotone.
    public var luminance: Double {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow24((v + 0.055) / 1.055)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }
}

private func pow24(_ x: Double) -> Double { Math.pow(x, 2.4) }

/// The 16 ANSI colours as xterm draws them by default.
private let ansiPalette: [RGB] = [
    RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
    RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
    RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
    RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
]

private let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

/// The RGB value xterm uses for palette index `index` (0–15 ANSI, 16–231 the 6x6x6 cube, 232–255 greys).
public func xtermRGB(_ index: UInt8) -> RGB {
    let i = Int(index)
    if i < 16 { return ansiPalette[i] }
    if i < 232 {
        let c = i - 16
        return RGB(cubeLevels[c / 36], cubeLevels[(c / 6) % 6], cubeLevels[c % 6])
    }
    let g = UInt8(8 + 10 * (i - 232))
    return RGB(g, g, g)
}

/// The ANSI colour (0–15) nearest to `rgb` in squared RGB distance; ties go to the lower index.
public func nearestANSI(_ rgb: RGB) -> UInt8 {
    var best = 0
    var bestDistance = Int.max
    for (i, c) in ansiPalette.enumerated() {
        let dr = Int(c.r) - Int(rgb.r), dg = Int(c.g) - Int(rgb.g), db = Int(c.b) - Int(rgb.b)
        let d = dr * dr + dg * dg + db * db
        if d < bestDistance {
            bestDistance = d
            best = i
        }
    }
    return UInt8(best)
}

extension Color {
    /// This colour as `mode` can show it: 256 → nearest of the 16 ANSI colours, anything → `.default` in mono.
    public func downgraded(to mode: ColorMode) -> Color {
        switch (mode, self) {
        case (_, .default), (.c256, _):
            return self
        case (.mono, _):
            return .default
        case (.c16, .ansi(let n)):
            return .ansi(n & 15)
        case (.c16, .indexed(let n)):
            return n < 16 ? .ansi(n) : .ansi(nearestANSI(xtermRGB(n)))
        }
    }
}

extension Style {
    /// The same style with both colours downgraded to `mode`; attributes are kept.
    public func downgraded(to mode: ColorMode) -> Style {
        var s = self
        s.fg = fg.downgraded(to: mode)
        s.bg = bg.downgraded(to: mode)
        return s
    }
}

/// Named colours the widgets use, as ANSI indices so every mode shows them the same way.
public enum Palette {
    public static let alarm = Color.ansi(9)      // non-finite markers, over-threshold bars
    public static let accent = Color.ansi(14)    // focused borders, highlighted rows
    public static let marker = Color.ansi(11)    // threshold markers
    public static let muted = Color.ansi(8)      // axes, unfocused borders
}
