// Grid → a self-contained SVG picture of the frame, for slides and papers: it scales without blur.
//
// Each cell is 8 × 16 px. Backgrounds and the block glyphs the widgets draw colour with (the heatmaps'
// half blocks "▀", full blocks, the bars' eighth blocks "▏…▉", the sparklines' "▁…█") become filled
// rectangles, and so do the line charts' braille dots (2 × 2 px each: fonts disagree on braille
// widths); the panels' box-drawing borders become lines (joined across cells, so they do not depend
// on a font's line height); everything else is monospace text, one <text> per run of cells in the same
// style, at a font size whose advance is the cell width in DejaVu Sans Mono (1233/2048 em), with
// `textLength` pinning the run to its cells in viewers that substitute another font. Rectangles are
// merged before they are written: equal colours along a half-row, then equal spans down the rows, and
// each colour is one <path>; lines likewise, one <path> per colour and weight. Colours are the theme's (`RenderOptions.theme`: what the terminal's default
// foreground and background stand for) after the options' colour downgrade, so the SVG shows what the
// .ansi snapshot shows. Integer coordinates and a fixed order: the same grid gives the same bytes.

import PDETText

public enum SVGFrame {
    public static let cellWidth = 8
    public static let cellHeight = 16
    /// Baseline of the text inside a cell, and the font size: 8 px / (1233/2048 em), DejaVu Sans Mono's advance.
    static let baseline = 12
    static let fontSize = "13.288"
    static let fontFamily = "DejaVu Sans Mono,Menlo,Consolas,monospace"
}

