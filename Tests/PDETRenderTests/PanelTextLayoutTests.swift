import XCTest
@testable import PDETRender

final class PanelTests: XCTestCase {
    func testUnicodePanelWithTitle() {
        var g = Grid(width: 16, height: 4)
        let inner = drawPanel(into: &g, rect: g.bounds, title: "Attention")
        XCTAssertEqual(inner, Rect(x: 1, y: 1, width: 14, height: 2))
        XCTAssertEqual(g.lines, [
            "┌ Attention ───┐",
            "│              │",
            "│              │",
            "└──────────────┘",
        ])
        XCTAssertEqual(g[0, 0].style, .plain)
    }

    func testFocusedPanelIsHeavyAndBold() {
        var g = Grid(width: 10, height: 3)
        drawPanel(into: &g, rect: g.bounds, title: "Loss", focused: true)
        XCTAssertEqual(g.lines, ["┏ Loss ━━┓", "┃        ┃", "┗━━━━━━━━┛"])
        XCTAssertEqual(g[0, 0].style, Style(fg: .ansi(14), bold: true))
        var m = Grid(width: 10, height: 3)
        drawPanel(into: &m, rect: m.bounds, title: "Loss", focused: true, options: .plain)
        XCTAssertEqual(m.lines, ["# Loss ==#", "|        |", "#========#"])
        XCTAssertEqual(m[0, 0].style, Style(bold: true))
    }

    func testAsciiPanelTitleTruncatedAndClipped() {
        var g = sentinelGrid(width: 12, height: 5)
        let r = Rect(x: 2, y: 1, width: 8, height: 3)
        let inner = drawPanel(into: &g, rect: r, title: "Attention", options: .plain)
        XCTAssertEqual(inner, Rect(x: 3, y: 2, width: 6, height: 1))
        XCTAssertEqual(g.lines, ["XXXXXXXXXXXX", "XX+ Att~ +XX", "XX|      |XX", "XX+------+XX", "XXXXXXXXXXXX"], "a cut title is marked")
        assertOnlyInside(g, r)
    }

    /// The one ASCII fallback: the program's own glyphs spelled in ASCII, anything else "?".
    func testAsciiSafeSpellsOwnGlyphsAndMarksTheRest() {
        XCTAssertEqual(asciiSafe("κ ≈ 2.5 · Σα ≤ 1/2 → ok… −3×4² ‖x‖ – é 日"),
                       "k ~ 2.5 - sum a <= 1/2 -> ok... -3x4^2 |x| - ? ?")
        XCTAssertEqual(asciiSafe("plain ascii"), "plain ascii")
        XCTAssertEqual(displayText("κ", .plain), "k")
        XCTAssertEqual(displayText("κ", RenderOptions()), "κ")
        var g = Grid(width: 14, height: 3)
        drawPanel(into: &g, rect: g.bounds, title: "Fit κ ≤ 2", options: .plain)
        XCTAssertEqual(g.lines[0], "+ Fit k <= 2 +")
    }

    func testTinyPanels() {
        var g = sentinelGrid(width: 4, height: 4)
        XCTAssertTrue(drawPanel(into: &g, rect: Rect(x: 1, y: 1, width: 1, height: 3), title: "x").isEmpty)
        XCTAssertTrue(drawPanel(into: &g, rect: Rect(x: 0, y: 0, width: 2, height: 2), title: "x").isEmpty)
        XCTAssertEqual(g.lines[0], "┌┐XX")
        XCTAssertEqual(g.lines[1], "└┘XX")
    }
}

final class TextTests: XCTestCase {
    func testAlignedPutClipsToRect() {
        var g = sentinelGrid(width: 10, height: 3)
        let r = Rect(x: 2, y: 0, width: 6, height: 2)
        g.fill(r, with: Cell())
        g.put("ab", in: r, row: 0, align: .right)
        g.put("abcd", in: r, row: 1, align: .center)
        g.put("way too long", in: r, row: 0)
        g.put("never", in: r, row: 2)
        XCTAssertEqual(g.lines, ["XXway toXX", "XX abcd XX", "XXXXXXXXXX"])
        assertOnlyInside(g, r)
    }

    func testClippedPutWithNegativeStart() {
        var g = Grid(width: 5, height: 1)
        let advanced = g.put("hello", x: -2, y: 0, clip: g.bounds)
        XCTAssertEqual(advanced, 5)
        XCTAssertEqual(g.lines, ["llo  "])
    }

