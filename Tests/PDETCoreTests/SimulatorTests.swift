import XCTest
import PDETCore

/// The simulator mode: orders of accuracy of the integrators, the drift and explosion without
/// stabilisers, smoothing by diffusion, non-finite reporting. A small model (2 blocks, d-model 16,
/// 2 heads, seq-len 12, batch 2) whose init gain makes F smooth and of moderate size.
final class SimulatorTests: XCTestCase {
    func model(gain: Float = 10, seed: UInt64 = 3) throws -> Transformer {
        var c = ModelConfig()
        c.layers = 2
        c.dModel = 16
        c.heads = 2
        c.dFF = 32
        c.seqLen = 12
        c.batch = 2
        c.initGain = gain
        c.seed = seed
        return try Transformer(config: c, vocabSize: 10, outputs: 10, head: .perToken)
    }

    var tokens: Batch { randomBatch(B: 2, T: 12, V: 10, K: 10, head: .perToken, seed: 5) }

    /// x(T_f) with `integrator` at step `dt` (T_f / dt steps), per-layer weights each held for time 1/2.
    func final(_ m: Transformer, _ integrator: SimulatorIntegrator, steps: Int, finalTime: Float = 2,
               diffusion: Float = 0.2) throws -> [Float] {
        let c = SimulatorConfig(weightTied: false, dt: finalTime / Float(steps), steps: steps,
                                integrator: integrator, diffusion: diffusion, stepsPerBlock: steps / 2)
        let t = try simulate(m, tokens: tokens, config: c)
        XCTAssertNil(t.nonFiniteStep)
        return t.finalState
    }

    func error(_ a: [Float], _ ref: [Float]) -> Float {
        var d: Float = 0, n: Float = 0
        for i in 0..<ref.count { d += (a[i] - ref[i]) * (a[i] - ref[i]); n += ref[i] * ref[i] }
        return (d / n).squareRoot()
    }

    func errors(_ integrator: SimulatorIntegrator, steps: [Int]) throws -> [Float] {
        let m = try model()
        let ref = try final(m, .rk4, steps: 512)
        return try steps.map { error(try final(m, integrator, steps: $0), ref) }
    }

    func testEulerErrorHalvesWhenDtHalves() throws {
        let e = try errors(.euler, steps: [8, 16, 32])
        print("Euler errors \(e), ratios \(e[0] / e[1]) \(e[1] / e[2])")
        for i in 0..<2 {
            XCTAssertGreaterThan(e[i] / e[i + 1], 1.7)
            XCTAssertLessThan(e[i] / e[i + 1], 2.3)
        }
    }

    func testHeunErrorQuartersWhenDtHalves() throws {
        let e = try errors(.heun, steps: [4, 8, 16])
        print("Heun errors \(e), ratios \(e[0] / e[1]) \(e[1] / e[2])")
        for i in 0..<2 {
            XCTAssertGreaterThan(e[i] / e[i + 1], 3.3)
            XCTAssertLessThan(e[i] / e[i + 1], 4.7)
        }
    }

    func testRK4IsFarMoreAccurateThanHeunAndFourthOrder() throws {
        let rk = try errors(.rk4, steps: [4, 8])
        let heun = try errors(.heun, steps: [4, 8])
        print("RK4 errors \(rk) ratio \(rk[0] / rk[1]); Heun \(heun)")
        XCTAssertLessThan(rk[0], heun[0] / 20)
        XCTAssertLessThan(rk[1], heun[1] / 20)
        XCTAssertGreaterThan(rk[0] / rk[1], 10)
    }

    // MARK: stabilisers off (weight-tied: one block as an autonomous ODE)

    func tied(_ m: Transformer, dt: Float = 0.1, steps: Int = 40, residual: Bool = true, layerNorm: Bool = true,
              diffusion: Float = 0) throws -> SimulatorTrajectory {
        try simulate(m, tokens: tokens, config: SimulatorConfig(weightTied: true, dt: dt, steps: steps,
                                                                residual: residual, layerNorm: layerNorm,
                                                                diffusion: diffusion))
    }

