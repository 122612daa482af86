// The A/B split: `b` makes B an exact twin of A (weights, AdamW state, step, history), training
// keeps both on the same step and batches, toggles go to the focused pane only, R/t keep the two
// comparable, `b` again closes B, and the differences shown are B − A of the panes' metrics.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class SplitSessionTests: XCTestCase {
    func comparison(trained steps: Int = 0) throws -> ComparisonSession {
        let c = ComparisonSession(try tinySession())
        c.train(steps: steps)
        return c
    }

    func testBCopiesAExactlyAndLockstepTrainingIsBitIdentical() throws {
        let c = try comparison(trained: 7)
        XCTAssertFalse(c.isSplit)
        XCTAssertTrue(c.handle(.char("b")))
        let b = try XCTUnwrap(c.b)
        XCTAssertEqual(c.focus, .b, "focus moves to the new pane")
        XCTAssertEqual(c.state.status, splitOpenedStatus)
        XCTAssertEqual(b.state.step, 7, "B starts where A is, not from scratch")
        XCTAssertEqual(b.run.model.step, 7)
        XCTAssertEqual(b.run.model.params, c.a.run.model.params)
        XCTAssertEqual(b.state.history, c.a.state.history)
        XCTAssertEqual(b.state.metrics, c.a.state.metrics)
        XCTAssertFalse(b.run.model === c.a.run.model, "a copy, not the same model")
        // Same seed, data and batch: identical losses, step for step (this also needs equal AdamW moments).
        c.train(steps: 6)
        XCTAssertEqual(b.state.step, 13)
        XCTAssertEqual(c.a.state.step, 13)
        XCTAssertEqual(b.state.history.loss.map(\.bitPattern), c.a.state.history.loss.map(\.bitPattern))
        XCTAssertEqual(b.run.model.params, c.a.run.model.params)
        XCTAssertTrue(layerDifferences(c.state).allSatisfy { $0.deltaDrift == 0 && $0.deltaRms == 0 })
    }

    func testTransformerCopyKeepsMomentsAfterARelayout() throws {
        // Toggle a diffusion site on (a new layout) and train, then copy: the twin must train identically.
        let s = try tinySession { $0.pde = .betweenLayers }
        s.train(steps: 4)
        let twin = try s.run.copy()
        XCTAssertEqual(twin.model.tensors, s.run.model.tensors)
        let batch = s.run.nextBatch
        let m1 = s.run.model.trainStep(batch), m2 = twin.model.trainStep(batch)
        XCTAssertEqual(m1.loss.bitPattern, m2.loss.bitPattern)
        XCTAssertEqual(s.run.model.params, twin.model.params)
        XCTAssertEqual(twin.history.count, 4)
    }

    func testResidualOffInBOnlyMakesTheRunsDifferAndDeltaIsBMinusA() throws {
        let c = try comparison(trained: 3)
        c.handle(.char("b"))
        c.handle(.char("r"))                         // focus is B
        XCTAssertTrue(c.a.state.config.residual, "A unchanged")
        XCTAssertFalse(try XCTUnwrap(c.b).state.config.residual)
        XCTAssertTrue(c.state.status.hasPrefix("B: residual off"), c.state.status)
        c.train(steps: 10)
        let b = try XCTUnwrap(c.b)
        XCTAssertEqual(b.state.step, c.a.state.step)
        XCTAssertNotEqual(b.state.history.loss.suffix(10), c.a.state.history.loss.suffix(10))
        XCTAssertEqual(b.state.history.loss.prefix(3), c.a.state.history.loss.prefix(3), "shared past")
        let diffs = layerDifferences(c.state)
        let ma = try XCTUnwrap(c.a.state.metrics), mb = try XCTUnwrap(b.state.metrics)
        XCTAssertEqual(diffs.count, ma.layers.count)
        for (i, d) in diffs.enumerated() {
            XCTAssertEqual(d.deltaDrift, mb.layers[i].drift - ma.layers[i].drift)
            XCTAssertEqual(d.deltaRms, mb.layers[i].rms - ma.layers[i].rms)
        }
        XCTAssertTrue(diffs.dropFirst().contains { $0.deltaDrift != 0 }, "no residual must change the drift")
        let text = c.render(width: 120, height: 40, options: .plain).text
        let last = diffs[diffs.count - 1]
        XCTAssertTrue(text.contains(tableNumber(last.driftB, digits: 3)), text)
        XCTAssertTrue(text.contains("B: residual off (A on)"), text)
        XCTAssertTrue(text.contains("*resid OFF"), "the differing toggle is marked in B's pane")
    }

    func testTabMovesFocusTogglesLandInTheFocusedPaneAndBCloses() throws {
        let c = try comparison()
        c.handle(.tab)
        XCTAssertFalse(c.isSplit, "Tab alone does not split")
        XCTAssertTrue(c.a.state.status.contains("b opens"))
        c.handle(.char("b"))
        c.handle(.tab)
        XCTAssertEqual(c.focus, .a)
        c.handle(.char("l"))                          // A: norm pre → post
        c.handle(.char("]"))                          // A: layer 2
        XCTAssertEqual(c.a.state.config.norm, .post)
        XCTAssertEqual(c.a.state.layer, 1)
        XCTAssertEqual(c.b?.state.config.norm, .pre)
        XCTAssertEqual(c.b?.state.layer, 0)
        c.handle(.backTab)
        XCTAssertEqual(c.focus, .b)
        c.handle(.char("p"))
        XCTAssertEqual(c.b?.state.config.pde, .afterEmbedding)
        XCTAssertEqual(c.a.state.config.pde, .off)
        c.handle(.char("b"))
        XCTAssertFalse(c.isSplit)
        XCTAssertEqual(c.focus, .a)
        XCTAssertEqual(c.a.state.config.norm, .post, "A keeps its toggles")
        XCTAssertFalse(c.render(width: 100, height: 30, options: .plain).text.contains(SplitTitle.differences))
    }

    func testTrainingKeysDriveBothPanesInLockstep() throws {
        let c = try comparison()
        c.handle(.char("b"))
        c.handle(.char("c"))                          // a toggle in B (clamp) keeps the step counts aligned anyway
        c.handle(.char("n"))
        XCTAssertEqual(c.a.state.step, 1)
        XCTAssertEqual(c.b?.state.step, 1)
        c.handle(.char(" "))
        c.handle(.char("+"))
        XCTAssertTrue(c.a.state.running && c.b!.state.running)
        XCTAssertEqual(c.b?.state.stepsPerFrame, 2)
        XCTAssertEqual(c.tick(), 2)
        XCTAssertEqual(c.a.state.step, 3)
        XCTAssertEqual(c.b?.state.step, 3)
        c.handle(.char(" "))
        XCTAssertEqual(c.tick(), 0, "paused")
    }

    func testReseedGivesBothPanesTheSameNewWeightsAndKeepsBsToggles() throws {
        let c = try comparison(trained: 4)
        c.handle(.char("b"))
        c.handle(.char("r"))
        c.handle(.char("R"))
        let b = try XCTUnwrap(c.b)
        XCTAssertEqual(c.a.state.config.seed, 2)
        XCTAssertEqual(b.state.config.seed, 2)
        XCTAssertEqual(b.state.step, 0)
        XCTAssertEqual(c.a.state.step, 0)
        XCTAssertFalse(b.state.config.residual, "B keeps its toggles")
        XCTAssertTrue(c.a.state.config.residual)
        XCTAssertEqual(b.run.model.params, c.a.run.model.params, "the same new weights")
        XCTAssertTrue(b.state.history.loss.isEmpty)
        XCTAssertEqual(c.focus, .b)
        c.handle(.char("t"))
        XCTAssertEqual(c.a.state.config.task, c.b?.state.config.task)
        XCTAssertEqual(c.b?.run.model.params, c.a.run.model.params)
        XCTAssertEqual(c.b?.state.config.residual, false)
    }

    func testSnapshotInSplitWritesTheSplitFrameAndNeverOverwrites() throws {
        let folder = try scratchFolder(self)
        let c = try comparison(trained: 2)
        c.snapshotDirectory = folder
        c.handle(.char("b"))
        _ = c.render(width: 100, height: 30, options: .plain)
        c.handle(.char("s"))
        c.handle(.char("s"))
        XCTAssertEqual(c.snapshotsSaved, 2)
        XCTAssertTrue(c.state.status.hasPrefix("snapshot saved"), c.state.status)
        let first = try String(contentsOfFile: folder + "/0001.txt", encoding: .utf8)
        XCTAssertTrue(first.hasPrefix("# pdet-tui \(explorerVersion) snapshot 0001 A/B split\n"), first)
        XCTAssertTrue(first.contains("# reproduce B: pdet-tui snapshot"))
        XCTAssertTrue(first.contains(SplitTitle.differences))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/0002.ansi"))
        // Single view: `s` still writes the single frame.
        c.handle(.char("b"))
        c.handle(.char("s"))
        let single = try String(contentsOfFile: folder + "/0003.txt", encoding: .utf8)
        XCTAssertFalse(single.contains("A/B split"))
        XCTAssertTrue(single.contains(PanelTitle.attention))
    }

    func testQuitInSplit() throws {
        let c = try comparison()
        c.handle(.char("b"))
        XCTAssertFalse(c.handle(.char("q")))
        var ab = c.state
        XCTAssertEqual(reduceSplit(&ab, .ctrl("c")), [.quit])
    }
}
