// Element-wise and per-token layers: LayerNorm, GELU (tanh approximation or exact erf), residual add, embedding.
// Each a forward/backward pair of free functions (outputs first, then inputs, then sizes), as in
// llm.c. Forward saves what backward needs (LayerNorm's mean and 1/std); backward adds with `+=`.
#if canImport(Glibc)
import Glibc
#endif
import CLanes

// MARK: LayerNorm

/// out (N, C) = (inp − mean) · rstd · weight + bias, per row; mean (N), rstd (N) saved for backward.
/// Rows go eight at a time (one per lane) for the sums; each row's arithmetic is the scalar one.
/// `out` may be `inp` (each row is read in full before it is written).
package func layernormForward(_ out: FloatPtr, _ mean: FloatPtr, _ rstd: FloatPtr,
                              _ inp: FloatPtr, _ weight: FloatPtr, _ bias: FloatPtr, _ N: Int, _ C: Int, eps: Float = 1e-5) {
    // Rows are independent: split across cores in whole groups of 8.
    let groups = N / 8
    parallelFor(groups, minChunk: max(1, inlineElements / (8 * max(1, C)))) { g0, g1 in
        let lo = g0 * 8, hi = g1 == groups ? N : g1 * 8
        layernormForwardRows(out + lo * C, mean + lo, rstd + lo, inp + lo * C, weight, bias, hi - lo, C, eps: eps)
    }
    if groups == 0 { layernormForwardRows(out, mean, rstd, inp, weight, bias, N, C, eps: eps) }
}

/// layernormForward on the calling thread.
func layernormForwardRows(_ out: FloatPtr, _ mean: FloatPtr, _ rstd: FloatPtr,
                          _ inp: FloatPtr, _ weight: FloatPtr, _ bias: FloatPtr, _ N: Int, _ C: Int, eps: Float) {
    var n0 = 0
    while n0 < N {
        let rows = min(8, N - n0)
        let x = inp + n0 * C
        var m = SIMD8<Float>()
        forEachColumn(x, nil, stride: C, rows: rows, count: C) { _, xi, _ in m += xi }
        m /= SIMD8(repeating: Float(C))
        var v = SIMD8<Float>()
        forEachColumn(x, nil, stride: C, rows: rows, count: C) { _, xi, _ in let d = xi - m; v += d * d }
        v /= SIMD8(repeating: Float(C))
        let s = 1 / (v + SIMD8(repeating: eps)).squareRoot()
        for r in 0..<rows {
            let xr = x + r * C, o = out + (n0 + r) * C
            let mr = m[r], sr = s[r]
            for i in 0..<C { o[i] = (xr[i] - mr) * sr * weight[i] + bias[i] }
            mean[n0 + r] = mr
            rstd[n0 + r] = sr
        }
        n0 += rows
    }
}

/// dinp (N, C) += ∂L/∂inp; dweight (C), dbias (C) += their gradients (summed over rows in row
/// order). The input gradient's rows are independent and split across cores (their two per-row
/// sums eight rows at a time, one per lane: same bits); the weight and bias gradients then add
/// the rows in order on one thread, in vectors across the C columns.
func layernormBackward(_ dinp: FloatPtr, _ dweight: FloatPtr, _ dbias: FloatPtr,
                       _ dout: FloatPtr, _ inp: FloatPtr, _ weight: FloatPtr,
                       _ mean: FloatPtr, _ rstd: FloatPtr, _ N: Int, _ C: Int) {
    let groups = N / 8
    parallelFor(groups, minChunk: max(1, inlineElements / (8 * max(1, C)))) { g0, g1 in
        let lo = g0 * 8, hi = g1 == groups ? N : g1 * 8
        layernormBackwardInput(dinp + lo * C, dout + lo * C, inp + lo * C, weight, mean + lo, rstd + lo, hi - lo, C)
    }
    if groups == 0 { layernormBackwardInput(dinp, dout, inp, weight, mean, rstd, N, C) }
    for n in 0..<N {
        let x = inp + n * C, g = dout + n * C
        let m = mean[n], s = rstd[n]
        var i = 0
        let mv = SIMD8<Float>(repeating: m), sv = SIMD8<Float>(repeating: s)
        while i + 8 <= C {
            let gv = load8(g + i)
            let norm = (load8(x + i) - mv) * sv
            store8(dbias + i, load8(dbias + i) + gv)
            store8(dweight + i, load8(dweight + i) + norm * gv)
            i += 8
        }
        while i < C {
            let norm = (x[i] - m) * s
            dbias[i] += g[i]
            dweight[i] += norm * g[i]
            i += 1
        }
    }
}

