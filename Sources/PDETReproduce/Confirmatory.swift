// The confirmatory study's analysis (issue 21; the plan: docs/results/confirmatory-plan.md): five
// one-sided hypotheses fixed before any cell ran, tested on fresh seeds at α = 0.05 with Holm's
// step-down over the five. The primary estimate of each is the plan's: per task the mean paired
// difference over seeds, combined with inverse-variance weights (Borenstein et al. 2009, ch. 11) and
// Welch–Satterthwaite df (Satterthwaite 1946). The exploratory grid report weights tasks equally; the
// plan, committed before any cell ran, fixed inverse variance, and the analysis follows the plan. The
// per-task estimates are secondary. `confirmatoryReport(rows:)` writes the Markdown section.
import Foundation
import PDETCore

/// One pre-registered hypothesis: variant − reference on held-out accuracy, on the `side` of zero.
public struct Hypothesis: Equatable, Sendable {
    public var id: String                 // "H1"
    public var variant: Variant
    public var reference: Variant
    public var side: Double               // +1: variant > reference; −1: variant < reference
    public var plannedEffectPP: Double    // the paper's figure the study is powered for, in pp

    public var statement: String { "\(variant.name) \(side > 0 ? ">" : "<") \(reference.name)" }
}

/// H1–H5 as the plan names them, with the effects the study was planned for.
public let confirmatoryHypotheses: [Hypothesis] = [
    Hypothesis(id: "H1", variant: .pde(.afterEmbedding, multiScale: false), reference: .baseline, side: 1, plannedEffectPP: 4.1),
    Hypothesis(id: "H2", variant: .pde(.afterAttention, multiScale: false), reference: .baseline, side: -1, plannedEffectPP: -2.5),
    Hypothesis(id: "H3", variant: .pde(.beforeAttention, multiScale: false), reference: .baseline, side: 1, plannedEffectPP: 3.9),
    Hypothesis(id: "H4", variant: .pde(.betweenLayers, multiScale: false), reference: .baseline, side: 1, plannedEffectPP: 4.1),
    Hypothesis(id: "H5", variant: .pde(.afterEmbedding, multiScale: true), reference: .pde(.afterEmbedding, multiScale: false),
               side: 1, plannedEffectPP: 1.0),
]

/// The familywise level of the five one-sided tests.
public let confirmatoryAlpha = 0.05
/// The power the plan asks for (the minimum detectable effect is quoted at it).
public let confirmatoryPowerTarget = 0.8
/// The primary estimate's weighting, as the plan fixes it.
public let confirmatoryPooling = PoolingMethod.inverseVariance

/// The plan's verdicts (docs/results/confirmatory-plan.md, "Verdict"). `holds`: Holm-adjusted one-sided
/// p < α. `contradicted`: the 95% CI lies wholly on the other side of zero. `inconclusive`: otherwise
/// (the report gives the power at the planned effect, and says when the CI rules that effect out).
public enum ConfirmatoryVerdict: String, Sendable {
    case holds = "holds"
    case contradicted = "contradicted"
    case inconclusive = "inconclusive"
}

public struct ConfirmatoryResult: Sendable {
    public var hypothesis: Hypothesis
    public var estimate: PooledEstimate                  // primary: pooled over tasks
    public var perTask: [(task: TaskKind, estimate: PooledEstimate)]   // secondary: paired t per task
    public var p: Double                                 // one-sided, on the hypothesis' side
    public var holm: Double                              // Holm-adjusted over the family
    public var power: Double                             // at the planned effect, one-sided level α
    public var powerAtStrictest: Double                  // at the planned effect, one-sided level α/m
    public var verdict: ConfirmatoryVerdict
    /// The 95% CI falls short of the planned effect (an effect the planned size is ruled out).
    public var plannedEffectRuledOut: Bool
}

/// The six variants of the confirmatory grid.
public var confirmatoryVariants: Set<Variant> {
    Set(confirmatoryHypotheses.flatMap { [$0.variant, $0.reference] })
}

/// True for a grid with exactly the confirmatory variants and fresh seeds (none is 1: the standard
/// grid and the calibration runs start at 1).
public func isConfirmatoryGrid(_ rows: [CellResult]) -> Bool {
    !rows.isEmpty && Set(rows.map(\.variant)) == confirmatoryVariants && !rows.contains { $0.seed == 1 }
}

/// The five tests on `rows` (any tasks; pairs by task and seed).
public func confirmatoryAnalysis(_ rows: [CellResult], hypotheses: [Hypothesis] = confirmatoryHypotheses,
                                 alpha: Double = confirmatoryAlpha) -> [ConfirmatoryResult] {
    let ix = RowIndex(rows)
    let estimates = hypotheses.map { PooledEstimate(groups: ix.differencesByTask($0.variant, $0.reference, accuracy), method: confirmatoryPooling) }
    let ps = zip(hypotheses, estimates).map { $1.pOneSided(side: $0.side) }
    let holm = holmAdjusted(ps)
    let m = Double(hypotheses.count)
    return hypotheses.indices.map { k in
        let h = hypotheses[k], e = estimates[k]
        let planned = h.plannedEffectPP / 100
        let power = e.power(at: planned, alpha: alpha, twoSided: false)
        let strict = e.power(at: planned, alpha: alpha / m, twoSided: false)
        let otherSide = h.side > 0 ? e.upper < 0 : e.lower > 0
        let verdict: ConfirmatoryVerdict = holm[k] < alpha ? .holds : (otherSide ? .contradicted : .inconclusive)
        let ruledOut = h.side > 0 ? e.upper < planned : e.lower > planned
        let perTask = ix.tasks.map { t in
            (t, PooledEstimate(groups: [ix.pairedDifferences(h.variant, h.reference, tasks: [t], accuracy)], method: reportPooling))
        }.filter { $0.1.n > 0 }
        return ConfirmatoryResult(hypothesis: h, estimate: e, perTask: perTask, p: ps[k], holm: holm[k], power: power,
                                  powerAtStrictest: strict, verdict: verdict, plannedEffectRuledOut: ruledOut)
    }
}

