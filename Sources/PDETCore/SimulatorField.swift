// The simulator's numerics: the vector field F(x) of one block, the integrator steps and the time
// loop. One workspace per simulate call (or per convergence study) holds every buffer, so a step
// allocates nothing of its own; the model's own activations (the last forward) are left untouched.

/// Buffers for one simulation of B rows: one block's slots (reused for every evaluation of F)
/// and the integrator's states, each (B, T, C).
final class SimulatorWorkspace {
    let B: Int, T: Int, C: Int, BTC: Int
    let acts: Activations        // L = 1: the slots F writes into (ain, qkv, att, …, fout)
    let storage: FloatBuffer
    let x0: FloatPtr             // (B,T,C) embedding output, x(0)
    let x: FloatPtr              // (B,T,C) current state x_n
    let prev: FloatPtr           // (B,T,C) x_{n−1} (update ratio)
    let stage: FloatPtr          // (B,T,C) a Runge–Kutta stage input
    let k: FloatPtr              // (B,T,C) F at the current stage
    let acc: FloatPtr            // (B,T,C) weighted sum of the stages

    init(_ model: Transformer, B: Int) {
        let c = model.config
        self.B = B
        T = c.seqLen
        C = c.dModel
        BTC = B * T * C
        acts = Activations(B: B, T: T, C: C, NH: c.heads, F: c.dFF, K: 1, L: 1, steps: 1)
        storage = FloatBuffer(count: 6 * BTC)
        let p = storage.ptr
        x0 = p; x = p + BTC; prev = p + 2 * BTC; stage = p + 3 * BTC; k = p + 4 * BTC; acc = p + 5 * BTC
    }
}

/// out (B,T,C) += D · Δx, Δx[t] = x[max(t−1,0)] − 2·x[t] + x[min(t+1,T−1)] per channel.
func laplacianAccumulate(_ out: FloatPtr, _ x: FloatPtr, _ D: Float, _ B: Int, _ T: Int, _ C: Int) {
    for b in 0..<B {
        let u = x + b * T * C, o = out + b * T * C
        for t in 0..<T {
            let l = u + max(t - 1, 0) * C, m = u + t * C, r = u + min(t + 1, T - 1) * C
            let ot = o + t * C
            for c in 0..<C { ot[c] += D * (l[c] - 2 * m[c] + r[c]) }
        }
    }
}

/// y (N) = x + a · v
@inline(__always)
func addScaled(_ y: FloatPtr, _ x: FloatPtr, _ a: Float, _ v: FloatPtr, _ N: Int) {
    for i in 0..<N { y[i] = x[i] + a * v[i] }
}

extension Transformer {
    /// out (B,T,C) = Attn(LN1(x)) + FFN(LN2(x)) + D·Δx with block l's weights (LN = identity when
    /// `layerNorm` is off). `out` must not alias `x` (the Laplacian reads neighbours of x).
    func simulatorField(_ out: FloatPtr, _ x: FloatPtr, block l: Int, layerNorm: Bool, diffusion D: Float,
                        _ w: SimulatorWorkspace) {
        let a = w.acts, o = layout.blocks[l], P = paramBuf.ptr, BT = w.B * w.T, C = w.C
        var s = a.slots[0]
        let ffnInput: FloatPtr
        if layerNorm {
            layernormForward(s.n1, s.mean1, s.rstd1, x, P + o.ln1w, P + o.ln1b, BT, C)
            layernormForward(s.n2, s.mean2, s.rstd2, x, P + o.ln2w, P + o.ln2b, BT, C)
            s.ain = s.n1
            ffnInput = s.n2
        } else {
            s.ain = x                  // attention only reads its input
            ffnInput = x
        }
        attentionSublayer(s, o, a)
        ffnSublayer(s, o, input: ffnInput, a)
        for i in 0..<w.BTC { out[i] = s.aout[i] + s.fout[i] }
        if D != 0 { laplacianAccumulate(out, x, D, w.B, w.T, C) }
    }

