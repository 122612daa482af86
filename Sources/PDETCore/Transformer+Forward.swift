// The forward pass under the current toggles. Block wiring (D = the diffusion layer, applied only at
// the chosen site; every other site is an identity, an alias of its input (siteForward), whose backward
// passes the gradient on (siteGradient), so backward still mirrors forward one to one):
//
//   pre-LN / none:                        post-LN:
//     x0   = D_before-norm(x)               ain  = D_before-attention(x)
//     n1   = LN1(x0)   (none: n1 = x0)      aD   = D_after-attention(Attn(ain))
//     ain  = D_before-attention(n1)         res1 = x + aD          (residual off: aD)
//     aD   = D_after-attention(Attn(ain))   x0   = D_before-norm(res1)
//     res1 = x0 + aD   (residual off: aD)   n1   = LN1(x0)
//     n2   = LN2(res1) (none: n2 = res1)    fD   = D_after-ffn(FFN(n1))
//     fD   = D_after-ffn(FFN(n2))           res2 = n1 + fD         (residual off: fD)
//     res2 = res1 + fD (residual off: fD)   n2   = LN2(res2)
//     out  = D_between-layers(res2)         out  = D_between-layers(n2)
//
// Around the blocks: x_0 = D_after-embedding(embed(tokens)); h = D_before-head(x_L);
// logits = head(LN_f(h)) (LN_f skipped when norm is none). docs/diffusion-sites.md draws this.

extension Transformer {
    func activations(B: Int) -> Activations {
        if let a = acts, a.B == B, a.steps == config.pdeSteps { return a }
        let a = Activations(B: B, T: config.seqLen, C: config.dModel, NH: config.heads, F: config.dFF,
                            K: outputs, L: config.layers, steps: config.pdeSteps)
        acts = a
        return a
    }

    /// The diffusion instance (alpha tensor) used at `site` for block `l`, or nil when the site is off.
    func diffusionInstance(_ site: DiffusionSite, block l: Int) -> Int? {
        guard config.pde == site, site != .off else { return nil }
        return site.isPerBlock ? l : 0
    }

    /// D(from) (B,T,C) written to `to` when the diffusion layer sits at `site`, returning `to`;
    /// else `from` itself: an identity site is an alias, not a copy (the backward pass reads the
    /// same values either way, and the default model skips ~15 MB of copying per forward).
    /// Intermediate Euler states (steps − 1 of them) go to `inter`.
    func siteForward(_ site: DiffusionSite, block l: Int, _ to: FloatPtr, _ from: FloatPtr,
                     _ inter: FloatPtr, _ a: Activations) -> FloatPtr {
        let BTC = a.B * a.T * a.C
        guard let inst = diffusionInstance(site, block: l) else { return from }
        let alpha = paramBuf.ptr + layout.alphas[inst]
        var src = from
        for j in 0..<config.pdeSteps {
            let dst = j == config.pdeSteps - 1 ? to : inter + j * BTC
            diffusionForward(dst, src, alpha, config.pdeScales, a.B, a.T, a.C)
            src = dst
        }
        return to
    }

    func normForward(_ out: FloatPtr, _ mean: FloatPtr, _ rstd: FloatPtr, _ inp: FloatPtr,
                     weight: Int, bias: Int, _ a: Activations) {
        if config.norm == .none {
            out.update(from: inp, count: a.B * a.T * a.C)
        } else {
            layernormForward(out, mean, rstd, inp, paramBuf.ptr + weight, paramBuf.ptr + bias, a.B * a.T, a.C)
        }
    }

    /// out (N, OC) = inp (N, IC) · Wᵀ + b for the weight (OC, IC) at paramBuf offset `weight`,
    /// with W packed into the GEMM's column panels (packWeightForForward), kept in
    /// `transposedWeights` until a parameter changes (made on first use after a change).
    func linearForward(_ out: FloatPtr, _ inp: FloatPtr, weight: Int, bias: Int, _ N: Int, _ IC: Int, _ OC: Int) {
        let wp: FloatBuffer
        let count = packedCount(K: IC, N: OC)
        if let cached = transposedWeights[weight], cached.count == count {
            wp = cached
        } else {
            if let kept = packedWeightStore[weight], kept.count == count {
                wp = kept
            } else {
                wp = FloatBuffer(count: count)
                packedWeightStore[weight] = wp
            }
            packWeightForForward(wp.ptr, paramBuf.ptr + weight, IC: IC, OC: OC)
            transposedWeights[weight] = wp
        }
        matmulForwardPacked(out, inp, wp.ptr, paramBuf.ptr + bias, N, IC, OC)
    }

