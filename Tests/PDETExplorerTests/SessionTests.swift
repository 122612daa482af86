// The session on a tiny model: toggles re-run the forward pass at once, training fills the history,
// task switching and reset build new runs, selection moves the probe, failures land in the status line.
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class SessionTests: XCTestCase {
    func testOpensWithAForwardPassAndLabels() throws {
        let s = try tinySession()
        let m = try XCTUnwrap(s.state.metrics)
        XCTAssertEqual(m.layers.count, 3)
        XCTAssertEqual(m.attention.count, 2)
        XCTAssertEqual(m.attention[0].count, 4)
        XCTAssertEqual(m.attention[0][0].count, 16 * 16)
        XCTAssertEqual(s.state.tokenLabels.count, 16)
        XCTAssertEqual(s.state.step, 0)
    }

    func testAToggleChangesTheFrameWithoutATrainingStep() throws {
        let s = try tinySession()
        let before = try XCTUnwrap(s.state.metrics)
        s.handle(.char("r"))
        XCTAssertEqual(s.state.step, 0)
        XCTAssertFalse(s.run.config.residual, "the model runs with the toggle")
        let after = try XCTUnwrap(s.state.metrics)
        XCTAssertNotEqual(before.layers.map(\.rms), after.layers.map(\.rms), "fresh forward pass without residuals")
        let frame = s.render(width: 120, height: 40, options: .plain).text
        XCTAssertTrue(frame.contains("Residual OFF"), frame)
    }

    func testDiffusionSiteShowsTheProbeAndOffSaysSo() throws {
        let s = try tinySession()
        XCTAssertTrue(s.render(width: 120, height: 40, options: .plain).text.contains("diffusion off"))
        s.handle(.char("p"))
        XCTAssertEqual(s.state.config.pde, .afterEmbedding)
        XCTAssertNotNil(s.state.metrics?.diffusion)
        let frame = s.render(width: 120, height: 40, options: .plain).text
        XCTAssertTrue(frame.contains("PDE after-embedding"), frame)
        XCTAssertFalse(frame.contains("diffusion off"))
        XCTAssertTrue(frame.contains("|H(k)|"), frame)
    }

    func testUnstableWhenAlphaSumExceedsHalfWithClampOff() throws {
        let s = try tinySession { $0.pde = .betweenLayers }
        s.handle(.char("c"))
        for _ in 0..<10 { s.handle(.char("A")) }       // 0.1 + 10 × 0.05 = 0.6
        XCTAssertEqual(s.state.config.pdeAlpha, 0.6, accuracy: 1e-6)
        XCTAssertGreaterThan(s.state.metrics?.diffusion?.alphaSum ?? 0, 0.5)
        XCTAssertTrue(s.render(width: 120, height: 40, options: .plain).text.contains("UNSTABLE"))
        s.handle(.char("c"))                            // clamp back on: Σ alpha ≤ 1/2
        XCTAssertFalse(s.render(width: 120, height: 40, options: .plain).text.contains("UNSTABLE"))
    }

    /// Σα 0.6 spread over scales {1, 2, 4} (0.2 each) is stable: the even scales do not touch the
    /// highest frequency, and the layer's gain (ρ of the actual step matrix) stays 1. Scale 1 alone
    /// at the same Σα is unstable.
    func testSigmaAlphaAboveHalfAtScalesOneTwoFourIsNotUnstable() throws {
        let s = try tinySession { $0.pde = .betweenLayers; $0.pdeScales = [1, 2, 4]; $0.seqLen = 16 }
        s.handle(.char("c"))
        for _ in 0..<10 { s.handle(.char("A")) }       // 0.1 + 10 × 0.05 = 0.6, 0.2 per scale
        let probe = try XCTUnwrap(s.state.metrics?.diffusion)
        XCTAssertEqual(s.state.status, "alpha 0.6")
        XCTAssertEqual(probe.alphaSum, 0.6, accuracy: 1e-6)
        XCTAssertEqual(probe.amplification, 1, accuracy: 1e-6)
        let frame = s.render(width: 120, height: 40, options: .plain).text
        XCTAssertFalse(frame.contains("UNSTABLE"), frame)
        XCTAssertTrue(frame.contains("gain 1 clamp off  sum a 0.6"), frame)   // .plain is ASCII
        s.handle(.char("m"))                            // back to scale 1 only: 0.6 at one scale
        XCTAssertEqual(s.state.status, "diffusion scales 1 (gain 1.38 > 1: unstable)")
        let single = try XCTUnwrap(s.state.metrics?.diffusion)
        XCTAssertGreaterThan(single.amplification, 1.3)
        XCTAssertTrue(s.render(width: 120, height: 40, options: .plain).text.contains("UNSTABLE gain 1.3"))
    }

    func testTrainingStepsFillTheHistoryAndEvaluateOnSchedule() throws {
        let s = try tinySession()
        s.handle(.char("n"))
        XCTAssertEqual(s.state.step, 1)
        XCTAssertEqual(s.state.history.loss.count, 1)
        XCTAssertEqual(s.state.history.firstStep, 1)
        s.train(steps: ExplorerSession.evaluateEvery - 1)
        XCTAssertEqual(s.state.step, ExplorerSession.evaluateEvery)
        XCTAssertEqual(s.state.history.maxRms.count, ExplorerSession.evaluateEvery)
        XCTAssertEqual(s.state.history.heldOut.map(\.step), [ExplorerSession.evaluateEvery])
        XCTAssertNotNil(s.state.lastStep)
    }

    func testTickTrainsOnlyWhileRunningAndYields() throws {
        let s = try tinySession()
        XCTAssertEqual(s.tick(), 0)
        s.handle(.char(" "))
        s.handle(.char("+"))
        XCTAssertEqual(s.tick(), 2)
        XCTAssertEqual(s.tick(shouldYield: { true }), 1, "yields after each step when asked")
        XCTAssertEqual(s.state.step, 3)
    }

    func testTaskSwitchKeepsTogglesAndSkipsTasksThatCannotBuild() throws {
        let s = try tinySession()
        s.handle(.char("r"))
        s.handle(.char("t"))
        XCTAssertEqual(s.run.config.task, .sort)
        XCTAssertFalse(s.run.config.residual, "toggles survive a task switch")
        s.handle(.char("t"))   // copy
        s.handle(.char("t"))   // listops
        XCTAssertEqual(s.run.config.task, .listops)
        s.handle(.char("t"))   // digits needs seq-len ≥ 64, pathfinder ≥ 25: both skipped at 16
        XCTAssertEqual(s.run.config.task, .reverse)
        XCTAssertTrue(s.state.status.contains("skipped"), s.state.status)
        XCTAssertEqual(s.state.config, s.run.config)
    }

    func testResetReseedsAndClearsTheHistory() throws {
        let s = try tinySession()
        s.train(steps: 3)
        s.handle(.char("R"))
        XCTAssertEqual(s.state.step, 0)
        XCTAssertEqual(s.run.config.seed, 2)
        XCTAssertTrue(s.state.history.loss.isEmpty)
        XCTAssertEqual(s.state.origin, .scratch)
    }

    func testAFailingToggleIsRevertedAndReported() throws {
        let s = try tinySession { $0.seqLen = 4; $0.task = .copy }
        s.handle(.char("m"))    // scales 1,2,4 need seq-len > 4
        XCTAssertEqual(s.state.config.pdeScales, [1])
        XCTAssertEqual(s.run.config.pdeScales, [1])
        XCTAssertTrue(s.state.status.hasPrefix("cannot apply"), s.state.status)
        XCTAssertTrue(s.render(width: 80, height: 24, options: .plain).text.contains("cannot apply"))
    }

    func testLayerSelectionMovesTheHighlightAndTheProbe() throws {
        let s = try tinySession { $0.pde = .afterFFN }
        XCTAssertEqual(s.state.metrics?.diffusion?.instance, 0)
        s.handle(.char("]"))
        XCTAssertEqual(s.state.layer, 1)
        XCTAssertEqual(s.state.metrics?.diffusion?.instance, 1)
        let lines = s.render(width: 120, height: 40, options: .plain).lines
        XCTAssertTrue(lines.contains { $0.contains(">L2") }, "the Norms bar of block 2 is marked")
        XCTAssertTrue(lines.contains { $0.contains("L2 H1") }, "the Attention panel names the selection")
    }
}
