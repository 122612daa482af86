// The papers' claims, each turned into a rule on the measured rows and a plain verdict. The rules
// (also printed in the report's Method section) only call a claim held when the 95% CI agrees;
// a claim the grid has no cells for is "not measured here".
import Foundation
import PDETCore

public struct ClaimVerdict: Equatable, Sendable {
    public var claim: String       // what the papers say
    public var holds: Bool?        // nil: the grid has no cells to test it
    public var detail: String      // the numbers and one sentence why

    public var verdict: String {
        switch holds {
        case true?: return "holds here"
        case false?: return "does not hold here"
        case nil: return "not measured here"
        }
    }
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
func ciPP(_ s: Summary) -> String { s.halfWidth.isFinite ? "[\(pp(s.lower)), \(pp(s.upper))]" : "[n/a]" }
func fixed(_ x: Double, _ digits: Int = 3) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : (x.isNaN ? "n/a" : (x > 0 ? "inf" : "-inf")) }

/// Mean over (L, NH) of one per-head field of a row.
func headMean(_ m: [[Float]]) -> Double {
    let xs = m.flatMap { $0 }.map(Double.init)
    return xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count)
}

/// Every claim's verdict on `rows`.
public func evaluateClaims(_ rows: [CellResult]) -> [ClaimVerdict] {
    let ix = RowIndex(rows)
    return [afterEmbeddingBest(ix), afterAttentionHurts(ix), multiScaleBetter(ix), driftWithoutResidual(ix),
            explosionWithoutNorm(ix), attentionIsDiffusion(ix)]
}

func afterEmbeddingBest(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Diffusion after the embedding is the best of the seven sites, +4.1 pp over the baseline"
    let sites = DiffusionSite.allCases.filter { $0 != .off }
    let deltas = sites.compactMap { site -> (DiffusionSite, Summary)? in
        let d = ix.pairedDifferences(.pde(site, multiScale: false), .baseline, accuracy)
        return d.isEmpty ? nil : (site, Summary(d))
    }
    guard let mine = deltas.first(where: { $0.0 == .afterEmbedding })?.1, deltas.count >= 2 else {
        return ClaimVerdict(claim: claim, holds: nil, detail: "the grid needs the baseline, after-embedding/s1 and at least one other site")
    }
    let best = deltas.max { $0.1.mean < $1.1.mean }!
    let isBest = best.0 == .afterEmbedding
    let significant = mine.lower > 0
    let numbers = "after-embedding/s1 Δ \(pp(mine.mean)) pp, 95% CI \(ciPP(mine)) (n = \(mine.n); paper +4.1); best site \(best.0.rawValue) \(pp(best.1.mean)) pp."
    let why: String
    switch (isBest, significant) {
    case (true, true): why = "It is the best site and its gain over the baseline is clear of zero."
    case (true, false): why = "It is the best site, but its gain over the baseline is within the noise (the CI includes zero)."
    case (false, _):
        why = best.1.lower > 0 ? "Another site, \(best.0.rawValue), gains more, and clearly."
            : "Another site, \(best.0.rawValue), gains more on average, though no site's gain is clear of the noise."
    }
    return ClaimVerdict(claim: claim, holds: isBest && significant, detail: numbers + " " + why)
}

func afterAttentionHurts(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Diffusion after attention hurts, −2.5 pp against the baseline"
    let d = ix.pairedDifferences(.pde(.afterAttention, multiScale: false), .baseline, accuracy)
    guard !d.isEmpty else { return ClaimVerdict(claim: claim, holds: nil, detail: "the grid has no baseline and after-attention/s1 pairs") }
    let s = Summary(d)
    let holds = s.upper < 0
    let why = holds ? "Its accuracy is below the baseline's and the CI lies below zero."
        : (s.mean < 0 ? "It is lower on average, but the CI includes zero." : "It is not lower than the baseline on average.")
    return ClaimVerdict(claim: claim, holds: holds,
                        detail: "after-attention/s1 Δ \(pp(s.mean)) pp, 95% CI \(ciPP(s)) (n = \(s.n); paper −2.5). " + why)
}

func multiScaleBetter(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Multi-scale diffusion (scales 1,2,4) beats single-scale"
    var d: [Double] = []
    for site in DiffusionSite.allCases where site != .off {
        d += ix.pairedDifferences(.pde(site, multiScale: true), .pde(site, multiScale: false), accuracy)
    }
    guard !d.isEmpty else { return ClaimVerdict(claim: claim, holds: nil, detail: "the grid has no s1/s124 pairs") }
    let s = Summary(d)
    let holds = s.lower > 0
    let why = holds ? "Multi-scale is more accurate and the CI lies above zero."
        : (s.mean > 0 ? "Multi-scale is slightly better on average, but the CI includes zero." : "Multi-scale is not better on average.")
    return ClaimVerdict(claim: claim, holds: holds,
                        detail: "s124 − s1 over all sites, tasks and seeds: \(pp(s.mean)) pp, 95% CI \(ciPP(s)) (n = \(s.n)). " + why)
}

