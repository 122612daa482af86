// A post-LayerNorm BERT encoder (BertModel of Hugging Face, inference only) with the sentence-
// transformers head (mean pooling over real tokens, L2 normalisation), plus the explorer's
// ablations: residual and LayerNorm switches and a diffusion layer at one of seven sites.
//
// One block, x (T, C) → x' (T, C), as in HF:
//   s  = x + Wo·attn(x)        h  = LN1(s)
//   s2 = h + W2·gelu(W1·h)     x' = LN2(s2)
// Shapes: T tokens, C hidden, NH heads, HS = C/NH, F intermediate, L layers.
// The kernels are PDETCore's, the toy model's own (packed GEMM, LayerNorm, attention with a key
// mask, GELU in its erf form, the worker pool), so a speed-up of one lands in both.

import PDETCore

/// A per-layer switch for a stabiliser.
public enum LayerSwitch: Equatable, Sendable, Codable {
    case on
    case off                 // every layer
    case offAtLayer(Int)     // only in block l (0-based); the others stay on

    public func isOn(layer: Int) -> Bool {
        switch self {
        case .on: return true
        case .off: return false
        case .offAtLayer(let l): return l != layer
        }
    }
}

/// What to take out of the pretrained model. `intact` is the model as trained.
public struct BertAblation: Equatable, Sendable, Codable {
    public var residual: LayerSwitch = .on     // off: s = attn(x), s2 = ffn(h) (the skip paths are cut)
    public var layerNorm: LayerSwitch = .on    // off: that LayerNorm is the identity; `.off` includes the embedding's
    public var diffusion: BertDiffusion = .off

    public static let intact = BertAblation()

    public init(residual: LayerSwitch = .on, layerNorm: LayerSwitch = .on, diffusion: BertDiffusion = .off) {
        self.residual = residual
        self.layerNorm = layerNorm
        self.diffusion = diffusion
    }
}

/// Which attention probabilities a forward pass keeps (all of them is L·NH·T² floats).
public enum AttentionCapture: Equatable, Sendable {
    case none
    case all
    case head(layer: Int, head: Int)
}

/// rms and drift of one hidden state x_l (l = 0 is the embedding output).
public struct BertLayerStats: Equatable, Sendable, Codable {
    public var rms: Float     // sqrt(mean over tokens and channels of x²)
    public var drift: Float   // 1 − mean_i cos(x_l[i], x_0[i])
}

public struct BertForwardResult: Sendable {
    public var hidden: [[Float]]          // (L + 1) of (T·C): embedding output, then each block's output
    public var layers: [BertLayerStats]   // (L + 1)
    public var attention: [[[Float]]]     // (L, NH) of (T·T) rows [query][key]; [] where not captured
    public var embedding: [Float]         // (C) mean-pooled over real tokens, L2-normalised
}

public struct BertModel: Sendable {
    public let config: BertConfig
    public let weights: BertWeights
    /// The same weights laid out for PDETCore's kernels (packed once, here).
    let kernelWeights: BertKernelWeights

    /// Checks every weight's size against `config` (loaded weights were checked by name already).
    public init(config: BertConfig, weights: BertWeights) throws(BertError) {
        try config.validate()
        let C = config.hiddenSize, F = config.intermediateSize
        func check(_ name: String, _ values: [Float], _ count: Int) throws(BertError) {
            if values.count != count { throw BertError("weights: \(name) has \(values.count) values, config implies \(count)") }
        }
        try check("word embeddings", weights.wordEmbeddings, config.vocabSize * C)
        try check("position embeddings", weights.positionEmbeddings, config.maxPositionEmbeddings * C)
        try check("token type embeddings", weights.tokenTypeEmbeddings, config.typeVocabSize * C)
        try check("embedding LayerNorm gain", weights.embNormGain, C)
        try check("embedding LayerNorm bias", weights.embNormBias, C)
        if weights.layers.count != config.numHiddenLayers {
            throw BertError("weights: \(weights.layers.count) layers, config says \(config.numHiddenLayers)")
        }
        for (l, w) in weights.layers.enumerated() {
            let sizes: [(String, [Float], Int)] = [
                ("qkv", w.qkv, 3 * C * C), ("qkv bias", w.qkvBias, 3 * C), ("attention output", w.attnOut, C * C),
                ("attention output bias", w.attnOutBias, C), ("attention LayerNorm gain", w.attnNormGain, C),
                ("attention LayerNorm bias", w.attnNormBias, C), ("intermediate", w.ffnIn, F * C),
                ("intermediate bias", w.ffnInBias, F), ("output", w.ffnOut, C * F), ("output bias", w.ffnOutBias, C),
                ("output LayerNorm gain", w.ffnNormGain, C), ("output LayerNorm bias", w.ffnNormBias, C)]
            for (name, values, count) in sizes { try check("layer \(l) \(name)", values, count) }
        }
        self.config = config
        self.weights = weights
        self.kernelWeights = BertKernelWeights(weights, config: config)
    }

