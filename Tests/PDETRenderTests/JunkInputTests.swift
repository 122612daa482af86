// Throws seeded random junk (NaN, ±Inf, huge values, empty data, odd shapes, control characters, rects that are
// empty, negative or larger than the grid) at every widget: nothing may trap, nothing may be written outside
// the widget's rect, and every cell must stay one printable character.
import XCTest
@testable import PDETRender

final class JunkInputTests: XCTestCase {
    func randomRect(_ rng: inout SplitMix64) -> Rect {
        Rect(x: rng.int(-4...20), y: rng.int(-4...12), width: rng.int(-2...30), height: rng.int(-2...14))
    }

    func randomOptions(_ rng: inout SplitMix64) -> RenderOptions {
        RenderOptions(colorMode: [ColorMode.c256, .c16, .mono][rng.int(0...2)], ascii: rng.int(0...1) == 0)
    }

    func junkValues(_ rng: inout SplitMix64, max: Int = 40) -> [Float] {
        (0..<rng.int(0...max)).map { _ in rng.junkFloat() }
    }

    func maybe<T>(_ rng: inout SplitMix64, _ make: (inout SplitMix64) -> T) -> T? {
        rng.int(0...2) == 0 ? nil : make(&rng)
    }

    func check(_ grid: Grid, _ rect: Rect, _ what: String, options: RenderOptions) {
        let inside = rect.intersection(grid.bounds)
        assertOnlyInside(grid, inside.isEmpty ? Rect(x: 0, y: 0, width: 0, height: 0) : inside, what)
        for cell in grid.cells {
            XCTAssertEqual(printable(cell.char), cell.char, "\(what): control character in a cell")
            if options.ascii && cell.char != "X" {
                XCTAssertTrue(cell.char.isASCII, "\(what): \(cell.char) under ascii")
            }
        }
        _ = grid.plainText()
        _ = grid.ansiText(options)
    }

