// The backward pass, the exact mirror of Transformer+Forward.swift read bottom to top, and AdamW.
// Gradients of parameters accumulate with `+=` into gradBuf; gradients of activations live in a
// per-block scratch (`Activations.grad`) that is zeroed before each block.
#if canImport(Glibc)
import Glibc
#endif

extension Transformer {
    /// The gradient of a site's input, given `dto`, when that input's gradient slot `dfrom` gets
    /// nothing else: an identity site returns `dto` itself (its forward was an alias, so is its
    /// backward: the slot would have held +0 + dto, the same numbers, and is never touched); a
    /// diffusion site zeroes dfrom, writes it (siteBackward) and returns it.
    func siteGradient(_ site: DiffusionSite, block l: Int, fresh dfrom: FloatPtr, dto: FloatPtr,
                      from: FloatPtr, inter: FloatPtr, _ a: Activations) -> FloatPtr {
        guard diffusionInstance(site, block: l) != nil else { return dto }
        zero(dfrom, a.B * a.T * a.C)
        siteBackward(site, block: l, dfrom: dfrom, dto: dto, from: from, inter: inter, a)
        return dfrom
    }

    /// dfrom (B,T,C) += (∂to/∂from)ᵀ · dto for the site's diffusion steps (or dto itself at an identity);
    /// alpha gradients accumulate. `from` and `inter` are the forward's saved states.
    func siteBackward(_ site: DiffusionSite, block l: Int, dfrom: FloatPtr, dto: FloatPtr,
                      from: FloatPtr, inter: FloatPtr, _ a: Activations) {
        let BTC = a.B * a.T * a.C
        guard let inst = diffusionInstance(site, block: l) else {
            addElements(dfrom, dto, BTC)
            return
        }
        let alpha = paramBuf.ptr + layout.alphas[inst]
        let dalpha = gradBuf.ptr + layout.alphas[inst]
        let steps = config.pdeSteps
        var dcur = dto
        for j in stride(from: steps - 1, through: 0, by: -1) {
            let input = j == 0 ? from : inter + (j - 1) * BTC
            // Step j's input gradient goes to dfrom at j = 0, else to a ping-pong scratch.
            let dinput = j == 0 ? dfrom : (dcur == a.dSiteA ? a.dSiteB : a.dSiteA)
            if j > 0 { zero(dinput, BTC) }
            diffusionBackward(dinput, dalpha, dcur, input, alpha, config.pdeScales, a.B, a.T, a.C)
            dcur = dinput
        }
    }

    func normBackward(_ dinp: FloatPtr, _ dout: FloatPtr, _ inp: FloatPtr, _ mean: FloatPtr, _ rstd: FloatPtr,
                      weight: Int, bias: Int, _ a: Activations) {
        if config.norm == .none {
            axpy(dinp, 1, dout, a.B * a.T * a.C)
        } else {
            layernormBackward(dinp, gradBuf.ptr + weight, gradBuf.ptr + bias, dout, inp,
                              paramBuf.ptr + weight, mean, rstd, a.B * a.T, a.C)
        }
    }

    /// g.ain += ∂/∂ain from g.aout (output projection, attention, QKV projection).
    func attentionSublayerBackward(_ s: BlockSlots, _ g: BlockSlots, _ o: BlockOffsets, _ a: Activations) {
        let P = paramBuf.ptr, G = gradBuf.ptr, BT = a.B * a.T, C = a.C
        let sc = a.packScratch.ptr
        // g.atty, g.qkv and g.ain are not zero-filled (blockBackward): each is written once, as +0 + sum.
        matmulBackward(g.atty, G + o.projw, G + o.projb, g.aout, s.atty, P + o.projw, BT, C, C,
                       accumulateInput: false, scratch: sc)
        attentionBackward(g.qkv, g.atty, s.qkv, s.att, a.B, a.T, C, a.NH, causal: config.causal, accumulate: false,
                          attTransposed: a.attTransposed)
        matmulBackward(g.ain, G + o.qkvw, G + o.qkvb, g.qkv, s.ain, P + o.qkvw, BT, C, 3 * C,
                       accumulateInput: false, scratch: sc)
    }

