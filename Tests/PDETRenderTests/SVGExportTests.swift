// Grid → SVG: well-formed XML (Foundation's parser), the theme's colours, half blocks and eighth
// blocks as rectangles, merged runs, box-drawing lines, braille dots, escaped text, the same bytes
// for the same grid.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import PDETText
@testable import PDETRender

/// Element names and attribute lists of an SVG (nil when not well-formed).
final class SVGElements: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []                 // the content of each <text>
    var contents: [String: String] = [:]     // the last content of each element name (title, desc)
    private var text = ""

    static func parse(_ svg: String) -> SVGElements? {
        let collector = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text) }
        contents[name] = text
    }

    func named(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
}

final class SVGExportTests: XCTestCase {
    func testWellFormedWithSizeBackgroundAndDescription() throws {
        var grid = Grid(width: 10, height: 3)
        grid.put("a<b & \"c\">", x: 0, y: 0)
        let svg = grid.svg(options: RenderOptions(theme: .dark), title: "t <1>", description: "# reproduce: pdet-tui snapshot --steps 2")
        let parsed = try XCTUnwrap(SVGElements.parse(svg), svg)
        let root = try XCTUnwrap(parsed.named("svg").first)
        XCTAssertEqual(root["width"], "80")
        XCTAssertEqual(root["height"], "48")
        XCTAssertEqual(parsed.named("rect").first?["fill"], "#000000", "the dark theme's page")
        XCTAssertEqual(parsed.contents["title"], "t <1>")
        XCTAssertEqual(parsed.contents["desc"], "# reproduce: pdet-tui snapshot --steps 2")
        XCTAssertTrue(parsed.texts.contains("a<b & \"c\">"))
        let light = grid.svg(options: RenderOptions(theme: .light))
        XCTAssertTrue(light.contains("<rect width=\"80\" height=\"48\" fill=\"#ffffff\"/>"))
        XCTAssertTrue(light.contains("font-size=\"13.288\" fill=\"#000000\">"), "black text on white")
        XCTAssertEqual(Array(svg.utf8), Array(grid.svg(options: RenderOptions(theme: .dark), title: "t <1>",
                                                        description: "# reproduce: pdet-tui snapshot --steps 2").utf8))
    }

    /// A 6 × 2 heatmap of one colour is one rectangle; an upper half block splits its cell in two.
    func testHalfBlocksBecomeMergedRectangles() throws {
        var grid = Grid(width: 8, height: 2)
        for y in 0..<2 { for x in 0..<6 { grid[x, y] = Cell("▀", Style(fg: .indexed(196), bg: .indexed(196))) } }
        grid[7, 0] = Cell("▀", Style(fg: .indexed(21), bg: .indexed(46)))
        let svg = grid.svg()
        let paths = try XCTUnwrap(SVGElements.parse(svg)).named("path")
        XCTAssertEqual(paths.first { $0["fill"] == "#ff0000" }?["d"], "M0 0h48v32h-48z", "one merged rectangle")
        XCTAssertEqual(paths.first { $0["fill"] == "#0000ff" }?["d"], "M56 0h8v8h-8z", "upper half: foreground")
        XCTAssertEqual(paths.first { $0["fill"] == "#00ff00" }?["d"], "M56 8h8v8h-8z", "lower half: background")
        XCTAssertFalse(svg.contains("▀"), "no block glyphs left as text")
    }

    func testEighthBlocksAndBrailleDots() throws {
        var grid = Grid(width: 4, height: 1)
        grid[0, 0] = Cell("█", Style(fg: .indexed(196)))
        grid[1, 0] = Cell("▌", Style(fg: .indexed(196)))     // left 4/8
        grid[2, 0] = Cell("▂", Style(fg: .indexed(21)))      // lower 2/8
        grid[3, 0] = Cell("⢁", Style(fg: .indexed(46)))      // dots 1 and 8
        let paths = try XCTUnwrap(SVGElements.parse(grid.svg())).named("path")
        XCTAssertEqual(paths.first { $0["fill"] == "#ff0000" }?["d"], "M0 0h8v16h-8zM8 0h4v16h-4z")
        XCTAssertEqual(paths.first { $0["fill"] == "#0000ff" }?["d"], "M16 12h8v4h-8z")
        XCTAssertEqual(paths.first { $0["fill"] == "#00ff00" }?["d"], "M25 1h2v2h-2zM29 13h2v2h-2z")
    }

