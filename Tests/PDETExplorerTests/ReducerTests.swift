// The reducer alone: every key's state change and effects, with no model.
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class ReducerTests: XCTestCase {
    func state() -> ExplorerState {
        var c = ModelConfig()
        c.layers = 3
        c.heads = 2
        return ExplorerState(config: c)
    }

    func testTogglesChangeTheConfigAndAskForAFreshForward() {
        var s = state()
        XCTAssertEqual(reduce(&s, .char("r")), [.applyConfig])
        XCTAssertFalse(s.config.residual)
        XCTAssertEqual(reduce(&s, .char("l")), [.applyConfig])
        XCTAssertEqual(s.config.norm, .post)
        _ = reduce(&s, .char("l"))
        XCTAssertEqual(s.config.norm, NormMode.none)
        XCTAssertEqual(reduce(&s, .char("p")), [.applyConfig])
        XCTAssertEqual(s.config.pde, .afterEmbedding)
        _ = reduce(&s, .char("P"))
        _ = reduce(&s, .char("P"))
        XCTAssertEqual(s.config.pde, .beforeHead)
        _ = reduce(&s, .char("m"))
        XCTAssertEqual(s.config.pdeScales, [1, 2, 4])
        _ = reduce(&s, .char("m"))
        XCTAssertEqual(s.config.pdeScales, [1])
        _ = reduce(&s, .char("c"))
        XCTAssertFalse(s.config.pdeClamp)
        XCTAssertFalse(s.toggledDuringRun, "no step taken yet")
    }

    func testAlphaMovesOnAGridAndStaysInRange() {
        var s = state()
        for _ in 0..<3 { _ = reduce(&s, .char("A")) }
        XCTAssertEqual(s.config.pdeAlpha, 0.25, accuracy: 1e-6)
        for _ in 0..<10 { _ = reduce(&s, .char("a")) }
        XCTAssertEqual(s.config.pdeAlpha, 0)
        for _ in 0..<100 { _ = reduce(&s, .char("A")) }
        XCTAssertEqual(s.config.pdeAlpha, 2, accuracy: 1e-6)
    }

    func testSelectionWrapsAndRefreshes() {
        var s = state()
        XCTAssertEqual(reduce(&s, .char("[")), [.refresh])
        XCTAssertEqual(s.layer, 2)
        _ = reduce(&s, .char("]"))
        XCTAssertEqual(s.layer, 0)
        XCTAssertEqual(reduce(&s, .char("h")), [.refresh])
        XCTAssertEqual(s.head, 1)
        _ = reduce(&s, .char("h"))
        XCTAssertEqual(s.head, 0)
        _ = reduce(&s, .char("H"))
        XCTAssertEqual(s.head, 1)
    }

    func testRunKeysSpeedOverlayAndQuit() {
        var s = state()
        XCTAssertEqual(reduce(&s, .char(" ")), [])
        XCTAssertTrue(s.running)
        XCTAssertEqual(reduce(&s, .char("n")), [.trainSteps(1)])
        XCTAssertEqual(reduce(&s, .char(".")), [.trainSteps(1)])
        _ = reduce(&s, .char("+"))
        _ = reduce(&s, .char("+"))
        XCTAssertEqual(s.stepsPerFrame, 5)
        for _ in 0..<20 { _ = reduce(&s, .char("+")) }
        XCTAssertEqual(s.stepsPerFrame, ExplorerState.speeds.last)
        for _ in 0..<20 { _ = reduce(&s, .char("-")) }
        XCTAssertEqual(s.stepsPerFrame, 1)
        _ = reduce(&s, .char("?"))
        XCTAssertEqual(s.overlay, .help)
        _ = reduce(&s, .escape)
        XCTAssertEqual(s.overlay, .none)
        XCTAssertEqual(reduce(&s, .char("q")), [.quit])
        XCTAssertEqual(reduce(&s, .ctrl("c")), [.quit])
        XCTAssertEqual(reduce(&s, .char("s")), [.snapshot])
    }

    func testTaskResetResizeAndUnknownKeys() {
        var s = state()
        XCTAssertEqual(reduce(&s, .char("t")), [.switchTask])
        XCTAssertEqual(s.config.task, .sort)
        XCTAssertEqual(reduce(&s, .char("R")), [.reset])
        XCTAssertEqual(s.config.seed, 2)
        XCTAssertEqual(reduce(&s, .resize(width: 90, height: 30)), [])
        XCTAssertEqual(s.size, ScreenSize(width: 90, height: 30))
        XCTAssertEqual(reduce(&s, .char("j")), [])
        XCTAssertTrue(s.status.contains("'j'"), s.status)
    }

    func testToggleAfterTrainingMarksTheRunApproximate() {
        var s = state()
        s.origin = .checkpoint(path: "x.safetensors", step: 5)
        s.step = 5
        _ = reduce(&s, .char("r"))
        XCTAssertFalse(s.toggledDuringRun, "toggled right after loading: the flags still describe the run")
        s.step = 6
        _ = reduce(&s, .char("r"))
        XCTAssertTrue(s.toggledDuringRun)
    }
}