    func testTruncate() {
        XCTAssertEqual(truncate("abcdef", width: 4), "abcd")
        XCTAssertEqual(truncate("abcdef", width: 4, ellipsis: true), "abc…")
        XCTAssertEqual(truncate("abcdef", width: 4, ellipsis: true, ascii: true), "abc~")
        XCTAssertEqual(truncate("ab", width: 4, ellipsis: true), "ab")
        XCTAssertEqual(truncate("ab", width: 0), "")
    }

    func testWrap() {
        XCTAssertEqual(wrap("the quick brown fox jumps", width: 10), ["the quick", "brown fox", "jumps"])
        XCTAssertEqual(wrap("a  b\n\nsupercalifragilistic c", width: 6),
                       ["a b", "", "superc", "alifra", "gilist", "ic c"])
        XCTAssertEqual(wrap("", width: 5), [""])
        XCTAssertEqual(wrap("abc", width: 0), [])
    }

    func testParagraph() {
        var g = Grid(width: 8, height: 2)
        let n = g.putParagraph("one two three four", in: g.bounds)
        XCTAssertEqual(n, 2)
        XCTAssertEqual(g.lines, ["one two ", "three   "])
    }
}

final class LayoutTests: XCTestCase {
    func testVerticalMix() {
        let r = Rect(x: 1, y: 2, width: 10, height: 20)
        let parts = Layout.split(r, .vertical, [.length(3), .percentage(50), .fill(1), .length(1)])
        XCTAssertEqual(parts, [
            Rect(x: 1, y: 2, width: 10, height: 3),
            Rect(x: 1, y: 5, width: 10, height: 10),
            Rect(x: 1, y: 15, width: 10, height: 6),
            Rect(x: 1, y: 21, width: 10, height: 1),
        ])
    }

    func testHorizontalFillWeightsAndRounding() {
        let parts = Layout.split(Rect(x: 0, y: 0, width: 10, height: 1), .horizontal, [.fill(1), .fill(2), .fill(1)])
        XCTAssertEqual(parts.map(\.width), [3, 5, 2])
        XCTAssertEqual(parts.map(\.x), [0, 3, 8])
    }

    func testOverflowIsCut() {
        let parts = Layout.split(Rect(x: 0, y: 0, width: 5, height: 7), .vertical, [.length(4), .length(4), .fill(1)])
        XCTAssertEqual(parts.map(\.height), [4, 3, 0])
        XCTAssertEqual(parts[1].maxY, 7)
        XCTAssertEqual(Layout.split(Rect(x: 0, y: 0, width: 0, height: 0), .horizontal, [.fill(1), .length(3)]).map(\.width), [0, 0])
        XCTAssertEqual(Layout.split(Rect(x: 0, y: 0, width: 4, height: 1), .horizontal, [.length(-2), .percentage(250)]).map(\.width), [0, 4])
    }

    func testCentered() {
        XCTAssertEqual(Layout.centered(Rect(x: 0, y: 0, width: 80, height: 24), width: 20, height: 4),
                       Rect(x: 30, y: 10, width: 20, height: 4))
        XCTAssertEqual(Layout.centered(Rect(x: 0, y: 0, width: 10, height: 2), width: 20, height: 4),
                       Rect(x: 0, y: 0, width: 10, height: 2))
    }
}

final class ExportTests: XCTestCase {
    func testPlainText() {
        var g = Grid(width: 5, height: 2)
        g.put("ab", x: 0, y: 0)
        g.put("c", x: 2, y: 1)
        XCTAssertEqual(g.plainText(), "ab\n  c\n")
        XCTAssertEqual(Grid(width: 3, height: 0).plainText(), "")
    }

    func testAnsiText256And16AndMono() {
        var g = Grid(width: 6, height: 2)
        g.put("ab", x: 0, y: 0, style: Style(fg: .indexed(196), bold: true))
        g.put("c", x: 2, y: 0)
        g[3, 1] = Cell("▀", Style(fg: .indexed(21), bg: .ansi(10)))
        g[4, 1] = Cell(" ", Style(reverse: true))
        XCTAssertEqual(g.ansiText(.standard),
                       "\u{1B}[0;1;38;5;196mab\u{1B}[0mc\n" +
                       "   \u{1B}[0;38;5;21;102m▀\u{1B}[0;7m \u{1B}[0m\n")
        XCTAssertEqual(g.ansiText(RenderOptions(colorMode: .c16)),
                       "\u{1B}[0;1;91mab\u{1B}[0mc\n" +
                       "   \u{1B}[0;34;102m▀\u{1B}[0;7m \u{1B}[0m\n")
        XCTAssertEqual(g.ansiText(.plain),
                       "\u{1B}[0;1mab\u{1B}[0mc\n" +
                       "   ▀\u{1B}[0;7m \u{1B}[0m\n")
    }
}
