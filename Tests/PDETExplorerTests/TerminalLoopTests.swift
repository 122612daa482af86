// The one terminal loop, headless: each of the four views (toy, A/B split, simulator, MiniLM) and a
// lesson driven through a script by runTerminalLoop on a HeadlessBackend (ratatui's TestBackend),
// asserting on the frames it collected: keys change what is drawn, each frame is what the view's
// own renderer (and so its snapshot) draws for the same state, quit keys and the end of input stop
// the loop, recordings get one event per frame, script actions run before the keys.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

final class TerminalLoopTests: XCTestCase {
    static let size = ScreenSize(width: 120, height: 40)
    static let options = RenderOptions(colorMode: .mono, ascii: false)

    /// Runs `screen` on a headless 120×40 terminal fed `script`'s keys; returns the backend.
    @discardableResult
    func drive(_ screen: some InteractiveScreen, _ script: String, actions: [ScriptAction] = [],
               recorder: FrameRecorder? = nil) throws -> HeadlessBackend {
        let inputs = try headlessInputs(try parseScript(script, fileName: "test.script"))
        let backend = HeadlessBackend(width: Self.size.width, height: Self.size.height, inputs: inputs)
        try runTerminalLoop(screen, on: backend, options: Self.options, script: actions, recorder: recorder, sleep: { _ in })
        return backend
    }

    /// The frames collected, after checking there are `count` of them (the test stops there if not).
    func frames(_ backend: HeadlessBackend, _ count: Int, _ why: String = "",
                file: StaticString = #filePath, line: UInt = #line) throws -> [Grid] {
        XCTAssertEqual(backend.frames.count, count, why, file: file, line: line)
        guard backend.frames.count == count else { throw FrameCountMismatch() }
        return backend.frames
    }
    struct FrameCountMismatch: Error {}

    func header(_ grid: Grid) -> String { grid.lines.prefix(2).joined(separator: "\n") }

