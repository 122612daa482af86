// Lists that do not fit (bars, tables) name what they hide; the key bar marks dropped keys; colour
// bars carry their range note (issue 22, items 4 and 8).
@testable import PDETRender
import XCTest

final class RowWindowTests: XCTestCase {
    func testEverythingFitsNoNote() {
        let w = RowWindow(count: 3, height: 3, highlight: 1)
        XCTAssertEqual(w.shown, 0..<3)
        XCTAssertEqual(w.hidden, [])
        XCTAssertNil(w.noteLine(height: 3))
    }

    func testHiddenRowsAreNamedAndTheHighlightStaysInView() {
        let labels = ["emb", "L1", "L2", "L3", "L4", "L5", "L6"]
        let top = RowWindow(count: 7, height: 5, highlight: 1)
        XCTAssertEqual(top.shown, 0..<4)
        XCTAssertEqual(top.note(labels: labels, width: 40, options: .standard), "+3 more: L4 L5 L6")
        XCTAssertEqual(top.noteLine(height: 5), 4)
        let bottom = RowWindow(count: 7, height: 5, highlight: 6)
        XCTAssertEqual(bottom.shown, 3..<7)
        XCTAssertEqual(bottom.note(labels: labels, width: 40, options: .standard), "+3 more: emb L1 L2")
        XCTAssertEqual(top.note(labels: labels, width: 10, options: .standard), "+3 more: …")
        XCTAssertEqual(top.note(labels: labels, width: 10, options: .plain), "+3 more: ~")
    }

    /// A bar chart and a table in 4 rows of 7: the last line names the 3 (table: 4) rows left out.
    func testBarChartAndTableSayWhatTheyHide() {
        let labels = ["emb", "L1", "L2", "L3", "L4", "L5", "L6"]
        var grid = Grid(width: 30, height: 4)
        BarChart(rows: labels.enumerated().map { BarRow($1, Float($0 + 1)) }, highlightRow: 1)
            .render(into: &grid, rect: grid.bounds)
        XCTAssertTrue(grid.lines[3].contains("+4 more: L3 L4 L5 L6"), grid.lines.joined(separator: "\n"))
        XCTAssertEqual(BarChart(rows: labels.map { BarRow($0, 1) }, highlightRow: 1).visibleRows(in: grid.bounds).map(\.index), [0, 1, 2])
        var table = Grid(width: 30, height: 4)
        Table(columns: [TableColumn("", width: 4), TableColumn("x")], rows: labels.map { [$0, "1"] }, highlightRow: 6)
            .render(into: &table, rect: table.bounds)
        XCTAssertTrue(table.lines[1].hasPrefix("L5"), table.lines.joined(separator: "\n"))
        XCTAssertTrue(table.lines[3].contains("+5 more: emb L1 L2 L3 L4"), table.lines.joined(separator: "\n"))
    }

    func testKeyBarMarksDroppedKeys() {
        var grid = Grid(width: 20, height: 1)
        let hints = [KeyHint("?", "help"), KeyHint("q", "quit"), KeyHint("Space", "run")]
        XCTAssertEqual(drawKeyBar(into: &grid, rect: grid.bounds, hints: hints), 2)
        XCTAssertEqual(grid.lines[0], "? help  q quit  …   ")
        var wide = Grid(width: 40, height: 1)
        XCTAssertEqual(drawKeyBar(into: &wide, rect: wide.bounds, hints: hints), 3)
        XCTAssertFalse(wide.lines[0].contains("…"))
    }

    func testColorBarNoteAndCutText() {
        var grid = Grid(width: 40, height: 1)
        let used = drawColorBar(into: &grid, rect: grid.bounds, normalizer: Normalizer(values: [0, 1]),
                                options: RenderOptions(colorMode: .mono), note: "log10 rms, autoscaled")
        XCTAssertEqual(used, 40)
        XCTAssertTrue(grid.lines[0].hasPrefix("0 "), grid.lines.joined(separator: "\n"))
        XCTAssertTrue(grid.lines[0].contains(" 1 log10 rms, autoscaled"), grid.lines.joined(separator: "\n"))
        var narrow = Grid(width: 20, height: 1)
        drawColorBar(into: &narrow, rect: narrow.bounds, normalizer: Normalizer(values: [0, 1]),
                     options: RenderOptions(colorMode: .mono), note: "log10 rms, autoscaled")
        XCTAssertTrue(narrow.lines[0].hasSuffix("…"), "the note is cut visibly: \(narrow.lines.joined(separator: "\n"))")
        XCTAssertTrue(narrow.lines[0].contains("log10"), narrow.lines.joined(separator: "\n"))
        var text = Grid(width: 10, height: 1)
        text.put("entropy 2.77 of 2.77", in: text.bounds, options: .standard)
        XCTAssertEqual(text.lines[0], "entropy 2…")
    }

    /// Only zero is blank on the sequential glyph ramp: a small positive value is the faintest mark.
    func testSmallPositiveValuesAreNeverBlank() {
        XCTAssertEqual(Ramp.glyph(0, scale: .sequential), " ")
        XCTAssertEqual(Ramp.glyph(1.0 / 32, scale: .sequential), ".")
        XCTAssertEqual(Ramp.glyph(1, scale: .sequential), "@")
        XCTAssertEqual(Ramp.glyph(0.5, scale: .diverging), " ", "the diverging ramp's zero stays blank")
    }
}