    func testWithoutLayerNormTheStateExplodesWhileWithItGrowthStaysLinear() throws {
        let m = try model(gain: 20)
        let none = try tied(m, layerNorm: false)
        let ln = try tied(m, layerNorm: true)
        XCTAssertNil(none.nonFiniteStep)
        let growthNone = none.rms[40] / none.rms[0], growthLN = ln.rms[40] / ln.rms[0]
        print("rms growth over t = 4: no LayerNorm \(growthNone), LayerNorm \(growthLN)")
        XCTAssertGreaterThan(growthNone, 1000)
        XCTAssertLessThan(growthLN, 30)
        // Exponential without LN: the late doubling-time keeps shrinking; with LN ‖F‖ is bounded,
        // so rms grows at most linearly: the second half adds no more than twice the first half.
        XCTAssertGreaterThan(none.rms[40] / none.rms[20], 10)
        XCTAssertLessThan(ln.rms[40] - ln.rms[20], 2 * (ln.rms[20] - ln.rms[0]))
    }

    func testResidualOffReplacesTheStateDriftsAndCollapsesRank() throws {
        let m = try model(gain: 6)
        let on = try tied(m, dt: 0.05, residual: true).points.last!.metrics
        let off = try tied(m, dt: 0.05, residual: false).points.last!.metrics
        print("residual on \(on), off \(off)")
        XCTAssertLessThan(on.drift, 0.25)
        XCTAssertGreaterThan(off.drift, 0.6)
        XCTAssertGreaterThan(on.rankCollapse, 0.3)
        XCTAssertLessThan(off.rankCollapse, 0.05)
        XCTAssertLessThan(off.rankCollapse, on.rankCollapse / 10)
        XCTAssertGreaterThan(off.uniformity, 0.99)
        XCTAssertGreaterThan(off.uniformity, on.uniformity + 0.1)
    }

    func testResidualOffIgnoresTheIntegratorAndDt() throws {
        let m = try model()
        let a = try simulate(m, tokens: tokens, config: SimulatorConfig(dt: 0.1, steps: 6, integrator: .euler, residual: false))
        let b = try simulate(m, tokens: tokens, config: SimulatorConfig(dt: 0.7, steps: 6, integrator: .rk4, residual: false))
        XCTAssertEqual(a.finalState, b.finalState)
        XCTAssertEqual(a.evaluations, 6)
        XCTAssertEqual(b.evaluations, 6)
    }

    func testDiffusionSmoothsAlongTheSequence() throws {
        let m = try model(gain: 10)
        let d0 = try tied(m, diffusion: 0).points.last!.metrics
        let d1 = try tied(m, diffusion: 1).points.last!.metrics    // dt·D = 0.1 ≤ 1/2: stable
        print("uniformity D = 0: \(d0.uniformity), D = 1: \(d1.uniformity)")
        XCTAssertGreaterThan(d1.uniformity, d0.uniformity + 0.1)
        XCTAssertLessThan(d1.rankCollapse, d0.rankCollapse * 0.85)
    }

    // MARK: non-finite values

    func testNaNEmbeddingIsReportedAtStepZeroWithoutTrapping() throws {
        let m = try model()
        let emb = try XCTUnwrap(m.tensors.first { $0.name == "tok_emb.weight" })
        let id = Int(tokens.tokens[0])
        m.setParameter(emb.offset + id * 16 + 3, .nan)
        let t = try simulate(m, tokens: tokens, config: SimulatorConfig(steps: 10, integrator: .rk4))
        XCTAssertEqual(t.nonFiniteStep, 0)
        XCTAssertEqual(t.points.count, 1)
        XCTAssertTrue(t.points[0].metrics.rms.isNaN)
        XCTAssertEqual(t.evaluations, 0)
        let conv = try simulatorConvergence(m, tokens: tokens, config: SimulatorConfig(steps: 4))
        XCTAssertEqual(conv.count, 3)
        XCTAssertTrue(conv.allSatisfy { $0.difference.isNaN })
    }

    func testBlowUpStopsAtTheFirstNonFiniteStep() throws {
        let m = try model(gain: 40)
        let t = try tied(m, steps: 1000, layerNorm: false)
        let n = try XCTUnwrap(t.nonFiniteStep)
        print("non-finite at step \(n)")
        XCTAssertGreaterThan(n, 10)
        XCTAssertLessThan(n, 1000)
        XCTAssertEqual(t.points.count, n + 1)
        XCTAssertTrue(t.points[n - 1].metrics.rms.isFinite)
        XCTAssertFalse(t.points[n].metrics.rms.isFinite)
        XCTAssertTrue(t.finalState.contains { !$0.isFinite })
    }

    // MARK: bookkeeping

