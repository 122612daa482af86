import XCTest
@testable import PDETRender

final class SparklineTests: XCTestCase {
    func render(_ s: Sparkline, width: Int, height: Int = 1, options: RenderOptions = .standard) -> Grid {
        var g = Grid(width: width, height: height)
        s.render(into: &g, rect: g.bounds, options: options)
        return g
    }

    func testEightLevels() {
        XCTAssertEqual(render(Sparkline(values: (0..<8).map(Float.init)), width: 8).lines, ["▁▂▃▄▅▆▇█"])
    }

    func testKeepsLastWidthValues() {
        XCTAssertEqual(render(Sparkline(values: (0..<10).map(Float.init)), width: 4).lines, ["▁▃▆█"])
        XCTAssertEqual(render(Sparkline(values: [2, 4]), width: 4).lines, ["▁█  "])
    }

    func testNaNAndAsciiAndStyle() {
        let g = render(Sparkline(values: [1, .nan, 3], style: Style(fg: .indexed(75))), width: 3)
        XCTAssertEqual(g.lines, ["▁!█"])
        XCTAssertEqual(g[1, 0].style, Style(fg: .ansi(9), bold: true))
        XCTAssertEqual(g[0, 0].style, Style(fg: .indexed(75)))
        XCTAssertEqual(render(Sparkline(values: (0..<6).map(Float.init)), width: 6, options: .plain).lines, ["_.-=^#"])
    }

    func testLogScaleAndGivenRange() {
        XCTAssertEqual(render(Sparkline(values: [1, 10, 100, 0], logScale: true), width: 4).lines, ["▁▅█▁"])
        XCTAssertEqual(render(Sparkline(values: [5, 15], lo: 0, hi: 10), width: 2).lines, ["▅█"])
    }

    func testTallSparklineStacks() {
        XCTAssertEqual(render(Sparkline(values: [0, 1]), width: 2, height: 2).lines, [" █", "▁█"])
    }
}

final class BarChartTests: XCTestCase {
    func render(_ b: BarChart, width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var g = Grid(width: width, height: height)
        b.render(into: &g, rect: g.bounds, options: options)
        return g
    }

    func testLinearBarsWithValues() {
        let g = render(BarChart(rows: [BarRow("a", 1), BarRow("bb", 2)]), width: 12, height: 2)
        XCTAssertEqual(g.lines, [" a  ███    1", " bb ██████ 2"])
        XCTAssertEqual(g[4, 0].style, Style(fg: .indexed(75)))
    }

    func testEighths() {
        let g = render(BarChart(rows: [BarRow("x", 1)], maxValue: 7, showValues: false), width: 8, height: 1)
        XCTAssertEqual(g.lines, [" x ▊    "])   // 1/7 of 5 cells = 5.7 eighths → 6
    }

    func testThresholdHighlightAscii() {
        let b = BarChart(rows: [BarRow("L0", 0.5), BarRow("L1", 2)], threshold: 1, highlightRow: 1)
        let g = render(b, width: 14, height: 2, options: .plain)
        XCTAssertEqual(g.lines, [" L0 ## |   0.5", ">L1 ###|##  2!"])
        XCTAssertEqual(g[1, 1].style, Style(reverse: true))
        XCTAssertEqual(g[13, 1].style, Style(bold: true))
        XCTAssertEqual(g[13, 0].style, .plain)
        let c = render(b, width: 14, height: 2)
        XCTAssertEqual(c.lines, [" L0 █▌ │   0.5", "▶L1 ███│██  2!"])
        XCTAssertEqual(c[4, 1].style, Style(fg: .ansi(9), bold: true))
        XCTAssertEqual(c[7, 1].style, Style(fg: .ansi(11), bold: true))
    }

    func testNarrowValueKeepsAlarmMark() {
        let g = render(BarChart(rows: [BarRow("a", 12.5, second: 1)], threshold: 2), width: 9, height: 1, options: .plain)
        XCTAssertEqual(g.lines, [" a |# 12!"])   // "12.5/1!" cut to 3 columns keeps "!"
    }

    func testLogScale() {
        let b = BarChart(rows: [BarRow("a", 1), BarRow("b", 10), BarRow("c", 100)], logScale: true, showValues: false)
        XCTAssertEqual(render(b, width: 7, height: 3).lines, [" a     ", " b ██  ", " c ████"])
    }

    func testSecondValueAndNonFinite() {
        let b = BarChart(rows: [BarRow("a", 2, second: 1), BarRow("n", .nan)], maxValue: 2)
        let g = render(b, width: 12, height: 2)
        XCTAssertEqual(g.lines, [" a ██•██ 2/1", " n !     nan"])
        XCTAssertEqual(g[11, 1].style, Style(fg: .ansi(9), bold: true))
    }

    func testScrollsToHighlightedRow() {
        let rows = (0..<5).map { BarRow("r\($0)", Float($0)) }
        let g = render(BarChart(rows: rows, highlightRow: 4, showValues: false), width: 8, height: 2, options: .plain)
        // The highlighted row in view; the other line names the four it hides (issue 22: never silently).
        XCTAssertEqual(g.lines, [">r4 ####", " +4 mor~"])   // "+4 more: r0 r1 r2 r3" cut, marked
    }
}
