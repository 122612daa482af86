// Claim 5 as the paper means it: "removing LayerNorm gives unstable, explosive training dynamics".
// Each run trains digits at one depth, with pre-LN or no norm, with or without the other two
// stabilisers (clip 1.0 + warm-up 100, against clip 0 = off + warm-up 0), and watches the largest
// activation RMS over layers *during* training, not only after it.
//
// Where the RMS comes from: the training step computes no layer metrics (StepMetrics has none), so
// every `traceEvery` steps (and at step 0) the run does one extra `forward` on a fixed held-out
// batch (`probeRows` rows of test batch 0). A forward reads the parameters and never the optimizer;
// the next trainStep recomputes every activation it needs, so the training bits are those of a run
// without probes (StabiliserStudyTests.testProbesDoNotChangeTraining checks it bit for bit).
import PDETCore
import PDETTasks

/// One run of the study: (depth, norm, stabilised, seed).
public struct StabiliserRun: Hashable, Sendable, Comparable {
    public var depth: Int
    public var norm: NormMode           // .pre or .none
    public var stabilised: Bool         // true: clip 1.0 + warm-up 100; false: clip 0 (off) + warm-up 0
    public var seed: UInt64

    public init(depth: Int, norm: NormMode, stabilised: Bool, seed: UInt64) {
        self.depth = depth; self.norm = norm; self.stabilised = stabilised; self.seed = seed
    }

    public var clippingText: String { stabilised ? "clip+warmup" : "none" }
    /// The trace file's name: "L2-pre-clip-s201.csv".
    public var traceName: String { "L\(depth)-\(norm.rawValue)-\(stabilised ? "clip" : "noclip")-s\(seed).csv" }

    // Study order: depth, then norm (pre first), then stabilised first, then seed.
    public static func < (a: Self, b: Self) -> Bool {
        func key(_ r: Self) -> (Int, Int, Int, UInt64) { (r.depth, r.norm == .pre ? 0 : 1, r.stabilised ? 0 : 1, r.seed) }
        return key(a) < key(b)
    }
}

/// The study's fixed settings: everything that changes a number is in `summary`.
public struct StabiliserStudy: Equatable, Sendable {
    public var base: ModelConfig          // digits' standard model; depth, norm, clip, warm-up, seed vary
    public var steps: Int                 // training steps per run
    public var traceEvery: Int            // probe the RMS every this many steps
    public var probeRows: Int             // held-out rows of the probe batch
    public var evalSize: Int              // held-out examples for the final accuracy
    public var warmup: Int                // warm-up of the stabilised arm
    public var clip: Float                // clipping of the stabilised arm
    public var growthLimit: Float         // "explosive": peak max-RMS / step-0 max-RMS above this

    public init(base: ModelConfig, steps: Int, traceEvery: Int = 10, probeRows: Int = dynamicsBatchRows, evalSize: Int = 512,
                warmup: Int = 100, clip: Float = 1.0, growthLimit: Float = 10) {
        self.base = base; self.steps = steps; self.traceEvery = traceEvery; self.probeRows = probeRows
        self.evalSize = evalSize; self.warmup = warmup; self.clip = clip; self.growthLimit = growthLimit
    }

    /// The study of issue 21 item 4: digits at its standard settings, 3000 steps.
    public static func standard() -> StabiliserStudy {
        let s = ReproGrid.standardSettings(.digits)
        var m = s.model
        m.task = .digits
        return StabiliserStudy(base: m, steps: s.steps)
    }

    public static let standardDepths = [2, 6, 12]
    public static let standardSeeds: [UInt64] = Array(201...205)

    /// Every run of depths × {pre, none} × {stabilised, not} × seeds, in study order.
    public static func runs(depths: [Int], norms: [NormMode] = [.pre, .none], stabilised: [Bool] = [true, false],
                            seeds: [UInt64]) -> [StabiliserRun] {
        var out: [StabiliserRun] = []
        for d in depths { for n in norms { for s in stabilised { for seed in seeds {
            out.append(StabiliserRun(depth: d, norm: n, stabilised: s, seed: seed))
        } } } }
        return out.sorted()
    }

    /// The model one run trains.
    public func config(for run: StabiliserRun) -> ModelConfig {
        var c = base
        c.layers = run.depth
        c.norm = run.norm
        c.clip = run.stabilised ? clip : 0
        c.warmup = run.stabilised ? warmup : 0
        c.seed = run.seed
        return c
    }

    /// One line naming every setting (the CSV's header; a resumed file must carry the same).
    public var summary: String {
        "task \(base.task.rawValue); steps \(steps); trace-every \(traceEvery); probe-rows \(probeRows); eval \(evalSize); "
            + "stabilised clip \(clip) warmup \(warmup); unstabilised clip 0 warmup 0; growth-limit \(growthLimit); "
            + "base model \(modelText(base))"
    }
}

/// One point of a run's trace: after `step` updates (0 = at initialisation).
public struct StabiliserTracePoint: Equatable, Sendable {
    public var step: Int
    public var loss: Float      // that step's training loss (NaN at step 0: no step yet)
    public var maxRMS: Float    // max over layers l = 0…L of rms(x_l) on the probe batch
}