    /// The snapshot body (the .txt file without its "# " header lines).
    func snapshotBody(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).drop(while: { $0.hasPrefix("#") }).joined(separator: "\n")
    }

    func toyScreen() throws -> ExplorerScreen {
        ExplorerScreen(session: try tinySession(), size: Self.size, options: Self.options)
    }

    // MARK: the four views

    func testToyViewTogglesShowInTheHeaderAndTheLastFrameIsTheSnapshot() throws {
        let screen = try toyScreen()
        let backend = try drive(screen, "key r\nwait 1ms\nkey l\nwait 1ms\nkey ?\nwait 1ms\nkey escape")
        let frames = try self.frames(backend, 5, "the first frame, then one per key (the waits separate the batches)")
        XCTAssertTrue(header(frames[0]).contains("Residual ON"), header(frames[0]))
        XCTAssertTrue(header(frames[1]).contains("Residual OFF"), header(frames[1]))
        XCTAssertTrue(header(frames[2]).contains("Norm post"), header(frames[2]))
        XCTAssertTrue(frames[3].text.contains("Help"), "? opens the help overlay")
        XCTAssertNotEqual(frames[3], frames[4], "Esc closes it")
        XCTAssertTrue(backend.quitRequested, "the loop ran until the input was exhausted")
        XCTAssertEqual(backend.lastFrame, renderSplitScreen(screen.comparison.state, width: 120, height: 40, options: Self.options))
        let snapshot = screen.comparison.snapshotText(number: nil, format: .txt, colorMode: .mono, ascii: false)
        XCTAssertEqual(snapshotBody(snapshot), backend.lastFrame.plainText())
    }

    func testSplitViewOpensBAndTogglesOnlyTheFocusedPane() throws {
        let screen = try toyScreen()
        let frames = try self.frames(try drive(screen, "key b\nwait 1ms\nkey r\nwait 1ms\nkey tab"), 4)
        XCTAssertFalse(frames[0].text.contains("A/B differences"))
        XCTAssertTrue(frames[1].text.contains("B " + SplitTitle.focusedMarker), frames[1].text)
        XCTAssertTrue(frames[1].text.contains("A/B differences"), frames[1].text)
        XCTAssertTrue(frames[2].text.contains("B: residual off (A on)"), frames[2].text)
        XCTAssertTrue(frames[3].text.contains("A " + SplitTitle.focusedMarker), frames[3].text)
        XCTAssertEqual(frames[3], renderSplitScreen(screen.comparison.state, width: 120, height: 40, options: Self.options))
        let snapshot = screen.comparison.snapshotText(number: nil, format: .txt, colorMode: .mono, ascii: false)
        XCTAssertEqual(snapshotBody(snapshot), frames[3].plainText())
    }

    func testSimulatorViewIsTheToyViewInSimulatorMode() throws {
        let screen = try toyScreen()
        let frames = try self.frames(try drive(screen, "key M\nwait 1ms\nkey i\nwait 1ms\nkey M"), 4)
        XCTAssertFalse(header(frames[0]).contains("PDE SIMULATOR"))
        XCTAssertTrue(header(frames[1]).contains("PDE SIMULATOR"), header(frames[1]))
        XCTAssertTrue(frames[1].text.contains(PanelTitle.trajectory), frames[1].text)
        XCTAssertTrue(header(frames[2]).contains("heun"), header(frames[2]))
        XCTAssertFalse(header(frames[3]).contains("PDE SIMULATOR"), "M again: back to the discrete model")
        XCTAssertEqual(frames[3], renderSplitScreen(screen.comparison.state, width: 120, height: 40, options: Self.options))
    }

    func testMiniLMViewRecomputesOnAToggle() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let dir = root + "/.cache/minilm"
        guard FileManager.default.fileExists(atPath: dir + "/model.safetensors") else {
            throw XCTSkip("no \(dir) (run scripts/fetch-minilm.sh)")
        }
        let screen = BertScreen(session: try BertExplorerSession(modelDirectory: dir, text: "A man is playing a guitar."))
        let frames = try self.frames(try drive(screen, "key r\nwait 1ms\nkey q\nkey r"), 2, "q quits before the last r")
        XCTAssertTrue(frames[0].text.contains("Residual ON"))
        XCTAssertTrue(frames[0].text.contains("cos(ablated, intact) = 1.0000"), frames[0].text)
        XCTAssertTrue(frames[1].text.contains("Residual OFF"))
        XCTAssertFalse(frames[1].text.contains("cos(ablated, intact) = 1.0000"), "r reran the ablated model")
        XCTAssertEqual(frames[1], screen.session.render(width: 120, height: 40, options: Self.options))
        let snapshot = screen.session.snapshotText(size: Self.size, number: nil, format: .txt, colorMode: .mono)
        XCTAssertEqual(snapshotBody(snapshot), frames[1].plainText())
    }

    // MARK: the loop itself

    func testLessonViewMovesBetweenBeatsWithTheArrows() throws {
        let lesson = try parseLesson(LessonScriptTests.tinyLesson, fileName: "tiny.lesson")
        let screen = LessonScreen(player: try LessonPlayer(lesson: lesson, number: 9))
        let frames = try self.frames(try drive(screen, "key right\nwait 1ms\nkey left"), 3)
        XCTAssertTrue(frames[0].text.contains("beat 1/2"), frames[0].text)
        XCTAssertTrue(frames[1].text.contains("beat 2/2"), frames[1].text)
        XCTAssertTrue(frames[1].text.contains("Residual OFF"), "beat 2 replays its `key r`")
        XCTAssertEqual(frames[2], frames[0], "back to beat 1: the same frame")
    }

    func testLiveViewShowsAKeyAtOnceAndStopsItsWorker() throws {
        let live = LiveExplorer(session: try tinySession(), options: Self.options, size: Self.size, frameMilliseconds: 5)
        let backend = try drive(LiveExplorerScreen(live: live), "key r")
        XCTAssertTrue(header(backend.lastFrame).contains("Residual OFF"), "the preview shows the toggle before the worker applied it")
        XCTAssertFalse(live.send(.char("q")), "q is still a quit key")
    }

    func testPendingKeysAreHandledBeforeOneFrame() throws {
        let screen = try toyScreen()
        let frames = try self.frames(try drive(screen, "keys rl"), 2, "r and l arrive together: one frame for both")
        XCTAssertTrue(header(frames[1]).contains("Residual OFF"))
        XCTAssertTrue(header(frames[1]).contains("Norm post"))
    }

    func testRecordingDrawsAndRecordsAFramePerKey() throws {
        let folder = try scratchFolder(self)
        let recorder = try FrameRecorder(path: folder + "/a.cast", size: Self.size, options: Self.options)
        let backend = try drive(try toyScreen(), "keys rl", recorder: recorder)
        recorder.close()
        XCTAssertEqual(backend.frames.count, 3, "while recording, each key gets its own frame")
        XCTAssertEqual(recorder.eventCount, 3)
        let cast = try String(contentsOfFile: folder + "/a.cast", encoding: .utf8)
        XCTAssertEqual(cast.split(separator: "\n").count, 4, "the asciicast header and one event per frame")
    }

    func testScriptActionsRunBeforeTheKeysOneFrameEach() throws {
        let screen = try toyScreen()
        let actions = try parseScript("steps 2\nresize 80x24\nkey r", fileName: "t.script")
        let backend = try drive(screen, "key l", actions: actions)
        XCTAssertEqual(screen.comparison.a.state.step, 2)
        let frames = try self.frames(backend, 4, "first frame, steps, key r (the resize is the terminal's to decide), then key l")
        XCTAssertEqual(frames[3].width, 120)
        XCTAssertTrue(header(frames[2]).contains("Residual OFF"))
        XCTAssertTrue(header(frames[3]).contains("Norm post"))
    }

    func testResizeRedrawsAtTheNewSize() throws {
        let screen = try toyScreen()
        let backend = try drive(screen, "resize 80x24")
        _ = try self.frames(backend, 2)
        XCTAssertEqual(backend.lastFrame.width, 80)
        XCTAssertEqual(backend.lastFrame.height, 24)
        XCTAssertEqual(backend.lastFrame, renderSplitScreen(screen.comparison.state, width: 80, height: 24, options: Self.options))
    }

    func testAClickIsTheKeysOfItsPlaceOnTheFrameOnScreenAndEndsTheDrain() throws {
        let screen = try toyScreen()
        let first = screen.render(width: 120, height: 40, options: Self.options)
        let row = try XCTUnwrap(first.lines.firstIndex { $0.contains("Residual ON") })
        let column = try XCTUnwrap(first.lines[row].range(of: "Residual ON")).lowerBound.utf16Offset(in: first.lines[row])
        let click = Key.mouse(MouseEvent(x: column + 1, y: row, button: .left))
        XCTAssertEqual(first.keys(for: MouseEvent(x: column + 1, y: row, button: .left)), [.char("r")], "the header toggle is r")
        let backend = HeadlessBackend(width: 120, height: 40, inputs: [.key(click), .key(.char("l"))])
        try runTerminalLoop(screen, on: backend, options: Self.options)
        let frames = try self.frames(backend, 3, "a click is hit-tested against the frame it was aimed at: the drain stops there")
        XCTAssertTrue(header(frames[1]).contains("Residual OFF"), header(frames[1]))
        XCTAssertTrue(header(frames[1]).contains("Norm pre"), header(frames[1]))
        XCTAssertTrue(header(frames[2]).contains("Norm post"), header(frames[2]))
    }

    func testAPausedScreenWaitsForKeysInsteadOfSpinning() throws {
        let backend = try drive(try toyScreen(), "wait 1ms\nwait 1ms")
        XCTAssertEqual(backend.frames.count, 1, "nothing changed: no redraw")
        XCTAssertTrue(backend.timeouts.allSatisfy { $0 >= 0 && $0 <= 50 }, "\(backend.timeouts)")
        XCTAssertTrue(backend.timeouts.contains { $0 > 0 }, "paused: the loop blocks on the terminal")
    }

    func testNonInputScriptLinesAreRefusedAsHeadlessInput() {
        XCTAssertThrowsError(try headlessInputs([.steps(3)])) { error in
            XCTAssertTrue(String(describing: error).contains("not terminal input"), "\(error)")
        }
        XCTAssertEqual(try headlessInputs([.key(.char("r")), .quit, .key(.char("l"))]), [.key(.char("r"))])
    }
}
