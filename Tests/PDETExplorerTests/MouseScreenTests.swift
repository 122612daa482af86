// Clicks and the wheel on the real screens: the keys a place stands for are found where the renderer
// drew it (the text is looked up in the frame, then hit-tested), and pressing those keys does what the
// click promised. A click never does what no key does: every region holds keys.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class MouseScreenTests: XCTestCase {
    let options = RenderOptions(colorMode: .c256)

    /// The first cell of `text` in the frame, searched in `rect` (the whole frame by default).
    func find(_ text: String, in grid: Grid, rect: Rect? = nil) -> (x: Int, y: Int)? {
        let r = rect ?? grid.bounds
        let needle = Array(text)
        for y in r.y..<r.maxY {
            let line = Array(grid.lines[y])
            let last = min(r.maxX, line.count) - needle.count
            guard last >= r.x else { continue }
            for x in r.x...last where Array(line[x..<(x + needle.count)]) == needle { return (x, y) }
        }
        return nil
    }

    func keys(_ grid: Grid, _ x: Int, _ y: Int, _ button: MouseButton = .left) -> [Key] {
        grid.keys(for: MouseEvent(x: x, y: y, button: button))
    }

    func frame(_ s: ExplorerSession, width: Int = 120, height: Int = 40) -> Grid {
        s.render(width: width, height: height, options: options)
    }

    func testHeaderTogglesAreTheirKeys() throws {
        let s = try tinySession()
        let expected: [(String, Key, String)] = [
            ("Residual ON", .char("r"), "Residual OFF"), ("Norm pre", .char("l"), "Norm post"),
            ("PDE off", .char("p"), "PDE after-embedding"), ("scales 1", .char("m"), "scales 1,2,4"), ("clamp on", .char("c"), "clamp off"),
        ]
        for (text, key, after) in expected {
            let grid = frame(s)
            let header = Rect(x: 0, y: 0, width: 120, height: 3)
            let at = try XCTUnwrap(find(text, in: grid, rect: header), text)
            for dx in [0, text.count - 1] { XCTAssertEqual(keys(grid, at.x + dx, at.y), [key], "\(text) +\(dx)") }
            XCTAssertEqual(keys(grid, at.x + text.count + 1, at.y), [], "the gap after \(text)")
            for k in keys(grid, at.x, at.y) { s.handle(k) }
            XCTAssertNotNil(find(after, in: frame(s), rect: header), "clicking \(text) gives \(after)")
        }
        let grid = frame(s)
        let alpha = try XCTUnwrap(find("alpha 0.1", in: grid))
        XCTAssertEqual(keys(grid, alpha.x, alpha.y, .wheelUp), [.char("A")])
        XCTAssertEqual(keys(grid, alpha.x, alpha.y, .wheelDown), [.char("a")])
        XCTAssertEqual(keys(grid, alpha.x, alpha.y), [], "no key cycles alpha, so no click does")
        let task = try XCTUnwrap(find("task reverse", in: grid))
        XCTAssertEqual(keys(grid, task.x, task.y), [])
    }

    /// A layer's row in Norms or Drift selects it with as many [ or ] as it takes; the embedding row nothing.
    func testLayerRowsInNormsAndDriftSelectTheLayer() throws {
        var c = tinyConfig()
        c.layers = 4
        let s = try ExplorerSession(config: c)
        var grid = frame(s)
        let rects = panelRects(Rect(x: 0, y: 2, width: 120, height: 36))
        let norms = Rect(x: rects.norms.x, y: 0, width: rects.norms.width, height: 40)
        let drift = Rect(x: rects.drift.x, y: 0, width: rects.drift.width, height: 40)
        let l3 = try XCTUnwrap(find("L3 ", in: grid, rect: norms))
        XCTAssertEqual(keys(grid, l3.x, l3.y), [.char("]"), .char("]")])
        XCTAssertEqual(keys(grid, norms.maxX - 3, l3.y), [.char("]"), .char("]")], "anywhere on the row, the value too")
        let emb = try XCTUnwrap(find("emb", in: grid, rect: norms))
        XCTAssertEqual(keys(grid, emb.x, emb.y), [])
        for k in keys(grid, l3.x, l3.y) { s.handle(k) }
        XCTAssertEqual(s.state.layer, 2)
        grid = frame(s)
        let d1 = try XCTUnwrap(find("L1 ", in: grid, rect: drift))
        XCTAssertEqual(keys(grid, d1.x, d1.y), [.char("["), .char("[")])
        let d4 = try XCTUnwrap(find("L4 ", in: grid, rect: drift))
        XCTAssertEqual(keys(grid, d4.x + 10, d4.y), [.char("]")])
        let selected = try XCTUnwrap(find("L3 ", in: grid, rect: drift))
        XCTAssertEqual(keys(grid, selected.x, selected.y), [], "the selected layer: nothing to press")
        XCTAssertNotNil(find("layer 3/4", in: grid))
    }

    func testHeadLabelAndTheWheelOverAttention() throws {
        let s = try tinySession()
        var grid = frame(s)
        let rects = panelRects(Rect(x: 0, y: 2, width: 120, height: 36))
        let label = try XCTUnwrap(find("H1", in: grid, rect: rects.attention))
        XCTAssertEqual(keys(grid, label.x, label.y), [.char("h")])
        XCTAssertEqual(keys(grid, label.x - 2, label.y), [], "L1 is not the head")
        for k in keys(grid, label.x, label.y) { s.handle(k) }
        XCTAssertEqual(s.state.head, 1)
        grid = frame(s)
        XCTAssertNotNil(find("L1 H2", in: grid, rect: rects.attention))
        let middle = (rects.attention.x + rects.attention.width / 2, rects.attention.y + rects.attention.height / 2)
        XCTAssertEqual(keys(grid, middle.0, middle.1, .wheelDown), [.char("h")])
        XCTAssertEqual(keys(grid, middle.0, middle.1, .wheelUp), [.char("H")])
        XCTAssertEqual(keys(grid, middle.0, middle.1), [])
    }

    func testTheWheelOverTrainingIsTheSpeed() throws {
        let s = try tinySession()
        let grid = frame(s)
        let t = panelRects(Rect(x: 0, y: 2, width: 120, height: 36)).training
        XCTAssertEqual(keys(grid, t.x + 3, t.y + 3, .wheelUp), [.char("+")])
        XCTAssertEqual(keys(grid, t.maxX - 1, t.maxY - 1, .wheelDown), [.char("-")])
        XCTAssertEqual(keys(grid, t.x + 3, t.y + 3), [])
        s.handle(.char("+"))
        XCTAssertEqual(s.state.stepsPerFrame, 2)
    }

    func testHelpOverlayClosesOnAClickAndSwallowsTheWheel() throws {
        let s = try tinySession()
        s.handle(.char("?"))
        let grid = frame(s)
        let t = panelRects(Rect(x: 0, y: 2, width: 120, height: 36)).training
        XCTAssertEqual(keys(grid, t.x + 3, t.y + 3, .wheelUp), [])
        XCTAssertEqual(keys(grid, 5, 1), [.escape], "not the Residual toggle under the overlay")
        XCTAssertEqual(keys(grid, 60, 20), [.escape])
    }

    func testTooSmallScreenHasNoRegions() throws {
        let s = try tinySession()
        XCTAssertTrue(frame(s, width: 60, height: 20).regions.isEmpty)
        XCTAssertFalse(frame(s, width: 80, height: 24).regions.isEmpty, "80×24 is usable")
    }

    /// In the A/B split a click in the other pane focuses it (Tab); the focused pane's rows select its layer.
    func testSplitPaneFocusAndLayerRows() throws {
        let c = ComparisonSession(try tinySession())
        c.handle(.char("b"))                                   // B is focused
        var grid = c.render(width: 120, height: 40, options: options)
        let paneA = try XCTUnwrap(find("┌ A ", in: grid))
        XCTAssertEqual(keys(grid, paneA.x + 5, paneA.y + 5), [.tab])
        XCTAssertEqual(keys(grid, paneA.x + 5, paneA.y + 5, .wheelDown), [], "the wheel does not reach a pane without focus")
        let paneB = try XCTUnwrap(find("┏ B ", in: grid))
        let rowsB = Rect(x: paneB.x, y: paneB.y, width: 60, height: 20)
        let l2 = try XCTUnwrap(find("L2 ", in: grid, rect: rowsB))
        XCTAssertEqual(keys(grid, l2.x, l2.y), [.char("]")])
        for k in keys(grid, l2.x, l2.y) { c.handle(k) }
        XCTAssertEqual(c.state.b?.layer, 1)
        XCTAssertEqual(c.state.a.layer, 0, "A untouched")
        for k in keys(grid, paneA.x + 5, paneA.y + 5) { c.handle(k) }
        XCTAssertEqual(c.focus, .a)
        grid = c.render(width: 120, height: 40, options: options)
        XCTAssertNotNil(find("┏ A ▸ focused", in: grid))
    }

    func testSimulatorModeKeepsOnlyTheKeysThatMeanTheSame() throws {
        let s = try tinySession()
        s.handle(.char("M"))
        let grid = frame(s)
        let rects = panelRects(Rect(x: 0, y: 2, width: 120, height: 36))
        XCTAssertEqual(keys(grid, rects.norms.x + 3, rects.norms.y + 3), [], "Norms shows time, not layers")
        XCTAssertEqual(keys(grid, rects.training.x + 3, rects.training.y + 3, .wheelUp), [.char("+")])
        for region in grid.regions {
            XCTAssertTrue([region.click, region.wheelUp, region.wheelDown].contains { $0 != nil }, "a region that does nothing")
        }
    }
}
