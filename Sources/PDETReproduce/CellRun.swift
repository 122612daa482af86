// One cell of the grid: train, then measure held-out accuracy, the dynamics of the token states
// (drift, rank collapse, RMS growth) and the heat-kernel fit of every attention head.
import PDETCore
import PDETTasks

/// What one cell measured. Every number is a plain value (NaN when it could not be measured), so a
/// row of the CSV is exactly one `CellResult`.
public struct CellResult: Equatable, Sendable {
    public var cell: Int                 // index in the grid
    public var task: TaskKind
    public var variant: Variant
    public var seed: UInt64
    public var steps: Int                // training steps done
    public var accuracy: Float           // held-out accuracy after training (fraction)
    public var finalLoss: Float          // mean training loss of the last min(10, steps) steps (NaN if none)
    public var drift: Float              // last layer: 1 − mean_i cos(x_L[i], x_0[i]), held-out batch
    public var rankCollapse: Float       // last layer: ‖X − 1·mean(X)‖ / ‖X‖ (→ 0 when collapsed)
    public var rmsGrowth: Float          // rms(x_L) / rms(x_0)
    public var maxRMS: Float             // max over layers l = 0…L of rms(x_l)
    public var nonFiniteStep: Int        // first training step with a NaN/Inf anywhere; 0 = never
    // Heat-kernel fit of attention, (L, NH) each: mean over the fitted held-out sequences.
    public var fitKappa: [[Float]]
    public var fitCosine: [[Float]]
    public var fitJSD: [[Float]]
    public var uniformCosine: [[Float]]
    public var uniformJSD: [[Float]]

    public init(cell: Int, task: TaskKind, variant: Variant, seed: UInt64, steps: Int, accuracy: Float,
                finalLoss: Float, drift: Float, rankCollapse: Float, rmsGrowth: Float, maxRMS: Float,
                nonFiniteStep: Int, fitKappa: [[Float]], fitCosine: [[Float]], fitJSD: [[Float]],
                uniformCosine: [[Float]], uniformJSD: [[Float]]) {
        self.cell = cell
        self.task = task
        self.variant = variant
        self.seed = seed
        self.steps = steps
        self.accuracy = accuracy
        self.finalLoss = finalLoss
        self.drift = drift
        self.rankCollapse = rankCollapse
        self.rmsGrowth = rmsGrowth
        self.maxRMS = maxRMS
        self.nonFiniteStep = nonFiniteStep
        self.fitKappa = fitKappa
        self.fitCosine = fitCosine
        self.fitJSD = fitJSD
        self.uniformCosine = uniformCosine
        self.uniformJSD = uniformJSD
    }
}

/// Held-out sequences whose attention is fitted (batch row 0 of `forward`, one sequence each).
public let attentionFitSequences = 4
/// Held-out sequences the dynamics (drift, rank collapse, RMS) are averaged over.
public let dynamicsBatchRows = 32

