// The diffusion sites as families of tests. Looking at 14 site variants and quoting the largest gain
// is a multiple comparison: each family reports raw and Holm-adjusted p (Holm 1979). Claim 1's
// "after-embedding is the best of the seven sites" gets two tests of its own: the bootstrap
// probability that it is the best site, and its contrast with each other site (Holm over the six).
// Every estimate is the report's pooled one (per task, paired by seed; then over tasks).
import Foundation
import PDETCore

/// One test of a family: what was compared (`label`), the pooled estimate, raw and Holm-adjusted two-sided p.
struct FamilyTest<Label> {
    var label: Label
    var estimate: PooledEstimate
    var p: Double
    var holm: Double
}

/// The tests with pairs, Holm-adjusted over them.
func holmFamily<Label>(_ tests: [(Label, PooledEstimate)]) -> [FamilyTest<Label>] {
    let present = tests.filter { $0.1.n > 0 }
    let holm = holmAdjusted(present.map(\.1.pTwoSided))
    return present.enumerated().map { k, t in FamilyTest(label: t.0, estimate: t.1, p: t.1.pTwoSided, holm: holm[k]) }
}

/// The 14 site variants (7 sites × s1, s124) against the baseline, in grid order, Holm over those present.
func siteFamily(_ ix: RowIndex) -> [FamilyTest<Variant>] {
    holmFamily(ix.variants.filter { if case .pde = $0 { return true } else { return false } }.map { ($0, ix.pooled($0, .baseline, accuracy)) })
}

/// after-embedding/s1 − site/s1 for each other site (positive: after-embedding gains more), Holm over them.
func siteContrasts(_ ix: RowIndex) -> [FamilyTest<DiffusionSite>] {
    let mine = Variant.pde(.afterEmbedding, multiScale: false)
    return holmFamily(DiffusionSite.allCases.filter { $0 != .off && $0 != .afterEmbedding }
        .map { ($0, ix.pooled(mine, .pde($0, multiScale: false), accuracy)) })
}

/// Resamples and RNG seed of the best-site bootstrap (fixed: the same rows give the same report).
let bestSiteResamples = 10_000
let bestSiteBootstrapSeed: UInt64 = 1

/// P(site is the best of the seven, single scale): resample the seeds of each task with replacement
/// (a seed carries all its variants, so the pairing is kept), recompute each site's pooled Δ against
/// the baseline (equal-weight mean over tasks of the per-task means), count which site is largest
/// (a tie goes to the site first in grid order). Uses the seeds where the baseline and every site
/// present have a row. Empty when fewer than two sites or no such seed.
func bestSiteBootstrap(_ ix: RowIndex, resamples: Int = bestSiteResamples, seed: UInt64 = bestSiteBootstrapSeed)
    -> [(site: DiffusionSite, probability: Double)] {
    let sites = DiffusionSite.allCases.filter { $0 != .off && ix.variants.contains(.pde($0, multiScale: false)) }
    guard sites.count >= 2 else { return [] }
    // deltas[task][site][seed]: accuracy difference to the baseline on the task's complete seeds.
    let deltas: [[[Double]]] = ix.tasks.compactMap { t in
        let complete = ix.seeds.filter { s in ix.row(t, .baseline, s) != nil && sites.allSatisfy { ix.row(t, .pde($0, multiScale: false), s) != nil } }
        guard !complete.isEmpty else { return nil }
        return sites.map { site in complete.map { accuracy(ix.row(t, .pde(site, multiScale: false), $0)!) - accuracy(ix.row(t, .baseline, $0)!) } }
    }
    guard !deltas.isEmpty else { return [] }
    var rng = SplitMix64(seed: seed)
    var wins = [Int](repeating: 0, count: sites.count)
    var picks: [[Int]] = deltas.map { [Int](repeating: 0, count: $0[0].count) }
    for _ in 0..<resamples {
        for k in deltas.indices { for i in picks[k].indices { picks[k][i] = rng.nextInt(below: picks[k].count) } }
        var best = 0, bestValue = -Double.infinity
        for j in sites.indices {
            var total = 0.0
            for k in deltas.indices {
                var sum = 0.0
                for i in picks[k] { sum += deltas[k][j][i] }
                total += sum / Double(picks[k].count)
            }
            let value = total / Double(deltas.count)
            if value > bestValue { best = j; bestValue = value }
        }
        wins[best] += 1
    }
    return sites.indices.map { (sites[$0], Double(wins[$0]) / Double(resamples)) }
}

