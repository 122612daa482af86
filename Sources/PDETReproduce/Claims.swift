// The papers' claims, each turned into a rule on the measured rows and a plain verdict. The rules
// (also printed in the report's Method section) only call a claim held when the 95% CI agrees;
// a claim the grid has no cells for is "not measured here".
import Foundation
import PDETCore

/// A claim's verdict on this grid's rows: the measured effect's 95% CI on the claim's side of
/// zero (holds), on the other side (contradicted), straddling zero (inconclusive), or no cells.
public enum Outcome: String, CaseIterable, Equatable, Sendable {
    case holds = "holds here"
    case contradicted = "contradicted here"
    case inconclusive = "inconclusive here"
    case notMeasured = "not measured here"
}

public struct ClaimVerdict: Equatable, Sendable {
    public var claim: String       // what the papers say
    public var outcome: Outcome
    public var paper: String       // the papers' figure, e.g. "+4.1 pp"
    public var measured: String    // ours, e.g. "+1.2 pp [−0.3, +2.7]"; "–" when not measured
    public var detectable: String  // the smallest effect this grid could tell from zero (the CI half-width), e.g. "±1.5 pp"
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

/// holds when the CI lies on the claim's side of zero, contradicted when on the other side,
/// else inconclusive (also when there is no CI: fewer than 2 pairs).
func outcome(_ s: MeanCI, claimSign: Double) -> Outcome {
    let lo = s.lower * claimSign, hi = s.upper * claimSign
    guard lo.isFinite && hi.isFinite else { return .inconclusive }
    if min(lo, hi) > 0 { return .holds }
    if max(lo, hi) < 0 { return .contradicted }
    return .inconclusive
}

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

func measuredPP(_ s: MeanCI) -> String { "\(pp(s.mean)) pp \(ciPP(s))" }
func detectablePP(_ s: MeanCI) -> String { s.halfWidth.isFinite ? String(format: "±%.1f pp", s.halfWidth * 100) : "n/a (n < 2)" }
func detectable(_ s: MeanCI, _ digits: Int = 3) -> String { s.halfWidth.isFinite ? "±" + fixed(s.halfWidth, digits) : "n/a (n < 2)" }

/// "The paper's +4.1 pp is larger than this grid's ±1.2 pp: it could have been seen here." (or not).
func sizeNote(paper: Double, _ s: MeanCI) -> String {
    guard s.halfWidth.isFinite else { return "With fewer than two pairs there is no CI." }
    let h = s.halfWidth * 100
    return abs(paper) > h
        ? String(format: "An effect the paper's size (%+.1f pp) is larger than the ±%.1f pp this grid can tell from zero: it would have shown.", paper, h)
        : String(format: "An effect the paper's size (%+.1f pp) is within the ±%.1f pp this grid cannot tell from zero: more seeds are needed to see it.", paper, h)
}

func afterEmbeddingBest(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Diffusion after the embedding is the best of the seven sites, +4.1 pp over the baseline"
    let paper = "+4.1 pp, best site"
    let sites = DiffusionSite.allCases.filter { $0 != .off }
    let deltas = sites.compactMap { site -> (DiffusionSite, MeanCI)? in
        let d = ix.pairedDifferences(.pde(site, multiScale: false), .baseline, accuracy)
        return d.isEmpty ? nil : (site, MeanCI(d))
    }
    guard let mine = deltas.first(where: { $0.0 == .afterEmbedding })?.1, deltas.count >= 2 else {
        return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper,
                            detail: "the grid needs the baseline, after-embedding/s1 and at least one other site")
    }
    let best = deltas.max { $0.1.mean < $1.1.mean }!
    // A site clearly ahead of after-embedding (paired: site − after-embedding, CI above zero).
    let clearlyAhead = sites.filter { $0 != .afterEmbedding }.compactMap { site -> (DiffusionSite, MeanCI)? in
        let d = ix.pairedDifferences(.pde(site, multiScale: false), .pde(.afterEmbedding, multiScale: false), accuracy)
        let s = MeanCI(d)
        return s.lower > 0 ? (site, s) : nil
    }.max { $0.1.mean < $1.1.mean }
    let isBest = best.0 == .afterEmbedding
    let numbers = "after-embedding/s1 Δ \(pp(mine.mean)) pp, 95% CI \(ciPP(mine)) (n = \(mine.n); paper +4.1); best site \(best.0.rawValue) \(pp(best.1.mean)) pp."
    let result: Outcome
    let why: String
    if mine.upper < 0 {
        result = .contradicted
        why = "After-embedding diffusion lowers accuracy here: the CI lies below zero."
    } else if let (site, s) = clearlyAhead {
        result = .contradicted
        why = "Another site, \(site.rawValue), gains clearly more (by \(pp(s.mean)) pp, CI \(ciPP(s)))."
    } else if isBest && mine.lower > 0 {
        result = .holds
        why = "It is the best site and its gain over the baseline is clear of zero."
    } else {
        result = .inconclusive
        if isBest { why = "It is the best site, but its gain over the baseline is within the noise (the CI includes zero)." }
        else if best.1.lower > 0 { why = "Another site, \(best.0.rawValue), gains more, and clearly over the baseline, though not clearly more than after-embedding." }
        else { why = "Another site, \(best.0.rawValue), gains more on average, though no site's gain is clear of the noise." }
    }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper, measured: measuredPP(mine), detectable: detectablePP(mine),
                        detail: numbers + " " + why + " " + sizeNote(paper: 4.1, mine))
}