    func testEveryWidgetSurvivesJunk() {
        var rng = SplitMix64(seed: 20261125)
        for round in 0..<300 {
            let rect = randomRect(&rng)
            let options = randomOptions(&rng)
            let tag = "round \(round) \(rect) \(options)"

            var g = sentinelGrid(width: 16, height: 10)
            drawPanel(into: &g, rect: rect, title: rng.junkString(), focused: rng.int(0...1) == 0, options: options)
            check(g, rect, "panel " + tag, options: options)

            g = sentinelGrid(width: 16, height: 10)
            let text = rng.junkString() + " " + rng.junkString()
            g.putParagraph(options.ascii ? asciiSafe(text) : text, in: rect, align: [.left, .center, .right][rng.int(0...2)])
            check(g, rect, "paragraph " + tag, options: options)

            let rows = rng.int(-1...12), cols = rng.int(-1...12)
            let count = rng.int(0...3) == 0 ? rng.int(0...20) : max(0, rows) * max(0, cols)
            let heatmap = Heatmap(rows: rows, cols: cols, values: (0..<count).map { _ in rng.junkFloat() },
                                  lo: maybe(&rng) { $0.junkFloat() }, hi: maybe(&rng) { $0.junkFloat() },
                                  scale: rng.int(0...1) == 0 ? .sequential : .diverging,
                                  reduce: [BlockReduce.mean, .max, .maxMagnitude][rng.int(0...2)],
                                  rowLabels: (0..<rng.int(0...14)).map { _ in rng.junkString() },
                                  colLabels: (0..<rng.int(0...14)).map { _ in rng.junkString() },
                                  highlightRow: maybe(&rng) { $0.int(-3...15) }, highlightCol: maybe(&rng) { $0.int(-3...15) },
                                  maxColumnLabelRows: rng.int(-1...5))
            g = sentinelGrid(width: 16, height: 10)
            heatmap.render(into: &g, rect: rect, options: options)
            check(g, rect, "heatmap " + tag, options: options)

            g = sentinelGrid(width: 16, height: 10)
            drawColorBar(into: &g, rect: rect, normalizer: Normalizer(values: junkValues(&rng)), options: options)
            check(g, rect, "colorbar " + tag, options: options)

            g = sentinelGrid(width: 16, height: 10)
            Sparkline(values: junkValues(&rng), lo: maybe(&rng) { $0.junkFloat() }, hi: maybe(&rng) { $0.junkFloat() },
                      logScale: rng.int(0...1) == 0).render(into: &g, rect: rect, options: options)
            check(g, rect, "sparkline " + tag, options: options)

            let chart = LineChart(series: (0..<rng.int(0...3)).map { _ in
                                      Series(rng.junkString(), junkValues(&rng), glyph: ["*", "\n", "é", "+"][rng.int(0...3)])
                                  },
                                  yMin: maybe(&rng) { $0.junkFloat() }, yMax: maybe(&rng) { $0.junkFloat() },
                                  logY: rng.int(0...1) == 0, xCount: maybe(&rng) { $0.int(-5...100) },
                                  showLegend: rng.int(0...1) == 0)
            g = sentinelGrid(width: 16, height: 10)
            chart.render(into: &g, rect: rect, options: options)
            check(g, rect, "linechart " + tag, options: options)

            let bars = BarChart(rows: (0..<rng.int(0...12)).map { _ in
                                    BarRow(rng.junkString(), rng.junkFloat(), second: maybe(&rng) { $0.junkFloat() })
                                },
                                maxValue: maybe(&rng) { $0.junkFloat() }, minValue: maybe(&rng) { $0.junkFloat() },
                                logScale: rng.int(0...1) == 0, threshold: maybe(&rng) { $0.junkFloat() },
                                highlightRow: maybe(&rng) { $0.int(-3...20) }, showValues: rng.int(0...1) == 0)
            g = sentinelGrid(width: 16, height: 10)
            bars.render(into: &g, rect: rect, options: options)
            check(g, rect, "bars " + tag, options: options)

            g = sentinelGrid(width: 16, height: 10)
            drawKeyBar(into: &g, rect: rect, hints: (0..<rng.int(0...5)).map { _ in KeyHint(rng.junkString(), rng.junkString()) },
                       options: options)
            check(g, rect, "keybar " + tag, options: options)

            g = sentinelGrid(width: 16, height: 10)
            Table(columns: (0..<rng.int(0...4)).map { _ in
                      TableColumn(rng.junkString(), width: rng.int(-2...8), align: [.left, .center, .right][rng.int(0...2)])
                  },
                  rows: (0..<rng.int(0...12)).map { _ in (0..<rng.int(0...5)).map { _ in rng.junkString() } },
                  highlightRow: maybe(&rng) { $0.int(-3...20) }).render(into: &g, rect: rect, options: options)
            check(g, rect, "table " + tag, options: options)

            let parts = Layout.split(rect, rng.int(0...1) == 0 ? .vertical : .horizontal,
                                     (0..<rng.int(0...5)).map { _ in
                                         [Constraint.length(rng.int(-3...20)), .percentage(rng.int(-10...150)), .fill(rng.int(-1...3))][rng.int(0...2)]
                                     })
            for p in parts {
                XCTAssertTrue(p.isEmpty || rect.intersection(p) == p, "layout part \(p) outside \(rect)")
            }
        }
    }

    func testControlCharactersBecomeSpaces() {
        var g = Grid(width: 6, height: 1)
        g.put("a\nb\u{1B}c", x: 0, y: 0, clip: g.bounds)
        XCTAssertEqual(g.lines, ["a b c "])
    }

    func testNoGlyphOutsideASCIIUnderAscii() {
        var g = Grid(width: 30, height: 12)
        let options = RenderOptions(colorMode: .c256, ascii: true)
        let inner = drawPanel(into: &g, rect: g.bounds, title: "all", focused: true, options: options)
        let parts = Layout.split(inner, .vertical, [.length(3), .length(1), .length(3), .fill(1)])
        Heatmap(rows: 3, cols: 3, values: [0, 1, 2, 3, .nan, 5, 6, 7, 8], highlightRow: 1)
            .render(into: &g, rect: parts[0], options: options)
        Sparkline(values: [1, 2, 3, .nan]).render(into: &g, rect: parts[1], options: options)
        BarChart(rows: [BarRow("a", 1, second: 2), BarRow("b", 3)], threshold: 2, highlightRow: 0)
            .render(into: &g, rect: parts[2], options: options)
        LineChart(series: [Series("x", [1, 3, 2])]).render(into: &g, rect: parts[3], options: options)
        for cell in g.cells { XCTAssertTrue(cell.char.isASCII, "non-ASCII \(cell.char)") }
        XCTAssertTrue(g.plainText().contains("!"))
    }
}