/// The input-gradient part of layernormBackward for rows 0..<N, on the calling thread, eight rows
/// at a time (one per lane) for the two per-row sums.
func layernormBackwardInput(_ dinp: FloatPtr, _ dout: FloatPtr, _ inp: FloatPtr, _ weight: FloatPtr,
                            _ mean: FloatPtr, _ rstd: FloatPtr, _ N: Int, _ C: Int) {
    var n0 = 0
    while n0 < N {
        let rows = min(8, N - n0)
        let x = inp + n0 * C, g = dout + n0 * C
        let one = RowLanes(stride: 1, rows: rows)
        let m = one.load(mean + n0, 0), s = one.load(rstd + n0, 0)
        var dnormMean = SIMD8<Float>(), dnormNormMean = SIMD8<Float>()
        forEachColumn(x, g, stride: C, rows: rows, count: C) { i, xi, gi in
            let norm = (xi - m) * s
            let dnorm = SIMD8(repeating: weight[i]) * gi
            dnormMean += dnorm
            dnormNormMean += dnorm * norm
        }
        dnormMean /= SIMD8(repeating: Float(C))
        dnormNormMean /= SIMD8(repeating: Float(C))
        for r in 0..<rows {
            // One row's input gradient: dx += (dnorm − mean(dnorm) − norm · mean(dnorm · norm)) · rstd.
            let dx = dinp + (n0 + r) * C, gr = g + r * C, xr = x + r * C
            let mr = m[r], sr = s[r], dm = dnormMean[r], dnm = dnormNormMean[r]
            for i in 0..<C {
                let norm = (xr[i] - mr) * sr
                let dnorm = weight[i] * gr[i]
                dx[i] += (dnorm - dm - norm * dnm) * sr
            }
        }
        n0 += rows
    }
}

// MARK: GELU

/// Which GELU: the GPT-2 tanh approximation the toy model trains with, or the exact
/// 0.5·x·(1 + erf(x/√2)) of BERT ("gelu" in a Hugging Face config.json).
package enum GeluVariant: Sendable {
    case tanh
    case erf
}

/// √(2/π) in Float: (2 / Float.pi).squareRoot() rounds to this literal (bit pattern 0x3F4C422A,
/// checked by a test). A literal, not that expression: a computed global is initialised lazily,
/// and its swift_once check sat inside GELU's loop (a call and a vzeroupper per 16 elements).
let geluScale: Float = 0.7978846
private let invSqrt2: Float = 0.70710678118654752

/// The lane-wise selects the vector kernels need, written per concrete vector type. Generic code
/// over `SIMD` reaches the stdlib's protocol-extension comparisons and a loop over
/// `V.scalarCount` that stays a per-lane loop with branches even after specialization (tanh ran
/// about 4× slower and GELU was a third of a training step); over a concrete SIMD8/SIMD16 the same
/// loops unroll into vector selects. Every lane runs the same operations at either width, so an
/// element's bits do not depend on the vector it went through.
protocol FloatLanes: SIMD where Scalar == Float {
    /// Each lane clamped to lo…hi with the stdlib's `clamped` semantics (NaN maps to lo).
    func clampedLanes(_ lo: Float, _ hi: Float) -> Self
    /// floor per lane, exact for |self| < 2^22 (expLanes' range). Vector builds: one rounding
    /// instruction (CLanes); portable: round to nearest with the 1.5·2^23 magic number, then
    /// step down where that rounded up. The same floats either way.
    func floorLanes() -> Self
    /// self − n·c, for n·c exact in every lane (expLanes: n an integer below 2^8, c with 9
    /// significant bits): a fused negative multiply-add where the build has FMA, else a multiply and
    /// a subtraction. One rounding of the same exact difference either way.
    func minusExactProduct(_ n: Self, _ c: Float) -> Self
    /// self·2^n per lane for integral n in −126…127. AVX-512: vscalefps; elsewhere the float 2^n
    /// (n + 127 shifted into the exponent field) and a multiply. Both round the exact product once.
    func timesPowerOfTwo(_ n: Self) -> Self
    /// self − 1 where self > y, else self (the step of floorByMagicNumber). Per concrete type: written
    /// generically, this select compiled to a branchy loop over the lanes in the portable build.
    func stepDown(where y: Self) -> Self
}

