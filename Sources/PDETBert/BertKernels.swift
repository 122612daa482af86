// The layer kernels of the BERT forward pass, as free functions on raw buffers (llm.c style:
// outputs first, then inputs, then sizes). Rows are tokens: x is (T, C) row-major.
//
// Speed matters (the target is HF transformers' time on 2 cores), so the matmul is written for
// the shape BERT inference has: few tokens, weights in PyTorch's (out, in) layout. Each output
// channel is a contiguous dot product over `in`, done for 4 tokens at once with SIMD8
// accumulators (the weight row is read once per 4 tokens), and the output channels are split
// across the 2 cores.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Runs `body(range)` over `0..<count` split into `threads` ranges, in parallel when the work is
/// worth a thread hand-off (about 20 µs); `work` is the rough number of multiply-adds.
@inline(__always)
func parallelRanges(_ count: Int, work: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let chunks = work >= 200_000 && count >= 16 * threads ? max(threads, 1) : 1
    if chunks == 1 { body(0..<count); return }
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        body((count * c / chunks)..<(count * (c + 1) / chunks))
    }
}

/// out[t, o] = bias[o] + Σ_k x[t, k] · w[o, k]
///   out (T, OUT), x (T, IN), w (OUT, IN), bias (OUT)
func linearForward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                   _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                   _ T: Int, _ IN: Int, _ OUT: Int, threads: Int = 2) {
    // Sendable-free hand-off of the pointers into the parallel closure.
    let outAddress = Int(bitPattern: out), xAddress = Int(bitPattern: x), wAddress = Int(bitPattern: w)
    let biasAddress = Int(bitPattern: bias)
    parallelRanges(OUT, work: T * IN * OUT, threads: threads) { range in
        let out = UnsafeMutablePointer<Float>(bitPattern: outAddress)!
        let x = UnsafePointer<Float>(bitPattern: xAddress)!
        let w = UnsafePointer<Float>(bitPattern: wAddress)!
        let bias = UnsafePointer<Float>(bitPattern: biasAddress)!
        linearRange(out, x, w, bias, T, IN, OUT, range)
    }
}

// The register block's vector: on AVX2 + FMA hosts (Package.swift sets PDET_FMA and compiles for
// Haswell) 8 lanes with fused multiply-add in 16 YMM registers; on baseline x86-64 4 lanes with a
// separate multiply and add in 16 XMM registers (llvm.fma without FMA hardware is a libm call).
#if PDET_FMA
typealias KernelVector = SIMD8<Float>
@inline(__always)
private func madd(_ acc: inout KernelVector, _ a: KernelVector, _ b: KernelVector) { acc.addProduct(a, b) }
#else
typealias KernelVector = SIMD4<Float>
@inline(__always)
private func madd(_ acc: inout KernelVector, _ a: KernelVector, _ b: KernelVector) { acc += a * b }
#endif

@inline(__always)
private func loadV(_ p: UnsafePointer<Float>) -> KernelVector {
    UnsafeRawPointer(p).loadUnaligned(as: KernelVector.self)
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// The output channels `range` of `linearForward`. Output pairs are the outer loop, so each
/// weight row is read from memory once (MiniLM's 42 MB of weights do not stay in cache) and
/// reused from L1 for every token block.
private func linearRange(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                         _ w: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                         _ T: Int, _ IN: Int, _ OUT: Int, _ range: Range<Int>) {
    var o = range.lowerBound
    while o + 2 <= range.upperBound {
        var t = 0
        while t + 4 <= T {
            linearBlock2x4(out + t * OUT + o, x + t * IN, w + o * IN, bias + o, IN, OUT)
            t += 4
        }
        while t < T {
            for oo in o..<(o + 2) { out[t * OUT + oo] = bias[oo] + dot(w + oo * IN, x + t * IN, IN) }
            t += 1
        }
        o += 2
    }
    if o < range.upperBound {
        for t in 0..<T { out[t * OUT + o] = bias[o] + dot(w + o * IN, x + t * IN, IN) }
    }
}

/// 2 output channels × 4 tokens: 8 vector accumulators, 2 weight and 4 input loads per 8
/// products, which fits 16 vector registers without spilling (a SIMD8 block of this size spills
/// on every iteration on baseline x86-64, hence `KernelVector`).
///   out (4 rows of stride OUT, 2 columns), x (4, IN), w (2, IN), bias (2)
@inline(__always)
private func linearBlock2x4(_ out: UnsafeMutablePointer<Float>, _ x0: UnsafePointer<Float>,
                            _ wa: UnsafePointer<Float>, _ bias: UnsafePointer<Float>, _ IN: Int, _ OUT: Int) {
    let x1 = x0 + IN, x2 = x1 + IN, x3 = x2 + IN, wb = wa + IN
    var a0 = KernelVector(), a1 = KernelVector(), a2 = KernelVector(), a3 = KernelVector()
    var b0 = KernelVector(), b1 = KernelVector(), b2 = KernelVector(), b3 = KernelVector()
    let width = KernelVector.scalarCount
    let KV = IN - IN % width
    var k = 0
    while k < KV {
        let va = loadV(wa + k), vb = loadV(wb + k)
        let v0 = loadV(x0 + k)
        madd(&a0, va, v0); madd(&b0, vb, v0)
        let v1 = loadV(x1 + k)
        madd(&a1, va, v1); madd(&b1, vb, v1)
        let v2 = loadV(x2 + k)
        madd(&a2, va, v2); madd(&b2, vb, v2)
        let v3 = loadV(x3 + k)
        madd(&a3, va, v3); madd(&b3, vb, v3)
        k += width
    }
    var s = (a0.sum(), a1.sum(), a2.sum(), a3.sum())
    var r = (b0.sum(), b1.sum(), b2.sum(), b3.sum())
    while k < IN {
        s.0 += wa[k] * x0[k]; s.1 += wa[k] * x1[k]; s.2 += wa[k] * x2[k]; s.3 += wa[k] * x3[k]
        r.0 += wb[k] * x0[k]; r.1 += wb[k] * x1[k]; r.2 += wb[k] * x2[k]; r.3 += wb[k] * x3[k]
        k += 1
    }
    out[0] = bias[0] + s.0; out[OUT] = bias[0] + s.1; out[2 * OUT] = bias[0] + s.2; out[3 * OUT] = bias[0] + s.3
    out[1] = bias[1] + r.0; out[OUT + 1] = bias[1] + r.1; out[2 * OUT + 1] = bias[1] + r.2; out[3 * OUT + 1] = bias[1] + r.3
}

/// Σ_k a[k] · b[k]
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var k = 0
    while k + 16 <= n {
        acc0 += load8(a + k) * load8(b + k)
        acc1 += load8(a + k + 8) * load8(b + k + 8)
        k += 16
    }
    if k + 8 <= n { acc0 += load8(a + k) * load8(b + k); k += 8 }
    var s = (acc0 + acc1).sum()
    while k < n { s += a[k] * b[k]; k += 1 }
    return s
}

