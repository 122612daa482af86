// Hit-testing: the topmost region that reacts to a button wins, nil lets the event through, [] swallows
// it; the rows a bar chart and a table report are the rows they draw.
import XCTest
@testable import PDETRender

final class MouseRegionTests: XCTestCase {
    func click(_ x: Int, _ y: Int) -> MouseEvent { MouseEvent(x: x, y: y, button: .left) }

    func testTopmostRegionWinsAndNilFallsThrough() {
        var grid = Grid(width: 20, height: 10)
        grid.addRegion(ClickRegion(rect: Rect(x: 0, y: 0, width: 10, height: 10), wheelUp: [.char("H")], wheelDown: [.char("h")]))
        grid.addRegion(ClickRegion(rect: Rect(x: 2, y: 1, width: 2, height: 1), click: [.char("h")]))
        XCTAssertEqual(grid.keys(for: click(3, 1)), [.char("h")])
        XCTAssertEqual(grid.keys(for: MouseEvent(x: 3, y: 1, button: .wheelDown)), [.char("h")], "the label lets the wheel through")
        XCTAssertEqual(grid.keys(for: MouseEvent(x: 8, y: 8, button: .wheelUp)), [.char("H")])
        XCTAssertEqual(grid.keys(for: click(8, 8)), [], "the panel does nothing on a click")
        XCTAssertEqual(grid.keys(for: click(15, 5)), [], "no region")
        XCTAssertEqual(grid.keys(for: MouseEvent(x: 3, y: 1, button: .right)), [])
        grid.addRegion(ClickRegion(rect: grid.bounds, click: [.escape], wheelUp: [], wheelDown: []))
        XCTAssertEqual(grid.keys(for: MouseEvent(x: 8, y: 8, button: .wheelUp)), [], "an overlay swallows the wheel")
        XCTAssertEqual(grid.keys(for: click(3, 1)), [.escape])
    }

    func testRegionsAreClippedToTheGridAndNotPartOfTheText() {
        var grid = Grid(width: 5, height: 2)
        grid.addRegion(ClickRegion(rect: Rect(x: 3, y: 1, width: 10, height: 10), click: [.tab]))
        grid.addRegion(ClickRegion(rect: Rect(x: 9, y: 9, width: 2, height: 2), click: [.enter]))
        XCTAssertEqual(grid.regions.map(\.rect), [Rect(x: 3, y: 1, width: 2, height: 1)])
        XCTAssertEqual(grid.plainText(), Grid(width: 5, height: 2).plainText())
    }

    func testStepKeys() {
        XCTAssertEqual(stepKeys(from: 1, to: 4, next: .char("]"), previous: .char("[")), Array(repeating: .char("]"), count: 3))
        XCTAssertEqual(stepKeys(from: 4, to: 2, next: .char("]"), previous: .char("[")), [.char("["), .char("[")])
        XCTAssertEqual(stepKeys(from: 2, to: 2, next: .char("]"), previous: .char("[")), [])
    }

    /// visibleRows says where render draws each label, also when the highlighted row scrolls the list.
    func testBarChartAndTableRowsAreWhereTheyAreDrawn() {
        let labels = (0..<12).map { "r\($0)" }
        for highlight in [0, 11] {
            let chart = BarChart(rows: labels.map { BarRow($0, 1) }, highlightRow: highlight)
            var grid = Grid(width: 30, height: 6)
            let rect = Rect(x: 2, y: 1, width: 26, height: 5)
            chart.render(into: &grid, rect: rect)
            let rows = chart.visibleRows(in: rect)
            XCTAssertEqual(rows.count, 4, "the fifth line names the hidden rows")
            XCTAssertTrue(grid.lines[5].contains("+8 more"), grid.lines[5])
            for row in rows { XCTAssertTrue(grid.lines[row.y].contains("r\(row.index) "), "bar \(row.index) at y \(row.y)") }

            let table = Table(columns: [TableColumn("name", width: 5), TableColumn("v")], rows: labels.map { [$0, "1"] },
                              highlightRow: highlight)
            var tgrid = Grid(width: 30, height: 6)
            table.render(into: &tgrid, rect: rect)
            let trows = table.visibleRows(in: rect)
            XCTAssertEqual(trows.count, 3, "one row is the header, one names the hidden rows")
            for row in trows { XCTAssertTrue(tgrid.lines[row.y].contains("r\(row.index) "), "table row \(row.index) at y \(row.y)") }
        }
    }
}