/// What one run measured: one row of the study's CSV.
public struct StabiliserResult: Equatable, Sendable {
    public var run: StabiliserRun
    public var steps: Int              // steps done (fewer than asked when the run went non-finite)
    public var nonFiniteStep: Int      // first step with a NaN/Inf loss, activation or gradient; 0 = never
    public var finalLoss: Float        // mean training loss of the last min(10, steps) steps
    public var accuracy: Float         // held-out accuracy at the end (NaN when diverged)
    public var rms0: Float             // max-RMS at step 0
    public var peakRMS: Float          // largest max-RMS over the trace (NaN/Inf when it went non-finite)
    public var finalRMS: Float         // max-RMS at the last trace point
    public var simGrowth: Float        // PDE simulator without stabilisers on the trained weights (see below)

    /// peak max-RMS / step-0 max-RMS.
    public var peakGrowth: Float { peakRMS / rms0 }
    public var diverged: Bool { nonFiniteStep > 0 || !peakRMS.isFinite || !finalLoss.isFinite }
    /// Diverged, or the largest activation RMS grew past `limit`× its start.
    public func unstable(limit: Float) -> Bool { diverged || !(peakGrowth <= limit) }
}

/// Growth of the PDE simulator without stabilisers (residual off, LayerNorm off, per-layer, one step
/// per block: x_{n+1} = F(x_n) through the model's L blocks): max over n of rms(x_n) / rms(x_0) on
/// `tokens`. NaN/Inf when it overflows (the simulator stops there).
public func unstabilisedSimulatorGrowth(_ model: Transformer, tokens: Batch) -> Float {
    let config = SimulatorConfig(weightTied: false, dt: 1, steps: model.config.layers, integrator: .euler,
                                 residual: false, layerNorm: false)
    guard let t = try? simulate(model, tokens: tokens, config: config), let first = t.points.first else { return .nan }
    if t.nonFiniteStep != nil { return .infinity }
    return (t.rms.last ?? .nan) / first.metrics.rms
}

/// Trains one run and measures it. `probe(point)` is called for every trace point as it is taken.
public func runStabiliser(_ run: StabiliserRun, study: StabiliserStudy, dataDirectory: String? = nil)
    throws(ReproError) -> (result: StabiliserResult, trace: [StabiliserTracePoint]) {
    let config = study.config(for: run)
    let problems = config.problems()
    guard problems.isEmpty else { throw ReproError(problems.joined(separator: "; ")) }
    let training: TrainingRun
    do { training = try TrainingRun(config: config, dataDirectory: dataDirectory) } catch {
        throw ReproError("run \(run.traceName): \(error)")
    }
    let probe = training.task.testBatch(index: 0, batchSize: min(study.probeRows, training.task.testSize))
    func maxRMS() -> Float {
        let rms = training.model.forward(probe).layers.map(\.rms)
        return rms.contains { !$0.isFinite } ? (rms.contains { $0.isNaN } ? .nan : .infinity) : (rms.max() ?? .nan)
    }
    var trace = [StabiliserTracePoint(step: 0, loss: .nan, maxRMS: maxRMS())]
    // Steps are counted here, not read from the model: a non-finite step applies no update, so the
    // model's own count stops short of it.
    var nonFinite = 0, attempted = 0
    for _ in 0..<study.steps {
        let m = training.step()
        attempted += 1
        if m.nonFinite != nil || !m.loss.isFinite { nonFinite = attempted }
        if nonFinite > 0 || attempted % study.traceEvery == 0 || attempted == study.steps {
            trace.append(StabiliserTracePoint(step: attempted, loss: m.loss, maxRMS: maxRMS()))
        }
        if nonFinite > 0 { break }   // AdamW carries the NaN into every weight: nothing left to watch
    }
    let tail = training.history.suffix(10).map(\.loss)
    let finalLoss = tail.isEmpty ? Float.nan : tail.reduce(0, +) / Float(tail.count)
    let accuracy = nonFinite > 0 ? Float.nan : training.evaluate(limit: study.evalSize, record: false)
    let values = trace.map(\.maxRMS)
    let peak: Float = values.contains { $0.isNaN } ? .nan : (values.max() ?? .nan)
    let result = StabiliserResult(run: run, steps: attempted, nonFiniteStep: nonFinite, finalLoss: finalLoss,
                                  accuracy: accuracy, rms0: values[0], peakRMS: peak, finalRMS: values.last ?? .nan,
                                  simGrowth: unstabilisedSimulatorGrowth(training.model, tokens: probe))
    return (result, trace)
}

/// The reference line: the simulator without stabilisers on a freshly initialised model of `depth`
/// (no norm, `seed`), on the probe batch.
public func simulatorReferenceGrowth(depth: Int, study: StabiliserStudy, seed: UInt64, dataDirectory: String? = nil)
    throws(ReproError) -> Float {
    let run = StabiliserRun(depth: depth, norm: .none, stabilised: false, seed: seed)
    let training: TrainingRun
    do { training = try TrainingRun(config: study.config(for: run), dataDirectory: dataDirectory) } catch {
        throw ReproError("simulator reference L\(depth): \(error)")
    }
    let probe = training.task.testBatch(index: 0, batchSize: min(study.probeRows, training.task.testSize))
    return unstabilisedSimulatorGrowth(training.model, tokens: probe)
}
