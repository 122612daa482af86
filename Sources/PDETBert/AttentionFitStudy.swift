// "Attention of a real pretrained Transformer is a heat kernel (cosine > 0.98)": tested on MiniLM.
// Every head of every layer is fitted with the heat-kernel predictor of PDETCore/AttentionFit.swift
// (with the uniform predictor and JSD beside it) on each sentence of a fixed corpus; per layer the
// sentences give a mean and a 95% Student-t interval, and a three-valued verdict of the claim
// "cosine > 0.98 and better than uniform". The report: docs/results/attention-fit-minilm.md.

import Foundation
import PDETCore

/// The claim's threshold: mean heat-kernel cosine above this (PDETCore's, shared with the grid report).
public let attentionClaimCosine = heatKernelClaimCosine

/// A claim's outcome on this evidence.
public enum ClaimVerdict: String, Equatable, Sendable, Codable {
    case holds = "holds here"                 // both 95% intervals on the claim's side
    case contradicted = "contradicted here"   // an interval entirely on the other side
    case inconclusive = "inconclusive here"   // otherwise (an interval straddles the threshold)
}

/// "cosine > 0.98 and better than uniform": holds when the cosine's interval lies above 0.98 and the
/// (cosine − uniform cosine) interval above 0; contradicted when either lies entirely below; else
/// inconclusive (also when an interval is undefined). The one verdict rule of every report
/// (PDETCore's `heatKernelClaimVerdict`), so the grid and this study cannot disagree on it.
public func attentionClaimVerdict(cosine: MeanCI, difference: MeanCI) -> ClaimVerdict {
    switch heatKernelClaimVerdict(cosineLower: cosine.lower, cosineUpper: cosine.upper,
                                  differenceLower: difference.lower, differenceUpper: difference.upper) {
    case .holds: return .holds
    case .contradicted: return .contradicted
    case .inconclusive: return .inconclusive
    }
}

/// Which part of each attention matrix is fitted.
public enum FitScope: String, Sendable, Codable {
    case all           // the whole T×T matrix, [CLS] and [SEP] included (what the model computes)
    case wordPieces    // rows and keys 1…T−2 only (no [CLS]/[SEP]), each row renormalised
}

/// The (T−2)×(T−2) block of `attention` (T×T) without the first and last token; rows keep their
/// proportions (the fit renormalises them). Empty when T < 3.
public func innerAttention(_ attention: [Float], T: Int) -> [Float] {
    guard T >= 3, attention.count == T * T else { return [] }
    let n = T - 2
    var out = [Float](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { out[i * n + j] = attention[(i + 1) * T + j + 1] } }
    return out
}

/// Every head's fit on one sentence: `fits` (L, NH).
public struct SentenceFits: Equatable, Sendable, Codable {
    public var sentence: String
    public var tokens: Int               // T, [CLS] and [SEP] included
    public var fits: [[DiffusionFit]]    // (L, NH), scope `all`
    public var wordPieceFits: [[DiffusionFit]]   // (L, NH), scope `wordPieces`; NaN fits when T < 4

    public init(sentence: String, tokens: Int, fits: [[DiffusionFit]], wordPieceFits: [[DiffusionFit]]) {
        self.sentence = sentence
        self.tokens = tokens
        self.fits = fits
        self.wordPieceFits = wordPieceFits
    }
}

/// One row of the report: a layer (or all layers) summarised over sentences.
public struct FitSummary: Equatable, Sendable, Codable {
    public var layer: Int?               // nil: all layers
    public var cosine: MeanCI            // per sentence: mean over the layer's heads of the fit's cosine
    public var uniformCosine: MeanCI
    public var difference: MeanCI        // cosine − uniform cosine, paired per sentence
    public var jsd: MeanCI
    public var uniformJSD: MeanCI
    public var medianKappa: Double       // median over sentences and heads
    public var verdict: ClaimVerdict
}

/// One head summarised over sentences (means only).
public struct HeadSummary: Equatable, Sendable, Codable {
    public var layer: Int
    public var head: Int
    public var cosine: Double
    public var uniformCosine: Double
    public var jsd: Double
    public var uniformJSD: Double
    public var medianKappa: Double
}

public struct AttentionFitStudy: Equatable, Sendable, Codable {
    public var sentences: [SentenceFits]
    public var layers: [FitSummary]          // scope `all`, one per layer
    public var overall: FitSummary           // scope `all`, every head of every layer
    public var wordPieceLayers: [FitSummary] // scope `wordPieces`
    public var wordPieceOverall: FitSummary
    public var heads: [HeadSummary]          // scope `all`, (L·NH) in layer-major order
}

