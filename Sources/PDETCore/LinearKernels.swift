// Matrix multiply, the kernel that dominates every step: a linear layer y = x·Wᵀ + b with W stored
// (out, in) like PyTorch's nn.Linear. Forward and backward as free functions, outputs first, then
// inputs, then sizes (llm.c's matmul_forward / matmul_backward). Backward accumulates with `+=`.
//
// Speed: rows are split across the machine's cores with `parallelFor` (fixed partitions, so the
// result is bit-identical run to run); the inner loops are explicit SIMD8 so that release builds
// do not depend on the auto-vectoriser (which will not reorder a Float reduction by itself).

public typealias FloatPtr = UnsafeMutablePointer<Float>

@inline(__always)
func load8(_ p: FloatPtr) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ p: FloatPtr, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Σ a[i]·b[i] for i in 0..<n.
@inline(__always)
func dot(_ a: FloatPtr, _ b: FloatPtr, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= n {
        acc0 += load8(a + i) * load8(b + i)
        acc1 += load8(a + i + 8) * load8(b + i + 8)
        i += 16
    }
    while i + 8 <= n {
        acc0 += load8(a + i) * load8(b + i)
        i += 8
    }
    var s = (acc0 + acc1).sum()
    while i < n {
        s += a[i] * b[i]
        i += 1
    }
    return s
}

/// y[i] += a·x[i] for i in 0..<n.
@inline(__always)
func axpy(_ y: FloatPtr, _ a: Float, _ x: FloatPtr, _ n: Int) {
    let av = SIMD8<Float>(repeating: a)
    var i = 0
    while i + 8 <= n {
        store8(y + i, load8(y + i) + av * load8(x + i))
        i += 8
    }
    while i < n {
        y[i] += a * x[i]
        i += 1
    }
}

/// out (N, OC) = inp (N, IC) · w (OC, IC)ᵀ + bias (OC)
public func matmulForward(_ out: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr, _ bias: FloatPtr?,
                          _ N: Int, _ IC: Int, _ OC: Int) {
    parallelFor(N, minChunk: 16) { lo, hi in
        var n = lo
        // Four rows at a time share each loaded weight row: 4x fewer weight loads.
        while n + 4 <= hi {
            let x0 = inp + n * IC, x1 = x0 + IC, x2 = x1 + IC, x3 = x2 + IC
            for o in 0..<OC {
                let wr = w + o * IC
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                var i = 0
                while i + 8 <= IC {
                    let wv = load8(wr + i)
                    a0 += load8(x0 + i) * wv
                    a1 += load8(x1 + i) * wv
                    a2 += load8(x2 + i) * wv
                    a3 += load8(x3 + i) * wv
                    i += 8
                }
                var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
                while i < IC {
                    s0 += x0[i] * wr[i]; s1 += x1[i] * wr[i]; s2 += x2[i] * wr[i]; s3 += x3[i] * wr[i]
                    i += 1
                }
                let b = bias?[o] ?? 0
                out[n * OC + o] = s0 + b
                out[(n + 1) * OC + o] = s1 + b
                out[(n + 2) * OC + o] = s2 + b
                out[(n + 3) * OC + o] = s3 + b
            }
            n += 4
        }
        while n < hi {
            let x = inp + n * IC
            for o in 0..<OC {
                out[n * OC + o] = dot(x, w + o * IC, IC) + (bias?[o] ?? 0)
            }
            n += 1
        }
    }
}

/// dinp (N, IC) += dout (N, OC) · w (OC, IC)
/// dw (OC, IC)  += dout (N, OC)ᵀ · inp (N, IC)
/// dbias (OC)   += Σ_n dout[n, :]
public func matmulBackward(_ dinp: FloatPtr?, _ dw: FloatPtr, _ dbias: FloatPtr?,
                           _ dout: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr,
                           _ N: Int, _ IC: Int, _ OC: Int) {
    if let dinp {
        parallelFor(N, minChunk: 16) { lo, hi in
            for n in lo..<hi {
                let dx = dinp + n * IC
                let g = dout + n * OC
                for o in 0..<OC where g[o] != 0 {
                    axpy(dx, g[o], w + o * IC, IC)
                }
            }
        }
    }
    // Each output row o of dw is owned by one worker: no races, fixed summation order over n.
    parallelFor(OC, minChunk: 4) { lo, hi in
        for o in lo..<hi {
            let dwr = dw + o * IC
            var db: Float = 0
            var n = 0
            while n + 4 <= N {
                let g0 = dout[n * OC + o], g1 = dout[(n + 1) * OC + o]
                let g2 = dout[(n + 2) * OC + o], g3 = dout[(n + 3) * OC + o]
                db += (g0 + g1) + (g2 + g3)
                let x0 = inp + n * IC, x1 = x0 + IC, x2 = x1 + IC, x3 = x2 + IC
                let v0 = SIMD8<Float>(repeating: g0), v1 = SIMD8<Float>(repeating: g1)
                let v2 = SIMD8<Float>(repeating: g2), v3 = SIMD8<Float>(repeating: g3)
                var i = 0
                while i + 8 <= IC {
                    store8(dwr + i, load8(dwr + i) + v0 * load8(x0 + i) + v1 * load8(x1 + i)
                        + v2 * load8(x2 + i) + v3 * load8(x3 + i))
                    i += 8
                }
                while i < IC {
                    dwr[i] += g0 * x0[i] + g1 * x1[i] + g2 * x2[i] + g3 * x3[i]
                    i += 1
                }
                n += 4
            }
            while n < N {
                let g = dout[n * OC + o]
                db += g
                axpy(dwr, g, inp + n * IC, IC)
                n += 1
            }
            if let dbias { dbias[o] += db }
        }
    }
}
