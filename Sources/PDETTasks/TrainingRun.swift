// A model and its task, trained step by step on the task's deterministic batches: what the `train`
// command, the benchmark, the explorer and the headless snapshot all drive.
import PDETCore

public final class TrainingRun {
    /// Steps and evaluations kept in memory: what a checkpoint saves (PDETIO's checkpointHistoryLimit)
    /// and the charts draw. Older ones are dropped, so a run of 10⁹ steps needs the memory of 2,000.
    public static let historyLimit = 2000

    public let task: any TaskDataset
    public let model: Transformer
    private var recentSteps = RecentWindow<StepMetrics>(capacity: TrainingRun.historyLimit)
    private var recentHeldOut = RecentWindow<(step: Int, accuracy: Float)>(capacity: TrainingRun.historyLimit)

    /// The last `historyLimit` training steps, oldest first (one entry per step).
    public var history: [StepMetrics] { recentSteps.elements }
    /// The last `historyLimit` held-out evaluations, oldest first.
    public var heldOut: [(step: Int, accuracy: Float)] { recentHeldOut.elements }
    /// The newest step's metrics (without copying the window).
    public var lastStep: StepMetrics? { recentSteps.last }
    /// The newest evaluation.
    public var lastHeldOut: (step: Int, accuracy: Float)? { recentHeldOut.last }

    /// Builds the task and a freshly initialised model for `config`.
    public init(config: ModelConfig, dataDirectory: String? = nil) throws {
        task = try makeTask(config.task, seqLen: config.seqLen, seed: config.seed, dataDirectory: dataDirectory)
        model = try Transformer(config: config, vocabSize: task.vocabSize, outputs: task.outputs, head: task.head)
    }

    /// Wraps an existing task and model (a checkpoint loaded elsewhere).
    public init(task: any TaskDataset, model: Transformer) {
        self.task = task
        self.model = model
    }

    public var config: ModelConfig { model.config }

    /// The explorer's largest-rms series carried over from a checkpoint (aligned with the end of `history`).
    public private(set) var carriedMaxRms: [Float] = []
    /// What opening the run has to tell the user (e.g. a checkpoint without optimizer state).
    public var notes: [String] = []

    /// History carried over from a checkpoint (steps trained before this process), oldest first.
    public func restore(history steps: [StepMetrics], heldOut points: [(step: Int, accuracy: Float)], maxRms: [Float] = []) {
        recentSteps.replace(with: steps)
        recentHeldOut.replace(with: points)
        carriedMaxRms = Array(maxRms.suffix(Self.historyLimit))
    }

    /// The training batch of the next step (deterministic in seed and step).
    public var nextBatch: Batch { task.trainBatch(index: model.step, batchSize: config.batch) }

    /// A fixed batch to look at (the explorer's displayed batch): held-out batch 0, `rows` sequences.
    public func displayBatch(rows: Int = 4) -> Batch { task.testBatch(index: 0, batchSize: rows) }

    @discardableResult
    public func step() -> StepMetrics {
        let m = model.trainStep(nextBatch)
        recentSteps.append(m)
        return m
    }

    /// Accuracy over the whole held-out split (up to `limit` examples), recorded in `heldOut` unless
    /// `record` is false (a report that must not change what a checkpoint saved next would hold).
    @discardableResult
    ///
    /// `exactTail`: when n is not a multiple of `batchSize`, the last, shorter batch holds held-out
    /// examples seen ..< n. Without it (the default, kept so committed grid cells re-run byte for byte)
    /// that batch is `testBatch(index: k, batchSize: r)`, i.e. examples k·r ..< (k+1)·r: on digits'
    /// 359 rows it scores rows 195-233 a second time and never rows 320-358. Tasks whose held-out size
    /// is a multiple of the batch (the generated ones: 512) are the same either way.
    public func evaluate(limit: Int = 512, batchSize: Int = 64, record: Bool = true, exactTail: Bool = false) -> Float {
        let n = min(limit, task.testSize)
        var correct = 0.0, counted = 0.0
        var index = 0
        var seen = 0
        while seen < n {
            let size = min(batchSize, n - seen)
            let b = exactTail && size < batchSize ? heldOutExamples(seen..<(seen + size))
                : task.testBatch(index: index, batchSize: size)
            let m = model.forwardLoss(b)
            let rows = task.head == .perToken ? b.targets.filter { $0 != Batch.ignore }.count : b.batchSize
            if m.accuracy.isFinite {
                correct += Double(m.accuracy) * Double(rows)
                counted += Double(rows)
            }
            seen += b.batchSize
            index += 1
        }
        let acc = counted > 0 ? Float(correct / counted) : .nan
        if record { recentHeldOut.append((model.step, acc)) }
        return acc
    }

    /// Held-out examples `range` as one batch (each through `testBatch(index: e, batchSize: 1)`, which
    /// is example e of the held-out set). (B = range.count, T)
    func heldOutExamples(_ range: Range<Int>) -> Batch {
        var out = Batch(tokens: [], targets: [], batchSize: range.count, seqLen: config.seqLen)
        for e in range {
            let one = task.testBatch(index: e, batchSize: 1)
            out.tokens += one.tokens
            out.targets += one.targets
        }
        return out
    }

    /// An exact twin (same task, weights, AdamW state, step and history) that trains independently:
    /// the explorer's A/B split. The task is shared (it is an immutable, Sendable dataset).
    public func copy() throws(ConfigError) -> TrainingRun {
        let twin = TrainingRun(task: task, model: try model.copy())
        twin.recentSteps = recentSteps
        twin.recentHeldOut = recentHeldOut
        return twin
    }

    /// Applies new toggles to the model (see Transformer.apply).
    public func apply(_ config: ModelConfig) throws(ConfigError) { try model.apply(config) }
}

/// The last `capacity` values appended, in fixed memory: a ring that overwrites its oldest slot.
struct RecentWindow<Element> {
    let capacity: Int
    private var storage: [Element] = []
    private var oldest = 0          // the slot of the oldest value once the ring is full

    init(capacity: Int) {
        precondition(capacity > 0, "RecentWindow needs a capacity of at least 1")
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    var count: Int { storage.count }

    var last: Element? {
        guard !storage.isEmpty else { return nil }
        return storage.count < capacity ? storage.last : storage[(oldest + capacity - 1) % capacity]
    }

    mutating func append(_ value: Element) {
        if storage.count < capacity {
            storage.append(value)
        } else {
            storage[oldest] = value
            oldest = (oldest + 1) % capacity
        }
    }

    /// Keeps the last `capacity` of `values`.
    mutating func replace(with values: [Element]) {
        storage = Array(values.suffix(capacity))
        oldest = 0
    }

    /// Oldest first.
    var elements: [Element] {
        oldest == 0 ? storage : Array(storage[oldest...] + storage[..<oldest])
    }
}
