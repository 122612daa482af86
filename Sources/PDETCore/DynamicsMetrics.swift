// The dynamics a teacher points at, read off the activations of the last forward pass:
// per-layer rms, drift from the input, update ratio, token uniformity, rank collapse; attention
// maps and their entropy; the diffusion layer as a filter; the first non-finite value.
#if canImport(Glibc)
import Glibc
#endif

/// Per-layer metrics of states (B, T, C), each x_l compared with x_0 and x_{l−1}.
/// Sums in Double; every value may be NaN or Inf (shown, never trapped).
func layerMetrics(states: [FloatPtr], B: Int, T: Int, C: Int) -> [LayerMetrics] {
    var out: [LayerMetrics] = []
    let x0 = states[0]
    for (l, x) in states.enumerated() {
        var sumSq = 0.0, diffSq = 0.0, prevSq = 0.0
        var cosSum = 0.0, uniformSum = 0.0, centredSq = 0.0
        for b in 0..<B {
            var meanRow = [Double](repeating: 0, count: C)
            var unitSum = [Double](repeating: 0, count: C)
            var rowSq = 0.0
            for t in 0..<T {
                let v = x + (b * T + t) * C, v0 = x0 + (b * T + t) * C
                var n2 = 0.0, n02 = 0.0, d = 0.0
                for c in 0..<C {
                    let xv = Double(v[c]), x0v = Double(v0[c])
                    n2 += xv * xv; n02 += x0v * x0v; d += xv * x0v
                    meanRow[c] += xv
                }
                rowSq += n2
                let nrm = n2.squareRoot()
                cosSum += (nrm > 0 && n02 > 0) ? d / (nrm * n02.squareRoot()) : (nrm == 0 && n02 == 0 ? 1 : 0)
                if nrm > 0 { for c in 0..<C { unitSum[c] += Double(v[c]) / nrm } }
                if l > 0 {
                    let p = states[l - 1] + (b * T + t) * C
                    for c in 0..<C {
                        let dd = Double(v[c]) - Double(p[c])
                        diffSq += dd * dd
                        prevSq += Double(p[c]) * Double(p[c])
                    }
                }
            }
            sumSq += rowSq
            // Mean pairwise cosine (i ≠ j) = (‖Σ_i x̂_i‖² − T) / (T(T − 1)).
            var us = 0.0
            for c in 0..<C { us += unitSum[c] * unitSum[c] }
            uniformSum += T > 1 ? (us - Double(T)) / Double(T * (T - 1)) : 1
            // ‖X − 1·mean(X)‖² = ‖X‖² − T·‖mean‖², accumulated over rows against ‖X‖².
            var meanSq = 0.0
            for c in 0..<C { let m = meanRow[c] / Double(T); meanSq += m * m }
            centredSq += max(0, rowSq - Double(T) * meanSq)
        }
        let n = Double(B * T * C)
        out.append(LayerMetrics(
            rms: Float((sumSq / n).squareRoot()),
            drift: Float(1 - cosSum / Double(B * T)),
            updateRatio: l == 0 ? 0 : Float(diffSq.squareRoot() / prevSq.squareRoot()),
            uniformity: Float(uniformSum / Double(B)),
            rankCollapse: Float(sumSq > 0 ? (centredSq / sumSq).squareRoot() : 0)))
    }
    return out
}

/// True when any of the n values is NaN or ±Inf.
func hasNonFinite(_ p: FloatPtr, _ n: Int) -> Bool {
    var acc: Float = 0
    for i in 0..<n { acc += p[i] * 0 }   // x·0 is 0 for finite x and NaN otherwise
    return !acc.isFinite
}