    func testTimesStepsAndEvaluations() throws {
        let m = try model()
        for integrator in SimulatorIntegrator.allCases {
            let t = try simulate(m, tokens: tokens, config: SimulatorConfig(dt: 0.125, steps: 8, integrator: integrator))
            XCTAssertEqual(t.points.count, 9)
            XCTAssertEqual(t.points.map(\.step), Array(0...8))
            XCTAssertEqual(t.times, (0...8).map { Float($0) * 0.125 })
            XCTAssertEqual(t.evaluations, 8 * integrator.stages)
            XCTAssertEqual(t.points[0].metrics.drift, 0, accuracy: 1e-6)
            XCTAssertEqual(t.points[0].metrics.updateRatio, 0)
            XCTAssertGreaterThan(t.points[1].metrics.updateRatio, 0)
            XCTAssertEqual(t.finalState.count, 2 * 12 * 16)
            XCTAssertEqual(t.layers.count, 9)
            XCTAssertEqual(t.rms, t.layers.map(\.rms))
        }
        let zero = try simulate(m, tokens: tokens, config: SimulatorConfig(steps: 0))
        XCTAssertEqual(zero.points.count, 1)
    }

    func testPerLayerModeUsesBlockNModL() throws {
        let m = try model()
        let tiedCfg = SimulatorConfig(weightTied: true, dt: 0.2, steps: 6, integrator: .heun)
        var perLayer = tiedCfg
        perLayer.weightTied = false
        XCTAssertEqual((0..<6).map { perLayer.block(step: $0, layers: 2) }, [0, 1, 0, 1, 0, 1])
        perLayer.stepsPerBlock = 2
        XCTAssertEqual((0..<6).map { perLayer.block(step: $0, layers: 2) }, [0, 0, 1, 1, 0, 0])
        XCTAssertNotEqual(try simulate(m, tokens: tokens, config: perLayer).finalState,
                          try simulate(m, tokens: tokens, config: tiedCfg).finalState)
        // Copy block 0's weights into block 1: per-layer and weight-tied must then agree exactly.
        for t in m.tensors where t.name.hasPrefix("blocks.1.") {
            let src = try XCTUnwrap(m.tensors.first { $0.name == t.name.replacingOccurrences(of: "blocks.1.", with: "blocks.0.") })
            for i in 0..<t.count { m.setParameter(t.offset + i, m.parameter(src.offset + i)) }
        }
        XCTAssertEqual(try simulate(m, tokens: tokens, config: perLayer).finalState,
                       try simulate(m, tokens: tokens, config: tiedCfg).finalState)
    }

    func testTheModelsOwnForwardIsLeftUntouched() throws {
        let m = try model()
        m.forward(tokens)
        let before = m.lastProbabilities
        _ = try simulate(m, tokens: randomBatch(B: 3, T: 12, V: 10, K: 10, head: .perToken, seed: 9),
                         config: SimulatorConfig(steps: 5, integrator: .rk4))
        XCTAssertEqual(m.lastProbabilities, before)
    }

    func testMatchingConfigFollowsTheModelsToggles() {
        var c = ModelConfig()
        c.layers = 3
        c.residual = false
        c.norm = .none
        let s = SimulatorConfig(matching: c, stepsPerBlock: 4)
        XCTAssertFalse(s.weightTied)
        XCTAssertEqual(s.dt, 0.25)
        XCTAssertEqual(s.steps, 12)
        XCTAssertEqual(s.finalTime, 3)
        XCTAssertFalse(s.residual)
        XCTAssertFalse(s.layerNorm)
        XCTAssertEqual(s.block(step: 5, layers: 3), 1)
        XCTAssertEqual(s.summary, "simulator x←F(x) × 12 per-layer/4 no-residual no-LN D 0.0")
        XCTAssertEqual(SimulatorConfig(weightTied: true, dt: 0.25, steps: 24, integrator: .rk4).summary,
                       "simulator rk4 dt 0.25 × 24 tied residual LN D 0.0")
    }

