// Grid cells → ncurses wide-character cells (cchar_t), written a run at a time with
// mvwadd_wchnstr, which neither wraps nor advances the cursor: the bottom-right cell is safe.
import CNcurses
import Glibc
import PDETRender

struct CellPainter {
    private var cells: [cchar_t] = []
    private var text: [wchar_t] = Array(repeating: 0, count: Int(CCHARW_MAX) + 1)

    /// Writes `run` of `grid` into stdscr; `attributes` gives each style's curses attributes and pair.
    mutating func paint(_ grid: Grid, run: CellRun, attributes: (Style) -> (attrs: attr_t, pair: Int32)) {
        cells.removeAll(keepingCapacity: true)
        var lastStyle: Style?
        var look: (attrs: attr_t, pair: Int32) = (0, 0)
        for x in run.x..<(run.x + run.count) {
            let cell = grid[x, run.y]
            if cell.style != lastStyle {
                look = attributes(cell.style)
                lastStyle = cell.style
            }
            fillText(cell.char)
            var c = cchar_t()
            _ = text.withUnsafeBufferPointer { pdet_setcchar(&c, $0.baseAddress, look.attrs, look.pair) }
            cells.append(c)
        }
        _ = cells.withUnsafeBufferPointer { pdet_put_cells(Int32(run.y), Int32(run.x), $0.baseAddress, Int32(run.count)) }
    }

    /// The character's scalars, NUL-terminated. Control characters become a space and wide
    /// (two-column) glyphs a "?", so one cell always stays one column.
    private mutating func fillText(_ ch: Character) {
        let scalars = ch.unicodeScalars
        var i = 0
        for s in scalars where i < Int(CCHARW_MAX) {
            text[i] = wchar_t(bitPattern: s.value)
            i += 1
        }
        text[i] = 0
        let first = scalars.first?.value ?? 32
        if first < 32 || (first >= 0x7F && first < 0xA0) {
            text[0] = 32
            text[1] = 0
        } else if first >= 0x1100 && pdet_wcwidth(text[0]) == 2 {
            text[0] = 63  // "?"
            text[1] = 0
        }
    }
}