    func attentionSublayer(_ s: BlockSlots, _ o: BlockOffsets, _ a: Activations) {
        let BT = a.B * a.T, C = a.C
        linearForward(s.qkv, s.ain, weight: o.qkvw, bias: o.qkvb, BT, C, 3 * C)
        attentionForward(s.atty, a.lossOnly ? nil : s.att, s.qkv, a.B, a.T, C, a.NH, causal: config.causal,
                         keepTransposed: a.attTransposed)
        linearForward(s.aout, s.atty, weight: o.projw, bias: o.projb, BT, C, C)
    }

    func ffnSublayer(_ s: BlockSlots, _ o: BlockOffsets, input: FloatPtr, _ a: Activations) {
        let BT = a.B * a.T, C = a.C, F = a.F
        linearForward(s.fh, input, weight: o.fc1w, bias: o.fc1b, BT, C, F)
        geluForward(s.fg, s.fh, BT * F, tanhOut: a.geluTanhKept ? s.ft : nil)
        linearForward(s.fout, s.fg, weight: o.fc2w, bias: o.fc2b, BT, F, C)
    }

    func blockForward(_ l: Int, input x: FloatPtr, _ a: Activations) {
        // A loss-only forward runs the blocks on two sets of buffers in turn (forwardPass).
        var s = a.slots[a.lossOnly ? l % 2 : l]
        if a.lossOnly { s.fg = s.fh }        // GELU in place (forwardPass)
        let o = layout.blocks[l], BTC = a.B * a.T * a.C
        let res = config.residual
        if config.norm == .post {
            s.ain = siteForward(.beforeAttention, block: l, s.ain, x, s.inter, a)
            attentionSublayer(s, o, a)
            s.aD = siteForward(.afterAttention, block: l, s.aD, s.aout, s.inter, a)
            residualForward(s.res1, res ? x : nil, s.aD, BTC)
            s.x0 = siteForward(.beforeNorm, block: l, s.x0, s.res1, s.inter, a)
            normForward(s.n1, s.mean1, s.rstd1, s.x0, weight: o.ln1w, bias: o.ln1b, a)
            ffnSublayer(s, o, input: s.n1, a)
            s.fD = siteForward(.afterFFN, block: l, s.fD, s.fout, s.inter, a)
            residualForward(s.res2, res ? s.n1 : nil, s.fD, BTC)
            normForward(s.n2, s.mean2, s.rstd2, s.res2, weight: o.ln2w, bias: o.ln2b, a)
            s.out = siteForward(.betweenLayers, block: l, s.out, s.n2, s.inter, a)
        } else {
            s.x0 = siteForward(.beforeNorm, block: l, s.x0, x, s.inter, a)
            normForward(s.n1, s.mean1, s.rstd1, s.x0, weight: o.ln1w, bias: o.ln1b, a)
            s.ain = siteForward(.beforeAttention, block: l, s.ain, s.n1, s.inter, a)
            attentionSublayer(s, o, a)
            s.aD = siteForward(.afterAttention, block: l, s.aD, s.aout, s.inter, a)
            residualForward(s.res1, res ? s.x0 : nil, s.aD, BTC)
            normForward(s.n2, s.mean2, s.rstd2, s.res1, weight: o.ln2w, bias: o.ln2b, a)
            ffnSublayer(s, o, input: s.n2, a)
            s.fD = siteForward(.afterFFN, block: l, s.fD, s.fout, s.inter, a)
            residualForward(s.res2, res ? s.res1 : nil, s.fD, BTC)
            s.out = siteForward(.betweenLayers, block: l, s.out, s.res2, s.inter, a)
        }
        a.blocks[l] = s
    }