/// out[t] = (x[t] − mean) / sqrt(var + eps) · gain + bias, per row of C (biased variance, as torch).
/// `out` may equal `x`.
func layerNormForward(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                      _ gain: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                      _ T: Int, _ C: Int, eps: Float) {
    for t in 0..<T {
        let row = x + t * C, dst = out + t * C
        var sum: Float = 0
        for c in 0..<C { sum += row[c] }
        let mean = sum / Float(C)
        var sq: Float = 0
        for c in 0..<C { let d = row[c] - mean; sq += d * d }
        let rstd = 1 / (sq / Float(C) + eps).squareRoot()
        for c in 0..<C { dst[c] = (row[c] - mean) * rstd * gain[c] + bias[c] }
    }
}

/// x ← 0.5 · x · (1 + erf(x / √2)), the exact GELU of BERT ("gelu" in config.json).
func geluInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
    let invSqrt2: Float = 0.70710678118654752
    for i in 0..<n {
        let v = x[i]
        x[i] = 0.5 * v * (1 + erff(v * invSqrt2))
    }
}

/// a[i] += b[i]
func addInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) {
    for i in 0..<n { a[i] += b[i] }
}

/// Multi-head self-attention on stacked projections.
///   ctx (T, C) out; probs (NH, T, T) out, softmax rows [query][key];
///   qkv (T, 3C) rows [q | k | v], head h at columns h·HS ..< (h+1)·HS of each part;
///   keyBias (T) added to every score row (0 for real tokens, a large negative for padding).
func attentionForward(_ ctx: UnsafeMutablePointer<Float>, _ probs: UnsafeMutablePointer<Float>,
                      _ qkv: UnsafePointer<Float>, _ keyBias: UnsafePointer<Float>,
                      _ T: Int, _ C: Int, _ NH: Int) {
    let HS = C / NH
    let scale = 1 / Float(HS).squareRoot()
    let C3 = 3 * C
    for h in 0..<NH {
        let p = probs + h * T * T
        for i in 0..<T {
            let q = qkv + i * C3 + h * HS
            let row = p + i * T
            var maxScore = -Float.infinity
            for j in 0..<T {
                let s = dot(q, qkv + j * C3 + C + h * HS, HS) * scale + keyBias[j]
                row[j] = s
                maxScore = max(maxScore, s)
            }
            var sum: Float = 0
            for j in 0..<T { let e = expf(row[j] - maxScore); row[j] = e; sum += e }
            let inv = 1 / sum
            for j in 0..<T { row[j] *= inv }
            // ctx[i, head h] = Σ_j p[i, j] · v[j, head h]
            let out = ctx + i * C + h * HS
            for d in 0..<HS { out[d] = 0 }
            for j in 0..<T {
                let pj = row[j]
                let v = qkv + j * C3 + 2 * C + h * HS
                for d in 0..<HS { out[d] += pj * v[d] }
            }
        }
    }
}