    /// Encodes one sequence of token ids (batch of one). `keyMask[j] == false` marks padding:
    /// no query attends to it and mean pooling skips it (nil: every token is real).
    public func forward(ids: [Int], keyMask: [Bool]? = nil, ablation: BertAblation = .intact,
                        capture: AttentionCapture = .all) throws(BertError) -> BertForwardResult {
        let T = ids.count, C = config.hiddenSize, F = config.intermediateSize
        let NH = config.numAttentionHeads, L = config.numHiddenLayers
        if T == 0 { throw BertError("forward: no tokens (an encoded text has at least [CLS] and [SEP])") }
        if T > config.maxPositionEmbeddings {
            throw BertError("forward: \(T) tokens but the model has \(config.maxPositionEmbeddings) positions")
        }
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw BertError("forward: token id \(bad) is outside the vocabulary 0..<\(config.vocabSize)")
        }
        let mask = keyMask ?? Array(repeating: true, count: T)
        if mask.count != T { throw BertError("forward: key mask has \(mask.count) entries for \(T) tokens") }
        if !mask.contains(true) { throw BertError("forward: the key mask hides every token") }
        try ablation.diffusion.validate()
        if case .head(let l, let h) = capture, !(0..<L).contains(l) || !(0..<NH).contains(h) {
            throw BertError("forward: attention layer \(l) head \(h) is outside \(L) layers × \(NH) heads")
        }

        // Activations in one allocation (llm.c's ActivationTensors); x is the residual stream.
        let TC = T * C
        let size = 5 * TC + 3 * TC + T * F + NH * T * T + 2 * T
        let storage = FloatPtr.allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
        defer { storage.deallocate() }
        var next = storage
        func take(_ n: Int) -> FloatPtr { defer { next += n }; return next }
        let x = take(TC)                 // (T, C)
        let input = take(TC)             // (T, C) the attention input when diffused before attention
        let qkv = take(3 * TC)           // (T, 3C)
        let ctx = take(TC)               // (T, C)
        let branch = take(TC)            // (T, C) attention or FFN output
        let hidden = take(T * F)         // (T, F)
        let probs = take(NH * T * T)     // (NH, T, T)
        let scratch = take(TC)           // (T, C) diffusion's
        let mean = take(T), rstd = take(T)   // (T) LayerNorm's, unused after
        let diffusion = ablation.diffusion
        let w = weights, kw = kernelWeights
        let eps = config.layerNormEps
        func diffuse(_ u: FloatPtr) { diffusionForward(u, scratch, T, C, diffusion) }
        func layerNorm(_ gain: FloatPtr, _ bias: FloatPtr) { layernormForward(x, mean, rstd, x, gain, bias, T, C, eps: eps) }
        func snapshot(_ p: FloatPtr) -> [Float] { Array(UnsafeBufferPointer(start: p, count: TC)) }

        var states: [[Float]] = []
        var attention: [[[Float]]] = Array(repeating: Array(repeating: [], count: NH), count: L)

        // Embeddings: word + position + token type 0, then LayerNorm.
        for t in 0..<T {
            for c in 0..<C {
                x[t * C + c] = w.wordEmbeddings[ids[t] * C + c] + w.positionEmbeddings[t * C + c]
                    + w.tokenTypeEmbeddings[c]
            }
        }
        if ablation.layerNorm != .off { layerNorm(kw.embNormGain, kw.embNormBias) }
        if diffusion.acts(at: .afterEmbedding) { diffuse(x) }
        states.append(snapshot(x))

