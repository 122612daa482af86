// Issue 22's classroom keys: figures from before a toggle are stale until recomputed (`e` runs the
// held-out evaluation now), `o` reloads the opening model with its optimizer state, `w` switches
// the Training charts to the recent window, `g` opens the glossary.
import PDETCore
@testable import PDETExplorer
import Foundation
import PDETRender
import PDETScript
import XCTest

final class ClassroomKeysTests: XCTestCase {
    let options = RenderOptions(colorMode: .mono, ascii: false)

    /// The Training panel's text (its columns of the 120x40 frame, rows joined by newlines).
    func trainingLine(_ session: ExplorerSession) -> String {
        let lines = session.render(width: 120, height: 40, options: options).lines
        guard let row = lines.firstIndex(where: { $0.contains("loss ") && $0.contains("acc ") }),
              let column = lines[row].range(of: "loss ").map({ lines[row].distance(from: lines[row].startIndex, to: $0.lowerBound) })
        else { return "" }
        return lines[row...].map { String($0.dropFirst(column).prefix(36)) }.joined(separator: "\n")
    }

    func testAToggleMarksTheTrainingFiguresStaleUntilAStepOrAnEvaluation() throws {
        let session = try tinySession()
        session.train(steps: 100)                      // step 100 evaluates held-out
        XCTAssertFalse(session.state.history.heldOut.isEmpty)
        let before = trainingLine(session)
        XCTAssertFalse(before.contains("loss -"), before)
        XCTAssertTrue(before.contains("held-out 0") || before.contains("held-out 1"), before)
        session.handle(.char("r"))
        XCTAssertTrue(session.state.trainingFiguresStale)
        let stale = trainingLine(session)
        XCTAssertTrue(stale.contains("loss -  acc -"), stale)
        XCTAssertTrue(stale.contains("held-out - (e)"), stale)
        XCTAssertTrue(stale.contains("grad -"), stale)
        XCTAssertTrue(stale.contains("stale: toggled"), stale)
        session.handle(.char("n"))                     // a step measures loss and accuracy again
        let stepped = trainingLine(session)
        XCTAssertFalse(stepped.contains("loss -"), stepped)
        XCTAssertTrue(stepped.contains("held-out - (e)"), "held-out waits for an evaluation: \(stepped)")
        session.handle(.char("e"))
        XCTAssertEqual(session.state.history.heldOut.last?.step, 101)
        XCTAssertTrue(session.state.status.hasPrefix("held-out accuracy "), session.state.status)
        XCTAssertFalse(trainingLine(session).contains("held-out -"))
        XCTAssertFalse(trainingLine(session).contains("stale"))
    }

    func testAToggleBeforeAnyTrainingIsNotStale() throws {
        let session = try tinySession()
        session.handle(.char("r"))
        XCTAssertFalse(session.state.trainingFiguresStale)
        XCTAssertFalse(session.state.heldOutStale)
    }

    func testReloadReturnsToTheOpeningModelWithItsOptimizerState() throws {
        let session = try tinySession()
        let reference = try tinySession()
        session.train(steps: 5)
        session.handle(.char("r"))
        session.handle(.char("l"))
        session.train(steps: 3)
        session.handle(.char("o"))
        XCTAssertTrue(session.state.status.hasPrefix("reloaded the opening model"), session.state.status)
        XCTAssertEqual(session.state.step, 0)
        XCTAssertEqual(session.state.config, reference.state.config, "toggles reset to the opening's")
        XCTAssertEqual(session.state.metrics, reference.state.metrics)
        // Optimizer state included: training on from the reload gives the bits a fresh run gives.
        session.train(steps: 4)
        reference.train(steps: 4)
        XCTAssertEqual(session.checkpointBytes, reference.checkpointBytes)
        // A copy (the A/B split's B, a lesson's beat) reloads the same opening.
        let twin = try session.copy()
        twin.handle(.char("o"))
        XCTAssertEqual(twin.state.step, 0)
    }

    func testRecentWindowShowsTheStepsSinceTheLastToggle() throws {
        var state = ExplorerState(config: tinyConfig())
        state.history.firstStep = 1
        state.history.loss = (1...500).map { Float($0) }
        state.history.accuracy = Array(repeating: 0.5, count: 500)
        state.step = 500
        XCTAssertEqual(state.chartRange().first, 1)
        _ = reduce(&state, .char("w"))
        XCTAssertEqual(state.chartWindow, .recent)
        XCTAssertEqual(state.chartRange().first, 301)
        XCTAssertEqual(state.status, "charts: last 200 steps")
        _ = reduce(&state, .char("r"))
        XCTAssertEqual(state.lastToggleStep, 500)
        state.step = 520
        state.history.loss = (1...520).map { Float($0) }
        state.history.accuracy = Array(repeating: 0.5, count: 520)
        XCTAssertEqual(state.chartRange().first, 501)
        XCTAssertEqual(state.chartRange().label, "since toggle @500")
        let frame = renderScreen(state, width: 120, height: 40, options: options)
        XCTAssertTrue(frame.text.contains("since toggle @500"), frame.text)
        XCTAssertTrue(frame.text.contains("501"), "the x-axis starts at the toggle")
        _ = reduce(&state, .char("w"))
        XCTAssertEqual(state.chartRange().first, 1)
    }