    /// Runs embedding, blocks and head; returns the loss pieces. Targets may be empty.
    /// `training`: keep what only the backward pass reads (GELU's tanh), to save recomputing it.
    /// `lossOnly`: drop what only the backward pass, the explorer's panels and the non-finite scan
    /// read: attention's probabilities are not stored, GELU writes over its input (fc1's output,
    /// 2 MB per layer at batch 32), and block l works in block (l mod 2)'s buffers, so that a
    /// forward touches ~14 MB instead of ~42 MB at batch 32 (the forward of a batch of 32 on 2
    /// threads, which share the memory bus: 11.0 → 10.2 ms; on 1 thread within the noise).
    /// Layer l's input is layer l − 1's output, in the other set, which nothing writes while layer
    /// l runs. The same arithmetic: the loss and logits
    /// have the same bits. backward() and a non-finite scan run the forward again when they find
    /// the last one loss-only.
    func forwardPass(_ batch: Batch, training: Bool = false, lossOnly: Bool = false) -> (loss: Double, correct: Int, counted: Int, rows: Int) {
        let a = activations(B: batch.batchSize)
        a.geluTanhKept = training
        a.lossOnly = lossOnly && !training
        // A training forward leaves Pᵀ where attention runs transposed: backward reads it as it is.
        a.attTransposed = training && attentionRunsTransposed(T: a.T, causal: config.causal, masked: false)
        lastBatch = batch
        let B = a.B, T = a.T, C = a.C, K = a.K, P = paramBuf.ptr
        a.tokens = batch.tokens
        a.targets = batch.targets
        let pos: FloatPtr? = switch config.pos {
        case .sinusoidal: sinusoid.ptr
        case .learned: P + layout.posEmb
        case .none: nil
        }
        batch.tokens.withUnsafeBufferPointer { tok in
            embeddingForward(a.emb, tok.baseAddress!, P + layout.tokEmb, pos, B, T, C, vocabSize)
        }
        a.x0 = siteForward(.afterEmbedding, block: 0, a.x0Buffer, a.emb, a.embInter, a)
        var x = a.x0
        for l in 0..<config.layers {
            blockForward(l, input: x, a)
            x = a.blocks[l].out
        }
        a.h = siteForward(.beforeHead, block: 0, a.hBuffer, x, a.headInter, a)
        normForward(a.lnf, a.meanf, a.rstdf, a.h, weight: layout.lnfw, bias: layout.lnfb, a)
        let rows: Int
        switch head {
        case .perToken:
            rows = B * T
            linearForward(a.logits, a.lnf, weight: layout.headw, bias: layout.headb, rows, C, K)
        case .classify:
            rows = B
            meanPoolForward(a.pooled, a.lnf, B, T, C)
            linearForward(a.logits, a.pooled, weight: layout.headw, bias: layout.headb, rows, C, K)
        }
        var targets = batch.targets
        if targets.count != rows { targets = [Int32](repeating: Batch.ignore, count: rows) }
        let r = targets.withUnsafeBufferPointer { crossEntropyForward(a.probs, a.logits, $0.baseAddress!, rows, K) }
        a.targets = targets
        let result = (r.loss, r.correct, r.counted, rows)
        lastForward = result
        return result
    }

    /// Forward pass; targets may be empty (loss and accuracy are then NaN). Returns the metrics.
    /// `probeChannel` picks the channel reported in `ForwardMetrics.diffusion`, and `probeInstance`
    /// the diffusion layer (both clamped to the valid range).
    @discardableResult
    public func forward(_ batch: Batch, probeChannel: Int = 0, probeInstance: Int = 0) -> ForwardMetrics {
        guard batch.seqLen == config.seqLen, batch.batchSize >= 1,
              batch.tokens.count == batch.batchSize * batch.seqLen else {
            return ForwardMetrics(loss: .nan, accuracy: .nan, layers: [], attention: [], attentionEntropy: [],
                                  diffusion: nil, nonFinite: NonFinite(step: step, layer: -1, tensor: "batch shape"))
        }
        let r = forwardPass(batch)
        return collectForwardMetrics(loss: r.loss, correct: r.correct, counted: r.counted,
                                     probeChannel: probeChannel, probeInstance: probeInstance)
    }

    /// The forward pass as training and evaluation need it: loss and accuracy, and where the first
    /// non-finite activation is when the loss or the logits are not finite (or `scanAlways`); no layer metrics,
    /// attention maps or diffusion probe (the explorer reads those from its own display forward).
    /// The same arithmetic as `forward`, so the same loss, accuracy and saved activations.
    public func forwardLoss(_ batch: Batch, scanAlways: Bool = false) -> ForwardMetrics {
        forwardLoss(batch, scanAlways: scanAlways, training: false)
    }

    /// forwardLoss; `training` keeps what the backward pass reads (forwardPass).
    func forwardLoss(_ batch: Batch, scanAlways: Bool, training: Bool) -> ForwardMetrics {
        guard batch.seqLen == config.seqLen, batch.batchSize >= 1,
              batch.tokens.count == batch.batchSize * batch.seqLen else { return forward(batch) }
        let r = forwardPass(batch, training: training, lossOnly: !training)
        let accuracy: Float = r.counted > 0 ? Float(r.correct) / Float(r.counted) : .nan
        var nf: NonFinite?
        // The logits are checked too: an ignored target's row can overflow without reaching the loss.
        if let a = acts, scanAlways || !r.loss.isFinite || hasNonFinite(a.logits, r.rows * a.K) {
            if a.lossOnly { _ = forwardPass(batch) }    // the scan reads every layer's own tensors
            nf = recordFirstNonFiniteActivation(a)
        }
        return ForwardMetrics(loss: Float(r.loss), accuracy: accuracy, layers: [], attention: [], attentionEntropy: [],
                              diffusion: nil, nonFinite: nf)
    }

    /// Predictions of the last forward: (B, T) argmax per token, or (B) argmax class.
    public var lastPredictions: [Int32] {
        guard let a = acts, let f = lastForward else { return [] }
        return argmaxRows(a.logits, f.rows, a.K)
    }

    /// Class probabilities of the last forward, (rows, K) row-major.
    public var lastProbabilities: [Float] {
        guard let a = acts, let f = lastForward else { return [] }
        return Array(UnsafeBufferPointer(start: a.probs, count: f.rows * a.K))
    }
}
