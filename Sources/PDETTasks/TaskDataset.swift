// The offline tasks: what a model is trained and tested on. Every task is a value that turns
// (seed, batch index) into a `Batch`, so the same seed always gives the same data on every machine.
//
// Shapes: B batch, T sequence length, V vocabulary, K outputs.
//   tokens  (B, T) in 0..<V
//   targets (B, T) in 0..<K or Batch.ignore for per-token heads, (B) in 0..<K for classify heads.
// Precise definitions and examples of every task: docs/tasks.md.

import PDETCore

/// One offline task. Implementations are immutable values, so they can be shared across threads.
public protocol TaskDataset: Sendable {
    var kind: TaskKind { get }
    var vocabSize: Int { get }          // V: token ids are 0..<V
    var outputs: Int { get }            // K: per-token output classes or sequence classes
    var head: HeadKind { get }
    var seqLen: Int { get }             // T
    /// Training data: deterministic in (seed, index, batchSize); any index (also negative) is valid.
    func trainBatch(index: Int, batchSize: Int) -> Batch
    /// Held-out data, disjoint from training (its own random stream or its own rows).
    /// Batch `index` holds held-out examples index·B ..< (index+1)·B; the last batch of a pass is
    /// shorter when `testSize` is not a multiple of B, and indices past the end wrap around.
    func testBatch(index: Int, batchSize: Int) -> Batch
    var testSize: Int { get }           // held-out examples in one full pass
    /// Short (≤ 3 characters) label of a token id for heatmap axes; "?" outside 0..<V.
    func tokenLabel(_ id: Int32) -> String
}

public enum TaskError: Error, Equatable, Sendable, CustomStringConvertible {
    case seqLenTooShort(task: TaskKind, seqLen: Int, minimum: Int)
    case dataDirectoryNotFound(searched: [String])
    case missingFile(path: String)
    case unreadableFile(path: String)
    case corruptData(path: String, reason: String)

    public var description: String {
        switch self {
        case let .seqLenTooShort(task, seqLen, minimum):
            return "task \(task.rawValue) needs seq-len ≥ \(minimum) (got \(seqLen))"
        case let .dataDirectoryNotFound(searched):
            return "data directory assets/data not found (set PDET_ASSETS or give a data directory); searched: "
                + searched.joined(separator: ", ")
        case let .missingFile(path):
            return "data file not found: \(path)"
        case let .unreadableFile(path):
            return "data file cannot be read (permissions?): \(path)"
        case let .corruptData(path, reason):
            return "data file \(path) is corrupt: \(reason)"
        }
    }
}

/// The task `kind` at sequence length `seqLen`. `dataDirectory` is the folder holding
/// digits.csv.gz; nil searches for assets/data (see `locateDataDirectory`). Only `digits` reads it,
/// and only digits has a `digitsHeldOutFold` (0...4: rows r with r % 5 == fold are held out).
public func makeTask(_ kind: TaskKind, seqLen: Int, seed: UInt64, dataDirectory: String?,
                     digitsHeldOutFold: Int = DigitsTask.defaultHeldOutFold) throws(TaskError) -> any TaskDataset {
    switch kind {
    case .reverse, .sort, .copy:
        return try SequenceTask(kind, seqLen: seqLen, seed: seed)
    case .listops:
        return try ListOpsTask(seqLen: seqLen, seed: seed)
    case .pathfinder:
        return try PathfinderTask(seqLen: seqLen, seed: seed)
    case .pathfinderMatched:
        return try PathfinderMatchedTask(seqLen: seqLen, seed: seed)
    case .digits:
        if seqLen < DigitsTask.pixels {
            throw .seqLenTooShort(task: .digits, seqLen: seqLen, minimum: DigitsTask.pixels)
        }
        let directory: String
        if let given = dataDirectory {
            guard isDirectory(given) else { throw .dataDirectoryNotFound(searched: [given]) }
            directory = given
        } else {
            directory = try locateDataDirectory()
        }
        return try DigitsTask(seqLen: seqLen, seed: seed, dataDirectory: directory, heldOutFold: digitsHeldOutFold)
    }
}

// MARK: - Synthetic streams (shared by the generated tasks)

/// Salts that separate the random streams: one per task, and train vs. held-out.
enum StreamSalt {
    static let train: UInt64 = 0x7472_6169_6E00_0001    // "train"
    static let test: UInt64 = 0x7465_7374_0000_0002     // "test"

    static func task(_ kind: TaskKind) -> UInt64 {
        UInt64(TaskKind.allCases.firstIndex(of: kind)! + 1) &* 0x9E37_79B9_7F4A_7C15
    }
}

/// One generated example: `tokens` (T), `targets` (T) or (1).
struct Example: Equatable, Sendable {
    var tokens: [Int32]
    var targets: [Int32]
}

/// The number of held-out examples of every generated task.
let generatedTestSize = 512

/// Builds train and test batches from a generator of single examples.
/// The generator gets `slot`, the example's index in its batch (train) or in the held-out set
/// (test), so it can balance classes exactly (e.g. label = slot % K on the held-out set).
struct ExampleStream: Sendable {
    let root: SplitMix64                // SplitMix64(seed).derived(task salt)
    let seqLen: Int                     // T

    init(kind: TaskKind, seed: UInt64, seqLen: Int) {
        root = SplitMix64(seed: seed).derived(StreamSalt.task(kind))
        self.seqLen = seqLen
    }

    /// Train batch `index`: one stream per index, its examples drawn one after another.
    func trainBatch(index: Int, batchSize: Int,
                    _ example: (inout SplitMix64, _ slot: Int, _ heldOut: Bool) -> Example) -> Batch {
        var rng = root.derived(StreamSalt.train).derived(UInt64(bitPattern: Int64(index)))
        var examples: [Example] = []
        for slot in 0..<max(batchSize, 0) { examples.append(example(&rng, slot, false)) }
        return assemble(examples)
    }

    /// Held-out batch `index`: held-out example e has its own stream, so the held-out set does
    /// not depend on the batch size.
    func testBatch(index: Int, batchSize: Int,
                   _ example: (inout SplitMix64, _ slot: Int, _ heldOut: Bool) -> Example) -> Batch {
        let stream = root.derived(StreamSalt.test)
        let slots = heldOutSlots(index: index, batchSize: batchSize, testSize: generatedTestSize)
        return assemble(slots.map { e in
            var rng = stream.derived(UInt64(e))
            return example(&rng, e, true)
        })
    }

    func assemble(_ examples: [Example]) -> Batch {
        var batch = Batch(tokens: [], targets: [], batchSize: examples.count, seqLen: seqLen)
        batch.tokens.reserveCapacity(examples.count * seqLen)
        for e in examples {
            precondition(e.tokens.count == seqLen, "generator produced a sequence of the wrong length")
            batch.tokens += e.tokens
            batch.targets += e.targets
        }
        return batch
    }
}

/// Held-out example indices of batch `index`: index·B ..< min((index+1)·B, testSize), with
/// `index` taken modulo the number of batches in one pass.
func heldOutSlots(index: Int, batchSize: Int, testSize: Int) -> Range<Int> {
    let b = max(batchSize, 0)
    guard b > 0, testSize > 0 else { return 0..<0 }
    let passes = (testSize + b - 1) / b
    let i = ((index % passes) + passes) % passes
    return (i * b)..<min((i + 1) * b, testSize)
}

/// `labels[id]`, or "?" for ids outside the table.
func label(_ id: Int32, in labels: [String]) -> String {
    id >= 0 && Int(id) < labels.count ? labels[Int(id)] : "?"
}
