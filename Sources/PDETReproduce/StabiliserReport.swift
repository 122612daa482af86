// docs/results/stabilisers.md, generated from the study's CSV: per depth × norm × clipping the share
// of unstable runs (diverged, or peak max-RMS > growth-limit × its step-0 value) with its Wilson
// interval, the median peak growth, the final held-out accuracy; per depth the verdict on
// "no norm is less stable than pre-LN" with the project's one verdict rule (intervalVerdict) on
// Newcombe's hybrid-score interval of the difference of shares.
import Foundation
import PDETCore

/// Wilson's score interval for k successes in n trials (95%: z = 1.959964). Wilson (1927), JASA 22:209.
public func wilsonInterval(successes k: Int, trials n: Int, z: Double = 1.959964) -> (lower: Double, upper: Double) {
    guard n > 0 else { return (.nan, .nan) }
    let p = Double(k) / Double(n), nn = Double(n), z2 = z * z
    let centre = (p + z2 / (2 * nn)) / (1 + z2 / nn)
    let half = z / (1 + z2 / nn) * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
    return (max(0, centre - half), min(1, centre + half))
}

/// Newcombe's hybrid score interval for p1 − p2 (independent samples), built from the two Wilson
/// intervals: Newcombe (1998), Stat Med 17:873, method 10.
public func newcombeDifference(_ k1: Int, _ n1: Int, _ k2: Int, _ n2: Int, z: Double = 1.959964)
    -> (estimate: Double, lower: Double, upper: Double) {
    guard n1 > 0, n2 > 0 else { return (.nan, .nan, .nan) }
    let p1 = Double(k1) / Double(n1), p2 = Double(k2) / Double(n2)
    let w1 = wilsonInterval(successes: k1, trials: n1, z: z), w2 = wilsonInterval(successes: k2, trials: n2, z: z)
    let d = p1 - p2
    let lower = d - ((p1 - w1.lower) * (p1 - w1.lower) + (w2.upper - p2) * (w2.upper - p2)).squareRoot()
    let upper = d + ((w1.upper - p1) * (w1.upper - p1) + (p2 - w2.lower) * (p2 - w2.lower)).squareRoot()
    return (d, lower, upper)
}

/// The median of the values (NaN sorts last and counts: a diverged run's growth is not dropped; Inf
/// is larger than any finite growth). NaN for an empty list.
func median(_ values: [Float]) -> Float {
    guard !values.isEmpty else { return .nan }
    let s = values.map { $0.isNaN ? Float.infinity : $0 }.sorted()
    let n = s.count
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] == s[n / 2] ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2)
}

/// One arm's summary (depth × norm × clipping).
public struct StabiliserArm: Equatable, Sendable {
    public var depth: Int
    public var norm: NormMode
    public var stabilised: Bool
    public var rows: [StabiliserResult]
    public var limit: Float

    public var n: Int { rows.count }
    public var diverged: Int { rows.filter(\.diverged).count }
    public var unstable: Int { rows.filter { $0.unstable(limit: limit) }.count }
    public var medianGrowth: Float { median(rows.map(\.peakGrowth)) }
    public var medianSimGrowth: Float { median(rows.map(\.simGrowth)) }
    public var accuracy: MeanCI { MeanCI(rows.map { Double($0.accuracy) }) }
}

func arms(_ file: StabiliserFile, limit: Float) -> [StabiliserArm] {
    var out: [StabiliserArm] = []
    for r in file.rows {
        if let i = out.firstIndex(where: { $0.depth == r.run.depth && $0.norm == r.run.norm && $0.stabilised == r.run.stabilised }) {
            out[i].rows.append(r)
        } else {
            out.append(StabiliserArm(depth: r.run.depth, norm: r.run.norm, stabilised: r.run.stabilised, rows: [r], limit: limit))
        }
    }
    return out
}

func g(_ v: Float, _ digits: Int = 1) -> String {
    v.isNaN ? "NaN" : v.isInfinite ? (v > 0 ? "∞" : "−∞") : String(format: "%.\(digits)f", Double(v))
}

func pct(_ v: Double) -> String { v.isFinite ? String(format: "%.0f", v * 100) : "–" }

/// The per-depth verdict on "without LayerNorm, training is less stable": the unstable share of the
/// no-norm runs minus that of the pre-LN runs (both clipping arms together), Newcombe's interval,
/// the one rule (holds when the whole interval is above 0).
public func stabiliserVerdict(_ rows: [StabiliserResult], depth: Int, limit: Float, stabilised: Bool? = nil)
    -> (none: (k: Int, n: Int), pre: (k: Int, n: Int), difference: (estimate: Double, lower: Double, upper: Double), verdict: IntervalVerdict) {
    let at = rows.filter { $0.run.depth == depth && (stabilised == nil || $0.run.stabilised == stabilised) }
    let none = at.filter { $0.run.norm == .none }, pre = at.filter { $0.run.norm == .pre }
    let kn = none.filter { $0.unstable(limit: limit) }.count, kp = pre.filter { $0.unstable(limit: limit) }.count
    let d = newcombeDifference(kn, none.count, kp, pre.count)
    return ((kn, none.count), (kp, pre.count), d, intervalVerdict(lower: d.lower, upper: d.upper))
}

