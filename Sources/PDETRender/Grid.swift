// The screen as a value: a grid of cells (character + style), as ratatui's Buffer.
// Widgets draw into a Grid; the ncurses backend paints one; snapshots write one as .txt or .ansi.

/// A colour: the default terminal colour, one of the 16 ANSI colours, or an xterm-256 index.
/// Backends with fewer colours map down (256 → 16 → monochrome); meaning never rests on colour alone.
public enum Color: Equatable, Hashable, Sendable {
    case `default`
    case ansi(UInt8)      // 0…15
    case indexed(UInt8)   // 0…255 (xterm-256)
}

public struct Style: Equatable, Hashable, Sendable {
    public var fg: Color = .default
    public var bg: Color = .default
    public var bold = false
    public var reverse = false
    public var underline = false
    public var dim = false

    public init(fg: Color = .default, bg: Color = .default, bold: Bool = false,
                reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    public static let plain = Style()
}

public struct Cell: Equatable, Hashable, Sendable {
    public var char: Character = " "   // one terminal column wide (no wide glyphs are used)
    public var style: Style = .plain

    public init(_ char: Character = " ", _ style: Style = .plain) {
        self.char = char
        self.style = style
    }
}

/// A rectangle in grid coordinates (column x, row y), half-open.
public struct Rect: Equatable, Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
}

public struct Grid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]   // (height, width) row-major
    /// The places that react to the mouse, bottom to top (Mouse.swift); not part of any text output.
    public internal(set) var regions: [ClickRegion] = []

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Out-of-range reads give a blank cell; out-of-range writes are dropped (widgets clip for free).
    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return Cell() }
            return cells[y * width + x]
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from (x, y) rightwards, clipped to `maxWidth` columns and the grid. Returns columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int = Int.max) -> Int {
        var col = x
        var written = 0
        for ch in text {
            if written >= maxWidth || col >= width { break }
            self[col, y] = Cell(ch, style)
            col += 1
            written += 1
        }
        return written
    }

    public mutating func fill(_ rect: Rect, with cell: Cell) {
        let r = rect.intersection(bounds)   // a rect wholly outside the grid would otherwise make an invalid range
        guard !r.isEmpty else { return }
        for yy in r.y..<r.maxY {
            for xx in r.x..<r.maxX {
                cells[yy * width + xx] = cell
            }
        }
    }

    /// Plain text lines, trailing spaces kept (every line is exactly `width` characters).
    public var lines: [String] {
        (0..<height).map { y in String(cells[(y * width)..<(y * width + width)].map(\.char)) }
    }
}
