// The Markdown report of a reproduce run, built only from the rows and what the caller passes in
// (command, date, time, machine), so the same rows always give the same report.
import Foundation
import PDETCore

/// What the report says about how it was made. The CLI fills it; tests pass fixed values.
public struct ReportContext: Equatable, Sendable {
    public var command: String          // the command line that produced the rows
    public var date: String             // e.g. "2026-11-25 03:40 UTC"
    public var elapsedSeconds: Double   // wall time of the run (or the parts' compute time after a merge)
    public var machine: String          // e.g. "2 cores, x86_64, load average 6.2 at start"
    public var notes: [String]          // extra header lines

    public init(command: String, date: String, elapsedSeconds: Double, machine: String, notes: [String] = []) {
        self.command = command
        self.date = date
        self.elapsedSeconds = elapsedSeconds
        self.machine = machine
        self.notes = notes
    }
}

/// "9 min 12 s", "42.0 s".
public func durationText(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "n/a" }
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600) h \(s % 3600 / 60) min \(s % 60) s" : "\(s / 60) min \(s % 60) s"
}

/// The whole report.
public func buildReport(_ file: ResultsFile, context: ReportContext) -> String {
    let ix = RowIndex(file.rows)
    var out: [String] = []
    out.append("# Reproducing the PDE-Transformer claims")
    out.append("")
    out.append("- Command: `\(context.command)`")
    out.append("- Date: \(context.date)")
    out.append("- Time taken: \(durationText(context.elapsedSeconds))")
    out.append("- Machine: \(context.machine)")
    if !file.binary.isEmpty { out.append("- Binary: \(file.binary)") }
    if !file.machine.isEmpty { out.append("- Cells ran on: \(file.machine)") }
    out.append("- Grid: \(file.gridSummary)")
    out.append("- Grid id: `\(file.gridID)`, \(file.rows.count) of \(file.gridCells) cells")
    for note in context.notes { out.append("- \(note)") }
    out.append("")

    let claims = evaluateClaims(file.rows)
    let perTask = evaluateClaimsPerTask(file.rows)
    out.append("## In plain words")
    out.append("")
    out.append(plainSummary(ix, claims: claims, perTask: perTask))
    out.append("")
    // A confirmatory grid (exactly H1–H5's six variants, fresh seeds) leads with its pre-registered tests.
    if isConfirmatoryGrid(file.rows) { out.append(confirmatoryReport(rows: file.rows)) }

    out.append("## Claims")
    out.append("")
    for t in nearChanceTasks(ix) {
        out.append("**Caution:** the \(t.rawValue) baseline stayed within \(Int(nearChanceMargin * 100)) pp of chance (1/K): "
                   + "the models did not learn that task at these settings, so on \(t.rawValue) every variant is compared against a baseline at chance "
                   + "and its accuracy differences are noise. The pooled accuracy verdicts include those pairs.")
        out.append("")
    }
    out.append("Each effect is estimated per task (the mean of the paired differences over seeds) and pooled over the tasks as the "
               + "equal-weight mean of the task means, its 95% CI from Student's t with Welch–Satterthwaite degrees of freedom (Method). "
               + "Each claim is **holds here** (the 95% CI lies on the claim's side of zero), **contradicted here** "
               + "(it lies on the other side), or **inconclusive here** (it includes zero). \"Minimum detectable\" is the effect a "
               + "two-sided 5% test on this grid finds with 80% power; beside it, the power at the paper's figure. "
               + "An effect smaller than the minimum detectable one is more likely missed than found.")
    out.append("")
    out.append("| # | claim | paper | here (95% CI) | minimum detectable (80% power) | verdict |")
    out.append("|---|---|---|---|---|---|")
    for (i, c) in claims.enumerated() {
        out.append("| \(i + 1) | \(c.claim) | \(c.paper) | \(c.measured) | \(c.detectable) | **\(c.verdict)** |")
    }
    out.append("")
    for (i, c) in claims.enumerated() {
        out.append("\(i + 1). **\(c.claim)**: **\(c.verdict)**. \(c.detail)")
    }
    out.append("")
    if ix.tasks.count > 1 {
        out.append("### Per task")
        out.append("")
        out.append("Per task: the paired t over that task's seeds (n − 1 df); these are the primary estimates, the pooled rows above combine them.")
        out.append("")
        out.append("| # | task | paper | here (95% CI) | minimum detectable (80% power) | verdict |")
        out.append("|---|---|---|---|---|---|")
        let unlearned = Set(nearChanceTasks(ix))
        for i in claims.indices {
            for (t, verdicts) in perTask {
                let c = verdicts[i]
                let name = unlearned.contains(t) ? "\(t.rawValue) (baseline at chance)" : t.rawValue
                out.append("| \(i + 1) | \(name) | \(c.paper) | \(c.measured) | \(c.detectable) | \(c.verdict) |")
            }
        }
        out.append("")
    }

    out += accuracySection(ix)
    out += noTracingSection(file)          // issue 21: NoTracingSection.swift
    out += stabiliserSection(ix)
    out += attentionSection(ix)
    out += methodSection()
    return out.joined(separator: "\n") + "\n"
}

