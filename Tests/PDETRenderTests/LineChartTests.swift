import XCTest
@testable import PDETRender

final class LineChartTests: XCTestCase {
    func render(_ c: LineChart, width: Int, height: Int, options: RenderOptions = .standard) -> Grid {
        var g = Grid(width: width, height: height)
        c.render(into: &g, rect: g.bounds, options: options)
        return g
    }

    func testAsciiTwoSeriesWithAxesAndLegend() {
        let chart = LineChart(series: [Series("a", [0, 1, 2], glyph: "*"),
                                       Series("b", [2, 1, 0], style: Style(fg: .ansi(11)), glyph: "+")])
        let g = render(chart, width: 8, height: 6, options: .plain)
        XCTAssertEqual(g.lines, [
            "2|+    *",
            " |   +  ",
            "0|*    +",
            " +------",
            "  0    2",
            "* a  + b",
        ])
    }

    func testMonoWithSeveralSeriesUsesGlyphsNotBraille() {
        let chart = LineChart(series: [Series("a", [0, 1], glyph: "*"), Series("b", [1, 0], glyph: "o")], showLegend: false)
        let g = render(chart, width: 5, height: 2, options: RenderOptions(colorMode: .mono))
        XCTAssertEqual(g.lines, ["1│o *", "0│* o"])
    }

    func testBrailleJoinsPoints() {
        let chart = LineChart(series: [Series("loss", [0, 3], style: Style(fg: .indexed(75)))])
        let g = render(chart, width: 4, height: 2)
        // 2x2 cells = 4x8 dots; the segment (0,7) → (3,0) climbs one dot column every two dot rows.
        XCTAssertEqual(g.lines, ["3│ ⡜", "0│⡜ "])
        XCTAssertEqual(g[3, 0].style, Style(fg: .indexed(75)))
        XCTAssertEqual(g[1, 0].style, Style(fg: .ansi(8)))
    }

    func testNonFiniteSkippedAndMarked() {
        let chart = LineChart(series: [Series("s", [1, .nan, 3, -.infinity, 2])], showLegend: false)
        let g = render(chart, width: 7, height: 3, options: .plain)
        XCTAssertEqual(g.lines, [
            "3| !*  ",
            " |    *",
            "1|*  ! ",
        ].map { String($0) })
        XCTAssertEqual(g[3, 0].style, Style(bold: true))
    }

    func testLogYLabelsAndNonPositiveMarked() {
        let chart = LineChart(series: [Series("s", [1, 10, 100, 0])], logY: true, showLegend: false)
        let g = render(chart, width: 7, height: 3, options: .plain)
        XCTAssertEqual(g.lines, [
            "100| * ",   // x = 0…3 over 3 columns: 0, 1, 1, 2
            "   | * ",
            "  1|* !",
        ])
    }

    func testGivenRangeClampsAndConstantSeries() {
        let flat = render(LineChart(series: [Series("s", [5, 5, 5])], showLegend: false), width: 6, height: 3, options: .plain)
        XCTAssertEqual(flat.lines, ["5.5|  ", "   |**", "4.5|  "])   // constant: ±0.5 around it
        let clamped = render(LineChart(series: [Series("s", [-5, 50])], yMin: 0, yMax: 10, showLegend: false),
                             width: 5, height: 2, options: .plain)
        XCTAssertEqual(clamped.lines, ["10| *", " 0|* "])
    }

    func testEmptyAndTiny() {
        XCTAssertEqual(render(LineChart(series: []), width: 6, height: 2, options: .plain).lines, ["1|    ", "0|    "])
        XCTAssertEqual(render(LineChart(series: [Series("s", [1, 2])]), width: 1, height: 1).lines, ["⡜"])
    }
}

final class LineChartLabelTests: XCTestCase {
    func testXFirstLabelsAndAsciiSafeLegend() {
        var g = Grid(width: 12, height: 5)
        LineChart(series: [Series("lossé", [3, 1])], xFirst: 500).render(into: &g, rect: g.bounds, options: .plain)
        XCTAssertEqual(g.lines, [
            "3|*         ",
            "1|         *",
            " +----------",
            "  500    501",
            "* loss?     ",
        ])
    }
}
