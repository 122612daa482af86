// The papers' claims, each turned into a rule on the measured rows and a plain verdict. Every effect
// is estimated per task (paired by seed) and pooled over the tasks with PDETCore's `PooledEstimate`
// (the equal-weight mean of the task means, Welch–Satterthwaite df); the verdict is PDETCore's one
// rule (the 95% CI on the claim's side of zero, or of 0.98 for the attention claim). Each accuracy
// claim also gives the minimum detectable effect at 80% power and its power at the paper's figure.
// A claim the grid has no cells for is "not measured here".
import Foundation
import PDETCore

/// A claim's verdict on this grid's rows: PDETCore's `IntervalVerdict`, or no cells.
public enum Outcome: String, CaseIterable, Equatable, Sendable {
    case holds = "holds here"
    case contradicted = "contradicted here"
    case inconclusive = "inconclusive here"
    case notMeasured = "not measured here"

    init(_ v: IntervalVerdict) {
        switch v {
        case .holds: self = .holds
        case .contradicted: self = .contradicted
        case .inconclusive: self = .inconclusive
        }
    }
}

public struct ClaimVerdict: Equatable, Sendable {
    public var claim: String       // what the papers say
    public var outcome: Outcome
    public var paper: String       // the papers' figure, e.g. "+4.1 pp"
    public var measured: String    // ours, e.g. "+1.2 pp [−0.3, +2.7]"; "–" when not measured
    public var detectable: String  // the minimum detectable effect at 80% power (and the power at the paper's figure)
    public var detail: String      // the numbers and one sentence why

    public init(claim: String, outcome: Outcome, paper: String, measured: String = "–", detectable: String = "–", detail: String) {
        self.claim = claim
        self.outcome = outcome
        self.paper = paper
        self.measured = measured
        self.detectable = detectable
        self.detail = detail
    }

    public var verdict: String { outcome.rawValue }
}

/// The one rule on a pooled estimate: its 95% CI on the claim's side of zero (holds), on the other
/// side (contradicted), else inconclusive (also without a CI).
func outcome(_ s: PooledEstimate, claimSign: Double) -> Outcome {
    Outcome(intervalVerdict(lower: s.lower, upper: s.upper, side: claimSign))
}

/// How the report pools the tasks' mean differences (say so in the Method section and docs/reproduce.md).
let reportPooling = PoolingMethod.equalWeight

/// The rows of one grid, looked up by (task, variant, seed).
struct RowIndex {
    let rows: [CellResult]
    private var byKey: [String: CellResult] = [:]

    init(_ rows: [CellResult]) {
        self.rows = rows
        for r in rows { byKey[Self.key(r.task, r.variant, r.seed)] = r }
    }

    static func key(_ t: TaskKind, _ v: Variant, _ s: UInt64) -> String { "\(t.rawValue)|\(v.name)|\(s)" }

    func row(_ t: TaskKind, _ v: Variant, _ s: UInt64) -> CellResult? { byKey[Self.key(t, v, s)] }

    /// Tasks, variants and seeds present, in grid order.
    var tasks: [TaskKind] { TaskKind.allCases.filter { t in rows.contains { $0.task == t } } }
    var variants: [Variant] { Variant.all.filter { v in rows.contains { $0.variant == v } } }
    var seeds: [UInt64] { Array(Set(rows.map(\.seed))).sorted() }

    /// f(variant row) − f(reference row) over every (task, seed) where both exist.
    func pairedDifferences(_ v: Variant, _ reference: Variant, tasks only: [TaskKind]? = nil,
                           _ f: (CellResult) -> Double) -> [Double] {
        var out: [Double] = []
        for t in only ?? tasks {
            for s in seeds {
                if let a = row(t, v, s), let b = row(t, reference, s) { out.append(f(a) - f(b)) }
            }
        }
        return out
    }

    /// f(variant row) − f(reference row) per task present (grid order), paired by seed.
    func differencesByTask(_ v: Variant, _ reference: Variant, _ f: (CellResult) -> Double) -> [[Double]] {
        tasks.map { pairedDifferences(v, reference, tasks: [$0], f) }
    }

