// 100 000 random keys (every key the explorer knows, others, and resizes to 1…300 × 1…300) through
// the reducer, the session's effects and the renderer of a tiny model, without a crash. Training
// runs at most one step per 100 keys and snapshots go to a scratch folder, so the test stays fast.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class FuzzTests: XCTestCase {
    /// The run keys, every toggle key of the field table (r l p P m a A c today), the selection and the rest.
    static let keys: [Key] = (Array("qQ ?n.") + ConfigFieldTable.standard.screenRows.flatMap { $0.screen!.keys.map(\.key) }
                              + Array("[]hHtRs+-=_xz0")).map { Key.char($0) }
        + [.escape, .enter, .tab, .backTab, .backspace, .up, .down, .left, .right, .pageUp, .pageDown, .home, .end,
           .ctrl("c"), .ctrl("z"), .unknown(-1), .unknown(999)]

    func testRandomKeysAndResizes() throws {
        #if DEBUG
        let count = 2_000       // debug builds are ~20x slower; CI runs the full count in release
        #else
        let count = 100_000
        #endif
        let folder = try scratchFolder(self)
        let session = try tinySession()
        session.snapshotDirectory = folder + "/snaps"
        var rng = TestRandom(seed: 42)
        var size = ScreenSize(width: 120, height: 40)
        var stepsTrained = 0
        let optionsList: [RenderOptions] = [.standard, .plain, RenderOptions(colorMode: .c16), RenderOptions(colorMode: .mono)]
        for i in 0..<count {
            let key: Key
            if rng.int(0...19) == 0 {
                size = ScreenSize(width: rng.int(1...300), height: rng.int(1...300))
                key = .resize(width: size.width, height: size.height)
            } else {
                key = Self.keys[rng.int(0...(Self.keys.count - 1))]
            }
            var peek = session.state
            let effects = reduce(&peek, key)
            let rationed = effects.contains { effect in
                switch effect {
                case .trainSteps, .snapshot: return true
                default: return false
                }
            }
            if !rationed || i % 100 == 0 {      // training steps and snapshots: one per 100 keys at most
                if effects.contains(.trainSteps(1)) { stepsTrained += 1 }
                session.handle(key)
            }
            if session.state.running && i % 100 == 50 { _ = session.tick(shouldYield: { true }); stepsTrained += 1 }
            // Rendering: at the fuzzed size after each resize (big frames cost more), and every fourth key at
            // the fuzzed size capped to 80x24 (the smallest full screen), so the test stays well under a minute.
            let options = optionsList[(i / 4) % optionsList.count]
            let full: Bool
            if case .resize = key { full = true } else { full = false }
            XCTAssertTrue(session.state.layer >= 0 && session.state.layer < session.state.config.layers)
            XCTAssertTrue(session.state.head >= 0 && session.state.head < session.state.config.heads)
            XCTAssertEqual(session.state.config, session.run.config, "state and model agree after every key")
            guard full || i % 4 == 0 else { continue }
            let grid = full ? session.render(width: size.width, height: size.height, options: options)
                            : renderScreen(session.state, width: min(size.width, 80), height: min(size.height, 24),
                                           options: options)
            XCTAssertEqual(grid.cells.count, grid.width * grid.height)
        }
        XCTAssertGreaterThan(stepsTrained, 0)
        XCTAssertLessThanOrEqual(stepsTrained, count / 50)
    }

    /// Simulator mode under random keys: options always valid and in range, the trajectory always the
    /// options' own (or a NaN stop), every frame drawn, the model's config untouched by the mode's keys.
    func testRandomKeysInSimulatorMode() throws {
        #if DEBUG
        let count = 300
        #else
        let count = 1_500
        #endif
        let session = try tinySession { $0.initGain = 8 }
        session.handle(.char("M"))
        let keys: [Key] = Array("MidD<>wrlkKKKvn[]?").map { Key.char($0) } + [.escape]
        var rng = TestRandom(seed: 11)
        var modeSwitches = 0, studies = 0
        for i in 0..<count {
            let key = keys[rng.int(0...(keys.count - 1))]
            // The expensive ones (a training step, a forced convergence study) once per 10 keys at most.
            if (key == .char("v") || key == .char("n")) && i % 10 != 0 { continue }
            let modelConfig = session.state.config
            let wasSimulating = session.state.mode == .simulator
            session.handle(key)
            if key == .char("M") { modeSwitches += 1 }
            if key == .char("v") && session.state.mode == .simulator { studies += 1 }
            if wasSimulating && key != .char("n") && key != .char("M") { XCTAssertEqual(session.state.config, modelConfig, "simulator keys never touch the model") }
            if session.state.mode == .simulator, let c = session.state.simulator {
                XCTAssertEqual(c.problems(), [], "the reducer never applies a rejected option")
                XCTAssertLessThanOrEqual(c.steps, simulatorMaxSteps)
                let sim = try XCTUnwrap(session.state.simulation)
                XCTAssertEqual(sim.config, c, "the trajectory shown is the options' own")
                XCTAssertEqual(sim.points.count, (sim.nonFiniteStep ?? c.steps) + 1)
            }
            guard i % 3 == 0 else { continue }
            let size = i % 2 == 0 ? ScreenSize(width: 80, height: 24) : ScreenSize(width: 120, height: 40)
            let grid = session.render(width: size.width, height: size.height, options: i % 4 == 0 ? .plain : .standard)
            XCTAssertEqual(grid.cells.count, size.width * size.height)
        }
        XCTAssertGreaterThan(modeSwitches, 10)
        XCTAssertGreaterThan(studies, 0)
    }
}