extension Transformer {
    func collectForwardMetrics(loss: Double, correct: Int, counted: Int,
                               probeChannel: Int, probeInstance: Int) -> ForwardMetrics {
        guard let a = acts else {
            return ForwardMetrics(loss: .nan, accuracy: .nan, layers: [], attention: [], attentionEntropy: [],
                                  diffusion: nil, nonFinite: nil)
        }
        let T = a.T, NH = a.NH
        let layers = layerMetrics(states: a.states, B: a.B, T: T, C: a.C)
        var attention: [[[Float]]] = []
        var entropy: [[Float]] = []
        for s in a.blocks {
            var maps: [[Float]] = []
            var ents: [Float] = []
            for h in 0..<NH {
                let head = s.att + h * T * T                                                   // batch row 0
                var m = Array(UnsafeBufferPointer(start: head, count: T * T))
                if a.attTransposed { m.withUnsafeMutableBufferPointer { transpose($0.baseAddress!, head, rows: T, cols: T) } }   // Pᵀ → P
                var e = 0.0
                for v in m where v > 0 { e -= Double(v) * log(Double(v)) }
                if m.contains(where: { !$0.isFinite }) { e = .nan }
                maps.append(m)
                ents.append(Float(e / Double(T)))
            }
            attention.append(maps)
            entropy.append(ents)
        }
        let accuracy: Float = counted > 0 ? Float(correct) / Float(counted) : .nan
        let nf = recordFirstNonFiniteActivation(a)
        return ForwardMetrics(loss: Float(loss), accuracy: accuracy, layers: layers, attention: attention,
                              attentionEntropy: entropy,
                              diffusion: diffusionProbe(a, channel: probeChannel, instance: probeInstance),
                              nonFinite: nf)
    }

    /// firstNonFiniteActivation, also kept in `lastNonFinite` when it is the model's first.
    func recordFirstNonFiniteActivation(_ a: Activations) -> NonFinite? {
        let nf = firstNonFiniteActivation(a)
        if let nf, lastNonFinite == nil { lastNonFinite = nf }
        return nf
    }

    /// The first tensor, in forward order, that holds a NaN or Inf.
    func firstNonFiniteActivation(_ a: Activations) -> NonFinite? {
        let BTC = a.B * a.T * a.C
        if hasNonFinite(a.emb, BTC) { return NonFinite(step: step, layer: -1, tensor: "embedding") }
        if hasNonFinite(a.x0, BTC) { return NonFinite(step: step, layer: -1, tensor: "diffusion") }
        for (l, s) in a.blocks.enumerated() where hasNonFinite(s.out, BTC) {
            let order: [(String, FloatPtr, Int)] = config.norm == .post
                ? [("diffusion", s.ain, BTC), ("attn.qkv", s.qkv, 3 * BTC), ("attn.out", s.aout, BTC),
                   ("diffusion", s.aD, BTC), ("residual1", s.res1, BTC), ("diffusion", s.x0, BTC),
                   ("ln1", s.n1, BTC), ("ffn.h", s.fh, a.B * a.T * a.F), ("ffn.out", s.fout, BTC),
                   ("diffusion", s.fD, BTC), ("residual2", s.res2, BTC), ("ln2", s.n2, BTC)]
                : [("diffusion", s.x0, BTC), ("ln1", s.n1, BTC), ("diffusion", s.ain, BTC),
                   ("attn.qkv", s.qkv, 3 * BTC), ("attn.out", s.aout, BTC), ("diffusion", s.aD, BTC),
                   ("residual1", s.res1, BTC), ("ln2", s.n2, BTC), ("ffn.h", s.fh, a.B * a.T * a.F),
                   ("ffn.out", s.fout, BTC), ("diffusion", s.fD, BTC), ("residual2", s.res2, BTC)]
            for (name, p, n) in order where hasNonFinite(p, n) {
                return NonFinite(step: step, layer: l, tensor: name)
            }
            return NonFinite(step: step, layer: l, tensor: "diffusion")
        }
        let L = config.layers
        if hasNonFinite(a.h, BTC) { return NonFinite(step: step, layer: L, tensor: "diffusion") }
        if hasNonFinite(a.lnf, BTC) { return NonFinite(step: step, layer: L, tensor: "ln_f") }
        let rows = lastForward?.rows ?? 0
        if hasNonFinite(a.logits, rows * a.K) { return NonFinite(step: step, layer: L, tensor: "logits") }
        return nil
    }