    /// The report's pooled estimate of f(variant) − f(reference): per task, then over tasks.
    func pooled(_ v: Variant, _ reference: Variant, _ f: (CellResult) -> Double) -> PooledEstimate {
        PooledEstimate(groups: differencesByTask(v, reference, f), method: reportPooling)
    }
}

/// The accuracy of a row, as the paired-difference field.
func accuracy(_ r: CellResult) -> Double { Double(r.accuracy) }

func pp(_ x: Double) -> String { x.isFinite ? String(format: "%+.1f", x * 100) : "n/a" }
func ciPP(_ s: MeanCI) -> String { s.halfWidth.isFinite ? "[\(pp(s.lower)), \(pp(s.upper))]" : "[n/a]" }
func fixed(_ x: Double, _ digits: Int = 3) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : (x.isNaN ? "n/a" : (x > 0 ? "inf" : "-inf")) }

/// Mean over (L, NH) of one per-head field of a row.
func headMean(_ m: [[Float]]) -> Double {
    let xs = m.flatMap { $0 }.map(Double.init)
    return xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count)
}

/// Every claim's verdict on `rows` (pooled over the tasks present).
public func evaluateClaims(_ rows: [CellResult]) -> [ClaimVerdict] {
    let ix = RowIndex(rows)
    return [afterEmbeddingBest(ix), afterAttentionHurts(ix), multiScaleBetter(ix), driftWithoutResidual(ix),
            explosionWithoutNorm(ix), attentionIsDiffusion(ix)]
}

/// Every claim's verdict on one task's rows at a time: (task, verdicts), in grid order.
public func evaluateClaimsPerTask(_ rows: [CellResult]) -> [(task: TaskKind, verdicts: [ClaimVerdict])] {
    RowIndex(rows).tasks.map { t in (t, evaluateClaims(rows.filter { $0.task == t })) }
}

func ciPP(_ s: PooledEstimate) -> String { s.halfWidth.isFinite ? "[\(pp(s.lower)), \(pp(s.upper))]" : "[n/a]" }
func measuredPP(_ s: PooledEstimate) -> String { "\(pp(s.mean)) pp \(ciPP(s))" }

extension PooledEstimate {
    var mean: Double { estimate }
    /// "df 5.8" (one decimal: Welch–Satterthwaite df are not integers).
    var dfText: String { degreesOfFreedom.isFinite ? String(format: "df %.1f", degreesOfFreedom) : "df n/a" }
}

/// "5.4 pp (power 0.57 at +4.1 pp)": the effect a two-sided 5% test finds 80% of the time with this
/// design, and its power at the paper's figure when there is one.
func detectablePP(_ s: PooledEstimate, paper: Double? = nil) -> String {
    let mde = s.minimumDetectable()
    guard mde.isFinite else { return "n/a (n < 2)" }
    let text = String(format: "%.1f pp", mde * 100)
    guard let paper else { return text }
    return text + String(format: " (power %.2f at %+.1f pp)", s.power(at: paper / 100), paper)
}

func detectable(_ s: PooledEstimate, _ digits: Int = 3) -> String {
    let mde = s.minimumDetectable()
    return mde.isFinite ? fixed(mde, digits) : "n/a (n < 2)"
}

/// "a two-sided 5% test on this grid finds +4.1 pp with probability 0.57; it finds 5.4 pp 80% of the time."
func powerNote(paper: Double, _ s: PooledEstimate) -> String {
    let mde = s.minimumDetectable(), power = s.power(at: paper / 100)
    guard mde.isFinite, power.isFinite else { return "With fewer than two pairs per task there is no CI and no power." }
    return String(format: "Power: an effect the paper's size (%+.1f pp) would reach significance (two-sided 5%%) with probability %.2f on this grid; "
                  + "the effect it finds 80%% of the time (the minimum detectable effect) is %.1f pp.", paper, power, mde * 100)
}

/// "(n = 5+5+5 pairs, df 5.8)": the pairs per task and the Welch–Satterthwaite df.
func sizeText(_ groups: [[Double]], _ s: PooledEstimate) -> String {
    "n = \(groups.filter { !$0.isEmpty }.map { String($0.count) }.joined(separator: "+")) pairs, \(s.dfText)"
}