    /// One step x_n → x_{n+1} in place on w.x. Returns the evaluations of F it took.
    func simulatorStep(_ n: Int, _ c: SimulatorConfig, _ w: SimulatorWorkspace) -> Int {
        let l = c.block(step: n, layers: config.layers), N = w.BTC, dt = c.dt
        func field(_ out: FloatPtr, _ x: FloatPtr) {
            simulatorField(out, x, block: l, layerNorm: c.layerNorm, diffusion: c.diffusion, w)
        }
        let x = w.x, k = w.k, acc = w.acc, stage = w.stage
        guard c.residual else {
            field(k, x)
            x.update(from: k, count: N)
            return 1
        }
        switch c.integrator {
        case .euler:
            field(k, x)
            for i in 0..<N { x[i] += dt * k[i] }
        case .heun:
            field(acc, x)
            addScaled(stage, x, dt, acc, N)
            field(k, stage)
            for i in 0..<N { x[i] += 0.5 * dt * (acc[i] + k[i]) }
        case .rk4:
            field(acc, x)                              // k1
            addScaled(stage, x, 0.5 * dt, acc, N)
            field(k, stage)                            // k2
            for i in 0..<N { acc[i] += 2 * k[i] }
            addScaled(stage, x, 0.5 * dt, k, N)
            field(k, stage)                            // k3
            for i in 0..<N { acc[i] += 2 * k[i] }
            addScaled(stage, x, dt, k, N)
            field(k, stage)                            // k4
            for i in 0..<N { x[i] += dt / 6 * (acc[i] + k[i]) }
        }
        return c.integrator.stages
    }

    /// Embeds the tokens into w.x0 and w.x: x(0), the embedding output before any diffusion site.
    func simulatorEmbed(_ tokens: Batch, _ w: SimulatorWorkspace) {
        let P = paramBuf.ptr
        let pos: FloatPtr? = switch config.pos {
        case .sinusoidal: sinusoid.ptr
        case .learned: P + layout.posEmb
        case .none: nil
        }
        tokens.tokens.withUnsafeBufferPointer { tok in
            embeddingForward(w.x0, tok.baseAddress!, P + layout.tokEmb, pos, w.B, w.T, w.C, vocabSize)
        }
        w.x.update(from: w.x0, count: w.BTC)
    }

    /// Integrates from the embedding for c.steps steps, leaving the last state in w.x.
    /// With `metrics`, records the LayerMetrics of every state; stops at the first non-finite state.
    func runSimulator(_ tokens: Batch, _ c: SimulatorConfig, _ w: SimulatorWorkspace,
                      metrics: Bool) -> (points: [SimulatorPoint], nonFiniteStep: Int?, evaluations: Int) {
        simulatorEmbed(tokens, w)
        var points: [SimulatorPoint] = []
        if metrics {
            points.reserveCapacity(c.steps + 1)
            let m0 = layerMetrics(states: [w.x0], B: w.B, T: w.T, C: w.C)[0]
            points.append(SimulatorPoint(step: 0, time: 0, metrics: m0, tokenRms: rowZeroTokenRms(w.x0, w.T, w.C)))
        }
        if hasNonFinite(w.x, w.BTC) { return (points, 0, 0) }
        var evaluations = 0
        for n in 0..<c.steps {
            if metrics { w.prev.update(from: w.x, count: w.BTC) }
            evaluations += simulatorStep(n, c, w)
            if metrics {
                let m = layerMetrics(states: [w.x0, w.prev, w.x], B: w.B, T: w.T, C: w.C)[2]
                points.append(SimulatorPoint(step: n + 1, time: Float(n + 1) * c.dt, metrics: m,
                                             tokenRms: rowZeroTokenRms(w.x, w.T, w.C)))
            }
            if hasNonFinite(w.x, w.BTC) { return (points, n + 1, evaluations) }
        }
        return (points, nil, evaluations)
    }
}

/// (T) sqrt(mean_c x[0, t, c]²) of batch row 0 of x (B, T, C), in Double (NaN/Inf pass through).
func rowZeroTokenRms(_ x: FloatPtr, _ T: Int, _ C: Int) -> [Float] {
    (0..<T).map { t in
        var sum = 0.0
        for c in 0..<C {
            let v = Double(x[t * C + c])
            sum += v * v
        }
        return Float((sum / Double(max(1, C))).squareRoot())
    }
}