/// "10,000".
func thousands(_ n: Int) -> String {
    let digits = String(n)
    return String(digits.reversed().enumerated().map { $0 > 0 && $0 % 3 == 0 ? ",\($1)" : "\($1)" }.joined().reversed())
}

/// "0.012", "< 0.001", "1.000".
func pValue(_ p: Double) -> String {
    guard p.isFinite else { return "n/a" }
    return p < 0.001 ? "< 0.001" : String(format: "%.3f", p)
}

/// The report's pooled-accuracy section: every variant against the baseline (the 14 site variants as
/// one Holm family), then claim 1's tests, then claim 3 (s124 − s1) at each site.
func siteFamilySection(_ ix: RowIndex) -> [String] {
    let family = siteFamily(ix)
    var out = ["### All tasks pooled", "",
               "The equal-weight mean of the per-task mean paired differences, 95% CI with Welch–Satterthwaite df (Method). p is",
               "two-sided; the \(family.count) site variants are one family, Holm-adjusted (Holm 1979): reading the largest of",
               "\(family.count) estimates as a finding needs the adjusted p.", "",
               "| variant | Δ pp | 95% CI pp | df | p | Holm p (site family) | pairs |", "|---|---|---|---|---|---|---|"]
    for v in ix.variants where v != .baseline {
        let e = ix.pooled(v, .baseline, accuracy)
        guard e.n > 0 else { continue }
        let holm = family.first { $0.label == v }.map { pValue($0.holm) } ?? "–"
        out.append("| \(v.name) | \(pp(e.mean)) | \(ciPP(e)) | \(fixed(e.degreesOfFreedom, 1)) | \(pValue(e.pTwoSided)) | \(holm) | \(e.n) |")
    }
    if let top = family.max(by: { $0.estimate.mean < $1.estimate.mean }) {
        out += ["", "Largest gain of the \(family.count) site variants: \(top.label.name), \(pp(top.estimate.mean)) pp \(ciPP(top.estimate)), "
                + "p = \(pValue(top.p)) raw, **\(pValue(top.holm)) Holm-adjusted**."]
    }
    out.append("")
    let contrasts = siteContrasts(ix), chance = bestSiteBootstrap(ix)
    if !contrasts.isEmpty {
        out += ["### Is after-embedding the best site? (claim 1)", "",
                "Bootstrap: the seeds of each task resampled with replacement (\(thousands(bestSiteResamples)) resamples, SplitMix64 seed "
                    + "\(bestSiteBootstrapSeed)), each single-scale site's pooled Δ recomputed; P(best) is the share of resamples in which "
                    + "the site's Δ is the largest.", "",
                "| site (s1) | P(best) | after-embedding − site, pp | 95% CI pp | p | Holm p |", "|---|---|---|---|---|---|"]
        for (site, probability) in chance {
            let c = contrasts.first { $0.label == site }
            out.append("| \(site.rawValue) | \(fixed(probability)) | " + (c.map { "\(pp($0.estimate.mean)) | \(ciPP($0.estimate)) | \(pValue($0.p)) | \(pValue($0.holm))" } ?? "– | – | – | –") + " |")
        }
        out += ["", "Holm over the \(contrasts.count) contrasts; positive: after-embedding gains more than that site.", ""]
    }
    let scales = DiffusionSite.allCases.filter { $0 != .off }.compactMap { site -> (DiffusionSite, PooledEstimate)? in
        let e = ix.pooled(.pde(site, multiScale: true), .pde(site, multiScale: false), accuracy)
        return e.n > 0 ? (site, e) : nil
    }
    if !scales.isEmpty {
        out += ["### Multi-scale against single-scale at each site (claim 3)", "",
                "| site | s124 − s1 pp | 95% CI pp | df | minimum detectable (80% power) | verdict |", "|---|---|---|---|---|---|"]
        for (site, e) in scales {
            out.append("| \(site.rawValue) | \(pp(e.mean)) | \(ciPP(e)) | \(fixed(e.degreesOfFreedom, 1)) | \(detectablePP(e)) | "
                       + "\(Outcome(intervalVerdict(lower: e.lower, upper: e.upper)).rawValue) |")
        }
        out.append("")
    }
    return out
}