extension Grid {
    /// The frame as SVG text (UTF-8, ending in a newline). `title` and `description` (e.g. a snapshot
    /// header) go into <title> and <desc>.
    public func svg(options: RenderOptions = .standard, title: String = "pdet-tui", description: String = "") -> String {
        let cw = SVGFrame.cellWidth, ch = SVGFrame.cellHeight
        let theme = options.theme
        let page = theme.background.hex
        let width = self.width * cw, height = self.height * ch
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">\n"
        out += "<title>\(xmlEscaped(title))</title>\n"
        if !description.isEmpty { out += "<desc>\(xmlEscaped(description))</desc>\n" }
        out += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"\(page)\"/>\n"

        // Half-cell raster (2 rows per cell) of background colours; nil is the page.
        var raster = [String?](repeating: nil, count: self.width * self.height * 2)
        var partials: [(color: String, x: Int, y: Int, w: Int, h: Int)] = []   // pixels
        var textCells = [SVGTextStyle?](repeating: nil, count: self.width * self.height)
        var lines = SVGLines()
        for y in 0..<self.height {
            for x in 0..<self.width {
                let cell = self[x, y]
                let look = SVGCellLook(cell.style, options: options)
                let fg = look.fg.hex, bg = look.bg.hex
                let bgOrPage: String? = bg == page ? nil : bg
                let fgOrPage: String? = fg == page ? nil : fg
                var top = bgOrPage, bottom = bgOrPage
                switch SVGGlyph(cell.char) {
                case .upperHalf: top = fgOrPage
                case .lowerHalf: bottom = fgOrPage
                case .full: top = fgOrPage; bottom = fgOrPage
                case .lower(let eighths):
                    partials.append((fg, x * cw, y * ch + ch - 2 * eighths, cw, 2 * eighths))
                case .left(let eighths):
                    partials.append((fg, x * cw, y * ch, eighths, ch))
                case .blank:
                    break
                case .braille(let dots):
                    // Dots 1-3 and 7 down the left column, 4-6 and 8 down the right (Unicode's numbering).
                    let places: [(bit: UInt32, col: Int, row: Int)] = [
                        (0x01, 0, 0), (0x02, 0, 1), (0x04, 0, 2), (0x40, 0, 3),
                        (0x08, 1, 0), (0x10, 1, 1), (0x20, 1, 2), (0x80, 1, 3),
                    ]
                    for p in places where dots & p.bit != 0 {
                        partials.append((fg, x * cw + 1 + 4 * p.col, y * ch + 1 + 4 * p.row, 2, 2))
                    }
                case .box(let arms, let heavy):
                    lines.add(arms: arms, heavy: heavy, color: fg, x: x, y: y)
                case .text:
                    textCells[y * self.width + x] = look.textStyle
                }
                raster[(2 * y) * self.width + x] = top
                raster[(2 * y + 1) * self.width + x] = bottom
            }
        }

        // Rectangles: runs along each half-row, merged down the rows while the same span continues.
        var order: [String] = []
        var paths: [String: String] = [:]
        func emit(_ color: String, _ x: Int, _ y: Int, _ w: Int, _ h: Int) {
            if paths[color] == nil {
                order.append(color)
                paths[color] = ""
            }
            paths[color]! += "M\(x) \(y)h\(w)v\(h)h-\(w)z"
        }
        struct Span: Hashable { let x0: Int, x1: Int, color: String }
        var open: [Span: Int] = [:]          // span → first half-row
        var openOrder: [Span] = []
        let halfRows = 2 * self.height
        for r in 0...halfRows {
            var spans: [Span] = []
            if r < halfRows {
                var x = 0
                while x < self.width {
                    guard let color = raster[r * self.width + x] else { x += 1; continue }
                    let start = x
                    while x < self.width && raster[r * self.width + x] == color { x += 1 }
                    spans.append(Span(x0: start, x1: x, color: color))
                }
            }
            let current = Set(spans)
            var stillOpen: [Span] = []
            for span in openOrder {
                if current.contains(span) {
                    stillOpen.append(span)
                } else {
                    let first = open.removeValue(forKey: span)!
                    emit(span.color, span.x0 * cw, first * (ch / 2), (span.x1 - span.x0) * cw, (r - first) * (ch / 2))
                }
            }
            for span in spans where open[span] == nil {
                open[span] = r
                stillOpen.append(span)
            }
            openOrder = stillOpen
        }
        for p in partials { emit(p.color, p.x, p.y, p.w, p.h) }
        if !order.isEmpty {
            out += "<g shape-rendering=\"crispEdges\">\n"
            for color in order { out += "<path fill=\"\(color)\" d=\"\(paths[color]!)\"/>\n" }
            out += "</g>\n"
        }

        out += lines.svg()

        // Text: runs of cells in one style (spaces of that style included, trailing ones dropped).
        let foreground = theme.foreground.hex
        out += "<g font-family=\"\(SVGFrame.fontFamily)\" font-size=\"\(SVGFrame.fontSize)\" fill=\"\(foreground)\">\n"
        for y in 0..<self.height {
            var x = 0
            while x < self.width {
                guard let style = textCells[y * self.width + x] else { x += 1; continue }
                var end = x + 1, lastText = x
                while end < self.width {
                    let cell = self[end, y]
                    if let s = textCells[y * self.width + end] {
                        guard s == style else { break }
                        lastText = end
                    } else if cell.char != " " || SVGCellLook(cell.style, options: options).textStyle != style {
                        break
                    }
                    end += 1
                }
                let count = lastText - x + 1
                var text = ""
                for i in x...lastText { text.append(xmlCharacter(self[i, y].char)) }
                // xml:space on every <text> itself: browsers (Chromium, Firefox) do not inherit it from a
                // <g> and would collapse "1   1002" to "1 1002"; librsvg does inherit it.
                var attributes = "x=\"\(x * cw)\" y=\"\(y * ch + SVGFrame.baseline)\" xml:space=\"preserve\""
                if count > 1 { attributes += " textLength=\"\(count * cw)\"" }
                if style.fill != foreground { attributes += " fill=\"\(style.fill)\"" }
                if style.bold { attributes += " font-weight=\"bold\"" }
                if style.underline { attributes += " text-decoration=\"underline\"" }
                if style.dim { attributes += " fill-opacity=\"0.6\"" }
                out += "<text \(attributes)>\(xmlEscaped(text))</text>\n"
                x = lastText + 1
            }
        }
        out += "</g>\n</svg>\n"
        return out
    }
}

/// How a text run looks (runs merge only when this is equal).
struct SVGTextStyle: Equatable {
    var fill: String
    var bold: Bool
    var underline: Bool
    var dim: Bool
}

/// A cell's colours as RGB after the colour downgrade and reverse video, the theme standing in for `.default`.
struct SVGCellLook {
    let fg: RGB
    let bg: RGB
    let textStyle: SVGTextStyle

    init(_ style: Style, options: RenderOptions) {
        let s = style.downgraded(to: options.colorMode)
        var fg = s.fg.rgb ?? options.theme.foreground
        var bg = s.bg.rgb ?? options.theme.background
        if s.reverse { swap(&fg, &bg) }
        self.fg = fg
        self.bg = bg
        textStyle = SVGTextStyle(fill: fg.hex, bold: s.bold, underline: s.underline, dim: s.dim)
    }
}

extension Color {
    /// The sRGB the colour stands for (xterm's palette); nil for the terminal's default.
    public var rgb: RGB? {
        switch self {
        case .default: return nil
        case .ansi(let n): return xtermRGB(n & 15)
        case .indexed(let n): return xtermRGB(n)
        }
    }
}

