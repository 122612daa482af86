// Reference kernels: the plain loops that the fast kernels (LinearKernels, GemmTiles,
// AttentionKernel, LayerKernels) are tested against, one beside each, readable top to bottom like
// llm.c's matmul_forward_naive. No tiles, no vectors, no threads; the same arguments as the fast
// kernel (outputs first, then inputs, then sizes). Tests only: nothing here runs in training.
//
// Sums run in the order the fast kernels keep (each GEMM element: its products added in k order
// from 0, then the base added), so that where the fast kernel's operations are the same ones the
// two agree bit for bit. The one choice a reader must make is `fused`: the GEMM's register tiles
// add each product with a fused multiply-add (one rounding), its edge with a multiply and an add
// (two); gemmElementIsFused says which element takes which.
#if canImport(Glibc)
import Glibc
#endif

/// a·b + s with one rounding when `fused`, else a multiply then an add (two roundings).
@inline(__always)
func multiplyAdd(_ s: Float, _ a: Float, _ b: Float, fused: Bool) -> Float {
    fused ? s.addingProduct(a, b) : s + a * b
}

// MARK: linear (matmul)

/// out (N, OC) = inp (N, IC) · w (OC, IC)ᵀ + bias (OC)
func matmulForwardReference(_ out: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr, _ bias: FloatPtr?,
                            _ N: Int, _ IC: Int, _ OC: Int, fused: Bool) {
    for n in 0..<N {
        for o in 0..<OC {
            var s: Float = 0
            for k in 0..<IC { s = multiplyAdd(s, inp[n * IC + k], w[o * IC + k], fused: fused) }
            out[n * OC + o] = (bias?[o] ?? 0) + s
        }
    }
}

/// dinp (N, IC) += dout (N, OC) · w (OC, IC)
/// dw (OC, IC)  += dout (N, OC)ᵀ · inp (N, IC)
/// dbias (OC)   += Σ_n dout[n, :]   (row by row)
func matmulBackwardReference(_ dinp: FloatPtr?, _ dw: FloatPtr, _ dbias: FloatPtr?,
                             _ dout: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr,
                             _ N: Int, _ IC: Int, _ OC: Int, fused: Bool) {
    if let dinp {
        for n in 0..<N {
            for i in 0..<IC {
                var s: Float = 0
                for o in 0..<OC { s = multiplyAdd(s, dout[n * OC + o], w[o * IC + i], fused: fused) }
                dinp[n * IC + i] += s
            }
        }
    }
    for o in 0..<OC {
        for i in 0..<IC {
            var s: Float = 0
            for n in 0..<N { s = multiplyAdd(s, dout[n * OC + o], inp[n * IC + i], fused: fused) }
            dw[o * IC + i] += s
        }
    }
    if let dbias {
        for n in 0..<N { for o in 0..<OC { dbias[o] += dout[n * OC + o] } }
    }
}

// MARK: LayerNorm

/// out (N, C) = (inp − mean) · rstd · weight + bias per row (biased variance); mean (N), rstd (N).
func layernormForwardReference(_ out: FloatPtr, _ mean: FloatPtr, _ rstd: FloatPtr,
                               _ inp: FloatPtr, _ weight: FloatPtr, _ bias: FloatPtr, _ N: Int, _ C: Int, eps: Float) {
    for n in 0..<N {
        let x = inp + n * C
        var m: Float = 0
        for i in 0..<C { m += x[i] }
        m /= Float(C)
        var v: Float = 0
        for i in 0..<C { let d = x[i] - m; v += d * d }
        v /= Float(C)
        let s = 1 / (v + eps).squareRoot()
        for i in 0..<C { out[n * C + i] = (x[i] - m) * s * weight[i] + bias[i] }
        mean[n] = m
        rstd[n] = s
    }
}

/// dinp (N, C), dweight (C), dbias (C) += the gradients of layernormForward (llm.c's
/// layernorm_backward).
func layernormBackwardReference(_ dinp: FloatPtr, _ dweight: FloatPtr, _ dbias: FloatPtr,
                                _ dout: FloatPtr, _ inp: FloatPtr, _ weight: FloatPtr,
                                _ mean: FloatPtr, _ rstd: FloatPtr, _ N: Int, _ C: Int) {
    for n in 0..<N {
        let x = inp + n * C, g = dout + n * C
        let m = mean[n], s = rstd[n]
        var dnormMean: Float = 0, dnormNormMean: Float = 0
        for i in 0..<C {
            let norm = (x[i] - m) * s
            let dnorm = weight[i] * g[i]
            dnormMean += dnorm
            dnormNormMean += dnorm * norm
        }
        dnormMean /= Float(C)
        dnormNormMean /= Float(C)
        for i in 0..<C {
            let norm = (x[i] - m) * s
            let dnorm = weight[i] * g[i]
            dbias[i] += g[i]
            dweight[i] += norm * g[i]
            dinp[n * C + i] += (dnorm - dnormMean - norm * dnormNormMean) * s
        }
    }
}

// MARK: GELU

/// out (N) = GELU(inp) with libm's tanhf or erff, one element at a time.
func geluForwardReference(_ out: FloatPtr, _ inp: FloatPtr, _ N: Int, variant: GeluVariant) {
    let scale = (2 / Float.pi).squareRoot()
    for i in 0..<N {
        let x = inp[i]
        switch variant {
        case .tanh: out[i] = 0.5 * x * (1 + tanhf(scale * (x + 0.044715 * x * x * x)))
        case .erf: out[i] = 0.5 * x * (1 + erff(x * 0.70710678118654752))   // x/√2
        }
    }
}

