// Simulator mode (M): the header says which mode; the trajectory shown is the core simulator's; the
// mode's keys change the simulator's options and never the model; the convergence study shrinks at
// the integrator's order; the picture is recomputed on change, not every frame; weight-tied without
// LayerNorm explodes and NaN is shown, not trapped; a script in the mode replays byte-identically.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

final class SimulatorModeTests: XCTestCase {
    func testMSwitchesModeAndTheHeaderSaysWhich() throws {
        let s = try tinySession()
        var frame = s.render(width: 120, height: 40, options: .plain).text
        XCTAssertTrue(frame.contains("discrete"), frame)
        XCTAssertTrue(frame.contains(PanelTitle.attention), frame)
        XCTAssertFalse(frame.contains("PDE SIMULATOR"), frame)
        s.handle(.char("M"))
        XCTAssertEqual(s.state.mode, .simulator)
        let c = try XCTUnwrap(s.state.simulator)
        XCTAssertEqual(c, SimulatorConfig(matching: s.run.config), "M starts from the discrete model read as Euler with dt 1")
        XCTAssertEqual(s.state.simulation?.points.count, s.run.config.layers + 1)
        frame = s.render(width: 120, height: 40, options: .plain).text
        for text in ["PDE SIMULATOR", PanelTitle.trajectory, PanelTitle.norms, PanelTitle.drift, PanelTitle.convergence,
                     PanelTitle.training, "euler", "dt 1"] {
            XCTAssertTrue(frame.contains(text), "simulator frame lacks '\(text)'\n\(frame)")
        }
        XCTAssertFalse(frame.contains(PanelTitle.attention + " "), frame)
        s.handle(.char("M"))
        XCTAssertEqual(s.state.mode, .discrete)
        frame = s.render(width: 120, height: 40, options: .plain).text
        XCTAssertTrue(frame.contains(PanelTitle.attention), frame)
        XCTAssertFalse(frame.contains("PDE SIMULATOR"), frame)
    }

    func testTheTrajectoryShownIsTheCoreSimulatorsOnTheDisplayedRows() throws {
        let s = try tinySession()
        s.train(steps: 3)
        for key in "Mid" { s.handle(.char(key)) }      // Heun, dt 0.5 × 4 steps
        let c = try XCTUnwrap(s.state.simulator)
        XCTAssertEqual(c.integrator, .heun)
        XCTAssertEqual(c.steps, 2 * s.run.config.layers)
        let tokens = s.run.displayBatch(rows: ExplorerSession.displayRows).firstRows(ExplorerSession.simulationRows)
        let direct = try simulate(s.run.model, tokens: tokens, config: c)
        let shown = try XCTUnwrap(s.state.simulation)
        XCTAssertEqual(shown.points, direct.points)
        XCTAssertEqual(shown.rows, 2)
        XCTAssertEqual(shown.modelStep, 3)
        XCTAssertEqual(shown.points.first?.tokenRms.count, s.run.config.seqLen)
        // The displayed rms column is each point's metrics.
        let norms = s.render(width: 120, height: 40, options: .plain).text
        XCTAssertTrue(norms.contains("rms \(formatCompact(Double(direct.points[0].metrics.rms)))"), norms)
    }