func afterEmbeddingBest(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Diffusion after the embedding is the best of the seven sites, +4.1 pp over the baseline"
    let paper = "+4.1 pp, best site"
    let groups = ix.differencesByTask(.pde(.afterEmbedding, multiScale: false), .baseline, accuracy)
    let contrasts = siteContrasts(ix)
    guard groups.contains(where: { !$0.isEmpty }), !contrasts.isEmpty else {
        return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper,
                            detail: "the grid needs the baseline, after-embedding/s1 and at least one other site")
    }
    let mine = PooledEstimate(groups: groups, method: reportPooling)
    let chance = bestSiteBootstrap(ix)
    let gain = intervalVerdict(lower: mine.lower, upper: mine.upper)
    let beats = contrasts.map { significanceVerdict(estimate: $0.estimate.estimate, adjustedP: $0.holm) }
    let result = Outcome(combinedVerdict([gain] + beats))
    let ahead = contrasts.filter { significanceVerdict(estimate: $0.estimate.estimate, adjustedP: $0.holm) == .contradicted }
    let best = chance.max { $0.probability < $1.probability }
    var numbers = "after-embedding/s1 Δ \(pp(mine.mean)) pp, 95% CI \(ciPP(mine)) (\(sizeText(groups, mine)); paper +4.1)."
    if let p = chance.first(where: { $0.site == .afterEmbedding }) {
        numbers += " Bootstrap (seeds resampled within task, \(thousands(bestSiteResamples)) resamples): after-embedding is the best site "
            + "with probability \(fixed(p.probability))"
        if let best, best.site != .afterEmbedding { numbers += ", \(best.site.rawValue) with \(fixed(best.probability))" }
        numbers += "."
    }
    let why: String
    switch result {
    case .holds: why = "Its gain over the baseline is clear of zero and it beats each other site (Holm-adjusted p < 0.05)."
    case .contradicted:
        why = gain == .contradicted ? "After-embedding diffusion lowers accuracy here: the CI lies below zero."
            : "Another site gains clearly more: " + ahead.map { "\($0.label.rawValue) by \(pp(-$0.estimate.estimate)) pp (Holm p \(pValue($0.holm)))" }.joined(separator: ", ") + "."
    default:
        let clear = gain == .holds ? "Its gain over the baseline is clear of zero" : "Its gain over the baseline is within the noise (the CI includes zero)"
        let beaten = beats.filter { $0 == .holds }.count
        why = clear + ", and it beats \(beaten) of the \(beats.count) other sites clearly (Holm-adjusted p < 0.05)."
    }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper, measured: measuredPP(mine),
                        detectable: detectablePP(mine, paper: paperAfterEmbeddingPP),
                        detail: numbers + " " + why + " " + powerNote(paper: paperAfterEmbeddingPP, mine))
}

func afterAttentionHurts(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Diffusion after attention hurts, −2.5 pp against the baseline"
    let paper = "−2.5 pp"
    let groups = ix.differencesByTask(.pde(.afterAttention, multiScale: false), .baseline, accuracy)
    guard groups.contains(where: { !$0.isEmpty }) else {
        return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no baseline and after-attention/s1 pairs")
    }
    let s = PooledEstimate(groups: groups, method: reportPooling)
    let result = outcome(s, claimSign: -1)
    let why: String
    switch result {
    case .holds: why = "Its accuracy is below the baseline's and the CI lies below zero."
    case .contradicted: why = "Its accuracy is above the baseline's and the CI lies above zero."
    default: why = s.mean < 0 ? "It is lower on average, but the CI includes zero." : "It is not lower on average, and the CI includes zero."
    }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper, measured: measuredPP(s),
                        detectable: detectablePP(s, paper: paperAfterAttentionPP),
                        detail: "after-attention/s1 Δ \(pp(s.mean)) pp, 95% CI \(ciPP(s)) (\(sizeText(groups, s)); paper −2.5). "
                            + why + " " + powerNote(paper: paperAfterAttentionPP, s))
}

