// `pdet-tui dataset`: the exact token/target sequences the trainer (or the held-out evaluation)
// sees, as JSON lines, so another framework can train on identical data (docs/tasks.md).
import ArgumentParser
import Foundation
import PDETCore
import PDETIO
import PDETTasks

extension DatasetSplit: ExpressibleByArgument {}

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Write a task's training or held-out sequences as JSON lines (one object per sequence).",
        discussion: """
            Line i of the train split is row i mod B of training batch ⌊i / B⌋, the batch training \
            step ⌊i / B⌋ + 1 consumes; line i of the held-out split is held-out example i. Keys: \
            index, split, batch, row, tokens (T ids), targets (T labels, -1 = ignored, or 1 class). \
            Format and generators: docs/tasks.md.
            """
    )

    @Option(help: "The task.")
    var task: TaskKind
    @Option(help: "train (the training stream) or heldout (the held-out set).")
    var split: DatasetSplit = .train
    @Option(help: "Sequences to write (1...\(datasetExportLimit); held-out: at most the split). Default: 1024, or the whole held-out split.")
    var count: Int?
    @Option(help: "Random seed (the same as the model's --seed).")
    var seed: UInt64 = ModelConfig().seed
    @Option(name: .customLong("seq-len"), help: "Sequence length T (2...4096).")
    var seqLen: Int = ModelConfig().seqLen
    @Option(help: "Sequences per training step B (1...4096): which batch and row each line is.")
    var batch: Int = ModelConfig().batch
    @Option(help: "The JSON-lines file to write; - writes to stdout.")
    var out: String

    func validate() throws {
        if let count, count < 1 || count > datasetExportLimit {
            throw ValidationError("--count must be in 1...\(datasetExportLimit) (got \(count))")
        }
        guard seqLen >= 2 && seqLen <= 4096 else { throw ValidationError("--seq-len must be in 2...4096 (got \(seqLen))") }
        guard batch >= 1 && batch <= 4096 else { throw ValidationError("--batch must be in 1...4096 (got \(batch))") }
        guard !out.isEmpty else { throw ValidationError("--out needs a file name (or - for stdout)") }
    }

    func run() throws {
        try checkOutputs([out])
        let data: any TaskDataset
        do { data = try makeTask(task, seqLen: seqLen, seed: seed, dataDirectory: nil) } catch { throw UserError("\(error)") }
        let n = count ?? (split == .train ? 1024 : data.testSize)
        let bytes: [UInt8]
        // On a terminal, a progress line (an export at T 4096 builds ~1.9 GB before it is written).
        let progress = ProgressLine(enabled: isatty(STDERR_FILENO) != 0)
        do {
            bytes = try datasetJSONLines(task: data, split: split, count: n, batchSize: batch) { done, size in
                progress.show("dataset: \(done)/\(n) sequences, \(size / 1_000_000) MB")
            }
        } catch { throw UserError("\(error)") }
        progress.show("dataset: writing \(bytes.count / 1_000_000) MB to \(out == "-" ? "stdout" : out)", force: true)
        defer { progress.finish() }
        try writeOutput(bytes, to: out)                  // "-" is standard output
        printErr("\(n) \(split.rawValue) sequences of \(task.rawValue) (seed \(seed), T \(seqLen), B \(batch), V \(data.vocabSize), "
                 + "K \(data.outputs), \(data.head == .perToken ? "per-token targets" : "one class per sequence")) written to "
                 + (out == "-" ? "stdout" : out))
    }
}