    /// dinput += ∂/∂input from g.fout (fc2, GELU, fc1).
    func ffnSublayerBackward(_ s: BlockSlots, _ g: BlockSlots, _ o: BlockOffsets, input: FloatPtr,
                             dinput: FloatPtr, _ a: Activations) {
        let P = paramBuf.ptr, G = gradBuf.ptr, BT = a.B * a.T, C = a.C, F = a.F
        let sc = a.packScratch.ptr
        // g.fg and g.fh are not zero-filled (blockBackward): each is written once, as +0 + value.
        matmulBackward(g.fg, G + o.fc2w, G + o.fc2b, g.fout, s.fg, P + o.fc2w, BT, F, C,
                       accumulateInput: false, scratch: sc)
        geluBackward(g.fh, s.fh, g.fg, BT * F, accumulate: false, tanh: a.geluTanhKept ? s.ft : nil)
        matmulBackward(dinput, G + o.fc1w, G + o.fc1b, g.fh, input, P + o.fc1w, BT, C, F,
                       accumulateInput: true, scratch: sc)
    }

    /// dx (B,T,C) += ∂L/∂x for block l's input x, given dout = ∂L/∂(block output); dx arrives zeroed.
    /// An identity site's gradient is an alias of the gradient it passes on (siteGradient).
    func blockBackward(_ l: Int, input x: FloatPtr, dx: FloatPtr, dout: FloatPtr, _ a: Activations) {
        let s = a.blocks[l], o = layout.blocks[l], BTC = a.B * a.T * a.C
        var g = a.grad
        let res = config.residual
        // Zero the scratch slots that several gradients add into. A site's input slot is zeroed by
        // siteGradient when the site is active (an identity's is an alias, never written). Never
        // zeroed: ain, qkv, atty, fg, fh (each written once as +0 + value, the same bits as
        // accumulating into zeros); the means, att, out and inter (not used by the backward pass).
        let post = config.norm == .post
        for p in post ? [g.res2, g.n1, g.fD, g.x0, g.aD] : [g.res1, g.fD, g.n2, g.aD] { zero(p, BTC) }
        if post {
            g.n2 = siteGradient(.betweenLayers, block: l, fresh: g.n2, dto: dout, from: s.n2, inter: s.inter, a)
            normBackward(g.res2, g.n2, s.res2, s.mean2, s.rstd2, weight: o.ln2w, bias: o.ln2b, a)
            residualBackward(res ? g.n1 : nil, g.fD, g.res2, BTC)
            g.fout = siteGradient(.afterFFN, block: l, fresh: g.fout, dto: g.fD, from: s.fout, inter: s.inter, a)
            ffnSublayerBackward(s, g, o, input: s.n1, dinput: g.n1, a)
            normBackward(g.x0, g.n1, s.x0, s.mean1, s.rstd1, weight: o.ln1w, bias: o.ln1b, a)
            g.res1 = siteGradient(.beforeNorm, block: l, fresh: g.res1, dto: g.x0, from: s.res1, inter: s.inter, a)
            residualBackward(res ? dx : nil, g.aD, g.res1, BTC)
            g.aout = siteGradient(.afterAttention, block: l, fresh: g.aout, dto: g.aD, from: s.aout, inter: s.inter, a)
            attentionSublayerBackward(s, g, o, a)
            // dx already holds the residual's share: the site adds to it (no alias).
            siteBackward(.beforeAttention, block: l, dfrom: dx, dto: g.ain, from: x, inter: s.inter, a)
        } else {
            // With an identity before-norm site, x0's gradient accumulates in dx directly.
            let beforeNormIdentity = diffusionInstance(.beforeNorm, block: l) == nil
            if beforeNormIdentity { g.x0 = dx } else { zero(g.x0, BTC) }
            g.res2 = siteGradient(.betweenLayers, block: l, fresh: g.res2, dto: dout, from: s.res2, inter: s.inter, a)
            residualBackward(res ? g.res1 : nil, g.fD, g.res2, BTC)
            g.fout = siteGradient(.afterFFN, block: l, fresh: g.fout, dto: g.fD, from: s.fout, inter: s.inter, a)
            ffnSublayerBackward(s, g, o, input: s.n2, dinput: g.n2, a)
            normBackward(g.res1, g.n2, s.res1, s.mean2, s.rstd2, weight: o.ln2w, bias: o.ln2b, a)
            residualBackward(res ? g.x0 : nil, g.aD, g.res1, BTC)
            g.aout = siteGradient(.afterAttention, block: l, fresh: g.aout, dto: g.aD, from: s.aout, inter: s.inter, a)
            attentionSublayerBackward(s, g, o, a)
            g.n1 = siteGradient(.beforeAttention, block: l, fresh: g.n1, dto: g.ain, from: s.n1, inter: s.inter, a)
            normBackward(g.x0, g.n1, s.x0, s.mean1, s.rstd1, weight: o.ln1w, bias: o.ln1b, a)
            if !beforeNormIdentity {
                siteBackward(.beforeNorm, block: l, dfrom: dx, dto: g.x0, from: x, inter: s.inter, a)
            }
        }
    }