private func accuracySection(_ ix: RowIndex) -> [String] {
    var out = ["## Accuracy", "",
               "Held-out accuracy in %, mean ± std over seeds; Δ is the mean per-seed difference to the baseline in",
               "percentage points with its 95% CI (paired t).", ""]
    for task in ix.tasks {
        out.append("### \(task.rawValue)")
        out.append("")
        if let chance = chanceAccuracy(task) { out.append(String(format: "Chance (1/K): %.1f%%.", chance * 100)); out.append("") }
        out.append("| variant | accuracy % | Δ pp | 95% CI pp | seeds |")
        out.append("|---|---|---|---|---|")
        for v in ix.variants {
            let accs = ix.seeds.compactMap { ix.row(task, v, $0).map { Double($0.accuracy) } }
            guard !accs.isEmpty else { continue }
            let a = MeanCI(accs)
            let acc = a.std.isFinite ? String(format: "%.1f ± %.1f", a.mean * 100, a.std * 100) : fixed(a.mean * 100, 1)
            if v == .baseline {
                out.append("| \(v.name) | \(acc) | | | \(a.n) |")
            } else {
                let d = MeanCI(ix.pairedDifferences(v, .baseline, tasks: [task], accuracy))
                out.append("| \(v.name) | \(acc) | \(pp(d.mean)) | \(ciPP(d)) | \(a.n) |")
            }
        }
        out.append("")
    }
    if ix.tasks.count > 1 { out += siteFamilySection(ix) }
    return out
}

/// Accuracy of a uniform guess (1/K) on the classification tasks; nil for the per-token tasks.
public func chanceAccuracy(_ task: TaskKind) -> Double? {
    switch task {
    case .listops, .digits: return 0.1        // K = 10
    case .pathfinder, .pathfinderMatched: return 0.5   // K = 2
    case .reverse, .sort, .copy: return nil
    }
}

/// How close to chance a baseline may be and still count as "not learned".
let nearChanceMargin = 0.05

/// Tasks whose baseline mean accuracy is at most chance + `nearChanceMargin`.
func nearChanceTasks(_ ix: RowIndex) -> [TaskKind] {
    ix.tasks.filter { t in
        guard let chance = chanceAccuracy(t) else { return false }
        let base = MeanCI(ix.seeds.compactMap { ix.row(t, .baseline, $0).map { Double($0.accuracy) } })
        return base.n > 0 && base.mean <= chance + nearChanceMargin
    }
}

private func stabiliserSection(_ ix: RowIndex) -> [String] {
    let shown = ix.variants.filter { [.baseline, .noResidual, .noNorm].contains($0) }
    guard !shown.isEmpty else { return [] }
    var out = ["## Stabilisers: drift and explosion", "",
               "After training, on \(dynamicsBatchRows) held-out sequences; mean ± std over seeds. Drift = 1 − mean cos(x_L[i], x_0[i]);",
               "rank collapse = ‖X − mean‖/‖X‖ at the last layer (→ 0 when every token is the same); RMS growth = rms(x_L)/rms(x_0).", "",
               "| task | variant | drift | rank collapse | RMS growth | max RMS | non-finite cells |",
               "|---|---|---|---|---|---|---|"]
    func cell(_ xs: [Double]) -> String {
        let s = MeanCI(xs)
        return s.std.isFinite ? "\(fixed(s.mean)) ± \(fixed(s.std))" : fixed(s.mean)
    }
    for task in ix.tasks {
        for v in shown {
            let rows = ix.seeds.compactMap { ix.row(task, v, $0) }
            guard !rows.isEmpty else { continue }
            let bad = rows.filter { $0.nonFiniteStep > 0 }.count
            out.append("| \(task.rawValue) | \(v.name) | \(cell(rows.map { Double($0.drift) })) | \(cell(rows.map { Double($0.rankCollapse) })) | "
                       + "\(cell(rows.map { Double($0.rmsGrowth) })) | \(cell(rows.map { Double($0.maxRMS) })) | \(bad) of \(rows.count) |")
        }
    }
    out.append("")
    return out
}