extension SentenceEncoder {
    /// Fits every head of every layer on one sentence (the intact model).
    public func attentionFits(_ text: String) throws(BertError) -> SentenceFits {
        let (tokens, result) = try run(text, capture: .all)
        let T = tokens.ids.count
        let fits = result.attention.map { heads in heads.map { fitDiffusionKernel(attention: $0, T: T) } }
        let inner = result.attention.map { heads in
            heads.map { fitDiffusionKernel(attention: innerAttention($0, T: T), T: max(T - 2, 0)) }
        }
        return SentenceFits(sentence: text, tokens: T, fits: fits, wordPieceFits: inner)
    }

    /// The whole study over `sentences` (each must give at least one token besides [CLS]/[SEP]).
    public func attentionFitStudy(sentences: [String]) throws(BertError) -> AttentionFitStudy {
        guard !sentences.isEmpty else { throw BertError("corpus: no sentences") }
        var all: [SentenceFits] = []
        for s in sentences { all.append(try attentionFits(s)) }
        return summarizeAttentionFits(all)
    }
}

/// The report's numbers from per-sentence fits (every sentence with the same L and NH).
public func summarizeAttentionFits(_ sentences: [SentenceFits]) -> AttentionFitStudy {
    let L = sentences.first?.fits.count ?? 0
    let NH = sentences.first?.fits.first?.count ?? 0
    func summary(_ layers: [Int], _ pick: (SentenceFits) -> [[DiffusionFit]], label: Int?) -> FitSummary {
        var cos: [Double] = [], uni: [Double] = [], diff: [Double] = [], jsd: [Double] = [], ujsd: [Double] = []
        var kappas: [Double] = []
        for s in sentences {
            let fits = layers.flatMap { pick(s)[$0] }.filter { $0.cosine.isFinite }
            guard !fits.isEmpty else { continue }
            let n = Double(fits.count)
            let c = fits.reduce(0) { $0 + Double($1.cosine) } / n
            let u = fits.reduce(0) { $0 + Double($1.uniformCosine) } / n
            cos.append(c); uni.append(u); diff.append(c - u)
            jsd.append(fits.reduce(0) { $0 + Double($1.jsd) } / n)
            ujsd.append(fits.reduce(0) { $0 + Double($1.uniformJSD) } / n)
            kappas += fits.map { Double($0.kappa) }
        }
        let c = MeanCI(cos), d = MeanCI(diff)
        return FitSummary(layer: label, cosine: c, uniformCosine: MeanCI(uni), difference: d, jsd: MeanCI(jsd),
                          uniformJSD: MeanCI(ujsd), medianKappa: median(kappas),
                          verdict: attentionClaimVerdict(cosine: c, difference: d))
    }
    let full: (SentenceFits) -> [[DiffusionFit]] = { $0.fits }
    let inner: (SentenceFits) -> [[DiffusionFit]] = { $0.wordPieceFits }
    var heads: [HeadSummary] = []
    for l in 0..<L {
        for h in 0..<NH {
            let fits = sentences.map { $0.fits[l][h] }.filter { $0.cosine.isFinite }
            let n = Double(max(fits.count, 1))
            heads.append(HeadSummary(layer: l, head: h,
                                     cosine: fits.reduce(0) { $0 + Double($1.cosine) } / n,
                                     uniformCosine: fits.reduce(0) { $0 + Double($1.uniformCosine) } / n,
                                     jsd: fits.reduce(0) { $0 + Double($1.jsd) } / n,
                                     uniformJSD: fits.reduce(0) { $0 + Double($1.uniformJSD) } / n,
                                     medianKappa: median(fits.map { Double($0.kappa) })))
        }
    }
    return AttentionFitStudy(
        sentences: sentences,
        layers: (0..<L).map { summary([$0], full, label: $0) },
        overall: summary(Array(0..<L), full, label: nil),
        wordPieceLayers: (0..<L).map { summary([$0], inner, label: $0) },
        wordPieceOverall: summary(Array(0..<L), inner, label: nil),
        heads: heads)
}

func median(_ values: [Double]) -> Double {
    let xs = values.filter(\.isFinite).sorted()
    guard !xs.isEmpty else { return .nan }
    return xs.count % 2 == 1 ? xs[xs.count / 2] : (xs[xs.count / 2 - 1] + xs[xs.count / 2]) / 2
}

/// The sentences of a corpus file's text: one per line; empty lines and lines starting with # skipped.
public func corpusSentences(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
        let s = line.trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty || s.hasPrefix("#") ? nil : s
    }
}
