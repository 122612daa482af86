// Issue 22, items 4 and 8 on rendered frames (text and colours, no model): attention on a fixed 0–1
// scale (uniform attention faint and even, a sharp head standing out), `z` autoscale and what the
// legend says, legends in the A/B split, every layer shown or named at 80×24, cut text marked "…",
// the attention map filling the panel at 200×60.
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class HonestScreenTests: XCTestCase {
    /// `layers` blocks, one head each, T tokens; every head's attention is `weights` (T*T).
    func state(layers: Int = 1, T: Int, weights: [Float]) -> ExplorerState {
        var c = tinyConfig()
        c.layers = layers
        c.heads = 1
        c.seqLen = T
        var s = ExplorerState(config: c)
        let rows = (0...layers).map { l in
            LayerMetrics(rms: Float(l + 1), drift: 0.01 * Float(l), updateRatio: 0.1, uniformity: 0.2, rankCollapse: 0.5)
        }
        s.metrics = ForwardMetrics(loss: 1, accuracy: 0.5, layers: rows, attention: Array(repeating: [weights], count: layers),
                                   attentionEntropy: Array(repeating: [0], count: layers), diffusion: nil, nonFinite: nil)
        s.tokenLabels = (0..<T).map { String($0 % 10) }
        return s
    }

    static let T = 32
    static let uniform = [Float](repeating: 1 / Float(T), count: T * T)
    static let sharp: [Float] = (0..<(T * T)).map { $0 / T == $0 % T ? 1 : 0 }

    /// The map's cells (the Attention panel's plot: below the titles, right of the row labels, above the legend).
    func attentionCells(_ grid: Grid, _ s: ExplorerState) -> [Cell] {
        let rects = panelRects(Rect(x: 0, y: headerRows(s, width: grid.width, options: .standard).count,
                                    width: grid.width, height: grid.height - headerRows(s, width: grid.width, options: .standard).count - 2))
        let inner = rects.attention.inset(dx: 1, dy: 1)
        var cells: [Cell] = []
        for y in (inner.y + 3)..<(inner.maxY - 1) {
            for x in (inner.x + 2)..<inner.maxX where "▀.:-=+*#%@".contains(grid[x, y].char) { cells.append(grid[x, y]) }
        }
        return cells   // blank cells left out: the area right of and below the plot is blank too
    }

    func legendLine(_ grid: Grid, containing text: String) -> String? { grid.lines.first { $0.contains(text) } }

    /// Lesson 3 beat 5's case: 32 keys, every weight 1/32. On the fixed scale it is the faintest non-blank
    /// glyph everywhere, never the ramp's top "@", and in colour one low ramp colour, never the bright top.
    func testUniformAttentionIsFaintAndEven() {
        let s = state(T: Self.T, weights: Self.uniform)
        let mono = renderScreen(s, width: 120, height: 40, options: RenderOptions(colorMode: .mono))
        let glyphs = attentionCells(mono, s).map(\.char)
        XCTAssertEqual(Set(glyphs), ["."], "uniform attention on 0–1: \(Set(glyphs))")
        XCTAssertGreaterThanOrEqual(glyphs.count, 32 * 15, "every cell drawn, none blank")
        XCTAssertNotNil(legendLine(mono, containing: " 1 fixed 0–1"), mono.text)
        let colour = renderScreen(s, width: 120, height: 40, options: .standard)
        let cells = attentionCells(colour, s).filter { $0.char == "▀" }
        XCTAssertGreaterThan(cells.count, 100)
        let colours = Set(cells.flatMap { [$0.style.fg, $0.style.bg] })
        XCTAssertEqual(colours, [Ramp.color(1.0 / 32, scale: .sequential, mode: .c256)], "one colour, the ramp's low end")
        XCTAssertFalse(colours.contains(.indexed(Ramp.sequential.last!)))
    }

    /// A sharp head (one key per query, weight 1) still stands out: "@" on the diagonal, blank elsewhere.
    func testSharpAttentionStandsOut() {
        let s = state(T: Self.T, weights: Self.sharp)
        let mono = renderScreen(s, width: 120, height: 40, options: RenderOptions(colorMode: .mono))
        let glyphs = attentionCells(mono, s).map(\.char)
        XCTAssertGreaterThanOrEqual(glyphs.count, 30)
        XCTAssertEqual(Set(glyphs), ["@"], "the diagonal at the top glyph, every other cell blank")
    }

    /// z switches to autoscale: the uniform map is then its own maximum everywhere ("@"), and the legend
    /// says so with the maximum; z again returns to the fixed scale.
    func testAutoscaleKeyAndItsLegend() {
        var s = state(T: Self.T, weights: Self.uniform)
        XCTAssertEqual(reduce(&s, .char("z")), [])
        XCTAssertTrue(s.attentionAutoscale)
        let mono = renderScreen(s, width: 120, height: 40, options: RenderOptions(colorMode: .mono))
        let glyphs = attentionCells(mono, s).map(\.char)
        XCTAssertEqual(Set(glyphs), ["@"])
        XCTAssertGreaterThanOrEqual(glyphs.count, 32 * 15)
        XCTAssertNotNil(legendLine(mono, containing: " 0.0313 autoscaled, max 0.0313"), mono.text)
        XCTAssertNil(legendLine(mono, containing: " 1 fixed 0–1"))
        _ = reduce(&s, .char("z"))
        XCTAssertFalse(s.attentionAutoscale)
        XCTAssertNotNil(legendLine(renderScreen(s, width: 120, height: 40, options: .standard), containing: "fixed 0–1"))
        XCTAssertTrue(explorerHelpLines(.standard).contains { $0.key == "z" })
    }

    /// Both panes of the A/B split carry their attention legend (it had none).
    func testSplitPanesHaveLegends() {
        let a = state(T: 16, weights: [Float](repeating: 1.0 / 16, count: 256))
        var b = a
        b.attentionAutoscale = true
        let text = renderSplitScreen(SplitState(a: a, b: b), width: 120, height: 40, options: .standard).text
        XCTAssertTrue(text.contains("fixed 0–1"), text)
        XCTAssertTrue(text.contains("autoscaled, max 0.0625"), text)
    }

    /// At 80×24 a six-layer model shows all seven token states in Norms (the sparklines give way) and Drift
    /// shows them or names the ones it hides; a title cut short ends in "…".
    func testEveryLayerAt80x24() {
        let s = state(layers: 6, T: 16, weights: [Float](repeating: 1.0 / 16, count: 256))
        for options in [RenderOptions.standard, .plain] {
            let grid = renderScreen(s, width: 80, height: 24, options: options)
            let rects = panelRects(Rect(x: 0, y: headerRows(s, width: 80, options: options).count, width: 80,
                                        height: 24 - headerRows(s, width: 80, options: options).count - 2))
            for (name, rect) in [("Norms", rects.norms), ("Drift", rects.drift)] {
                let panel = (rect.y..<rect.maxY).map { y in String(grid.lines[y].dropFirst(rect.x).prefix(rect.width)) }.joined(separator: "\n")
                let shownOrNamed = stateLabels(6).allSatisfy { label in
                    panel.range(of: "\\b\(label)\\b", options: .regularExpression) != nil
                }
                XCTAssertTrue(shownOrNamed, "\(name) hides a layer silently:\n\(panel)")
            }
            let title = grid.lines.first { $0.contains("L1 H1  entropy") } ?? ""
            XCTAssertTrue(title.contains(options.ascii ? "~" : "…"), "the cut title is marked: \(title)")
        }
    }

    /// At 200×60 the attention map fills its panel (cells stretch), at 120×40 it keeps square cells.
    func testAttentionFillsTheProjectorPanel() {
        let s = state(T: 16, weights: (0..<256).map { $0 / 16 == $0 % 16 ? 1 : 0.02 })
        let grid = renderScreen(s, width: 200, height: 60, options: .standard)
        let rects = panelRects(Rect(x: 0, y: 2, width: 200, height: 56))
        let inner = rects.attention.inset(dx: 1, dy: 1)
        let rowsWithMap = (inner.y..<inner.maxY).filter { y in (inner.x..<inner.maxX).contains { grid[$0, y].char == "▀" } }
        XCTAssertGreaterThanOrEqual(rowsWithMap.count * 10, inner.height * 8, "\(rowsWithMap.count) of \(inner.height) rows")
        let columnsWithMap = (inner.x..<inner.maxX).filter { x in rowsWithMap.contains { grid[x, $0].char == "▀" } }
        XCTAssertGreaterThanOrEqual(columnsWithMap.count * 10, inner.width * 8, "\(columnsWithMap.count) of \(inner.width) columns")
    }
}