/// What a character draws: a block the SVG fills as a rectangle, box-drawing lines, nothing, or text.
enum SVGGlyph: Equatable {
    case blank, upperHalf, lowerHalf, full
    case lower(Int)    // U+2581…2587: the lower n/8 of the cell
    case left(Int)     // U+2589…258F: the left n/8
    case box(arms: UInt8, heavy: Bool)   // arms: 1 up, 2 down, 4 left, 8 right
    case braille(UInt32)                 // U+2800…28FF: the dot bits
    case text

    /// The box-drawing characters the screens use, light and heavy.
    static let boxes: [UInt32: (UInt8, Bool)] = [
        0x2500: (12, false), 0x2502: (3, false), 0x250C: (10, false), 0x2510: (6, false), 0x2514: (9, false),
        0x2518: (5, false), 0x251C: (11, false), 0x2524: (7, false), 0x252C: (14, false), 0x2534: (13, false),
        0x253C: (15, false), 0x2501: (12, true), 0x2503: (3, true), 0x250F: (10, true), 0x2513: (6, true),
        0x2517: (9, true), 0x251B: (5, true),
    ]

    init(_ ch: Character) {
        guard ch.unicodeScalars.count == 1, let v = ch.unicodeScalars.first?.value else { self = .text; return }
        if let box = SVGGlyph.boxes[v] {
            self = .box(arms: box.0, heavy: box.1)
            return
        }
        switch v {
        case 0x20: self = .blank
        case 0x2580: self = .upperHalf
        case 0x2584: self = .lowerHalf
        case 0x2588: self = .full
        case 0x2581...0x2587: self = .lower(Int(v - 0x2580))
        case 0x2589...0x258F: self = .left(Int(0x2590 - v))
        case 0x2800: self = .blank
        case 0x2801...0x28FF: self = .braille(v - 0x2800)
        default: self = .text
        }
    }
}

/// Box-drawing arms as line segments from the cell centre to its edges, joined along rows and columns.
struct SVGLines {
    struct Key: Hashable { let color: String, heavy: Bool }
    private var order: [Key] = []
    /// Per key: horizontal half-cell segments (row, half-column) and vertical ones (column, half-row).
    private var horizontal: [Key: Set<[Int]>] = [:]
    private var vertical: [Key: Set<[Int]>] = [:]

    mutating func add(arms: UInt8, heavy: Bool, color: String, x: Int, y: Int) {
        let key = Key(color: color, heavy: heavy)
        if horizontal[key] == nil {
            order.append(key)
            horizontal[key] = []
            vertical[key] = []
        }
        if arms & 4 != 0 { horizontal[key]!.insert([y, 2 * x]) }
        if arms & 8 != 0 { horizontal[key]!.insert([y, 2 * x + 1]) }
        if arms & 1 != 0 { vertical[key]!.insert([x, 2 * y]) }
        if arms & 2 != 0 { vertical[key]!.insert([x, 2 * y + 1]) }
    }

    /// One <path> per colour and weight: maximal runs of half segments as "M x y H x2" / "M x y V y2".
    func svg() -> String {
        guard !order.isEmpty else { return "" }
        let cw = SVGFrame.cellWidth, ch = SVGFrame.cellHeight
        var out = "<g fill=\"none\" stroke-linecap=\"square\" shape-rendering=\"crispEdges\">\n"
        for key in order {
            var d = ""
            for (line, start, end) in runs(horizontal[key]!) {
                d += "M\(start * cw / 2) \(line * ch + ch / 2)H\(end * cw / 2)"
            }
            for (line, start, end) in runs(vertical[key]!) {
                d += "M\(line * cw + cw / 2) \(start * ch / 2)V\(end * ch / 2)"
            }
            out += "<path stroke=\"\(key.color)\"\(key.heavy ? " stroke-width=\"2\"" : "") d=\"\(d)\"/>\n"
        }
        return out + "</g>\n"
    }

    /// Sorted maximal runs [start, end) of consecutive half segments on each line.
    private func runs(_ segments: Set<[Int]>) -> [(Int, Int, Int)] {
        var out: [(Int, Int, Int)] = []
        for s in segments.sorted(by: { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }) {
            if let last = out.last, last.0 == s[0], last.2 == s[1] {
                out[out.count - 1].2 = s[1] + 1
            } else {
                out.append((s[0], s[1], s[1] + 1))
            }
        }
        return out
    }
}
