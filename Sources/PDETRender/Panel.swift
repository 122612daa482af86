// A bordered panel with its title in the top border ("┌ Attention ────┐"), as every explorer pane uses.
// The focused pane gets a heavy, bold, accent-coloured border ("┏ Attention ━━━━┓"; ASCII "#= Attention ==#"),
// so focus is visible from the glyphs alone in mono and ASCII terminals.

private struct BorderGlyphs {
    let horizontal: Character, vertical: Character
    let topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character

    static func choose(focused: Bool, ascii: Bool) -> BorderGlyphs {
        switch (ascii, focused) {
        case (true, false): return BorderGlyphs(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
                                                bottomLeft: "+", bottomRight: "+")
        case (true, true): return BorderGlyphs(horizontal: "=", vertical: "|", topLeft: "#", topRight: "#",
                                               bottomLeft: "#", bottomRight: "#")
        case (false, false): return BorderGlyphs(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
                                                 bottomLeft: "└", bottomRight: "┘")
        case (false, true): return BorderGlyphs(horizontal: "━", vertical: "┃", topLeft: "┏", topRight: "┓",
                                                bottomLeft: "┗", bottomRight: "┛")
        }
    }
}

/// Draws a border around `rect` with `title` in the top border and returns the inner rect (rect inset by 1).
/// Rects narrower or shorter than 2 draw nothing and return an empty rect. The title is cut to fit.
@discardableResult
public func drawPanel(into grid: inout Grid, rect: Rect, title: String = "", focused: Bool = false,
                      options: RenderOptions = .standard) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
    let g = BorderGlyphs.choose(focused: focused, ascii: options.ascii)
    let border = Style(fg: focused ? Palette.accent : .default, bold: focused).downgraded(to: options.colorMode)
    for x in rect.x..<rect.maxX {
        grid.set(x, rect.y, Cell(g.horizontal, border), clip: rect)
        grid.set(x, rect.maxY - 1, Cell(g.horizontal, border), clip: rect)
    }
    for y in rect.y..<rect.maxY {
        grid.set(rect.x, y, Cell(g.vertical, border), clip: rect)
        grid.set(rect.maxX - 1, y, Cell(g.vertical, border), clip: rect)
    }
    grid.set(rect.x, rect.y, Cell(g.topLeft, border), clip: rect)
    grid.set(rect.maxX - 1, rect.y, Cell(g.topRight, border), clip: rect)
    grid.set(rect.x, rect.maxY - 1, Cell(g.bottomLeft, border), clip: rect)
    grid.set(rect.maxX - 1, rect.maxY - 1, Cell(g.bottomRight, border), clip: rect)
    // " title " after the corner; needs at least one letter plus the two spaces and both corners.
    let room = rect.width - 4
    if !title.isEmpty, room >= 1 {
        let text = " " + truncate(displayText(title, options), width: room, ellipsis: true, ascii: options.ascii) + " "
        let titleClip = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1)
        grid.put(text, x: rect.x + 1, y: rect.y, style: border, clip: titleClip)
    }
    // Clear the inside so stale content from a previous frame cannot show through.
    let inner = rect.inset(dx: 1, dy: 1)
    if !inner.isEmpty { grid.fill(inner, with: Cell()) }
    return inner
}
