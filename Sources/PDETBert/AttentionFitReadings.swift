// docs/results/attention-readings.md: the heat-kernel attention claim (claim 6) under four readings
// (PDETCore/AttentionReadings.swift), each beside its null, on MiniLM and on toy models. This file
// collects MiniLM's per-sentence samples and writes the report from sections of any source.

import Foundation
import PDETCore

extension SentenceEncoder {
    /// Readings (a)–(c) of one sentence (no board: (d) does not apply to text). Non-causal.
    public func attentionReadingSample(_ text: String) throws(BertError) -> AttentionReadingSample {
        let (tokens, result) = try run(text, capture: .all)
        return attentionReadings(attention: result.attention, T: tokens.ids.count, causal: false)
    }
}

/// One model's rows of the report: every reading summarised over its units.
public struct ReadingSection: Equatable, Sendable {
    public var title: String          // e.g. "all-MiniLM-L6-v2"
    public var unit: String           // what one unit of the interval is ("sentences", "seeds")
    public var description: String    // how the model was made and what one unit averages
    public var summaries: [ReadingSummary]
    public var pooled: AttentionReadingSample   // the mean over units (per-layer κ and distances)

    public init(title: String, unit: String, description: String, samples: [AttentionReadingSample]) {
        self.title = title
        self.unit = unit
        self.description = description
        summaries = summarizeReadings(samples)
        pooled = meanReadingSample(samples)
    }
}

/// What each reading compares, and its null (the report's legend).
public func readingLegend(_ r: AttentionReading) -> (name: String, statistic: String, null: String) {
    switch r {
    case .rows:
        return ("(a) per-row positional heat kernel",
                "mean over rows, heads and layers of cosine(A[i], exp(−(i−j)²/4κ)), one κ per head",
                "uniform row 1/T")
    case .profile:
        return ("(b) attention-against-distance profile",
                "per layer, cosine of the head-averaged mean weight at |i−j| = d with exp(−d²/4κ), one κ per layer; mean over layers",
                "flat profile (any position-blind attention: uniform or key-permuted rows)")
    case .depth:
        return ("(c) spread across depth",
                "cosine over layers of the mean attended distance m_ℓ with a diffusion's spread s·√ℓ (s fitted)",
                "constant m across depth")
    case .grid:
        return ("(d) 2-D heat kernel on the board",
                "mean over rows, heads and layers of cosine(A[i], exp(−‖p_i−p_j‖²/4κ)) over 2-D cell positions",
                "uniform row over the board")
    }
}

/// The report. `header` lines go under the title as a list; `rerun` lines form the re-run block.
public func attentionReadingsMarkdown(_ sections: [ReadingSection], header: [String], rerun: [String]) -> String {
    var out = "# Claim 6 under four readings, each beside its null\n\n"
    for line in header { out += "- \(line)\n" }
    out += "\n## What is tested\n\n"
    out += "The paper's predicted attention comes from a PDE model that contains an attention term; it does not say "
        + "that attention *is* a heat kernel. Fitting a positional Gaussian to every row (reading a) is the strictest "
        + "reading of \"the predicted attention matches the empirical attention with cosine > 0.98\", not the only one. "
        + "Each reading below is a cosine between the model's attention and a heat-kernel prediction, and each is "
        + "reported beside a null of the same shape that has no diffusion in it, because positive, smooth vectors "
        + "give high cosines with almost anything.\n\n"
    out += "| reading | statistic | null |\n|---|---|---|\n"
    for r in AttentionReading.allCases {
        let l = readingLegend(r)
        out += "| \(l.name) | \(l.statistic) | \(l.null) |\n"
    }
    out += "\nVerdict rule (PDETCore/Statistics.swift `heatKernelClaimVerdict`, the one rule of every report): a reading "
        + "*holds* when the 95% interval of its mean cosine lies above \(fmt(heatKernelClaimCosine, 2)) and that of "
        + "(cosine − null cosine) above 0; *contradicted* when either lies entirely below; *inconclusive* otherwise. "
        + "\"Null ≥ 0.98\" applies the same rule to the null's cosine alone against \(fmt(heatKernelClaimCosine, 2)): "
        + "when it *holds*, reaching 0.98 on that reading says nothing about diffusion.\n\n"

    out += "## Which reading reaches 0.98\n\n"
    for s in sections {
        let reach = s.summaries.filter { $0.value.lower > heatKernelClaimCosine }
        let names = reach.map { readingLegend($0.reading).name.prefix(3) }.joined(separator: ", ")
        out += "- **\(s.title)**: " + (reach.isEmpty ? "no reading's 95% interval lies above 0.98" : "\(names) reach 0.98")
        for r in reach {
            out += "; \(readingLegend(r.reading).name.prefix(3)) \(fmt(r.value.mean)) against its null's \(fmt(r.null.mean)) "
                + "[\(fmt(r.null.lower)), \(fmt(r.null.upper))] (the null reaches 0.98: \(r.nullVerdict == .holds ? "yes" : "no"); "
                + "difference \(ci(r.difference, signed: true)))"
        }
        out += ". Verdicts: " + s.summaries.map { "\(readingLegend($0.reading).name.prefix(3)) \($0.verdict.rawValue)" }
            .joined(separator: ", ") + ".\n"
    }

    for s in sections {
        out += "\n## \(s.title)\n\n\(s.description)\n\n"
        out += "| reading | cosine [95% CI] | null [95% CI] | difference [95% CI] | n \(s.unit) | verdict | null ≥ 0.98 |\n"
        out += "|---|---|---|---|---|---|---|\n"
        for r in s.summaries {
            out += "| \(readingLegend(r.reading).name) | \(ci(r.value)) | \(ci(r.null)) | \(ci(r.difference, signed: true)) "
                + "| \(r.value.n) | \(r.verdict.rawValue) | \(r.nullVerdict.rawValue) |\n"
        }
        let p = s.pooled
        out += "\nPer layer (means over \(s.unit)): mean attended distance m_ℓ = "
            + p.meanDistance.map { fmt($0, 2) }.joined(separator: ", ")
            + " positions; profile κ (reading b) = " + p.profileKappa.map(fmtKappa).joined(separator: ", ")
        if p.gridKappa.isFinite { out += "; median 2-D κ (reading d) = \(fmtKappa(p.gridKappa)) cells²" }
        out += ".\n"
    }
    out += "\n## Re-run\n\n" + rerun.map { "    \($0)\n" }.joined()
    return out
}

/// "mean [lower, upper]", 4 decimals (signed: with a sign, for differences).
private func ci(_ m: MeanCI, signed isSigned: Bool = false) -> String {
    let f: (Double) -> String = isSigned ? { signed($0) } : { fmt($0) }
    return "\(f(m.mean)) [\(f(m.lower)), \(f(m.upper))]"
}