    func testBadOptionsAndTokensThrowOneLineErrors() throws {
        let m = try model()
        for bad in [SimulatorConfig(dt: 0), SimulatorConfig(dt: .nan), SimulatorConfig(steps: -1),
                    SimulatorConfig(diffusion: -1), SimulatorConfig(stepsPerBlock: 0)] {
            XCTAssertThrowsError(try simulate(m, tokens: tokens, config: bad)) { e in
                XCTAssertTrue("\(e)".hasPrefix("simulator "), "\(e)")
                XCTAssertFalse("\(e)".contains("\n"))
            }
        }
        let wrongT = randomBatch(B: 2, T: 8, V: 10, K: 10, head: .perToken, seed: 1)
        XCTAssertThrowsError(try simulate(m, tokens: wrongT, config: SimulatorConfig()))
        XCTAssertThrowsError(try simulatorConvergence(m, tokens: wrongT, config: SimulatorConfig()))
        XCTAssertThrowsError(try simulatorConvergence(m, tokens: tokens, config: SimulatorConfig(steps: 20_000))) { e in
            XCTAssertTrue("\(e)".hasPrefix("simulator convergence needs steps"), "\(e)")
        }
        let ragged = Batch(tokens: [1, 2, 3], targets: [], batchSize: 2, seqLen: 12)
        XCTAssertThrowsError(try simulate(m, tokens: ragged, config: SimulatorConfig()))
    }

    // MARK: convergence as dt shrinks (what the explorer shows)

    func testConvergenceDifferencesShrinkAtTheIntegratorsOrder() throws {
        let m = try model(gain: 10)
        for (integrator, low, high) in [(SimulatorIntegrator.euler, Float(1.7), Float(2.3)), (.heun, 3.3, 4.7), (.rk4, 10, 40)] {
            let c = SimulatorConfig(weightTied: false, dt: 0.25, steps: 8, integrator: integrator,
                                    diffusion: 0.2, stepsPerBlock: 4)
            let d = try simulatorConvergence(m, tokens: tokens, config: c)
            print("convergence \(integrator): \(d)")
            XCTAssertEqual(d.map(\.dt), [0.25, 0.125, 0.0625])
            XCTAssertGreaterThan(d[0].difference / d[1].difference, low)
            XCTAssertLessThan(d[0].difference / d[1].difference, high)
        }
    }

    /// The stability limit of each integrator on D·Δx, checked on the method itself: pure diffusion of
    /// the highest-frequency pattern along T = 64 (Neumann Laplacian, as the simulator's) stays bounded
    /// just below dt·D = limit and grows just above it.
    func testDiffusionStabilityLimitIsWhereEachIntegratorStartsToGrow() {
        func laplacian(_ x: [Double]) -> [Double] {
            let T = x.count
            var out = [Double](repeating: 0, count: T)
            for t in 0..<T {
                let left: Double = x[max(t - 1, 0)], right: Double = x[min(t + 1, T - 1)]
                out[t] = left - 2 * x[t] + right
            }
            return out
        }
        func axpy(_ x: [Double], _ a: Double, _ y: [Double]) -> [Double] { zip(x, y).map { $0 + a * $1 } }
        func growth(_ integrator: SimulatorIntegrator, courant: Double) -> Double {
            var x = (0..<64).map { $0 % 2 == 0 ? 1.0 : -1.0 }
            let start = x.map { $0 * $0 }.reduce(0, +).squareRoot()
            for _ in 0..<4000 {
                let k1 = laplacian(x)
                switch integrator {
                case .euler:
                    x = axpy(x, courant, k1)
                case .heun:
                    let k2 = laplacian(axpy(x, courant, k1))
                    for t in 0..<x.count { x[t] += courant / 2 * (k1[t] + k2[t]) }
                case .rk4:
                    let k2 = laplacian(axpy(x, courant / 2, k1)), k3 = laplacian(axpy(x, courant / 2, k2))
                    let k4 = laplacian(axpy(x, courant, k3))
                    for t in 0..<x.count {
                        let sum: Double = k1[t] + 2 * k2[t] + 2 * k3[t] + k4[t]
                        x[t] += courant / 6 * sum
                    }
                }
            }
            return x.map { $0 * $0 }.reduce(0, +).squareRoot() / start
        }
        for integrator in SimulatorIntegrator.allCases {
            let limit = Double(integrator.diffusionStabilityLimit)
            XCTAssertLessThanOrEqual(growth(integrator, courant: 0.99 * limit), 1, "\(integrator) below its limit")
            XCTAssertGreaterThan(growth(integrator, courant: 1.02 * limit), 10, "\(integrator) above its limit")
        }
        XCTAssertEqual(SimulatorIntegrator.euler.diffusionStabilityLimit, 0.5)
        XCTAssertGreaterThan(SimulatorIntegrator.rk4.diffusionStabilityLimit, 0.69)
    }

}