/// Per task, per seed: the mean over the sites (both scales present) of s124 − s1. The seed is the
/// unit of replication, so a seed's seven site pairs count once.
func multiScaleBySeed(_ ix: RowIndex) -> [[Double]] {
    let sites = DiffusionSite.allCases.filter { $0 != .off }
    return ix.tasks.map { t in
        ix.seeds.compactMap { s -> Double? in
            let d = sites.compactMap { site -> Double? in
                guard let a = ix.row(t, .pde(site, multiScale: true), s), let b = ix.row(t, .pde(site, multiScale: false), s) else { return nil }
                return accuracy(a) - accuracy(b)
            }
            return d.isEmpty ? nil : d.reduce(0, +) / Double(d.count)
        }
    }
}

func multiScaleBetter(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Multi-scale diffusion (scales 1,2,4) beats single-scale"
    let paper = "s124 > s1 (no figure)"
    let groups = multiScaleBySeed(ix)
    guard groups.contains(where: { !$0.isEmpty }) else { return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no s1/s124 pairs") }
    let s = PooledEstimate(groups: groups, method: reportPooling)
    let result = outcome(s, claimSign: 1)
    let why: String
    switch result {
    case .holds: why = "Multi-scale is more accurate and the CI lies above zero."
    case .contradicted: why = "Multi-scale is less accurate and the CI lies below zero."
    default: why = s.mean > 0 ? "Multi-scale is slightly better on average, but the CI includes zero." : "Multi-scale is not better on average, and the CI includes zero."
    }
    var atEmbedding = ""
    let eg = ix.differencesByTask(.pde(.afterEmbedding, multiScale: true), .pde(.afterEmbedding, multiScale: false), accuracy)
    if eg.contains(where: { !$0.isEmpty }) {
        let e = PooledEstimate(groups: eg, method: reportPooling)
        atEmbedding = " At after-embedding alone (the site the paper recommends): \(pp(e.mean)) pp, 95% CI \(ciPP(e)) (\(sizeText(eg, e)), "
            + "\(Outcome(intervalVerdict(lower: e.lower, upper: e.upper)).rawValue); minimum detectable \(detectablePP(e)))."
    }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper, measured: measuredPP(s), detectable: detectablePP(s),
                        detail: "s124 − s1, per seed the mean over the seven sites, then per task and over tasks: \(pp(s.mean)) pp, 95% CI \(ciPP(s)) "
                            + "(\(sizeText(groups, s))). " + why + atEmbedding)
}

func driftWithoutResidual(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Without residual connections the token states drift (last-layer drift rises)"
    let paper = "drift rises"
    let groups = ix.differencesByTask(.noResidual, .baseline) { Double($0.drift) }
    guard groups.contains(where: { !$0.isEmpty }) else { return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no baseline and no-residual pairs") }
    let s = PooledEstimate(groups: groups, method: reportPooling)
    let base = MeanCI(ix.rows.filter { $0.variant == .baseline }.map { Double($0.drift) })
    let result = outcome(s, claimSign: 1)
    let why: String
    switch result {
    case .holds: why = "Drift is higher without the residual path and the CI lies above zero."
    case .contradicted: why = "Drift is lower without the residual path and the CI lies below zero."
    default: why = s.mean > 0 ? "Drift is higher on average, but the CI includes zero." : "Drift is not higher on average, and the CI includes zero."
    }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper,
                        measured: "\(fixed(s.mean)) [\(fixed(s.lower)), \(fixed(s.upper))]", detectable: detectable(s),
                        detail: "drift 1 − cos(x_L, x_0): baseline \(fixed(base.mean)), no-residual − baseline \(fixed(s.mean)), 95% CI [\(fixed(s.lower)), \(fixed(s.upper))] (\(sizeText(groups, s))). " + why)
}

