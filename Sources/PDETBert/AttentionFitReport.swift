// docs/results/attention-fit-minilm.md from an AttentionFitStudy: the verdict first, then per layer
// the fitted cosine, the uniform predictor's cosine, their paired difference with a 95% interval over
// sentences, the JSDs, κ; the same without [CLS]/[SEP]; and every head.

import Foundation

/// `header` lines (date, machine, binary, model, corpus, command) go under the title as a list.
public func attentionFitMarkdown(_ study: AttentionFitStudy, header: [String]) -> String {
    var out = "# The heat-kernel attention claim on all-MiniLM-L6-v2\n\n"
    for line in header { out += "- \(line)\n" }
    let o = study.overall, w = study.wordPieceOverall
    let n = o.cosine.n
    let lengths = study.sentences.map(\.tokens)
    out += "- \(study.sentences.count) sentences, T = \(lengths.min() ?? 0)…\(lengths.max() ?? 0) tokens "
        + "(median \(Int(median(lengths.map(Double.init))))), [CLS] and [SEP] included\n\n"

    out += "## Verdict\n\n"
    out += "Claim (for real pretrained Transformers): attention predicted by a heat kernel along the sequence matches the "
        + "empirical attention with **cosine > \(fmt(attentionClaimCosine, 2))**, and (our condition, since flat rows give "
        + "a high cosine with anything smooth) **better than the uniform predictor**.\n\n"
    out += "**\(o.verdict.rawValue)** on all-MiniLM-L6-v2, all \(study.layers.count) layers × "
        + "\(study.heads.count / max(study.layers.count, 1)) heads, \(n) sentences: mean fitted cosine "
        + "\(fmt(o.cosine.mean)) [95% CI \(fmt(o.cosine.lower)), \(fmt(o.cosine.upper))], uniform predictor "
        + "\(fmt(o.uniformCosine.mean)), difference \(signed(o.difference.mean)) [\(signed(o.difference.lower)), "
        + "\(signed(o.difference.upper))]; JSD \(fmt(o.jsd.mean)) against \(fmt(o.uniformJSD.mean)) for uniform. "
        + "Per layer: " + study.layers.map { "L\(($0.layer ?? 0) + 1) \($0.verdict.rawValue)" }.joined(separator: ", ")
        + ". Without [CLS]/[SEP] (word pieces only): **\(w.verdict.rawValue)** (cosine \(fmt(w.cosine.mean)) "
        + "[\(fmt(w.cosine.lower)), \(fmt(w.cosine.upper))], uniform \(fmt(w.uniformCosine.mean)), difference "
        + "\(signed(w.difference.mean)) [\(signed(w.difference.lower)), \(signed(w.difference.upper))]).\n\n"
    out += "Verdict rule: *holds here* when the 95% interval of the mean cosine lies above \(fmt(attentionClaimCosine, 2)) "
        + "and that of (cosine − uniform cosine) above 0; *contradicted here* when either interval lies entirely below; "
        + "*inconclusive here* otherwise. Intervals are Student t over sentences (n − 1 degrees of freedom); one "
        + "sentence contributes one number per layer (the mean over the layer's heads), so heads of the same sentence "
        + "are not counted as independent. This is the one verdict rule of every report of the project, the grid's "
        + "attention claim included (PDETCore/Statistics.swift `heatKernelClaimVerdict`; docs/reproduce.md).\n\n"

    out += "## Method\n\n"
    out += "For each sentence the intact model runs once and every head's attention matrix A (T×T, rows = queries) is "
        + "fitted with `fitDiffusionKernel` (PDETCore/AttentionFit.swift, docs/attention-fit.md): "
        + "A_pred(i, j) ∝ exp(−(i − j)²/(4κ)), rows normalised, one κ per matrix chosen to maximise the mean row "
        + "cosine (57-point grid on log κ ∈ [1e-3, 1e4], then golden section). Reported per matrix: that cosine, "
        + "the mean row Jensen–Shannon divergence (nats, ≤ ln 2 ≈ 0.693), and both for the uniform row 1/T. "
        + "Non-causal (BERT attends both ways). The second table fits the (T−2)×(T−2) block without [CLS] and [SEP], "
        + "whose columns collect much of BERT's attention (Clark et al. 2019). Independent check: "
        + "`scripts/attention-fit-check.py` recomputes the per-layer means with Hugging Face transformers and a dense "
        + "κ grid (docs/attention-fit.md).\n\n"

    func table(_ rows: [FitSummary], _ total: FitSummary) -> String {
        var t = "| layer | cosine (heat kernel) [95% CI] | cosine (uniform) | difference [95% CI] | JSD (heat) | JSD (uniform) | median κ | verdict |\n"
        t += "|---|---|---|---|---|---|---|---|\n"
        for r in rows + [total] {
            let name = r.layer.map { "L\($0 + 1)" } ?? "**all**"
            t += "| \(name) | \(fmt(r.cosine.mean)) [\(fmt(r.cosine.lower)), \(fmt(r.cosine.upper))] "
                + "| \(fmt(r.uniformCosine.mean)) | \(signed(r.difference.mean)) [\(signed(r.difference.lower)), "
                + "\(signed(r.difference.upper))] | \(fmt(r.jsd.mean)) | \(fmt(r.uniformJSD.mean)) "
                + "| \(fmtKappa(r.medianKappa)) | \(r.verdict.rawValue) |\n"
        }
        return t
    }
    out += "## Per layer, whole matrix ([CLS] and [SEP] included)\n\n" + table(study.layers, o) + "\n"
    out += "## Per layer, word pieces only (no [CLS]/[SEP], rows renormalised)\n\n"
        + table(study.wordPieceLayers, w) + "\n"

    out += "## Per head (whole matrix; means over sentences)\n\n"
    out += "| head | cosine (heat) | cosine (uniform) | difference | JSD (heat) | JSD (uniform) | median κ |\n"
    out += "|---|---|---|---|---|---|---|\n"
    for h in study.heads {
        out += "| L\(h.layer + 1) H\(h.head + 1) | \(fmt(h.cosine)) | \(fmt(h.uniformCosine)) "
            + "| \(signed(h.cosine - h.uniformCosine)) | \(fmt(h.jsd)) | \(fmt(h.uniformJSD)) | \(fmtKappa(h.medianKappa)) |\n"
    }
    let above = study.heads.filter { $0.cosine > attentionClaimCosine }.count
    let beats = study.heads.filter { $0.cosine > $0.uniformCosine }.count
    out += "\n\(above) of \(study.heads.count) heads have a mean fitted cosine above \(fmt(attentionClaimCosine, 2)); "
        + "\(beats) of \(study.heads.count) beat the uniform predictor on average.\n"
    return out
}

func fmt(_ v: Double, _ digits: Int = 4) -> String {
    v.isFinite ? String(format: "%.\(digits)f", v) : "n/a"
}

func signed(_ v: Double) -> String {
    v.isFinite ? String(format: "%+.4f", v) : "n/a"
}

func fmtKappa(_ v: Double) -> String {
    guard v.isFinite else { return "n/a" }
    return v >= 100 ? String(format: "%.0f", v) : String(format: "%.3g", v)
}
