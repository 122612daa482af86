// The split frame at the three standard sizes, too small below the minimum, ASCII only in ASCII
// mode, non-finite values as text, a golden 120×40 frame, the live explorer and scripts in split mode.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

final class SplitScreenTests: XCTestCase {
    /// A split comparison after 4 steps, `r` in B, 4 more steps.
    func splitComparison() throws -> ComparisonSession {
        let c = ComparisonSession(try tinySession())
        c.train(steps: 4)
        c.handle(.char("b"))
        c.handle(.char("r"))
        c.train(steps: 4)
        return c
    }

    func testSplitFrameAtStandardSizes() throws {
        let c = try splitComparison()
        for (w, h) in [(120, 40), (100, 30), (80, 24)] {
            for options in [RenderOptions.standard, RenderOptions.plain, RenderOptions(colorMode: .mono, ascii: false)] {
                let grid = c.render(width: w, height: h, options: options)
                let text = grid.text
                let marker = options.ascii ? SplitTitle.focusedMarkerASCII : SplitTitle.focusedMarker
                XCTAssertTrue(text.contains("B " + marker), "\(w)x\(h): focus marker\n\(text)")
                XCTAssertTrue(text.contains(options.ascii ? "+ A " : "┌ A "), "\(w)x\(h): pane A title\n\(text)")
                XCTAssertTrue(text.contains(SplitTitle.differences), "\(w)x\(h)")
                XCTAssertTrue(text.contains(options.ascii ? "d dr" : "Δ dr"), "\(w)x\(h)\n\(text)")
                XCTAssertTrue(text.contains("* " + SplitTitle.legendA) && text.contains("o " + SplitTitle.legendB),
                              "\(w)x\(h): legend\n\(text)")
                XCTAssertTrue(text.contains("L2"), "\(w)x\(h): every layer row")
                XCTAssertTrue(text.contains("Tab focus"), "key bar")
                if options.ascii { XCTAssertTrue(text.unicodeScalars.allSatisfy(\.isASCII), "\(w)x\(h) ascii\n\(text)") }
            }
        }
        c.handle(.tab)
        XCTAssertTrue(c.render(width: 100, height: 30, options: .plain).text.contains("A > focused"))
    }

    func testTooSmallBelowTheMinimum() throws {
        let c = try splitComparison()
        for (w, h) in [(79, 24), (80, 23), (40, 10)] {
            XCTAssertTrue(c.render(width: w, height: h, options: .plain).text.contains("Terminal too small"), "\(w)x\(h)")
        }
    }

    func testHelpOverlayAndNonFiniteInSplit() throws {
        let c = try splitComparison()
        c.handle(.char("?"))
        let help = c.render(width: 100, height: 30, options: .plain).text
        XCTAssertTrue(help.contains("A/B split (B = copy of A; b closes)"), help)
        XCTAssertTrue(help.contains("focus the other pane"))
        c.handle(.escape)
        // Non-finite metrics in B are shown as text, never a crash.
        var ab = c.state
        ab.b!.metrics!.layers[1].rms = .nan
        ab.b!.metrics!.layers[2].drift = .infinity
        ab.b!.history.loss.append(.nan)
        ab.a.history.loss.append(.infinity)
        ab.b!.firstNonFinite = NonFinite(step: 9, layer: 1, tensor: "attn")
        for (w, h) in [(120, 40), (80, 24)] {
            let text = renderSplitScreen(ab, width: w, height: h, options: .plain).text
            XCTAssertTrue(text.contains("nan"), text)
            XCTAssertTrue(text.contains("inf"), text)
            XCTAssertTrue(text.contains("NON-FINITE B"), text)
        }
    }

    func testSingleViewIsExactlyTheOldScreen() throws {
        let s = try tinySession()
        s.train(steps: 3)
        let c = ComparisonSession(s)
        for options in [RenderOptions.standard, .plain] {
            XCTAssertEqual(c.render(width: 100, height: 30, options: options),
                           renderScreen(s.state, width: 100, height: 30, options: options))
        }
        XCTAssertEqual(c.snapshotText(number: 3, format: .txt, colorMode: .mono, ascii: false),
                       snapshotText(s.state, number: 3, format: .txt, colorMode: .mono, ascii: false))
    }