func afterAttentionHurts(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Diffusion after attention hurts, −2.5 pp against the baseline"
    let paper = "−2.5 pp"
    let d = ix.pairedDifferences(.pde(.afterAttention, multiScale: false), .baseline, accuracy)
    guard !d.isEmpty else { return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no baseline and after-attention/s1 pairs") }
    let s = MeanCI(d)
    let result = outcome(s, claimSign: -1)
    let why: String
    switch result {
    case .holds: why = "Its accuracy is below the baseline's and the CI lies below zero."
    case .contradicted: why = "Its accuracy is above the baseline's and the CI lies above zero."
    default: why = s.mean < 0 ? "It is lower on average, but the CI includes zero." : "It is not lower on average, and the CI includes zero."
    }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper, measured: measuredPP(s), detectable: detectablePP(s),
                        detail: "after-attention/s1 Δ \(pp(s.mean)) pp, 95% CI \(ciPP(s)) (n = \(s.n); paper −2.5). " + why + " " + sizeNote(paper: -2.5, s))
}

func multiScaleBetter(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Multi-scale diffusion (scales 1,2,4) beats single-scale"
    let paper = "s124 > s1 (no figure)"
    var d: [Double] = []
    for site in DiffusionSite.allCases where site != .off {
        d += ix.pairedDifferences(.pde(site, multiScale: true), .pde(site, multiScale: false), accuracy)
    }
    guard !d.isEmpty else { return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no s1/s124 pairs") }
    let s = MeanCI(d)
    let result = outcome(s, claimSign: 1)
    let why: String
    switch result {
    case .holds: why = "Multi-scale is more accurate and the CI lies above zero."
    case .contradicted: why = "Multi-scale is less accurate and the CI lies below zero."
    default: why = s.mean > 0 ? "Multi-scale is slightly better on average, but the CI includes zero." : "Multi-scale is not better on average, and the CI includes zero."
    }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper, measured: measuredPP(s), detectable: detectablePP(s),
                        detail: "s124 − s1 over all sites, tasks and seeds: \(pp(s.mean)) pp, 95% CI \(ciPP(s)) (n = \(s.n)). " + why)
}

func driftWithoutResidual(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Without residual connections the token states drift (last-layer drift rises)"
    let paper = "drift rises"
    let d = ix.pairedDifferences(.noResidual, .baseline) { Double($0.drift) }
    guard !d.isEmpty else { return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no baseline and no-residual pairs") }
    let s = MeanCI(d)
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
                        detail: "drift 1 − cos(x_L, x_0): baseline \(fixed(base.mean)), no-residual − baseline \(fixed(s.mean)), 95% CI [\(fixed(s.lower)), \(fixed(s.upper))] (n = \(s.n)). " + why)
}

