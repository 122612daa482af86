// The report's "No-tracing baselines" table (issue 21): beside each classify task's Transformer
// baseline, what the task gives away without tracing (Sources/PDETTasks/NoTracingBaselines.swift),
// per task averaged over the grid's seeds, on the same held-out sets the cells were scored on.
// Built from the rows and the grid summary they carry (each task's T and the eval size), so the
// same rows give the same table.
import Foundation
import PDETCore
import PDETTasks

/// The section's Markdown lines; empty when the rows hold no classify task.
public func noTracingSection(_ file: ResultsFile) -> [String] {
    let ix = RowIndex(file.rows)
    let tasks = ix.tasks.filter { chanceAccuracy($0) != nil }
    guard !tasks.isEmpty else { return [] }
    let evalSize = summaryEvalSize(file.gridSummary) ?? 512
    var out = ["## No-tracing baselines", "",
               "Held-out accuracy of rules that need no tracing, fitted on the first \(noTracingTrainExamples) training "
               + "examples of each seed and scored on that seed's held-out examples 0 … n − 1 (n = \(evalSize), or the whole split if smaller), "
               + "mean over the seeds: the majority class; on pathfinder the most frequent label at each endpoint "
               + "Manhattan distance; a multinomial logistic regression on token counts (order ignored). "
               + "Re-run one with `pdet-tui baselines --task T --seed S --seq-len N`.", "",
               "| task | T | Transformer baseline | majority | distance rule | bag of tokens | seeds |",
               "|---|---|---|---|---|---|---|"]
    for task in tasks {
        let seeds = ix.seeds.filter { ix.row(task, .baseline, $0) != nil }
        let model = seeds.compactMap { ix.row(task, .baseline, $0).map { Double($0.accuracy) } }
        let t = summarySeqLen(file.gridSummary, task: task) ?? 64
        var sums: [String: Double] = [:]
        var failure: String?
        for seed in seeds {
            switch BaselineCache.shared.baselines(task, seqLen: t, seed: seed, evalSize: evalSize) {
            case let .success(list): for b in list { sums[b.name, default: 0] += b.accuracy }
            case let .failure(error): failure = error.message
            }
            if failure != nil { break }
        }
        let size = task == .pathfinder || task == .pathfinderMatched ? "\(t) (\(Int(Double(t).squareRoot()))×\(Int(Double(t).squareRoot())))" : "\(t)"
        func cell(_ name: String) -> String {
            guard failure == nil, let s = sums[name], !seeds.isEmpty else { return failure == nil ? "–" : "n/a" }
            return String(format: "%.3f", s / Double(seeds.count))
        }
        let base = model.isEmpty ? "–" : String(format: "%.3f", model.reduce(0, +) / Double(model.count))
        out.append("| \(task.rawValue) | \(size) | \(base) | \(cell("majority")) | \(cell("distance rule")) | \(cell("bag of tokens")) | \(seeds.count) |")
        if let failure { out.append("") ; out.append("(\(task.rawValue): baselines not computed: \(failure))") }
    }
    out.append("")
    return out
}

/// The eval size in a grid summary ("…; eval 512; …").
func summaryEvalSize(_ summary: String) -> Int? {
    for part in summary.components(separatedBy: "; ") where part.hasPrefix("eval ") {
        return Int(part.dropFirst(5))
    }
    return nil
}

/// Task `task`'s T in a grid summary: its own part ("pathfinder steps 6000 model L2 … T25 …") or,
/// in a grid with one setting for every task, the shared "…; model L2 … T64 …; …".
func summarySeqLen(_ summary: String, task: TaskKind) -> Int? {
    let parts = summary.components(separatedBy: "; ")
    let own = parts.first { $0.hasPrefix("\(task.rawValue) steps ") }
    let shared = parts.first { $0.hasPrefix("model ") }
    guard let part = own ?? shared else { return nil }
    for word in part.split(separator: " ") where word.first == "T" {
        if let t = Int(word.dropFirst()) { return t }
    }
    return nil
}

/// Baselines already computed in this process: they depend only on (task, T, seed, eval size), and a
/// report (or a test building many reports) asks for the same ones again.
final class BaselineCache: @unchecked Sendable {
    struct Failure: Error { var message: String }
    static let shared = BaselineCache()
    private let lock = NSLock()
    private var results: [String: Result<[NoTracingBaseline], Failure>] = [:]

    func baselines(_ task: TaskKind, seqLen: Int, seed: UInt64, evalSize: Int) -> Result<[NoTracingBaseline], Failure> {
        let key = "\(task.rawValue)|\(seqLen)|\(seed)|\(evalSize)"
        if let hit = lock.withLock({ results[key] }) { return hit }
        let result: Result<[NoTracingBaseline], Failure>
        do {
            let data = try makeTask(task, seqLen: seqLen, seed: seed, dataDirectory: nil)
            result = .success(try noTracingBaselines(task: data, evalSize: evalSize))
        } catch { result = .failure(Failure(message: "\(error)")) }
        lock.withLock { results[key] = result }
        return result
    }
}