// MARK: lanes

/// out = e^inp and tanhOut = tanh(inp) per element (N a multiple of 16) through the kernels' lane
/// code at width V, or, with `portable`, through the portable steps with expLanes' clamp kept
/// inside tanh: what every build computed before floor, 2^n and n·c became single instructions
/// and tanh dropped the clamp its range makes idle. Tests compare the two bit for bit.
@_specialize(where V == SIMD8<Float>)
@_specialize(where V == SIMD16<Float>)
func expAndTanhLanes<V: FloatLanes>(_: V.Type, _ out: FloatPtr, _ tanhOut: FloatPtr, _ inp: FloatPtr, _ N: Int,
                                    portable: Bool) {
    var i = 0
    while i + V.scalarCount <= N {
        let x: V = loadLanes(inp + i)
        if portable {
            storeLanes(out + i, expInRangeLanes(x.clampedLanes(-87.3, 88.3), portable: true))
            let u = (2 * x.clampedLanes(-10, 10)).clampedLanes(-87.3, 88.3)
            storeLanes(tanhOut + i, 1 - 2 / (expInRangeLanes(u, portable: true) + 1))
        } else {
            storeLanes(out + i, expLanes(x))
            storeLanes(tanhOut + i, tanhLanes(x))
        }
        i += V.scalarCount
    }
}

// MARK: attention

/// out (B, T, C) = softmax(Q·Kᵀ/√HS)·V per head; att (B, NH, T, T) the probabilities (masked
/// keys 0); inp = qkv (B, T, 3C) as [Q | K | V]; keyMask (B, T) false hides a key (llm.c's
/// attention_forward, bidirectional unless `causal`).
func attentionForwardReference(_ out: FloatPtr, _ att: FloatPtr, _ inp: FloatPtr,
                               _ B: Int, _ T: Int, _ C: Int, _ NH: Int, causal: Bool,
                               keyMask: UnsafePointer<Bool>? = nil) {
    let C3 = 3 * C, HS = C / NH
    let scale = 1 / Float(HS).squareRoot()
    for b in 0..<B {
        for h in 0..<NH {
            for t in 0..<T {
                let q = inp + (b * T + t) * C3 + h * HS
                let row = att + ((b * NH + h) * T + t) * T
                func visible(_ j: Int) -> Bool { (!causal || j <= t) && (keyMask?[b * T + j] ?? true) }
                // scores and their maximum
                var maxScore = -Float.infinity
                for j in 0..<T where visible(j) {
                    let k = inp + (b * T + j) * C3 + C + h * HS
                    var s: Float = 0
                    for i in 0..<HS { s += q[i] * k[i] }
                    row[j] = s * scale
                    maxScore = max(maxScore, row[j])
                }
                // softmax
                var sum: Float = 0
                for j in 0..<T {
                    row[j] = visible(j) ? expf(row[j] - maxScore) : 0
                    sum += row[j]
                }
                for j in 0..<T { row[j] /= sum }
                // out = Σ_j p_j · v_j
                let o = out + (b * T + t) * C + h * HS
                for i in 0..<HS {
                    var s: Float = 0
                    for j in 0..<T { s += row[j] * inp[(b * T + j) * C3 + 2 * C + h * HS + i] }
                    o[i] = s
                }
            }
        }
    }
}

/// dinp (B, T, 3C) += ∂L/∂[Q | K | V] from dout (B, T, C), with att the forward's probabilities.
func attentionBackwardReference(_ dinp: FloatPtr, _ dout: FloatPtr, _ inp: FloatPtr, _ att: FloatPtr,
                                _ B: Int, _ T: Int, _ C: Int, _ NH: Int) {
    let C3 = 3 * C, HS = C / NH
    let scale = 1 / Float(HS).squareRoot()
    var dp = [Float](repeating: 0, count: T)       // ∂L/∂p of one query row, then ∂L/∂score
    for b in 0..<B {
        for h in 0..<NH {
            for t in 0..<T {
                let p = att + ((b * NH + h) * T + t) * T
                let g = dout + (b * T + t) * C + h * HS
                // out = Σ_j p_j v_j  →  ∂p_j = g · v_j,  ∂v_j += p_j · g
                for j in 0..<T {
                    let v = inp + (b * T + j) * C3 + 2 * C + h * HS
                    let dv = dinp + (b * T + j) * C3 + 2 * C + h * HS
                    var s: Float = 0
                    for i in 0..<HS { s += g[i] * v[i]; dv[i] += p[j] * g[i] }
                    dp[j] = s
                }
                // softmax  →  ∂score_j = p_j · (∂p_j − Σ_k p_k ∂p_k), times the scale
                var w: Float = 0
                for j in 0..<T { w += p[j] * dp[j] }
                for j in 0..<T { dp[j] = p[j] * (dp[j] - w) * scale }
                // score_j = q · k_j  →  ∂q += ∂score_j k_j,  ∂k_j += ∂score_j q
                let q = inp + (b * T + t) * C3 + h * HS
                let dq = dinp + (b * T + t) * C3 + h * HS
                for j in 0..<T {
                    let k = inp + (b * T + j) * C3 + C + h * HS
                    let dk = dinp + (b * T + j) * C3 + C + h * HS
                    for i in 0..<HS { dq[i] += dp[j] * k[i]; dk[i] += dp[j] * q[i] }
                }
            }
        }
    }
}