extension FloatLanes {
    @_transparent
    func floorByMagicNumber() -> Self {
        let magic = Self(repeating: 12_582_912)
        let t = (self + magic) - magic                       // round to nearest, exactly, for |self| < 2^22
        return t.stepDown(where: self)
    }

    @_transparent
    func timesPowerOfTwoByShift(_ n: Self) -> Self {
        // n + 127 + 1.5·2^23 is exact and holds n + 127 (1…254) in its low mantissa bits;
        // shifting them into the exponent field drops the rest.
        let bits = unsafeBitCast(n + 12_583_039, to: MaskStorage.self) &<< 23
        return self * unsafeBitCast(bits, to: Self.self)
    }
}

extension SIMD8: FloatLanes where Scalar == Float {
    @_transparent
    func clampedLanes(_ lo: Float, _ hi: Float) -> Self {
        // Whole-vector selects: a loop over the lanes stayed a branchy per-lane loop where this
        // was inlined into the softmax (a third of its time).
        let l = Self(repeating: lo), h = Self(repeating: hi)
        let m = l.replacing(with: self, where: self .> l)   // v > lo ? v : lo (NaN → lo)
        return h.replacing(with: m, where: m .< h)          // m < hi ? m : hi
    }

    @_transparent
    func stepDown(where y: Self) -> Self { self - Self(repeating: 1).replacing(with: 0, where: self .<= y) }

    @_transparent
    func floorLanes() -> Self {
        #if PDET_FMA
        pdet_floor8(self)
        #else
        floorByMagicNumber()
        #endif
    }

    @_transparent
    func minusExactProduct(_ n: Self, _ c: Float) -> Self {
        #if PDET_FMA
        pdet_fnmadd8(n, Self(repeating: c), self)
        #else
        self - n * c
        #endif
    }

    @_transparent
    func timesPowerOfTwo(_ n: Self) -> Self {
        #if PDET_AVX512
        pdet_scale8(self, n)
        #else
        timesPowerOfTwoByShift(n)
        #endif
    }
}

extension SIMD16: FloatLanes where Scalar == Float {
    @_transparent
    func clampedLanes(_ lo: Float, _ hi: Float) -> Self {
        let l = Self(repeating: lo), h = Self(repeating: hi)
        let m = l.replacing(with: self, where: self .> l)   // v > lo ? v : lo (NaN → lo)
        return h.replacing(with: m, where: m .< h)          // m < hi ? m : hi
    }

    @_transparent
    func stepDown(where y: Self) -> Self { self - Self(repeating: 1).replacing(with: 0, where: self .<= y) }

    @_transparent
    func floorLanes() -> Self {
        #if PDET_AVX512
        pdet_floor16(self)
        #else
        floorByMagicNumber()
        #endif
    }

    @_transparent
    func minusExactProduct(_ n: Self, _ c: Float) -> Self {
        #if PDET_AVX512
        pdet_fnmadd16(n, Self(repeating: c), self)
        #else
        self - n * c
        #endif
    }

    @_transparent
    func timesPowerOfTwo(_ n: Self) -> Self {
        #if PDET_AVX512
        pdet_scale16(self, n)
        #else
        timesPowerOfTwoByShift(n)
        #endif
    }
}

/// e^x per lane (Cephes expf: range reduction by ln 2, degree-5 polynomial; ≤ 2 ulp on
/// [−87, 88]). GELU's tanh dominated the profile as a scalar libm call per element.
@_transparent   // inlined before specialization: @inline(__always) left the generic calls out of line
func expLanes<V: FloatLanes>(_ x: V) -> V {
    expInRangeLanes(x.clampedLanes(-87.3, 88.3))
}