        // HF adds the dtype's minimum to padding keys' scores; PDETCore's attention does the same
        // and then sets their probabilities to exactly 0. Without padding, no mask at all.
        let padded = mask.contains(false)
        for l in 0..<L {
            let lw = kw.layers[l]
            let residual = ablation.residual.isOn(layer: l)
            let norm = ablation.layerNorm.isOn(layer: l)

            // Attention sub-block: the input (optionally diffused) feeds Q, K, V; x stays the skip path.
            var attentionInput = x
            if diffusion.acts(at: .beforeAttention) {
                input.update(from: x, count: TC)
                diffuse(input)
                attentionInput = input
            }
            matmulForwardPacked(qkv, attentionInput, lw.qkv, lw.qkvBias, T, C, 3 * C)
            mask.withUnsafeBufferPointer { m in
                attentionForward(ctx, probs, qkv, 1, T, C, NH, causal: false, keyMask: padded ? m.baseAddress! : nil)
            }
            switch capture {
            case .none: break
            case .all:
                for h in 0..<NH { attention[l][h] = Array(UnsafeBufferPointer(start: probs + h * T * T, count: T * T)) }
            case .head(let cl, let ch):
                if cl == l { attention[l][ch] = Array(UnsafeBufferPointer(start: probs + ch * T * T, count: T * T)) }
            }
            matmulForwardPacked(branch, ctx, lw.attnOut, lw.attnOutBias, T, C, C)
            if diffusion.acts(at: .afterAttention) { diffuse(branch) }
            residualForward(x, residual ? x : nil, branch, TC)      // x = x + branch, or branch
            if diffusion.acts(at: .beforeNorm) { diffuse(x) }
            if norm { layerNorm(lw.attnNormGain, lw.attnNormBias) }

            // FFN sub-block.
            matmulForwardPacked(hidden, x, lw.ffnIn, lw.ffnInBias, T, C, F)
            geluForward(hidden, hidden, T * F, variant: .erf)
            matmulForwardPacked(branch, hidden, lw.ffnOut, lw.ffnOutBias, T, F, C)
            if diffusion.acts(at: .afterFFN) { diffuse(branch) }
            residualForward(x, residual ? x : nil, branch, TC)
            if norm { layerNorm(lw.ffnNormGain, lw.ffnNormBias) }

            if diffusion.acts(at: .betweenLayers) { diffuse(x) }
            states.append(snapshot(x))
        }

        if diffusion.acts(at: .beforeHead) { diffuse(x) }
        let final = snapshot(x)
        let embedding = meanPoolNormalized(final, mask, T, C)
        let stats = states.map { layerStats($0, states[0], T, C) }
        return BertForwardResult(hidden: states, layers: stats, attention: attention, embedding: embedding)
    }
}

/// The sentence-transformers head: mean over real tokens, then divide by the L2 norm (HF's
/// `normalize` clamps the norm at 1e-12).
func meanPoolNormalized(_ x: [Float], _ mask: [Bool], _ T: Int, _ C: Int) -> [Float] {
    var pooled = [Float](repeating: 0, count: C)
    var count: Float = 0
    for t in 0..<T where mask[t] {
        count += 1
        for c in 0..<C { pooled[c] += x[t * C + c] }
    }
    var norm: Float = 0
    for c in 0..<C { pooled[c] /= count; norm += pooled[c] * pooled[c] }
    let inv = 1 / max(norm.squareRoot(), 1e-12)
    return pooled.map { $0 * inv }
}

/// rms of x and its drift from x0 (both (T, C)).
func layerStats(_ x: [Float], _ x0: [Float], _ T: Int, _ C: Int) -> BertLayerStats {
    var sq: Double = 0
    var cosSum: Double = 0
    for t in 0..<T {
        var dot: Double = 0, na: Double = 0, nb: Double = 0
        for c in 0..<C {
            let a = Double(x[t * C + c]), b = Double(x0[t * C + c])
            dot += a * b; na += a * a; nb += b * b
        }
        sq += na
        // torch's cosine_similarity clamps each norm at 1e-8.
        cosSum += dot / (max(na.squareRoot(), 1e-8) * max(nb.squareRoot(), 1e-8))
    }
    return BertLayerStats(rms: Float((sq / Double(T * C)).squareRoot()), drift: Float(1 - cosSum / Double(T)))
}

/// cos(a, b); 0 when either is all zeros, NaN when the lengths differ. Used to compare an ablated
/// embedding with the intact one.
public func cosine(_ a: [Float], _ b: [Float]) -> Float {
    if a.count != b.count { return .nan }
    var dot: Double = 0, na: Double = 0, nb: Double = 0
    for i in 0..<a.count {
        dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i])
    }
    let denominator = (na * nb).squareRoot()
    return denominator > 0 ? Float(dot / denominator) : 0
}
