// The data a model trains and is tested on, as JSON lines (`pdet-tui dataset`): the exact token and
// target sequences of `trainBatch(index:batchSize:)` / `testBatch(index:batchSize:)`, so another
// framework can train on identical data. Format and generators: docs/tasks.md ("Exporting the data").
//
// One object per line, keys in this order:
//   {"index":i,"split":"train","batch":k,"row":r,"tokens":[T ids],"targets":[T or 1 labels]}
// Sequence i of the train split is row r = i mod B of training batch k = ⌊i / B⌋, the batch that
// training step k + 1 consumes (`TrainingRun.step` draws batch `model.step`). Sequence i of the
// held-out split is held-out example i (= row i mod B of testBatch(⌊i / B⌋, B)).

import PDETCore

/// Which stream to export.
public enum DatasetSplit: String, CaseIterable, Sendable {
    case train, heldout
}

/// The most sequences one export may hold (at T = 4096 that is already ~1.5 GB of text).
public let datasetExportLimit = 100_000

public struct DatasetExportError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Checks `count` for `split` of `task`: 1…`datasetExportLimit`, and at most the held-out set.
public func checkDatasetCount(_ count: Int, split: DatasetSplit, task: any TaskDataset) throws(DatasetExportError) {
    guard count >= 1 && count <= datasetExportLimit else {
        throw DatasetExportError("--count must be in 1...\(datasetExportLimit) (got \(count))")
    }
    if split == .heldout && count > task.testSize {
        throw DatasetExportError("--count \(count) is larger than the held-out split of \(task.kind.rawValue) (\(task.testSize) examples)")
    }
}

/// The first `count` sequences of `split` as JSON lines (each ending in "\n"), drawn in batches of
/// `batchSize` exactly as training (`trainBatch`) and evaluation (`testBatch`) draw them.
/// `progress(sequences done, bytes so far)` is called after every batch (a long export's progress line).
public func datasetJSONLines(task: any TaskDataset, split: DatasetSplit, count: Int, batchSize: Int,
                             progress: (_ done: Int, _ bytes: Int) -> Void = { _, _ in }) throws(DatasetExportError) -> [UInt8] {
    try checkDatasetCount(count, split: split, task: task)
    guard batchSize >= 1 && batchSize <= 4096 else {
        throw DatasetExportError("--batch must be in 1...4096 (got \(batchSize))")
    }
    var out: [UInt8] = []
    out.reserveCapacity(count * (task.seqLen * 3 + 80))
    let T = task.seqLen
    var index = 0
    var k = 0
    while index < count {
        let batch = split == .train ? task.trainBatch(index: k, batchSize: batchSize)
                                    : task.testBatch(index: k, batchSize: batchSize)
        let perRow = batch.targets.count == batch.batchSize * T ? T : 1
        for r in 0..<batch.batchSize where index < count {
            appendASCII(&out, "{\"index\":\(index),\"split\":\"\(split.rawValue)\",\"batch\":\(k),\"row\":\(r),\"tokens\":")
            appendIntegers(&out, batch.tokens[(r * T)..<((r + 1) * T)])
            appendASCII(&out, ",\"targets\":")
            appendIntegers(&out, batch.targets[(r * perRow)..<((r + 1) * perRow)])
            appendASCII(&out, "}\n")
            index += 1
        }
        if batch.batchSize == 0 { break }
        progress(index, out.count)
        k += 1
    }
    return out
}

private func appendASCII(_ out: inout [UInt8], _ text: String) {
    out.append(contentsOf: text.utf8)
}

private func appendIntegers(_ out: inout [UInt8], _ values: ArraySlice<Int32>) {
    out.append(UInt8(ascii: "["))
    var first = true
    for v in values {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(contentsOf: String(v).utf8)
    }
    out.append(UInt8(ascii: "]"))
}