/// expLanes for x already in [−87.3, 88.3] (so never NaN): the same floats, without the clamp.
/// `portable` (tests only; kernels pass nothing and the branches fold away) takes the portable
/// steps on every build: the sequence every build ran before floor, 2^n and n·c became single
/// instructions where the CPU has them.
@_transparent
func expInRangeLanes<V: FloatLanes>(_ x: V, portable: Bool = false) -> V {
    let y = x * 1.442_695_04 + 0.5
    let n = portable ? y.floorByMagicNumber() : y.floorLanes()                  // −126…127
    var r = portable ? x - n * 0.693_359_375 : x.minusExactProduct(n, 0.693_359_375)   // n·(355/512): exact
    r = r + n * 2.121_944_4e-4
    var p = V(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_6e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    p = p * r * r + r + 1
    return portable ? p.timesPowerOfTwoByShift(n) : p.timesPowerOfTwo(n)
}

/// tanh per lane: 1 − 2/(e^{2u} + 1), exact at the saturated ends, absolute error ~1e-7.
@_transparent   // inlined before specialization: @inline(__always) left the generic calls out of line
func tanhLanes<V: FloatLanes>(_ u: V) -> V {
    // 2·u clamped to ±10 lies in [−20, 20] and is never NaN: expLanes' own clamp would change nothing.
    let e = expInRangeLanes(2 * u.clampedLanes(-10, 10))
    return 1 - 2 / (e + 1)
}

/// tanhLanes on eight lanes, for tests and tools outside the module.
@inline(__always)
public func tanhApprox(_ u: SIMD8<Float>) -> SIMD8<Float> { tanhLanes(u) }

/// Elementwise GELU over N values split across cores in whole groups of 8, so that every element
/// takes the same vector or scalar path as in one serial pass (same bits). ~32 flops per value.
@inline(__always)
func parallelGroupsOf8(_ N: Int, _ body: @escaping (Int, Int) -> Void) {
    let groups = N / 8
    parallelFor(groups, minChunk: minChunk(workPerItem: 8 * 32)) { lo, hi in body(lo * 8, hi * 8) }
    if groups * 8 < N { body(groups * 8, N) }
}

/// out (N) = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), or 0.5·x·(1 + erf(x/√2)) for `.erf`.
/// `out` may be `inp`.
/// With `tanhOut` (N, tanh form only) the tanh of every element is kept there for geluBackward.
package func geluForward(_ out: FloatPtr, _ inp: FloatPtr, _ N: Int, variant: GeluVariant = .tanh,
                         tanhOut: FloatPtr? = nil) {
    parallelGroupsOf8(N) { lo, hi in
        geluForwardSerial(out + lo, inp + lo, hi - lo, variant: variant, tanhOut: tanhOut.map { $0 + lo })
    }
}

/// dinp (N) += gelu'(inp) · dout, or dinp = +0 + gelu'(inp) · dout when `accumulate` is false
/// (what zero-filling dinp and adding gave, without the fill).
/// `tanh` (N), when given, holds what geluForward kept in `tanhOut` for this `inp`: the same values
/// the backward would compute again (same partition, same path per element), read instead.
func geluBackward(_ dinp: FloatPtr, _ inp: FloatPtr, _ dout: FloatPtr, _ N: Int, accumulate: Bool = true,
                  variant: GeluVariant = .tanh, tanh: FloatPtr? = nil) {
    parallelGroupsOf8(N) { lo, hi in
        geluBackwardSerial(dinp + lo, inp + lo, dout + lo, hi - lo, accumulate: accumulate, variant: variant,
                           tanh: tanh.map { $0 + lo })
    }
}

/// The tanh inside GELU per lane: tanh(√(2/π)·(x + 0.044715·x³)).
@_transparent   // inlined before specialization: @inline(__always) left the generic calls out of line
func geluTanhLanes<V: FloatLanes>(_ x: V) -> V {
    tanhLanes(geluScale * (x + 0.044715 * x * x * x))
}

/// GELU (tanh approximation) per lane from its tanh t = geluTanhLanes(x).
@_transparent
func geluLanes<V: FloatLanes>(_ x: V, tanh t: V) -> V {
    0.5 * x * (1 + t)
}

/// The derivative of GELU per lane, given t = geluTanhLanes(x).
@_transparent
func geluDerivativeLanes<V: FloatLanes>(_ x: V, tanh t: V) -> V {
    let du = geluScale * (1 + 3 * 0.044715 * x * x)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du
}

/// geluForward on the calling thread. The tanh form runs in vectors (sixteen lanes on AVX-512, then
/// eight: the same operations per lane), the rest one by one with libm's tanhf; the erf form one by
/// one with libm's erff. With `tanhOut` each element's tanh is kept there as well.
func geluForwardSerial(_ out: FloatPtr, _ inp: FloatPtr, _ N: Int, variant: GeluVariant = .tanh,
                       tanhOut: FloatPtr? = nil) {
    if variant == .erf {
        for i in 0..<N { let x = inp[i]; out[i] = 0.5 * x * (1 + erff(x * invSqrt2)) }
        return
    }
    // One loop body; called with a literal nil so that the store test is compiled out (a test in
    // the loop cost ~1 % of a forward pass).
    // Two vectors per iteration first: each vector's GELU is one chain of ~45 dependent operations,
    // and two independent chains side by side keep the FP units busier than the out-of-order
    // window manages with one (GELU forward 0.88 → 0.62 ms per 512k values on this Zen 4).
    @inline(__always) func loops(_ keep: FloatPtr?) {
        var i = 0
        #if PDET_AVX512
        while i + 32 <= N {
            let x0: SIMD16<Float> = loadLanes(inp + i), x1: SIMD16<Float> = loadLanes(inp + i + 16)
            let t0 = geluTanhLanes(x0), t1 = geluTanhLanes(x1)
            if let keep { storeLanes(keep + i, t0); storeLanes(keep + i + 16, t1) }
            storeLanes(out + i, geluLanes(x0, tanh: t0))
            storeLanes(out + i + 16, geluLanes(x1, tanh: t1))
            i += 32
        }
        while i + 16 <= N {
            let x: SIMD16<Float> = loadLanes(inp + i), t = geluTanhLanes(x)
            if let keep { storeLanes(keep + i, t) }
            storeLanes(out + i, geluLanes(x, tanh: t))
            i += 16
        }
        #else
        while i + 16 <= N {
            let x0 = load8(inp + i), x1 = load8(inp + i + 8)
            let t0 = geluTanhLanes(x0), t1 = geluTanhLanes(x1)
            if let keep { store8(keep + i, t0); store8(keep + i + 8, t1) }
            store8(out + i, geluLanes(x0, tanh: t0))
            store8(out + i + 8, geluLanes(x1, tanh: t1))
            i += 16
        }
        #endif
        while i + 8 <= N {
            let x = load8(inp + i), t = geluTanhLanes(x)
            if let keep { store8(keep + i, t) }
            store8(out + i, geluLanes(x, tanh: t))
            i += 8
        }
        while i < N {
            let x = inp[i]
            let t = tanhf(geluScale * (x + 0.044715 * x * x * x))
            keep?[i] = t
            out[i] = 0.5 * x * (1 + t)
            i += 1
        }
    }
    if let tanhOut { loops(tanhOut) } else { loops(nil) }
}

/// geluBackward on the calling thread (vectors and scalars as in geluForwardSerial). With `tanh`
/// (what geluForwardSerial kept for this `inp`) each element's tanh is read instead of recomputed.
func geluBackwardSerial(_ dinp: FloatPtr, _ inp: FloatPtr, _ dout: FloatPtr, _ N: Int, accumulate: Bool = true,
                        variant: GeluVariant = .tanh, tanh: FloatPtr? = nil) {
    if variant == .erf {
        // d/dx 0.5·x·(1 + erf(x/√2)) = Φ(x) + x·φ(x)
        let invSqrt2Pi: Float = 0.39894228040143268
        for i in 0..<N {
            let x = inp[i]
            let d = 0.5 * (1 + erff(x * invSqrt2)) + x * invSqrt2Pi * expf(-0.5 * x * x)
            dinp[i] = (accumulate ? dinp[i] : 0) + d * dout[i]
        }
        return
    }
    // One loop body; called with a literal nil so that the load test is compiled out (geluForwardSerial).
    @inline(__always) func loops(_ kept: FloatPtr?) {
        var i = 0
        #if PDET_AVX512
        while i + 16 <= N {
            let x: SIMD16<Float> = loadLanes(inp + i)
            let t: SIMD16<Float> = kept.map { loadLanes($0 + i) } ?? geluTanhLanes(x)
            let prev: SIMD16<Float> = accumulate ? loadLanes(dinp + i) : SIMD16<Float>()
            storeLanes(dinp + i, prev + geluDerivativeLanes(x, tanh: t) * loadLanes(dout + i))
            i += 16
        }
        #endif
        while i + 8 <= N {
            let x = load8(inp + i)
            let t = kept.map { load8($0 + i) } ?? geluTanhLanes(x)
            store8(dinp + i, (accumulate ? load8(dinp + i) : SIMD8<Float>()) + geluDerivativeLanes(x, tanh: t) * load8(dout + i))
            i += 8
        }
        while i < N {
            let x = inp[i]
            let t = kept?[i] ?? tanhf(geluScale * (x + 0.044715 * x * x * x))
            let du = geluScale * (1 + 3 * 0.044715 * x * x)
            dinp[i] = (accumulate ? dinp[i] : 0) + (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du) * dout[i]
            i += 1
        }
    }
    if let tanh { loops(tanh) } else { loops(nil) }
}

// MARK: residual and copies

/// out (N) = a + b, or out = b when `a` is nil (residual off).
package func residualForward(_ out: FloatPtr, _ a: FloatPtr?, _ b: FloatPtr, _ N: Int) {
    parallelElements(N) { lo, hi in
        if let a {
            for i in lo..<hi { out[i] = a[i] + b[i] }
        } else {
            (out + lo).update(from: b + lo, count: hi - lo)
        }
    }
}

/// da (N) += dout (when present), db (N) += dout.
func residualBackward(_ da: FloatPtr?, _ db: FloatPtr, _ dout: FloatPtr, _ N: Int) {
    parallelElements(N) { lo, hi in
        if let da { for i in lo..<hi { da[i] += dout[i] } }
        for i in lo..<hi { db[i] += dout[i] }
    }
}

/// dst (N) = src, split across cores for large N.
func copyElements(_ dst: FloatPtr, _ src: FloatPtr, _ N: Int) {
    parallelElements(N) { lo, hi in (dst + lo).update(from: src + lo, count: hi - lo) }
}

/// y (N) += x (as axpy with a = 1: y + 1·x), split across cores for large N.
func addElements(_ y: FloatPtr, _ x: FloatPtr, _ N: Int) {
    parallelElements(N) { lo, hi in axpy(y + lo, 1, x + lo, hi - lo) }
}

/// Sets every element of (N) to zero.
func zero(_ p: FloatPtr, _ N: Int) {
    p.update(repeating: 0, count: N)
}

// MARK: embedding

/// The fixed sinusoidal table (T, C): pe[p, 2i] = sin(p / 10000^(2i/C)), pe[p, 2i+1] = cos(same).
public func sinusoidalPositions(T: Int, C: Int) -> [Float] {
    var pe = [Float](repeating: 0, count: T * C)
    for p in 0..<T {
        var i = 0
        while i < C {
            let angle = Double(p) / pow(10000.0, Double(i) / Double(C))
            pe[p * C + i] = Float(sin(angle))
            if i + 1 < C { pe[p * C + i + 1] = Float(cos(angle)) }
            i += 2
        }
    }
    return pe
}

/// out (B, T, C) = wte[tokens[b, t]] + pos[t] (pos (T, C) is nil when there is no positional encoding).
/// Token ids outside 0..<V embed as zeros rather than reading out of bounds.
func embeddingForward(_ out: FloatPtr, _ tokens: UnsafePointer<Int32>, _ wte: FloatPtr, _ pos: FloatPtr?,
                      _ B: Int, _ T: Int, _ C: Int, _ V: Int) {
    for b in 0..<B {
        for t in 0..<T {
            let o = out + (b * T + t) * C
            let id = Int(tokens[b * T + t])
            if id >= 0 && id < V { o.update(from: wte + id * C, count: C) } else { zero(o, C) }
            if let pos { for i in 0..<C { o[i] += pos[t * C + i] } }
        }
    }
}

/// dwte (V, C) += dout rows by token; dpos (T, C) += dout summed over the batch (learned positions only).
func embeddingBackward(_ dwte: FloatPtr, _ dpos: FloatPtr?, _ dout: FloatPtr, _ tokens: UnsafePointer<Int32>,
                       _ B: Int, _ T: Int, _ C: Int, _ V: Int) {
    for b in 0..<B {
        for t in 0..<T {
            let g = dout + (b * T + t) * C
            let id = Int(tokens[b * T + t])
            if id >= 0 && id < V { axpy(dwte + id * C, 1, g, C) }
            if let dpos { axpy(dpos + t * C, 1, g, C) }
        }
    }
}