/// The report. `simulatorReference[depth]`: the simulator without stabilisers on a fresh model.
public func stabiliserReport(_ file: StabiliserFile, study: StabiliserStudy, simulatorReference: [Int: Float],
                             expectedRuns: Int, command: String) -> String {
    let limit = study.growthLimit
    var md = """
    # Claim 5 as the paper means it: training without LayerNorm

    Generated by `\(command)` from `docs/results/stabilisers/runs.csv` (\(file.rows.count) of \(expectedRuns) runs finished; \
    per-run traces every \(study.traceEvery) steps in `docs/results/stabilisers/traces/`). Do not edit by hand.

    **The paper's claim:** removing LayerNorm gives "unstable, explosive training dynamics".
    **What is measured:** digits (standard settings: \(modelText(study.base)), \(study.steps) steps), depths 2, 6, 12, \
    pre-LN against no norm, each with clipping + warm-up (clip \(g(study.clip)), warm-up \(study.warmup)) and without \
    (clip 0 = off, warm-up 0), seeds 201–205 (disjoint from the standard grid 1–5, the confirmatory 101–120 and calibration 901+).
    Every \(study.traceEvery) steps (and at step 0) one extra forward on a fixed held-out batch (\(study.probeRows) rows of test \
    batch 0) records the largest activation RMS over layers (embedding output and every block output); it reads the weights \
    only, so training is bit for bit that of a run without probes (tested). A run is **diverged** when its loss, activations or \
    gradients turn non-finite (training stops there), **unstable** when it diverged or its peak max-RMS exceeds \
    \(g(limit, 0))× its step-0 value. Shares carry 95% Wilson intervals; the difference of shares (no norm − pre-LN) carries \
    Newcombe's hybrid-score interval (1998, method 10), and the verdict is the project's one rule (`intervalVerdict`, \
    Sources/PDETCore/Statistics.swift): holds when the whole interval is above 0, contradicted when below, else inconclusive.

    ## Per depth × norm × clipping

    | depth | norm | clip + warm-up | seeds | diverged | unstable [95% Wilson] | median peak growth | held-out accuracy, mean [95% t CI] | sim. growth (trained, no stabilisers), median |
    |---|---|---|---|---|---|---|---|---|

    """
    for a in arms(file, limit: limit) {
        let w = wilsonInterval(successes: a.unstable, trials: a.n)
        let acc = a.accuracy
        let accText = acc.n == 0 ? "–" : acc.n < 2 ? String(format: "%.1f %%", acc.mean * 100)
            : String(format: "%.1f %% [%.1f, %.1f]", acc.mean * 100, acc.lower * 100, acc.upper * 100)
        let seeds = a.rows.map { String($0.run.seed) }.joined(separator: ",")
        md += "| \(a.depth) | \(a.norm.rawValue) | \(a.stabilised ? "yes" : "no") | \(seeds) | \(a.diverged)/\(a.n) | "
            + "\(a.unstable)/\(a.n) [\(pct(w.lower)), \(pct(w.upper))] % | ×\(g(a.medianGrowth)) | \(accText) | ×\(g(a.medianSimGrowth, 3)) |\n"
    }
    md += """

    ## Verdict per depth: "without LayerNorm, training is unstable or explosive"

    θ = unstable share (no norm) − unstable share (pre-LN); both clipping arms together, then each alone.

    | depth | arms | no norm unstable | pre-LN unstable | θ [95% Newcombe] | verdict |
    |---|---|---|---|---|---|

    """
    let depths = Array(Set(file.rows.map(\.run.depth))).sorted()
    for d in depths {
        for (label, s) in [("both", nil), ("clip + warm-up", true), ("no clip, no warm-up", false)] as [(String, Bool?)] {
            let v = stabiliserVerdict(file.rows, depth: d, limit: limit, stabilised: s)
            guard v.none.n > 0 || v.pre.n > 0 else { continue }
            let diff = v.difference.estimate.isFinite
                ? String(format: "%+.0f pp [%+.0f, %+.0f]", v.difference.estimate * 100, v.difference.lower * 100, v.difference.upper * 100) : "–"
            let verdict = label == "both" ? "**\(v.verdict.rawValue)**" : v.verdict.rawValue
            md += "| \(d) | \(label) | \(v.none.k)/\(v.none.n) | \(v.pre.k)/\(v.pre.n) | \(diff) | \(verdict) |\n"
        }
    }
    md += """

    ## Reference: the PDE simulator without stabilisers

    x_{n+1} = F(x_n) with residual and LayerNorm off (docs/simulator.md), per-layer, one step per block, on the same probe \
    batch; growth = rms(x_L) / rms(x_0) (below 1: the map shrinks the state). At initialisation (no-norm model, seed 201):

    | depth | growth at init |
    |---|---|

    """
    for d in simulatorReference.keys.sorted() { md += "| \(d) | ×\(g(simulatorReference[d]!, 4)) |\n" }
    md += """

    The trained-weights column above applies the same map to each run's final weights.

    ## How to re-run

    ```
    swift build -c release --product pdet-tui
    PDET_THREADS=1 nice -n 10 .build/release/pdet-tui stabilisers --depths 2,6,12      # resumable: skips finished runs
    .build/release/pdet-tui stabilisers --report                                        # this file, from the CSV
    .build/release/pdet-tui stabilisers --depths 6 --norms none --clipping off --seeds 203   # one run
    ```

    """
    return md
}
