import XCTest
@testable import PDETRender

final class HeatmapTests: XCTestCase {
    let ramp = Heatmap(rows: 2, cols: 2, values: [0, 1, 2, 3])

    func testGlyphModeZoomsEachCell() {
        var g = Grid(width: 4, height: 2)
        ramp.render(into: &g, rect: g.bounds, options: .plain)
        // t = 0, 1/3, 2/3, 1 → " ", "-", "*", "@"; each matrix cell 2 columns wide, one row tall.
        XCTAssertEqual(g.lines, ["  --", "**@@"])
        XCTAssertEqual(g[3, 1].style, .plain)
    }

    func testHalfBlocksCarryTwoRowsPerTerminalRow() {
        var g = Grid(width: 2, height: 1)
        ramp.render(into: &g, rect: g.bounds, options: .standard)
        XCTAssertEqual(g.lines, ["▀▀"])
        XCTAssertEqual(g[0, 0].style, Style(fg: .indexed(53), bg: .indexed(72)))    // t 0 over t 2/3
        XCTAssertEqual(g[1, 0].style, Style(fg: .indexed(60), bg: .indexed(226)))   // t 1/3 over t 1
        var c16 = Grid(width: 2, height: 1)
        ramp.render(into: &c16, rect: c16.bounds, options: RenderOptions(colorMode: .c16))
        XCTAssertEqual(c16[1, 0].style.bg, .ansi(11))
    }

    func testOddPixelRowsLeaveLowerHalfDefault() {
        var g = Grid(width: 1, height: 2)
        Heatmap(rows: 3, cols: 1, values: [0, 0.5, 1]).render(into: &g, rect: g.bounds)
        XCTAssertEqual(g.lines, ["▀", "▀"])
        XCTAssertEqual(g[0, 1].style, Style(fg: .indexed(226), bg: .default))
    }

    func testSquareEvenZoom() {
        var g = Grid(width: 10, height: 10)
        ramp.render(into: &g, rect: g.bounds)
        // zoom x 5, y 10 pixels → shared even zoom 4: 8 columns × 8 pixel rows = 4 terminal rows.
        XCTAssertEqual(g.lines, Array(repeating: "▀▀▀▀▀▀▀▀  ", count: 4) + Array(repeating: String(repeating: " ", count: 10), count: 6))
        XCTAssertEqual(g[0, 1].style, Style(fg: .indexed(53), bg: .indexed(53)))
        XCTAssertEqual(g[0, 2].style, Style(fg: .indexed(72), bg: .indexed(72)))
        var fill = Grid(width: 10, height: 10)
        var h = ramp
        h.squareCells = false
        h.render(into: &fill, rect: fill.bounds)
        XCTAssertEqual(fill.lines, Array(repeating: "▀▀▀▀▀▀▀▀▀▀", count: 10))
        var glyphs = Grid(width: 10, height: 10)
        ramp.render(into: &glyphs, rect: glyphs.bounds, options: .plain)
        XCTAssertEqual(Array(glyphs.plainText().split(separator: "\n")), ["    ----", "    ----", "****@@@@", "****@@@@"])
    }

    func testNonFiniteMarked() {
        var g = Grid(width: 2, height: 2)
        let h = Heatmap(rows: 2, cols: 2, values: [0, .nan, 1, .infinity])
        h.render(into: &g, rect: g.bounds, options: .plain)
        XCTAssertEqual(g.lines, [" !", "@!"])
        XCTAssertEqual(g[1, 0].style, Style(bold: true))
        var c = Grid(width: 2, height: 1)
        h.render(into: &c, rect: c.bounds)
        XCTAssertEqual(c.lines, ["▀!"])
        XCTAssertEqual(c[1, 0].style, Style(fg: .ansi(9), bg: .default, bold: true))
        XCTAssertEqual(c[0, 0].style, Style(fg: .indexed(53), bg: .indexed(226)))
    }

    func testDownsampleMeanAndMax() {
        // 4x4: top-left block mean 0, top-right 1 (all ones), bottom-left one spike 4 → mean 1, max 4.
        let v: [Float] = [0, 0, 1, 1,
                          0, 0, 1, 1,
                          4, 0, 2, 2,
                          0, 0, 2, 2]
        var g = Grid(width: 2, height: 2)
        Heatmap(rows: 4, cols: 4, values: v, lo: 0, hi: 4).render(into: &g, rect: g.bounds, options: .plain)
        XCTAssertEqual(g.lines, [" :", ":+"])       // t 0, .25, .25, .5
        Heatmap(rows: 4, cols: 4, values: v, lo: 0, hi: 4, reduce: .max).render(into: &g, rect: g.bounds, options: .plain)
        XCTAssertEqual(g.lines, [" :", "@+"])
        let signed = Heatmap(rows: 1, cols: 2, values: [-3, 1], scale: .diverging, reduce: .maxMagnitude)
        var s = Grid(width: 1, height: 1)
        signed.render(into: &s, rect: s.bounds, options: .plain)
        XCTAssertEqual(s.lines, ["%"])               // -3 is the extreme of ±3
    }

    func testLabelsAndHighlights() {
        var g = Grid(width: 6, height: 4)
        let h = Heatmap(rows: 2, cols: 2, values: [0, 1, 2, 3], rowLabels: ["a", "bb"], colLabels: ["x", "y"],
                        highlightRow: 1, highlightCol: 0)
        h.render(into: &g, rect: g.bounds, options: .plain)
        XCTAssertEqual(g.lines, ["   xy ", "   v  ", "a   - ", "bb>*@ "])
        XCTAssertEqual(g[0, 3].style, Style(reverse: true))
        XCTAssertEqual(g[3, 0].style, Style(reverse: true))
        XCTAssertEqual(g[2, 3].style, Style(bold: true))
    }

    func testVerticalColumnLabels() {
        var g = Grid(width: 2, height: 4)
        Heatmap(rows: 1, cols: 2, values: [0, 1], colLabels: ["the", "cat"]).render(into: &g, rect: g.bounds, options: .plain)
        XCTAssertEqual(g.lines, ["tc", "ha", "et", " @"])
    }

    func testBadShapeGivesMessage() {
        var g = Grid(width: 20, height: 3)
        Heatmap(rows: 2, cols: 3, values: [1, 2]).render(into: &g, rect: g.bounds)
        XCTAssertEqual(g.plainText(), "heatmap: 2x3 needs 6\nvalues, got 2\n\n")
    }

    func testClipsToRect() {
        var g = sentinelGrid(width: 12, height: 8)
        let r = Rect(x: 3, y: 2, width: 5, height: 4)
        let h = Heatmap(rows: 9, cols: 9, values: (0..<81).map(Float.init), rowLabels: ["r"], colLabels: ["long"],
                        highlightRow: 3, highlightCol: 8)
        h.render(into: &g, rect: r)
        assertOnlyInside(g, r)
        h.render(into: &g, rect: r, options: .plain)
        assertOnlyInside(g, r)
    }

    func testColorBar() {
        var g = Grid(width: 12, height: 1)
        drawColorBar(into: &g, rect: g.bounds, normalizer: Normalizer(values: [0, 1]), options: .plain)
        XCTAssertEqual(g.lines, ["0  .:=+#%@ 1"])
    }
}
