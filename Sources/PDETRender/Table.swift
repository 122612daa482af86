// A table of short texts with a header row: per-layer statistics, run settings, checkpoint lists.
// Header bold and underlined; the highlighted row in reverse video (visible without colour) and scrolled
// into view; cells cut with an ellipsis when too long. Columns of width ≤ 0 share the width left over.

public struct TableColumn: Equatable, Sendable {
    public var title: String
    public var width: Int          // columns; ≤ 0 = share what the fixed columns leave
    public var align: TextAlign

    public init(_ title: String, width: Int = 0, align: TextAlign = .left) {
        self.title = title
        self.width = width
        self.align = align
    }
}

public struct Table: Equatable, Sendable {
    public var columns: [TableColumn]
    public var rows: [[String]]    // (row, column); missing cells are blank, extra ones ignored
    public var highlightRow: Int?

    public init(columns: [TableColumn], rows: [[String]], highlightRow: Int? = nil) {
        self.columns = columns
        self.rows = rows
        self.highlightRow = highlightRow
    }

    /// Column rects' x and width inside `rect`, one space between columns.
    func columnSpans(_ rect: Rect) -> [(x: Int, width: Int)] {
        let gaps = max(0, columns.count - 1)
        let layout = Layout.split(Rect(x: rect.x, y: rect.y, width: max(0, rect.width - gaps), height: 1), .horizontal,
                                  columns.map { $0.width > 0 ? Constraint.length($0.width) : .fill(1) })
        return layout.enumerated().map { i, r in (r.x + i, r.width) }
    }

    /// The body rows shown in `bodyHeight` rows (the highlighted one scrolled into view; the last line
    /// names the rest when they do not all fit).
    func window(bodyHeight: Int) -> RowWindow { RowWindow(count: rows.count, height: bodyHeight, highlight: highlightRow) }

    /// Which body row is drawn on which terminal row of `rect` (below the header), for hit-testing.
    public func visibleRows(in rect: Rect) -> [(index: Int, y: Int)] {
        let bodyHeight = rect.height - 1
        guard bodyHeight > 0, rect.width > 0 else { return [] }
        return window(bodyHeight: bodyHeight).shown.enumerated().map { y, index in (index, rect.y + 1 + y) }
    }

    public func render(into grid: inout Grid, rect: Rect, options: RenderOptions = .standard) {
        let clip = rect.intersection(grid.bounds)
        guard !clip.isEmpty, !columns.isEmpty else { return }
        let spans = columnSpans(clip)
        func drawRow(_ cells: [String], y: Int, style: Style) {
            for (i, span) in spans.enumerated() where span.width > 0 {
                let text = truncate(displayText(i < cells.count ? cells[i] : "", options), width: span.width,
                                    ellipsis: true, ascii: options.ascii)
                let r = Rect(x: span.x, y: y, width: span.width, height: 1).intersection(clip)
                grid.put(text, in: r, align: columns[i].align, style: style)
            }
        }
        drawRow(columns.map(\.title), y: clip.y, style: Style(bold: true, underline: true))
        let bodyHeight = clip.height - 1
        guard bodyHeight > 0 else { return }
        let window = window(bodyHeight: bodyHeight)
        if let line = window.noteLine(height: bodyHeight) {
            grid.put(window.note(labels: rows.map { $0.first ?? "" }, width: clip.width, options: options), x: clip.x,
                     y: clip.y + 1 + line, style: Style(dim: true), clip: clip)
        }
        for (y, index) in window.shown.enumerated() {
            let highlighted = index == highlightRow
            if highlighted {
                grid.fill(Rect(x: clip.x, y: clip.y + 1 + y, width: clip.width, height: 1), with: Cell(" ", Style(reverse: true)))
            }
            drawRow(rows[index], y: clip.y + 1 + y, style: highlighted ? Style(reverse: true) : .plain)
        }
    }
}