func driftWithoutResidual(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Without residual connections the token states drift (last-layer drift rises)"
    let d = ix.pairedDifferences(.noResidual, .baseline) { Double($0.drift) }
    guard !d.isEmpty else { return ClaimVerdict(claim: claim, holds: nil, detail: "the grid has no baseline and no-residual pairs") }
    let s = Summary(d)
    let base = Summary(ix.rows.filter { $0.variant == .baseline }.map { Double($0.drift) })
    let holds = s.lower > 0
    let why = holds ? "Drift is higher without the residual path and the CI lies above zero."
        : (s.mean > 0 ? "Drift is higher on average, but the CI includes zero." : "Drift is not higher without the residual path.")
    return ClaimVerdict(claim: claim, holds: holds,
                        detail: "drift 1 − cos(x_L, x_0): baseline \(fixed(base.mean)), no-residual − baseline \(fixed(s.mean)), 95% CI [\(fixed(s.lower)), \(fixed(s.upper))] (n = \(s.n)). " + why)
}

func explosionWithoutNorm(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Without LayerNorm the activations explode (RMS grows with depth, or NaN/Inf)"
    let pairs = ix.pairedDifferences(.noNorm, .baseline) { log(Double($0.rmsGrowth)) }
    let noNormRows = ix.rows.filter { $0.variant == .noNorm }
    guard !pairs.isEmpty || !noNormRows.isEmpty else {
        return ClaimVerdict(claim: claim, holds: nil, detail: "the grid has no no-norm cells")
    }
    let blewUp = noNormRows.filter { $0.nonFiniteStep > 0 || !$0.rmsGrowth.isFinite }.count
    let s = Summary(pairs)
    let ratio = exp(s.mean)
    let holds = blewUp > 0 || (s.lower > 0 && ratio >= 2)
    let why: String
    if blewUp > 0 { why = "\(blewUp) of \(noNormRows.count) no-norm cells went non-finite." }
    else if holds { why = "RMS growth is at least double the baseline's and the CI lies above zero." }
    else if s.mean > 0 { why = "RMS grows more without LayerNorm, but by less than double or within the noise: growth, not explosion." }
    else { why = "RMS does not grow more without LayerNorm." }
    return ClaimVerdict(claim: claim, holds: holds,
                        detail: "rms(x_L)/rms(x_0) no-norm ÷ baseline: geometric mean ×\(fixed(ratio, 2)), log-ratio 95% CI [\(fixed(s.lower, 2)), \(fixed(s.upper, 2))] (n = \(s.n)); non-finite no-norm cells: \(blewUp). " + why)
}

func attentionIsDiffusion(_ ix: RowIndex) -> ClaimVerdict {
    let claim = "Attention is close to a heat kernel: cosine > 0.98, and better than the uniform baseline"
    let base = ix.rows.filter { $0.variant == .baseline }
    guard !base.isEmpty else { return ClaimVerdict(claim: claim, holds: nil, detail: "the grid has no baseline cells") }
    let fit = Summary(base.map { headMean($0.fitCosine) })
    let uniform = Summary(base.map { headMean($0.uniformCosine) })
    let gain = Summary(base.map { headMean($0.fitCosine) - headMean($0.uniformCosine) })
    let holds = fit.mean > 0.98 && gain.lower > 0
    var why: String
    if holds { why = "The fit is above 0.98 and clearly above the uniform predictor." }
    else if fit.mean > 0.98 { why = "The fit is above 0.98, but the uniform predictor does as well (within the CI): the high cosine says little." }
    else { why = "The fit stays below 0.98." }
    if uniform.mean > 0.98 { why += " Note: the uniform baseline alone already exceeds 0.98." }
    return ClaimVerdict(claim: claim, holds: holds,
                        detail: "baseline model, mean over layers, heads, tasks and seeds: heat-kernel cosine \(fixed(fit.mean, 4)), uniform cosine \(fixed(uniform.mean, 4)); fit − uniform \(fixed(gain.mean, 4)), 95% CI [\(fixed(gain.lower, 4)), \(fixed(gain.upper, 4))] (n = \(gain.n) cells). " + why)
}