    // MARK: golden

    static let goldenName = "split-no-residual-in-b-120x40"

    func goldenFrame() throws -> String {
        let c = try splitComparison()
        _ = c.render(width: 120, height: 40, options: RenderOptions(colorMode: .c256, ascii: false))
        return c.snapshotText(number: nil, format: .txt, colorMode: .c256, ascii: false)
    }

    func testGoldenSplitFrame() throws {
        let record = ProcessInfo.processInfo.environment["PDET_RECORD_GOLDEN"] == "1"
        let actual = try goldenFrame()
        XCTAssertEqual(actual, try goldenFrame(), "deterministic")
        let url = GoldenTests.folder.appendingPathComponent(Self.goldenName + ".txt")
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: GoldenTests.folder, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            if !record { XCTFail("recorded missing golden file \(url.path): commit it") }
            return
        }
        if actual != expected { XCTFail("\(Self.goldenName): frame differs\n" + lineDiff(expected, actual)) }
    }

    // MARK: live and scripts

    func testLiveExplorerInSplitMode() throws {
        let l = LiveExplorer(session: try tinySession(), options: .plain, size: ScreenSize(width: 100, height: 30),
                             frameMilliseconds: 5)
        l.send(.char("b"))
        l.send(.char("r"))
        let early = l.previewSplit()                  // before the worker ran: the preview shows it at once
        XCTAssertTrue(early.isSplit)
        XCTAssertFalse(early.b!.config.residual)
        XCTAssertTrue(l.render(width: 100, height: 30, options: .plain).text.contains(SplitTitle.differences))
        l.start()
        defer { l.stop() }
        l.send(.tab)
        l.send(.char("l"))                            // A: norm post
        l.send(.char("n"))
        let deadline = Date(timeIntervalSinceNow: 20)
        while !l.isIdle && Date() < deadline { usleep(2000) }
        XCTAssertTrue(l.isIdle)
        let s = l.previewSplit()
        XCTAssertTrue(s.a.config.residual)
        XCTAssertEqual(s.a.config.norm, .post)
        XCTAssertFalse(try XCTUnwrap(s.b).config.residual)
        XCTAssertEqual(s.b?.config.norm, .pre)
        XCTAssertEqual(s.a.step, 1)
        XCTAssertEqual(s.b?.step, 1)
        XCTAssertEqual(s.focus, .a)
        XCTAssertEqual(l.preview(), s.a, "preview() is the focused pane")
        // Running: both panes advance together.
        l.send(.char(" "))
        while l.previewSplit().a.step < 4 && Date() < deadline { usleep(2000) }
        l.send(.char(" "))
        while !l.isIdle && Date() < deadline { usleep(2000) }
        usleep(20_000)
        let after = l.previewSplit()
        XCTAssertEqual(after.a.step, after.b?.step)
        XCTAssertGreaterThanOrEqual(after.a.step, 4)
        XCTAssertFalse(l.send(.char("q")))
    }

    func testScriptReachesTheSplitViewTheSameTwice() throws {
        let script = """
            steps 2
            key b
            key r
            steps 3
            key tab
            key ]
            snapshot split.txt
            """
        func run(_ folder: String) throws -> (String, ScriptRunner) {
            let runner = ScriptRunner(session: try tinySession(), size: ScreenSize(width: 100, height: 30),
                                      options: RenderOptions(colorMode: .c256, ascii: false))
            runner.baseDirectory = folder
            try runner.run(try parseScript(script, fileName: "split.script"))
            return (try String(contentsOfFile: folder + "/split.txt", encoding: .utf8), runner)
        }
        let (first, runner) = try run(try scratchFolder(self))
        let (second, _) = try run(try scratchFolder(self))
        XCTAssertEqual(first, second)
        XCTAssertTrue(first.contains("A/B split"), first)
        XCTAssertTrue(first.contains("A " + SplitTitle.focusedMarker), first)
        XCTAssertTrue(runner.comparison.isSplit)
        XCTAssertEqual(runner.comparison.a.state.layer, 1, "] went to A after tab")
        XCTAssertEqual(runner.comparison.b?.state.layer, 0)
        XCTAssertEqual(runner.comparison.b?.state.step, 5)
        XCTAssertEqual(runner.session.state.step, 5)
    }
}