    /// A bordered panel's frame is one path of joined lines, the focused (heavy) one twice as wide.
    func testBoxDrawingBecomesLines() throws {
        var grid = Grid(width: 12, height: 4)
        drawPanel(into: &grid, rect: Rect(x: 0, y: 0, width: 6, height: 4))
        drawPanel(into: &grid, rect: Rect(x: 6, y: 0, width: 6, height: 4), focused: true, options: RenderOptions(colorMode: .mono))
        let paths = try XCTUnwrap(SVGElements.parse(grid.svg(options: RenderOptions(colorMode: .mono)))).named("path")
        let light = try XCTUnwrap(paths.first { $0["stroke-width"] == nil })
        XCTAssertEqual(light["d"], "M4 8H44M4 56H44M4 8V56M44 8V56", "top, bottom, left, right")
        XCTAssertEqual(paths.first { $0["stroke-width"] == "2" }?["d"], "M52 8H92M52 56H92M52 8V56M92 8V56")
    }

    /// Runs of one style are one <text> spanning their cells (textLength), spaces inside kept.
    func testTextRuns() throws {
        var grid = Grid(width: 20, height: 1)
        grid.put("ab  cd", x: 1, y: 0)
        grid.put("XY", x: 10, y: 0, style: Style(fg: .indexed(196), bold: true))
        grid.put("q", x: 14, y: 0, style: Style(reverse: true))
        let parsed = try XCTUnwrap(SVGElements.parse(grid.svg()))
        let texts = parsed.named("text")
        XCTAssertEqual(parsed.texts, ["ab  cd", "XY", "q"])
        XCTAssertEqual(texts[0]["x"], "8")
        XCTAssertEqual(texts[0]["textLength"], "48")
        XCTAssertEqual(texts[1]["fill"], "#ff0000")
        XCTAssertEqual(texts[1]["font-weight"], "bold")
        XCTAssertEqual(texts[2]["fill"], "#000000", "reverse video: the page colour on the text colour")
        XCTAssertTrue(parsed.named("path").contains { $0["fill"] == "#e5e5e5" && $0["d"] == "M112 0h8v16h-8z" })
    }

    /// Every <text> keeps its own spaces: browsers do not inherit xml:space from the <g> around the
    /// runs and collapse "1   1002" to "1 1002" (issue 22). The parser reports xml:space as an attribute.
    func testEveryTextWithARunOfSpacesPreservesThem() throws {
        var grid = Grid(width: 40, height: 3)
        grid.put("1      1002", x: 0, y: 0)
        grid.put("L1  0.57  0.012", x: 2, y: 1, style: Style(fg: .indexed(75)))
        grid.put("a b", x: 0, y: 2)
        let parsed = try XCTUnwrap(SVGElements.parse(grid.svg()))
        let texts = parsed.named("text")
        XCTAssertEqual(parsed.texts, ["1      1002", "L1  0.57  0.012", "a b"])
        let withRuns = zip(texts, parsed.texts).filter { $0.1.contains("  ") }
        XCTAssertEqual(withRuns.count, 2)
        for (attributes, content) in withRuns {
            XCTAssertEqual(attributes["xml:space"], "preserve", "<text> \(content) collapses its spaces in a browser")
        }
    }

    func testGlyphClassification() {
        XCTAssertEqual(SVGGlyph("▀"), .upperHalf)
        XCTAssertEqual(SVGGlyph("▁"), .lower(1))
        XCTAssertEqual(SVGGlyph("▇"), .lower(7))
        XCTAssertEqual(SVGGlyph("▏"), .left(1))
        XCTAssertEqual(SVGGlyph("▉"), .left(7))
        XCTAssertEqual(SVGGlyph("┏"), .box(arms: 10, heavy: true))
        XCTAssertEqual(SVGGlyph("⣿"), .braille(0xFF))
        XCTAssertEqual(SVGGlyph("a"), .text)
        XCTAssertEqual(xmlEscaped("<&>\"\u{1B}"), "&lt;&amp;&gt;&quot; ")
    }
}
