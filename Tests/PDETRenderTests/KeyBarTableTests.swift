import XCTest
@testable import PDETRender

final class KeyBarTests: XCTestCase {
    func testDropsHintsThatDoNotFitWhole() {
        var g = Grid(width: 20, height: 1)
        let shown = drawKeyBar(into: &g, rect: g.bounds,
                               hints: [KeyHint("q", "quit"), KeyHint("Space", "pause"), KeyHint("n", "step")])
        // "Space pause" would fit, but not with " …" after it: the bar says that keys were dropped.
        XCTAssertEqual(shown, 1)
        XCTAssertEqual(g.lines, ["q quit  …           "])
        XCTAssertEqual(g[0, 0].style, Style(bold: true, reverse: true))
        XCTAssertEqual(g[2, 0].style, .plain)
        let all = drawKeyBar(into: &g, rect: Rect(x: 0, y: 0, width: 20, height: 1), hints: [KeyHint("q", "quit"), KeyHint("Space", "pause")])
        XCTAssertEqual(all, 2, "the last hint needs no room for the mark")
        XCTAssertEqual(g.lines, ["q quit  Space pause "])
        XCTAssertEqual(g[8, 0].style, Style(bold: true, reverse: true))
    }
}

final class TableTests: XCTestCase {
    func testHeaderRowsHighlightAndEllipsis() {
        var g = Grid(width: 12, height: 3)
        Table(columns: [TableColumn("layer", width: 5), TableColumn("norm", align: .right)],
              rows: [["L0", "1.2"], ["L1", "3.45678901"]], highlightRow: 1).render(into: &g, rect: g.bounds)
        XCTAssertEqual(g.lines, ["layer   norm", "L0       1.2", "L1    3.456…"])
        XCTAssertEqual(g[0, 0].style, Style(bold: true, underline: true))
        XCTAssertEqual(g[5, 2].style, Style(reverse: true))
        XCTAssertEqual(g[5, 1].style, .plain)
    }

    func testScrollsToHighlightAndAsciiEllipsis() {
        var g = Grid(width: 6, height: 3)
        let rows = (0..<6).map { ["\($0)item", "x"] }
        Table(columns: [TableColumn("name", width: 4), TableColumn("v")], rows: rows, highlightRow: 5)
            .render(into: &g, rect: g.bounds, options: .plain)
        // Two body lines for six rows: the highlighted one, then what is hidden ("+5 more: 0item …", cut).
        XCTAssertEqual(g.lines, ["name v", "5it~ x", "+5 mo~"])
        XCTAssertEqual(g[0, 1].style, Style(reverse: true))
        XCTAssertEqual(g[0, 2].style, Style(dim: true))
    }
}