/// The Markdown section of the confirmatory study: the rule, a summary table, then one part per hypothesis.
public func confirmatoryReport(rows: [CellResult]) -> String {
    let results = confirmatoryAnalysis(rows)
    let ix = RowIndex(rows)
    let m = results.count
    var out = ["## Confirmatory analysis", "",
               "Pre-registered (docs/results/confirmatory-plan.md): \(m) one-sided hypotheses, each variant − reference on held-out",
               "accuracy, familywise α = \(fixed(confirmatoryAlpha, 2)) with Holm's step-down over the \(m) (Holm 1979). Primary estimate: per task the",
               "mean paired difference over seeds; the task means combined with inverse-variance weights (Borenstein et al. 2009, ch. 11),",
               "95% CI and one-sided p from Student's t with Welch–Satterthwaite df (the plan's method; the exploratory report weights",
               "tasks equally). Per-task estimates (paired t) are secondary. Power: the probability that the one-sided test",
               "rejects when the true effect is the planned one, with this study's standard error and df (noncentral t), at level α and",
               "at α/\(m), the strictest Holm step.", "",
               "Verdict (the plan's rule): **holds** when the Holm-adjusted one-sided p < \(fixed(confirmatoryAlpha, 2)); **contradicted** when the",
               "95% CI lies wholly on the other side of zero; **inconclusive** otherwise, with the power at the planned effect beside it",
               "and, where the CI falls short of the planned effect, \"an effect of the planned size is ruled out\".", "",
               "| H | hypothesis | planned | effect pp (95% CI) | p (one-sided) | Holm p | power at planned (α, α/\(m)) | verdict |",
               "|---|---|---|---|---|---|---|---|"]
    for r in results {
        out.append("| \(r.hypothesis.id) | \(r.hypothesis.statement) | \(String(format: "%+.1f pp", r.hypothesis.plannedEffectPP)) | "
                   + "\(pp(r.estimate.estimate)) \(ciPP(r.estimate)) | \(pValue(r.p)) | \(pValue(r.holm)) | "
                   + "\(fixed(r.power, 2)), \(fixed(r.powerAtStrictest, 2)) | **\(r.verdict.rawValue)** |")
    }
    out.append("")
    for r in results {
        let h = r.hypothesis, e = r.estimate
        let seeds = ix.tasks.map { t in "\(t.rawValue) \(Set(ix.rows.filter { $0.task == t && ($0.variant == h.variant || $0.variant == h.reference) }.map(\.seed)).count)" }
        out += ["### \(h.id): \(h.statement): **\(r.verdict.rawValue)**", "",
                "- Effect (\(h.variant.name) − \(h.reference.name)): \(pp(e.estimate)) pp, 95% CI \(ciPP(e)), \(e.dfText) (planned \(String(format: "%+.1f", h.plannedEffectPP)) pp).",
                "- p (one-sided, \(h.side > 0 ? "> 0" : "< 0")): \(pValue(r.p)) raw, \(pValue(r.holm)) Holm-adjusted over the \(m).",
                "- Power at the planned effect: \(fixed(r.power, 2)) at α = \(fixed(confirmatoryAlpha, 2)), \(fixed(r.powerAtStrictest, 2)) at α/\(m); "
                    + "minimum detectable effect (80%, one-sided α): \(detectableOneSided(e))"
                    + (r.plannedEffectRuledOut && r.verdict != .holds ? "; an effect of the planned size is ruled out (the 95% CI falls short of it)." : "."),
                "- Pairs: \(r.perTask.map { "\($0.task.rawValue) \($0.estimate.n)" }.joined(separator: ", ")); seeds per task: \(seeds.joined(separator: ", ")).",
                "", "| task | Δ pp | 95% CI pp | p (one-sided) | n |", "|---|---|---|---|---|"]
        for (t, s) in r.perTask {
            out.append("| \(t.rawValue) | \(pp(s.estimate)) | \(ciPP(s)) | \(pValue(s.pOneSided(side: h.side))) | \(s.n) |")
        }
        out.append("")
    }
    return out.joined(separator: "\n") + "\n"
}

/// "3.2 pp": the effect the one-sided 5% test finds 80% of the time.
func detectableOneSided(_ e: PooledEstimate) -> String {
    let mde = e.minimumDetectable(power: confirmatoryPowerTarget, alpha: confirmatoryAlpha, twoSided: false)
    return mde.isFinite ? String(format: "%.1f pp", mde * 100) : "n/a"
}