    func testSimulatorKeysChangeTheSimulatorNotTheModel() throws {
        let s = try tinySession()
        let model = s.state.config
        s.handle(.char("M"))
        let start = try XCTUnwrap(s.state.simulator)
        s.handle(.char("r"))
        s.handle(.char("l"))
        s.handle(.char("w"))
        s.handle(.char("i"))
        s.handle(.char("K"))
        XCTAssertEqual(s.state.config, model, "r and l act on the simulator in this mode")
        XCTAssertEqual(s.run.config, model)
        var c = try XCTUnwrap(s.state.simulator)
        XCTAssertFalse(c.residual)
        XCTAssertFalse(c.layerNorm)
        XCTAssertTrue(c.weightTied)
        XCTAssertEqual(c.integrator, .heun)
        XCTAssertEqual(c.diffusion, 0.05, accuracy: 1e-6)
        XCTAssertEqual(s.state.simulation?.config, c, "every option change re-simulates")
        // d halves dt and keeps the final time; D undoes it.
        s.handle(.char("d"))
        c = try XCTUnwrap(s.state.simulator)
        XCTAssertEqual(c.dt, start.dt / 2)
        XCTAssertEqual(c.finalTime, start.finalTime, accuracy: 1e-6)
        XCTAssertEqual(c.stepsPerBlock, 2)
        s.handle(.char("D"))
        XCTAssertEqual(s.state.simulator?.dt, start.dt)
        XCTAssertEqual(s.state.simulator?.steps, start.steps)
        // > climbs the steps ladder; past the cap, d refuses with a message and changes nothing.
        for _ in 0..<20 { s.handle(.char(">")) }
        XCTAssertEqual(s.state.simulator?.steps, simulatorMaxSteps)
        let capped = s.state.simulator
        s.handle(.char("d"))
        XCTAssertEqual(s.state.simulator, capped)
        XCTAssertTrue(s.state.status.hasPrefix("cannot"), s.state.status)
        // Outside the mode, r is the model's residual again.
        s.handle(.char("M"))
        s.handle(.char("r"))
        XCTAssertFalse(s.run.config.residual)
        XCTAssertEqual(s.state.simulator, capped, "the simulator keeps its options across M")
    }

    func testConvergenceShrinksAtTheIntegratorsOrder() throws {
        // A strong field (init gain 10, D 0.2) so that the errors sit well above float rounding.
        let s = try tinySession { $0.initGain = 10 }
        for key in "MKKKKdd" { s.handle(.char(key)) }   // Euler, dt 0.25 over t = L, D 0.2
        let euler = try XCTUnwrap(s.state.convergence, "a cheap study runs by itself")
        XCTAssertEqual(euler.rows.count, 3)
        XCTAssertEqual(euler.rows.map(\.dt), [0.25, 0.125, 0.0625])
        for r in euler.ratios { XCTAssertEqual(r, 2, accuracy: 0.5, "Euler: first order, \(euler.rows)") }
        s.handle(.char("i"))                             // Heun
        let heun = try XCTUnwrap(s.state.convergence)
        XCTAssertEqual(heun.config.integrator, .heun)
        XCTAssertEqual(try XCTUnwrap(heun.ratios.last), 4, accuracy: 1.2, "Heun: second order, \(heun.rows)")
        XCTAssertLessThan(heun.rows[0].difference, euler.rows[0].difference)
        print("convergence ratios: euler \(euler.ratios) heun \(heun.ratios)")
        let frame = s.render(width: 120, height: 40, options: .plain).text
        XCTAssertTrue(frame.contains("heun: 2"), frame)
        // Residual off: x ← F(x) has no dt, and the panel says so instead of an order.
        s.handle(.char("r"))
        XCTAssertTrue(s.render(width: 120, height: 40, options: .plain).text.contains("residual off"))
    }

    func testExpensiveConvergenceWaitsForV() throws {
        let s = try tinySession()
        s.handle(.char("M"))
        for _ in 0..<8 { s.handle(.char(">")) }          // 64 steps
        s.handle(.char("i"))
        s.handle(.char("i"))                             // RK4: 15 × 64 × 4 evaluations > the budget
        let c = try XCTUnwrap(s.state.simulator)
        XCTAssertGreaterThan(convergenceCost(c), convergenceAutoBudget)
        XCTAssertNotEqual(s.state.convergence?.config, c, "not computed by itself")
        XCTAssertTrue(s.render(width: 120, height: 40, options: .plain).text.contains("v: compute"))
        s.handle(.char("v"))
        XCTAssertEqual(s.state.convergence?.config, c)
    }

