// Which rows of a list (bars, table body) fit in the lines it has, and what it says about the rest.
// A list never drops a row silently: when the rows do not all fit, its last line names the hidden ones
// ("+2 more: L5 L6", dim), and the highlighted row is scrolled into view.

struct RowWindow: Equatable {
    /// The rows drawn, top to bottom, on lines 0, 1, … of the list.
    let shown: Range<Int>
    /// The rows left out (above and below `shown`), empty when everything fits.
    let hidden: [Int]

    /// `count` rows in `height` lines, `highlight` kept in view.
    init(count: Int, height: Int, highlight: Int?) {
        guard height > 0, count > 0 else {
            shown = 0..<0
            hidden = Array(0..<max(0, count))
            return
        }
        guard count > height else {
            shown = 0..<count
            hidden = []
            return
        }
        // One line goes to the note (a one-line list shows the highlighted row and no note).
        let lines = max(1, height - 1)
        let h = min(max(highlight ?? 0, 0), count - 1)
        let first = h >= lines ? h - lines + 1 : 0
        shown = first..<(first + lines)
        hidden = Array(0..<first) + Array((first + lines)..<count)
    }

    /// The line of the note ("+N more: …"), nil when nothing is hidden or there is no line for it.
    func noteLine(height: Int) -> Int? {
        hidden.isEmpty || height < 2 ? nil : shown.count
    }

    /// "+2 more: L5 L6" (labels of the hidden rows) as `options` shows text, cut to `width` with an ellipsis.
    func note(labels: [String], width: Int, options: RenderOptions) -> String {
        let names = hidden.map { $0 < labels.count ? labels[$0] : "?" }.filter { !$0.isEmpty }
        let text = "+\(hidden.count) more" + (names.isEmpty ? "" : ": " + names.joined(separator: " "))
        return truncate(displayText(text, options), width: width, ellipsis: true, ascii: options.ascii)
    }
}