    /// Backward pass of the last forward (which must have had targets): grads += dLoss/dParams.
    public func backward() {
        guard let a0 = acts, let f0 = lastForward, f0.counted > 0 else { return }
        if a0.lossOnly, let batch = lastBatch {
            _ = forwardPass(batch, training: true)     // a loss-only forward dropped what backward reads
        }
        guard let a = acts, let f = lastForward, f.counted > 0 else { return }
        let B = a.B, T = a.T, C = a.C, K = a.K, BTC = B * T * C
        let P = paramBuf.ptr, G = gradBuf.ptr
        zero(a.dLogits, f.rows * K)
        a.targets.withUnsafeBufferPointer {
            crossEntropyBackward(a.dLogits, a.probs, $0.baseAddress!, f.rows, K, counted: f.counted)
        }
        zero(a.dLnf, BTC)
        switch head {
        case .perToken:
            matmulBackward(a.dLnf, G + layout.headw, G + layout.headb, a.dLogits, a.lnf, P + layout.headw, f.rows, C, K,
                           accumulateInput: true, scratch: a.packScratch.ptr)
        case .classify:
            zero(a.dPooled, B * C)
            matmulBackward(a.dPooled, G + layout.headw, G + layout.headb, a.dLogits, a.pooled, P + layout.headw, B, C, K)
            meanPoolBackward(a.dLnf, a.dPooled, B, T, C)
        }
        zero(a.dH, BTC)
        normBackward(a.dH, a.dLnf, a.h, a.meanf, a.rstdf, weight: layout.lnfw, bias: layout.lnfb, a)
        let last = config.layers > 0 ? a.blocks[config.layers - 1].out : a.x0
        var dOut = siteGradient(.beforeHead, block: 0, fresh: a.dStreamA, dto: a.dH, from: last, inter: a.headInter, a)
        for l in stride(from: config.layers - 1, through: 0, by: -1) {
            let dIn = dOut == a.dStreamA ? a.dStreamB : a.dStreamA
            zero(dIn, BTC)
            let x = l == 0 ? a.x0 : a.blocks[l - 1].out
            blockBackward(l, input: x, dx: dIn, dout: dOut, a)
            dOut = dIn
        }
        let dEmb = siteGradient(.afterEmbedding, block: 0, fresh: a.dEmb, dto: dOut, from: a.emb, inter: a.embInter, a)
        let dpos: FloatPtr? = config.pos == .learned ? G + layout.posEmb : nil
        a.tokens.withUnsafeBufferPointer {
            embeddingBackward(G + layout.tokEmb, dpos, dEmb, $0.baseAddress!, B, T, C, vocabSize)
        }
    }

    /// Global L2 norm of all gradients (Double accumulation), and per block.
    func gradientNorms() -> (global: Float, perLayer: [Float]) {
        func norm(_ r: Range<Int>) -> Double {
            var s = 0.0
            for i in r { let g = Double(gradBuf.ptr[i]); s += g * g }
            return s
        }
        let perLayer = layout.blocks.map { Float(norm($0.range).squareRoot()) }
        return (Float(norm(0..<layout.count).squareRoot()), perLayer)
    }

    /// The learning rate after warm-up for the next update.
    /// The schedule's warm-up follows `step`; after a reset of the moments a second warm-up follows
    /// `optimizerStep` (a straight run never has one, so its bits do not change).
    var currentLR: Float {
        var lr = config.lr
        if config.warmup > 0 { lr *= min(1, Float(step + 1) / Float(config.warmup)) }
        if rewarmup > 0 { lr *= min(1, Float(optimizerStep + 1) / Float(rewarmup)) }
        return lr
    }