func explosionWithoutNorm(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Without LayerNorm the activations explode (RMS grows with depth, or NaN/Inf)"
    let paper = "explodes"
    let pairs = ix.pairedDifferences(.noNorm, .baseline) { log(Double($0.rmsGrowth)) }
    let noNormRows = ix.rows.filter { $0.variant == .noNorm }
    guard !pairs.isEmpty || !noNormRows.isEmpty else {
        return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no no-norm cells")
    }
    let blewUp = noNormRows.filter { $0.nonFiniteStep > 0 || !$0.rmsGrowth.isFinite }.count
    let s = MeanCI(pairs)
    let ratio = exp(s.mean)
    let result: Outcome
    let why: String
    if blewUp > 0 { result = .holds; why = "\(blewUp) of \(noNormRows.count) no-norm cells went non-finite." }
    else if s.lower > 0 && ratio >= 2 { result = .holds; why = "RMS growth is at least double the baseline's and the CI lies above zero." }
    else if s.upper < 0 { result = .contradicted; why = "RMS grows less without LayerNorm than with it, and the CI lies below zero." }
    else if s.lower > 0 { result = .inconclusive; why = "RMS grows more without LayerNorm, clearly, but by less than double: growth, not explosion." }
    else { result = .inconclusive; why = s.mean > 0 ? "RMS grows more without LayerNorm on average, but the CI includes zero." : "RMS does not grow more on average, and the CI includes zero." }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper,
                        measured: "×\(fixed(ratio, 2)), log CI [\(fixed(s.lower, 2)), \(fixed(s.upper, 2))]; \(blewUp) non-finite",
                        detectable: s.halfWidth.isFinite ? "×\(fixed(exp(s.halfWidth), 2))" : "n/a (n < 2)",
                        detail: "rms(x_L)/rms(x_0) no-norm ÷ baseline: geometric mean ×\(fixed(ratio, 2)), log-ratio 95% CI [\(fixed(s.lower, 2)), \(fixed(s.upper, 2))] (n = \(s.n)); non-finite no-norm cells: \(blewUp). " + why)
}

func attentionIsDiffusion(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Attention is close to a heat kernel: cosine > 0.98, and better than the uniform baseline"
    let paper = "cosine > 0.98"
    let base = ix.rows.filter { $0.variant == .baseline }
    guard !base.isEmpty else { return ClaimVerdict(claim: claim, outcome: .notMeasured, paper: paper, detail: "the grid has no baseline cells") }
    let fit = MeanCI(base.map { headMean($0.fitCosine) })
    let uniform = MeanCI(base.map { headMean($0.uniformCosine) })
    let gain = MeanCI(base.map { headMean($0.fitCosine) - headMean($0.uniformCosine) })
    let result: Outcome
    var why: String
    if fit.mean > 0.98 && gain.lower > 0 { result = .holds; why = "The fit is above 0.98 and clearly above the uniform predictor." }
    else if gain.upper < 0 { result = .contradicted; why = "The uniform predictor fits better than the heat kernel (the CI of fit − uniform lies below zero)." }
    else if fit.upper < 0.98 { result = .contradicted; why = "The fit stays below 0.98 (its CI lies below 0.98)." }
    else if fit.mean > 0.98 { result = .inconclusive; why = "The fit is above 0.98, but the uniform predictor does as well (within the CI): the high cosine says little." }
    else { result = .inconclusive; why = "The fit is below 0.98 on average, but its CI reaches 0.98." }
    if uniform.mean > 0.98 { why += " Note: the uniform baseline alone already exceeds 0.98." }
    return ClaimVerdict(claim: claim, outcome: result, paper: paper,
                        measured: "cosine \(fixed(fit.mean, 4)) (uniform \(fixed(uniform.mean, 4)))", detectable: detectable(gain, 4),
                        detail: "baseline model, mean over layers, heads, tasks and seeds: heat-kernel cosine \(fixed(fit.mean, 4)), 95% CI [\(fixed(fit.lower, 4)), \(fixed(fit.upper, 4))], uniform cosine \(fixed(uniform.mean, 4)); fit − uniform \(fixed(gain.mean, 4)), 95% CI [\(fixed(gain.lower, 4)), \(fixed(gain.upper, 4))] (n = \(gain.n) cells). " + why)
}
