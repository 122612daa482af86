// `pdet-tui baselines`: the no-tracing baselines of a classify task (majority class, the endpoint-
// distance rule on pathfinder, bag-of-tokens logistic regression), scored on the held-out set a
// reproduce cell of the same seed is scored on. Definitions: Sources/PDETTasks/NoTracingBaselines.swift.
import ArgumentParser
import Foundation
import PDETCore
import PDETReproduce
import PDETTasks

struct BaselinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baselines",
        abstract: "Print a classify task's no-tracing baselines on its held-out set, one line each.",
        discussion: """
            majority: the most frequent training label; distance rule (pathfinder, pathfinder-matched): \
            the most frequent training label at each endpoint Manhattan distance; bag of tokens: \
            multinomial logistic regression on token counts. Fitted on the first \(noTracingTrainExamples) \
            training examples, scored on the first --eval-size held-out examples (as reproduce scores a cell).
            """
    )

    @Option(help: "The task: listops, digits, pathfinder or pathfinder-matched.")
    var task: TaskKind
    @Option(help: "Random seed (the same as the cell's or model's --seed).")
    var seed: UInt64 = ModelConfig().seed
    @Option(name: .customLong("eval-size"), help: "Held-out examples to score on (1...100000; at most the split).")
    var evalSize: Int = 512
    @Option(name: .customLong("seq-len"), help: "Sequence length T (2...4096). Default: the standard grid's (pathfinder 25, else 64).")
    var seqLen: Int?

    func validate() throws {
        guard evalSize >= 1 && evalSize <= 100_000 else { throw ValidationError("--eval-size must be in 1...100000 (got \(evalSize))") }
        if let seqLen, seqLen < 2 || seqLen > 4096 { throw ValidationError("--seq-len must be in 2...4096 (got \(seqLen))") }
    }

    func run() throws {
        let t = seqLen ?? ReproGrid.standardSettings(task == .pathfinderMatched ? .pathfinder : task).model.seqLen
        let baselines: [NoTracingBaseline]
        let data: any TaskDataset
        do {
            data = try makeTask(task, seqLen: t, seed: seed, dataDirectory: nil)
            baselines = try noTracingBaselines(task: data, evalSize: evalSize)
        } catch { throw UserError("\(error)") }
        printErr("no-tracing baselines of \(task.rawValue) (seed \(seed), T \(t)): fitted on \(noTracingTrainExamples) "
                 + "training examples, scored on \(min(evalSize, data.testSize)) held-out examples")
        for b in baselines { print("\(task.rawValue) seed \(seed) \(b.name): \(String(format: "%.4f", b.accuracy))") }
    }
}