/// Trains `cell` of `grid` and measures it. `dataDirectory` is where digits.csv.gz lives (nil: search).
public func runCell(_ cell: Cell, grid: ReproGrid, dataDirectory: String? = nil) throws(ReproError) -> CellResult {
    let config = grid.config(for: cell)
    let run: TrainingRun
    do {
        if cell.task == .digits && grid.digitsHeldOutFold != DigitsTask.defaultHeldOutFold {
            // Another held-out fold (the confirmatory grid's): the task is built here, the model as TrainingRun builds it.
            let task = try makeTask(.digits, seqLen: config.seqLen, seed: config.seed, dataDirectory: dataDirectory,
                                    digitsHeldOutFold: grid.digitsHeldOutFold)
            let model = try Transformer(config: config, vocabSize: task.vocabSize, outputs: task.outputs, head: task.head)
            run = TrainingRun(task: task, model: model)
        } else {
            run = try TrainingRun(config: config, dataDirectory: dataDirectory)
        }
    } catch {
        throw ReproError("cell \(cell.index) (\(cell.task.rawValue), \(cell.variant.name), seed \(cell.seed)): \(error)")
    }
    var firstNonFinite = 0
    for _ in 0..<grid.settings(for: cell.task).steps {
        let m = run.step()
        if firstNonFinite == 0, m.nonFinite != nil || !m.loss.isFinite { firstNonFinite = m.step }
    }
    // A grid on another digits fold (the confirmatory one, created after the tail bug was found) scores
    // every held-out row once; the standard grid keeps the evaluation its committed cells were computed with.
    let accuracy = run.evaluate(limit: grid.evalSize, exactTail: grid.digitsHeldOutFold != DigitsTask.defaultHeldOutFold)
    let tail = run.history.suffix(10).map(\.loss)
    let finalLoss = tail.isEmpty ? Float.nan : tail.reduce(0, +) / Float(tail.count)

    // Dynamics on the first held-out rows (ForwardMetrics averages them over the batch).
    let dyn = run.model.forward(run.task.testBatch(index: 0, batchSize: min(dynamicsBatchRows, run.task.testSize)))
    let first = dyn.layers.first, last = dyn.layers.last
    let rmsGrowth = (first?.rms ?? .nan) > 0 ? (last?.rms ?? .nan) / first!.rms : .nan
    let rmsValues = dyn.layers.map(\.rms)
    let maxRMS: Float = rmsValues.contains { $0.isNaN } ? .nan : (rmsValues.max() ?? .nan)

    // Attention fit: (L, NH) per sequence, then the mean over sequences.
    let L = config.layers, NH = config.heads, T = config.seqLen
    var sums = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: NH), count: L), count: 5)
    let n = min(attentionFitSequences, run.task.testSize)
    for s in 0..<n {
        let fm = run.model.forward(run.task.testBatch(index: s, batchSize: 1))
        let fits = fitDiffusionKernels(attention: fm.attention, T: T, causal: config.causal)
        for l in 0..<min(L, fits.count) {
            for h in 0..<min(NH, fits[l].count) {
                let f = fits[l][h]
                let values = [f.kappa, f.cosine, f.jsd, f.uniformCosine, f.uniformJSD]
                for k in 0..<5 { sums[k][l][h] += Double(values[k]) }
            }
        }
    }
    let means = sums.map { $0.map { $0.map { n > 0 ? Float($0 / Double(n)) : Float.nan } } }

    return CellResult(cell: cell.index, task: cell.task, variant: cell.variant, seed: cell.seed,
                      steps: run.model.step, accuracy: accuracy, finalLoss: finalLoss,
                      drift: last?.drift ?? .nan, rankCollapse: last?.rankCollapse ?? .nan,
                      rmsGrowth: rmsGrowth, maxRMS: maxRMS,
                      nonFiniteStep: firstNonFinite,
                      fitKappa: means[0], fitCosine: means[1], fitJSD: means[2],
                      uniformCosine: means[3], uniformJSD: means[4])
}

/// Runs every cell of `shard` in grid order, except those in `done` (a resumed run), calling
/// `progress(finished, total, result)` after each; an error it throws stops the run.
public func runGrid(_ grid: ReproGrid, shard: Shard = .all, skipping done: Set<Int> = [], dataDirectory: String? = nil,
                    progress: (Int, Int, CellResult) throws(ReproError) -> Void = { _, _, _ in }) throws(ReproError) -> [CellResult] {
    let problems = grid.problems()
    guard problems.isEmpty else { throw ReproError(problems.joined(separator: "; ")) }
    let cells = grid.cells(in: shard).filter { !done.contains($0.index) }
    var out: [CellResult] = []
    for cell in cells {
        let r = try runCell(cell, grid: grid, dataDirectory: dataDirectory)
        out.append(r)
        try progress(out.count, cells.count, r)
    }
    return out
}