    func testRecomputedWhenTheWeightsChangeNotEveryStep() throws {
        let s = try tinySession()
        s.handle(.char("M"))
        s.handle(.char(" "))                             // run
        for _ in 0..<3 { s.tick() }
        XCTAssertEqual(s.state.step, 3)
        XCTAssertEqual(s.state.simulation?.modelStep, 0, "running: refreshed every \(ExplorerSession.simulateEvery) steps only")
        XCTAssertTrue(s.render(width: 120, height: 40, options: .plain).text.contains("simulated @ step 0"))
        for _ in 0..<7 { s.tick() }
        XCTAssertEqual(s.state.simulation?.modelStep, 10)
        s.tick()
        s.handle(.char(" "))                             // pause: a key brings it up to date
        XCTAssertEqual(s.state.simulation?.modelStep, 11)
        s.train(steps: 2)                                // scripts and lessons: up to date after their steps
        XCTAssertEqual(s.state.simulation?.modelStep, 13)
    }

    func testWeightTiedWithoutLayerNormExplodesAndNaNIsShown() throws {
        let s = try tinySession { $0.initGain = 30 }
        for key in "Mw" { s.handle(.char(key)) }
        for _ in 0..<6 { s.handle(.char(">")) }          // 32 steps
        let withLN = try XCTUnwrap(s.state.simulation)
        s.handle(.char("l"))
        let withoutLN = try XCTUnwrap(s.state.simulation)
        func growth(_ v: SimulationView) -> Float { v.points.last!.metrics.rms / v.points[0].metrics.rms }
        XCTAssertGreaterThan(growth(withoutLN), 100 * growth(withLN),
                             "no LN: \(growth(withoutLN)), LN: \(growth(withLN))")
        // Past the explicit scheme's limit (dt·D = 2 > 1/2) the highest mode grows 7× a step until the
        // state overflows: the screen names the step, nothing traps.
        for _ in 0..<6 { s.handle(.char(">")) }
        for _ in 0..<40 { s.handle(.char("K")) }
        let sim = try XCTUnwrap(s.state.simulation)
        let n = try XCTUnwrap(sim.nonFiniteStep, "growth \(growth(sim)) over t \(sim.config.finalTime)")
        XCTAssertEqual(sim.points.count, n + 1)
        for size in [ScreenSize(width: 120, height: 40), ScreenSize(width: 80, height: 24)] {
            let frame = s.render(width: size.width, height: size.height, options: .plain).text
            XCTAssertTrue(frame.contains("non-finite at t"), frame)
        }
    }

    func testSmallScreensAndASCII() throws {
        let s = try tinySession()
        for key in "Mdv" { s.handle(.char(key)) }
        for size in [ScreenSize(width: 80, height: 24), ScreenSize(width: 100, height: 30), ScreenSize(width: 200, height: 60)] {
            let frame = s.render(width: size.width, height: size.height, options: .plain).text
            XCTAssertTrue(frame.contains(PanelTitle.trajectory), frame)
            XCTAssertTrue(frame.contains(PanelTitle.convergence), frame)
        }
        let ascii = s.render(width: 120, height: 40, options: RenderOptions(colorMode: .mono, ascii: true)).text
        XCTAssertTrue(ascii.unicodeScalars.allSatisfy(\.isASCII), ascii)
        s.handle(.char("?"))
        let help = s.render(width: 80, height: 24, options: .plain).text
        for line in simulatorHelpLines {
            let text = displayText(line.text, .plain)
            XCTAssertTrue(help.contains(text), "help lacks '\(text)'\n\(help)")
        }
    }