func explosionWithoutNorm(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Without LayerNorm the activations explode (RMS grows with depth, or NaN/Inf)"
    let paper = "explodes"
    let groups = ix.differencesByTask(.noNorm, .baseline) { log(Double($0.rmsGrowth)) }
    let noNormRows = ix.rows.filter { $0.variant == .noNorm }
    guard groups.contains(where: { !$0.isEmpty }) || !noNormRows.isEmpty else {
        return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no no-norm cells")
    }
    let blewUp = noNormRows.filter { $0.nonFiniteStep > 0 || !$0.rmsGrowth.isFinite }.count
    let s = PooledEstimate(groups: groups, method: reportPooling)
    let ratio = exp(s.mean)
    let result: Outcome
    let why: String
    if blewUp > 0 { result = .holds; why = "\(blewUp) of \(noNormRows.count) no-norm cells went non-finite." }
    else if s.lower > 0 && ratio >= 2 { result = .holds; why = "RMS growth is at least double the baseline's and the CI lies above zero." }
    else if s.upper < 0 { result = .contradicted; why = "RMS grows less without LayerNorm than with it, and the CI lies below zero." }
    else if s.lower > 0 { result = .inconclusive; why = "RMS grows more without LayerNorm, clearly, but by less than double: growth, not explosion." }
    else { result = .inconclusive; why = s.mean > 0 ? "RMS grows more without LayerNorm on average, but the CI includes zero." : "RMS does not grow more on average, and the CI includes zero." }
    let mde = s.minimumDetectable()
    return ClaimVerdict(claim: claim, outcome: result, paper: paper,
                        measured: "×\(fixed(ratio, 2)), log CI [\(fixed(s.lower, 2)), \(fixed(s.upper, 2))]; \(blewUp) non-finite",
                        detectable: mde.isFinite ? "×\(fixed(exp(mde), 2))" : "n/a (n < 2)",
                        detail: "rms(x_L)/rms(x_0) no-norm ÷ baseline: geometric mean ×\(fixed(ratio, 2)), log-ratio 95% CI [\(fixed(s.lower, 2)), \(fixed(s.upper, 2))] (\(sizeText(groups, s))); non-finite no-norm cells: \(blewUp). " + why)
}

func attentionIsDiffusion(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Attention is close to a heat kernel: cosine > 0.98, and better than the uniform baseline"
    let paper = "cosine > 0.98"
    let base = ix.rows.filter { $0.variant == .baseline }
    guard !base.isEmpty else { return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no baseline cells") }
    func byTask(_ f: (CellResult) -> Double) -> PooledEstimate {
        PooledEstimate(groups: ix.tasks.map { t in base.filter { $0.task == t }.map(f) }, method: reportPooling)
    }
    let fit = byTask { headMean($0.fitCosine) }
    let uniform = byTask { headMean($0.uniformCosine) }
    let gain = byTask { headMean($0.fitCosine) - headMean($0.uniformCosine) }
    let result = Outcome(heatKernelClaimVerdict(cosineLower: fit.lower, cosineUpper: fit.upper, differenceLower: gain.lower, differenceUpper: gain.upper))
    var why: String
    switch result {
    case .holds: why = "The fit's CI lies above 0.98 and clearly above the uniform predictor."
    case .contradicted: why = gain.upper < 0 ? "The uniform predictor fits better than the heat kernel (the CI of fit − uniform lies below zero)."
                                             : "The fit stays below 0.98 (its CI lies below 0.98)."
    default: why = fit.mean > 0.98 ? "The fit is above 0.98 on average, but its CI or that of fit − uniform reaches the threshold."
                                    : "The fit is below 0.98 on average, but its CI reaches 0.98."
    }
    if uniform.mean > 0.98 { why += " Note: the uniform baseline alone already exceeds 0.98." }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper,
                        measured: "cosine \(fixed(fit.mean, 4)) (uniform \(fixed(uniform.mean, 4)))", detectable: detectable(gain, 4),
                        detail: "baseline model, mean over layers and heads, per task over seeds, then over tasks: heat-kernel cosine \(fixed(fit.mean, 4)), 95% CI [\(fixed(fit.lower, 4)), \(fixed(fit.upper, 4))], uniform cosine \(fixed(uniform.mean, 4)); fit − uniform \(fixed(gain.mean, 4)), 95% CI [\(fixed(gain.lower, 4)), \(fixed(gain.upper, 4))] (n = \(gain.n) cells, \(gain.dfText)). " + why)
}