private func attentionSection(_ ix: RowIndex) -> [String] {
    var out = ["## Attention as diffusion (baseline model)", "",
               "Per layer and head: the heat-kernel fit A(i, j) ∝ exp(−(i − j)²/4κ) of the attention of \(attentionFitSequences) held-out",
               "sequences after training, mean over sequences and seeds, beside the uniform predictor 1/T. The fit only means",
               "something where it beats the uniform column.", "",
               "| task | layer | head | κ | cosine | JSD | uniform cosine | uniform JSD |",
               "|---|---|---|---|---|---|---|---|"]
    var any = false
    for task in ix.tasks {
        let rows = ix.seeds.compactMap { ix.row(task, .baseline, $0) }
        guard let first = rows.first else { continue }
        for l in 0..<first.fitCosine.count {
            for h in 0..<first.fitCosine[l].count {
                func mean(_ f: (CellResult) -> [[Float]]) -> String {
                    fixed(MeanCI(rows.compactMap { r in
                        let m = f(r)
                        return l < m.count && h < m[l].count ? Double(m[l][h]) : nil
                    }).mean, 4)
                }
                out.append("| \(task.rawValue) | \(l) | \(h) | \(mean(\.fitKappa)) | \(mean(\.fitCosine)) | \(mean(\.fitJSD)) | "
                           + "\(mean(\.uniformCosine)) | \(mean(\.uniformJSD)) |")
                any = true
            }
        }
    }
    if !any { return [] }
    out.append("")
    return out
}

private func methodSection() -> [String] {
    [
        "## Method",
        "",
        "- Every cell trains a fresh model with the cell's seed (weights and data), so the baseline and each variant see the",
        "  same batches: differences are paired by (task, seed); the seed is the unit of replication.",
        "- Mean ± std: sample standard deviation (n − 1). Per task, the 95% CI of a difference is the paired t:",
        "  mean ± t(0.975, n − 1) · std / √n.",
        "- Pooled over tasks: the tasks' per-seed differences have very different spreads (and are not normal), so they are not",
        "  put in one sample. The pooled effect is the equal-weight mean of the task means, θ = (1/K) Σ d̄_k, with",
        "  SE² = (1/K²) Σ s_k²/n_k and Welch–Satterthwaite degrees of freedom ν = (Σ v_k)² / Σ v_k²/(n_k − 1), v_k = s_k²/(K² n_k)",
        "  (Satterthwaite 1946; Welch 1947); 95% CI θ ± t(0.975, ν) · SE. Equal weights, not inverse-variance (fixed-effect)",
        "  weights (Borenstein et al. 2009, ch. 11): the tasks' effects differ (even in sign), so there is no common effect to",
        "  weight towards, and weights from 4-df variance estimates (or a task whose differences are all equal) would be noise.",
        "  The estimand is the plain average of the tasks' effects.",
        "- Families: the 14 site variants against the baseline are one family; claim 1's six contrasts (after-embedding − each",
        "  other site) another. Each reports raw two-sided p and Holm-adjusted p (Holm 1979).",
        "- Minimum detectable effect: the effect a two-sided 5% t test with this SE and df rejects with probability 0.8, from the",
        "  noncentral t distribution (exact, not the normal approximation); the power at the paper's figure is the same",
        "  probability at that effect. For the Welch-pooled estimates the noncentral t at the Satterthwaite df is an approximation.",
        "- Best site: bootstrap of the seeds within each task (with replacement, 10,000 resamples, SplitMix64 seed 1; a seed",
        "  carries all its variants), the share of resamples in which each single-scale site has the largest pooled Δ.",
        "- Verdict rule, the same in every report of this project (PDETCore/Statistics.swift, docs/reproduce.md): a claim holds",
        "  when the 95% CI of its effect lies on the claim's side of the threshold (0; 0.98 for the attention cosine), is",
        "  contradicted when it lies on the other side, and is inconclusive otherwise; a claim of several conditions holds when",
        "  all hold and is contradicted when any is; within a family a condition is the Holm-adjusted p < 0.05 with the",
        "  estimate's sign. After-embedding: its Δ against the baseline, and its contrast with each other site (Holm), all above",
        "  0. After-attention: Δ below 0. Multi-scale: s124 − s1 above 0 (per seed the mean over the seven sites; the table",
        "  above gives each site). Drift: no-residual − baseline last-layer drift above 0. Explosion: a no-norm cell went",
        "  non-finite, or the RMS growth ratio no-norm ÷ baseline is at least 2 with its log CI above 0; contradicted when no cell",
        "  went non-finite and the log CI lies below 0. Attention: the baseline's fitted cosine above 0.98 and fit − uniform",
        "  cosine above 0.",
        "- The papers' magnitudes (+4.1 pp, −2.5 pp) are quoted beside ours; the verdicts test direction and significance, not the exact size.",
        "- CSV columns: docs/reproduce.md.",
    ]
}