    /// One AdamW update from the current gradients (clipping, warm-up, weight decay per config).
    /// A non-finite gradient norm skips the update (the weights stay as they were) and is reported.
    public func update() {
        _ = applyUpdate(gradNorm: gradientNorms().global)
    }

    /// Returns false when the update was skipped because the gradients were not finite.
    func applyUpdate(gradNorm: Float) -> Bool {
        guard gradNorm.isFinite else { return false }
        let scale: Float = (config.clip > 0 && gradNorm > config.clip) ? config.clip / gradNorm : 1
        let lr = currentLR, b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8, wd = config.weightDecay
        let t = Float(optimizerStep + 1)
        let c1 = 1 - powf(b1, t), c2 = 1 - powf(b2, t)
        let P = paramBuf.ptr, G = gradBuf.ptr, M = adamM.ptr, V = adamV.ptr
        for (ti, tv) in layout.tensors.enumerated() {
            let decay = decayMask[ti] ? wd : 0
            // Element-wise, so vectors of any width give each element the same operations.
            var i = tv.offset
            let end = tv.offset + tv.count
            let W = VecF.scalarCount
            while i + W <= end {
                let g = loadV(G + i) * scale
                let m = b1 * loadV(M + i) + (1 - b1) * g
                let v = b2 * loadV(V + i) + (1 - b2) * g * g
                storeV(M + i, m)
                storeV(V + i, v)
                let mhat = m / c1, vhat = v / c2
                let p = loadV(P + i)
                storeV(P + i, p - lr * (mhat / (vhat.squareRoot() + eps) + decay * p))
                i += W
            }
            while i < end {
                let g = G[i] * scale
                M[i] = b1 * M[i] + (1 - b1) * g
                V[i] = b2 * V[i] + (1 - b2) * g * g
                let mhat = M[i] / c1, vhat = V[i] / c2
                P[i] -= lr * (mhat / (vhat.squareRoot() + eps) + decay * P[i])
                i += 1
            }
        }
        if config.pdeClamp { clampAllAlphas() }
        transposedWeights.removeAll()
        step += 1
        optimizerStep += 1
        return true
    }

    /// zeroGrad, forward, backward, update: one training step on `batch`.
    @discardableResult
    public func trainStep(_ batch: Batch) -> StepMetrics {
        zeroGrad()
        // No explorer metrics here (they cost more than AdamW). The activations are scanned for the
        // first non-finite value only when the loss, the logits or the gradients are not finite: a
        // NaN or Inf anywhere before the logits reaches the loss or the gradients (a masked
        // position's value still multiplies a gradient, and 0 · Inf is NaN), one in the logits of an
        // ignored row is caught by their check, so the step reports what a scan of every step would.
        var fm = forwardLoss(batch, scanAlways: false, training: true)
        backward()
        let norms = gradientNorms()
        if fm.nonFinite == nil && !norms.global.isFinite, let a = acts { fm.nonFinite = recordFirstNonFiniteActivation(a) }
        var nonFinite = fm.nonFinite
        if nonFinite == nil && !norms.global.isFinite { nonFinite = firstNonFiniteGradient() }
        let lr = currentLR
        _ = applyUpdate(gradNorm: norms.global)
        let alphas: [[Float]] = layout.alphas.map { off in
            (0..<config.pdeScales.count).map { s in
                var sum: Float = 0
                for c in 0..<config.dModel { sum += paramBuf.ptr[off + s * config.dModel + c] }
                return sum / Float(config.dModel)
            }
        }
        return StepMetrics(step: step, loss: fm.loss, accuracy: fm.accuracy, gradNorm: norms.global,
                           layerGradNorms: norms.perLayer, alphas: alphas, nonFinite: nonFinite, lr: lr)
    }

    func firstNonFiniteGradient() -> NonFinite? {
        for t in layout.tensors {
            for i in t.offset..<(t.offset + t.count) where !gradBuf.ptr[i].isFinite {
                let parts = t.name.split(separator: ".")
                let layer = parts.first == "blocks" ? Int(parts[1]) ?? -1 : (t.name.hasPrefix("head") || t.name.hasPrefix("ln_f") ? config.layers : -1)
                return NonFinite(step: step + 1, layer: layer, tensor: "grad.\(t.name)")
            }
        }
        return nil
    }
}
