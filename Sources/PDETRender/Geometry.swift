// Rectangle arithmetic and the clipped cell write every widget goes through, so that no widget can draw
// outside the Rect it was given (the grid itself only clips to its own bounds).

extension Rect {
    /// The overlap of two rectangles (empty, at `self`'s origin, when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// Shrunk by `dx` columns on the left and right and `dy` rows on top and bottom (never negative).
    public func inset(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    /// Row `row` (relative) of this rect as a one-row rect; empty when outside.
    public func row(_ row: Int) -> Rect {
        guard row >= 0, row < height else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: x, y: y + row, width: width, height: 1)
    }
}

extension Grid {
    /// Writes one cell only if (x, y) lies inside `clip` (and the grid).
    public mutating func set(_ x: Int, _ y: Int, _ cell: Cell, clip: Rect) {
        guard clip.contains(x: x, y: y) else { return }
        self[x, y] = cell
    }

    /// Writes `text` from (x, y) rightwards, dropping every character outside `clip`; control characters
    /// (newline, tab, escape) become spaces so that labels cannot break lines or inject escape codes.
    /// Returns columns advanced.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect) -> Int {
        guard y >= clip.y, y < clip.maxY else { return 0 }
        var col = x
        for ch in text {
            if col >= clip.maxX { break }
            if col >= clip.x { self[col, y] = Cell(printable(ch), style) }
            col += 1
        }
        return col - x
    }
}

/// `ch`, or a space when it is a control character (a cell must show exactly one printable column).
func printable(_ ch: Character) -> Character {
    if ch.isNewline || ch.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) {
        return " "
    }
    return ch
}