    /// Where diffusion instance `instance` read its input and wrote its output (B,T,C).
    func diffusionEndpoints(_ a: Activations, instance i: Int) -> (FloatPtr, FloatPtr)? {
        switch config.pde {
        case .off: return nil
        case .afterEmbedding: return (a.emb, a.x0)
        case .beforeHead: return (config.layers > 0 ? a.blocks[config.layers - 1].out : a.x0, a.h)
        case .beforeNorm, .beforeAttention, .afterAttention, .afterFFN, .betweenLayers:
            let s = a.blocks[i]
            let input = i == 0 ? a.x0 : a.blocks[i - 1].out
            switch (config.pde, config.norm == .post) {
            case (.beforeNorm, false): return (input, s.x0)
            case (.beforeNorm, true): return (s.res1, s.x0)
            case (.beforeAttention, false): return (s.n1, s.ain)
            case (.beforeAttention, true): return (input, s.ain)
            case (.afterAttention, _): return (s.aout, s.aD)
            case (.afterFFN, _): return (s.fout, s.fD)
            case (.betweenLayers, false): return (s.res2, s.out)
            default: return (s.n2, s.out)
            }
        }
    }

    func diffusionProbe(_ a: Activations, channel: Int, instance: Int) -> DiffusionProbe? {
        let count = config.pde.instanceCount(layers: config.layers)
        guard count > 0 else { return nil }
        let i = min(max(instance, 0), count - 1)
        let c = min(max(channel, 0), a.C - 1)
        guard let (inp, out) = diffusionEndpoints(a, instance: i) else { return nil }
        let T = a.T, C = a.C, S = config.pdeScales.count
        let before = (0..<T).map { inp[$0 * C + c] }
        let after = (0..<T).map { out[$0 * C + c] }
        let alpha = paramBuf.ptr + layout.alphas[i]
        let alphas = (0..<S).map { alpha[$0 * C + c] }
        var meanSum: Float = 0
        for s in 0..<S { for cc in 0..<C { meanSum += alpha[s * C + cc] } }
        let h = diffusionResponse(alphas: alphas, scales: config.pdeScales, T: T)
        let response = h.map { powf($0, Float(config.pdeSteps)) }
        let stability = layerStability(instance: i)
        let own = diffusionAmplification(alphas: alphas, scales: config.pdeScales, T: T, steps: config.pdeSteps)
        return DiffusionProbe(site: config.pde, instance: i, channel: c, before: before, after: after,
                              spectrumBefore: amplitudeSpectrum(before), spectrumAfter: amplitudeSpectrum(after),
                              response: response, alphaSum: alphas.reduce(0, +), alphas: alphas,
                              meanAlphaSum: meanSum / Float(C), amplification: Float(stability.amplification),
                              worstChannel: stability.channel, channelAmplification: Float(own),
                              maxAlphaSum: stability.maxAlphaSum)
    }

    /// The worst-channel stability of diffusion layer `instance` (docs/diffusion-sites.md, "Stability"),
    /// remembered until its alphas, the scales, T or the steps change.
    public func layerStability(instance i: Int) -> DiffusionStability {
        let C = config.dModel, S = config.pdeScales.count
        let alpha = Array(UnsafeBufferPointer(start: paramBuf.ptr + layout.alphas[i], count: S * C))
        let key = StabilityKey(alpha: alpha, scales: config.pdeScales, T: config.seqLen, steps: config.pdeSteps)
        if let cached = stabilityCache, cached.key == key { return cached.value }
        let value = diffusionLayerStability(alpha: alpha, scales: key.scales, C: C, T: key.T, steps: key.steps)
        stabilityCache = (key, value)
        return value
    }
}