    func testGlossaryKeyListsEveryFigureAndFitsEightyByTwentyFour() throws {
        var state = ExplorerState(config: tinyConfig())
        _ = reduce(&state, .char("g"))
        XCTAssertEqual(state.overlay, .glossary)
        for (width, height) in [(80, 24), (120, 40)] {
            let frame = renderScreen(state, width: width, height: height, options: options).text
            XCTAssertTrue(frame.contains("Glossary"), frame)
            // Every figure the panels show, each with its line, uncut (no line ends in the box edge).
            for line in glossaryLines {
                XCTAssertTrue(frame.contains(line.text), "\(width)x\(height): '\(line.key)' line missing or cut\n\(frame)")
            }
        }
        let figures = Set(glossaryLines.map(\.key))
        for figure in ["drift", "update", "rank", "unif", "entropy", "heat κ", "cos", "gain", "Σα", "order"] {
            XCTAssertTrue(figures.contains(figure), figure)
        }
        _ = reduce(&state, .escape)
        XCTAssertEqual(state.overlay, .none)
        _ = reduce(&state, .char("g"))
        _ = reduce(&state, .char("g"))
        XCTAssertEqual(state.overlay, .none, "g again closes it")
        XCTAssertTrue(explorerHelpLines(state.fields).contains { $0.key.split(separator: " ").contains("g") }, "the help lists g")
        XCTAssertTrue(simulatorHelpLines.contains { $0.key.split(separator: " ").contains("g") })
    }

    func testGlossaryInTheSplitAndTheMiniLMView() throws {
        var ab = SplitState(a: ExplorerState(config: tinyConfig()), b: ExplorerState(config: tinyConfig()), focus: .b)
        _ = reduceSplit(&ab, .char("g"))
        XCTAssertEqual(ab.a.overlay, .glossary, "both panes, whichever has the focus")
        XCTAssertTrue(renderSplitScreen(ab, width: 120, height: 40, options: options).text.contains("Glossary"))
        // The MiniLM view has no trained model of its own: g, o and e say why, nothing else changes.
        var bert = BertExplorerState(modelName: "test", layers: 6, heads: 12, sentence: "hello world")
        for key in ["o", "e"] {
            XCTAssertEqual(reduceBert(&bert, .char(Character(key))), .none)
            XCTAssertEqual(bert.statusLine.severity, .error)
            XCTAssertTrue(bert.status.contains("pretrained and fixed"), bert.status)
        }
        _ = reduceBert(&bert, .char("g"))
        XCTAssertTrue(bert.status.contains("docs/minilm.md"), bert.status)
    }

    /// Item 14: one interpreter. A lesson beat and a script runner give the same state for the same
    /// actions; what only a runner does comes back to it and leaves the session alone.
    func testOneInterpreterForLessonsAndScripts() throws {
        let actions: [ScriptAction] = [.steps(2), .key(.char("r")), .layer(1), .head(1), .wait(milliseconds: 500),
                                       .snapshot(path: "never-written.txt"), .resize(width: 100, height: 30)]
        let lesson = try tinySession(), script = try tinySession()
        for action in actions { applyLessonAction(action, to: lesson) }
        let runner = ScriptRunner(session: script, size: ScreenSize(width: 120, height: 40), options: options)
        for action in actions where action != .snapshot(path: "never-written.txt") { XCTAssertTrue(try runner.perform(action)) }
        XCTAssertEqual(lesson.state, script.state)
        XCTAssertEqual(lesson.state.layer, 1)
        XCTAssertEqual(runner.size, ScreenSize(width: 100, height: 30))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "never-written.txt"), "a beat skips snapshot")
        let before = lesson.state
        XCTAssertEqual(interpretScriptAction(.wait(milliseconds: 500), on: lesson), .wait(milliseconds: 500))
        XCTAssertEqual(interpretScriptAction(.quit, on: lesson), .quit)
        XCTAssertEqual(lesson.state, before)
        XCTAssertEqual(interpretScriptAction(.key(.char("q")), on: lesson), .quit)
    }
}