    func testAScriptInSimulatorModeReplaysByteIdentically() throws {
        let script = """
            key M
            keys idK
            steps 4
            snapshot sim.txt
            key b
            key r
            steps 2
            snapshot split.txt
            """
        func run() throws -> (String, String) {
            let folder = try scratchFolder(self)
            let runner = ScriptRunner(session: try tinySession(), size: ScreenSize(width: 120, height: 40),
                                      options: RenderOptions(colorMode: .c256, ascii: false))
            runner.baseDirectory = folder
            try runner.run(try parseScript(script, fileName: "sim.script"))
            return (try String(contentsOfFile: folder + "/sim.txt", encoding: .utf8),
                    try String(contentsOfFile: folder + "/split.txt", encoding: .utf8))
        }
        let first = try run(), second = try run()
        XCTAssertEqual(first.0, second.0)
        XCTAssertEqual(first.1, second.1)
        XCTAssertTrue(first.0.contains("# simulator heun dt 0.5"), first.0)
        XCTAssertTrue(first.0.contains("PDE SIMULATOR"), first.0)
        XCTAssertTrue(first.1.contains("sim residual off (A on)"), first.1)
    }

    func testLiveMPreviewsAtOnceAndTheWorkerSimulates() throws {
        let l = LiveExplorer(session: try tinySession(), options: .plain, size: ScreenSize(width: 100, height: 30),
                             frameMilliseconds: 5)
        XCTAssertTrue(l.send(.char("M")))
        XCTAssertEqual(l.preview().mode, .simulator, "the header flips before the worker runs")
        XCTAssertTrue(l.render(width: 100, height: 30, options: .plain).text.contains("PDE SIMULATOR"))
        l.start()
        defer { l.stop() }
        l.send(.char("i"))
        l.send(.char(" "))                               // train while simulating
        let deadline = Date(timeIntervalSinceNow: 30)
        while (l.preview().simulation?.modelStep ?? 0) < ExplorerSession.simulateEvery && Date() < deadline { usleep(5000) }
        l.send(.char(" "))
        while !l.isIdle && Date() < deadline { usleep(2000) }
        let s = l.preview()
        XCTAssertEqual(s.simulator?.integrator, .heun)
        XCTAssertEqual(s.simulation?.config, s.simulator)
        XCTAssertGreaterThanOrEqual(s.simulation?.modelStep ?? 0, ExplorerSession.simulateEvery, "refreshed while training")
        XCTAssertEqual(s.simulation?.modelStep, s.step, "pausing brings the trajectory up to date")
    }

    func testSplitComparesTrajectoriesAtEqualTimes() throws {
        let ab = ComparisonSession(try tinySession { $0.initGain = 4 })
        ab.handle(.char("M"))
        ab.handle(.char("b"))                            // B: a copy of A, simulating too, focused
        XCTAssertEqual(ab.state.b?.mode, .simulator)
        ab.handle(.char("d"))                            // B: dt 0.5 × 4 over the same t = 2
        ab.handle(.char("l"))                            // B: no LayerNorm inside F
        let a = try XCTUnwrap(ab.state.a.simulation), b = try XCTUnwrap(ab.state.b?.simulation)
        XCTAssertEqual(a.points.count, 3)
        XCTAssertEqual(b.points.count, 5)
        let diffs = layerDifferences(ab.state)
        XCTAssertEqual(diffs.map(\.label), ["t0", "t1", "t2"], "paired at equal times, not by index")
        for (i, d) in diffs.enumerated() {
            XCTAssertEqual(d.rmsA, a.points[i].metrics.rms)
            XCTAssertEqual(d.rmsB, b.points[2 * i].metrics.rms)
            XCTAssertEqual(d.driftB - d.driftA, b.points[2 * i].metrics.drift - a.points[i].metrics.drift)
        }
        let frame = ab.render(width: 120, height: 40, options: .plain).text
        XCTAssertTrue(frame.contains("sim dt 0.5 (A 1)"), frame)
        XCTAssertTrue(frame.contains("sim LN off (A on)"), frame)
        XCTAssertTrue(frame.contains("*LN OFF"), frame)
    }
}
