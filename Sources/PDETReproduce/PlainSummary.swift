// The report's opening paragraph: what was run and what it found, in words a teacher can read
// aloud (no "CI", no "Δ"), built from the same numbers as the tables below it.
import Foundation
import PDETCore

/// "is contradicted here", "holds here", …: the verdict as the end of a sentence.
func verdictPhrase(_ o: Outcome) -> String {
    switch o {
    case .holds: return "holds here"
    case .contradicted: return "is contradicted here"
    case .inconclusive: return "is inconclusive here"
    case .notMeasured: return "was not measured here"
    }
}

/// Points with one decimal and a sign: "+1.2", "−0.4".
func points(_ x: Double) -> String {
    guard x.isFinite else { return "n/a" }
    return String(format: "%+.1f", x * 100).replacingOccurrences(of: "-", with: "−")
}

func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }

/// The plain-language paragraph at the top of the report.
func plainSummary(_ ix: RowIndex, claims: [ClaimVerdict], perTask: [(task: TaskKind, verdicts: [ClaimVerdict])]) -> String {
    var s: [String] = []
    let variants = ix.variants.count, seeds = ix.seeds.count, tasks = ix.tasks
    s.append("We trained \(ix.rows.count) small Transformers (\(count(tasks.count, "task", "tasks")) × \(count(variants, "variant", "variants")) × "
             + "\(count(seeds, "seed", "seeds"))) and compared each change with the plain model, the baseline, trained on the same data from the same seed.")
    let accs = tasks.compactMap { t -> String? in
        let a = MeanCI(ix.seeds.compactMap { ix.row(t, .baseline, $0).map { Double($0.accuracy) } })
        guard a.n > 0 else { return nil }
        let chance = chanceAccuracy(t).map { String(format: " (chance %.0f%%)", $0 * 100) } ?? ""
        return String(format: "%.0f%%", a.mean * 100) + " on \(t.rawValue)" + chance
    }
    if !accs.isEmpty { s.append("The baseline reached " + listText(accs) + ".") }
    let unlearned = nearChanceTasks(ix)
    if !unlearned.isEmpty {
        s.append("On \(listText(unlearned.map(\.rawValue))) it did no better than guessing, so the accuracy comparisons there are noise.")
    }
    let tested = claims.filter { $0.outcome != .notMeasured }
    let n = { (o: Outcome) in tested.filter { $0.outcome == o }.count }
    var tally = "Of the \(count(tested.count, "claim", "claims")) we could test, \(n(.holds)) \(n(.holds) == 1 ? "holds" : "hold") here, "
        + "\(n(.contradicted)) \(n(.contradicted) == 1 ? "is" : "are") contradicted here and \(n(.inconclusive)) \(n(.inconclusive) == 1 ? "is" : "are") inconclusive here"
    let missing = claims.count - tested.count
    tally += missing > 0 ? " (\(count(missing, "claim was", "claims were")) not measured)." : "."
    s.append(tally)

    let embed = ix.pooled(.pde(.afterEmbedding, multiScale: false), .baseline, accuracy)
    if embed.n > 0, claims.count > 0, claims[0].outcome != .notMeasured {
        s.append("The paper reports that a diffusion layer right after the embedding adds 4.1 points of accuracy; "
                 + "here it changed accuracy by \(points(embed.mean)) points" + rangeText(embed)
                 + ", so that claim \(verdictPhrase(claims[0].outcome)).")
    }
    let attention = ix.pooled(.pde(.afterAttention, multiScale: false), .baseline, accuracy)
    if attention.n > 0, claims.count > 1, claims[1].outcome != .notMeasured {
        s.append("The paper reports that diffusion after attention costs 2.5 points; here it changed accuracy by \(points(attention.mean)) points"
                 + rangeText(attention) + ", so that claim \(verdictPhrase(claims[1].outcome)).")
    }
    let mde = embed.minimumDetectable(), power = embed.power(at: paperAfterEmbeddingPP / 100)
    if mde.isFinite && power.isFinite {
        let missed = claims.first.map { $0.outcome != .holds } ?? false
        s.append(String(format: "With %d seeds per task, a change has to be about %.1f points before this grid finds it 8 times in 10; "
                        + "a real 4.1-point gain would have been found about %.0f times in 10", seeds, mde * 100, (power * 10).rounded())
                 + (missed && power < 0.8 ? ", so not finding it here says little." : "."))
    }
    let family = siteFamily(ix)
    if let top = family.max(by: { $0.estimate.mean < $1.estimate.mean }), top.estimate.mean > 0, family.count > 1 {
        s.append("The largest gain of the \(family.count) diffusion variants, \(top.label.name) (\(points(top.estimate.mean)) points), "
                 + (top.holm < 0.05 ? "stays clear of chance after allowing for having picked the largest of \(family.count)."
                                     : "could be luck: the largest of \(family.count) tries tends to be a lucky one, and allowing for that it is not clear of chance (Holm-adjusted p = \(pValue(top.holm)))."))
    }
    let split = perTask.filter { $0.verdicts.first.map { $0.outcome != claims[0].outcome && $0.outcome != .notMeasured } ?? false }
    if !split.isEmpty, claims.count > 0 {
        s.append("Task by task the after-embedding claim " + listText(split.map { "\(verdictPhrase($0.verdicts[0].outcome)) on \($0.task.rawValue)" }) + ".")
    }
    return s.joined(separator: " ")
}

/// " (95% range −0.3 to +2.7)" or "" without a CI.
func rangeText(_ s: PooledEstimate) -> String {
    s.halfWidth.isFinite ? " (95% range \(points(s.lower)) to \(points(s.upper)))" : ""
}

/// "a", "a and b", "a, b and c".
func listText(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
}
