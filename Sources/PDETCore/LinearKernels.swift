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

@inline(__always)
func fma8(_ acc: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
    #if PDET_FMA
    acc.addProduct(a, b)      // one vfmadd on AVX2 hosts (Package.swift sets PDET_FMA there)
    #else
    acc += a * b              // without FMA hardware, llvm.fma would be a slow libm call per lane
    #endif
}

/// C (M, N) += A (M, K) · B (K, N), where A(m, k) = a[m·ars + k·acs] (any strides, so Aᵀ is free),
/// B is row-major with leading dimension ldb and C with ldc. Rows of C are split across cores.
/// The inner kernel keeps a 4×16 tile of C in eight SIMD8 registers and streams B's rows.
func gemmAccumulate(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
                    _ b: FloatPtr, _ ldb: Int, _ M: Int, _ N: Int, _ K: Int) {
    let kc = kBlock(N: N, K: K)
    parallelFor(M, minChunk: max(16, minChunk(workPerItem: N * K))) { lo, hi in
        if kc < K {
            gemmRowsBlockedK(c, ldc, a, ars, acs, b, ldb, lo, hi, N, K, kc)
        } else {
            gemmRows(c, ldc, a, ars, acs, b, ldb, lo, hi, N, K)
        }
    }
}

/// Rows of B per K block, so that a block of B (kc, N) stays in cache while every 4×16 tile of C
/// streams it (a weight gradient has K = batch·T = 2048, and re-reading all of B from memory for
/// each tile was the backward's bottleneck). K itself when blocking would not pay.
@inline(__always)
func kBlock(N: Int, K: Int) -> Int {
    let kc = max(64, min(512, 16_384 / max(1, N)))
    return K >= 2 * kc ? kc : K
}

/// gemmRows with K split into blocks of kc. Each tile's running sum is parked in `partial`
/// between blocks (a store and a load, exact) and added to C only after the last block, so the
/// sums, their order and the bits are exactly those of gemmRows.
func gemmRowsBlockedK(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
                      _ b: FloatPtr, _ ldb: Int, _ lo: Int, _ hi: Int, _ N: Int, _ K: Int, _ kc: Int) {
    let rows = (hi - lo) / 4 * 4, cols = N / 16 * 16
    // partial (rows, cols): the running tile sums, row-major.
    let partial = FloatPtr.allocate(capacity: max(1, rows * cols))
    defer { partial.deallocate() }
    var k0 = 0
    while k0 < K {
        let k1 = min(k0 + kc, K)
        let first = k0 == 0, last = k1 == K
        var m = lo
        while m + 4 <= lo + rows {
            var j = 0
            while j + 16 <= N {
                if wideTile(cols - j) {
                    tile4x24(a + m * ars, ars, acs, b + j, ldb, k0, k1,
                             first ? nil : partial + (m - lo) * cols + j, cols,
                             last ? c + m * ldc + j : partial + (m - lo) * cols + j, last ? ldc : cols, last)
                    j += 24
                    continue
                }
                tile4x16(a + m * ars, ars, acs, b + j, ldb, k0, k1,
                         first ? nil : partial + (m - lo) * cols + j, cols,
                         last ? c + m * ldc + j : partial + (m - lo) * cols + j, last ? ldc : cols, last)
                j += 16
            }
            m += 4
        }
        k0 = k1
    }
    // The same scalar remainders as gemmRows (each element's sum is independent of the others).
    var m = lo
    while m + 4 <= hi {
        if cols < N { gemmEdge(c, ldc, a, ars, acs, b, ldb, m, m + 4, cols, N, K) }
        m += 4
    }
    if m < hi { gemmEdge(c, ldc, a, ars, acs, b, ldb, m, hi, 0, N, K) }
}

/// gemmAccumulate on rows lo..<hi of C only, on the calling thread (for callers that are already
/// parallel, e.g. attention over heads).
func gemmRows(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
              _ b: FloatPtr, _ ldb: Int, _ lo: Int, _ hi: Int, _ N: Int, _ K: Int) {
        var m = lo
        while m + 4 <= hi {
            var j = 0
            let cols = N / 16 * 16
            while j + 16 <= N {
                if wideTile(cols - j) {
                    tile4x24(a + m * ars, ars, acs, b + j, ldb, 0, K, nil, 0, c + m * ldc + j, ldc, true)
                    j += 24
                    continue
                }
                tile4x16(a + m * ars, ars, acs, b + j, ldb, 0, K, nil, 0, c + m * ldc + j, ldc, true)
                j += 16
            }
            if j < N { gemmEdge(c, ldc, a, ars, acs, b, ldb, m, m + 4, j, N, K) }
            m += 4
        }
        if m < hi { gemmEdge(c, ldc, a, ars, acs, b, ldb, m, hi, 0, N, K) }
}

/// One 4×24 tile of C over k0..<k1: twelve SIMD8 accumulators (more independent FMA chains than
/// the 4×16 tile, so the FMA latency is hidden). `a` points at A(m, 0), `b` at B(0, j). The sums
/// start from `start` (4 rows, leading dimension lds) or zero, and go to `out` (leading dimension
/// ldo), added to what is there when `add`. Each element is one chain over k in order, like the
/// 4×16 tile, so the bits are the same.
@inline(__always)
func tile4x24(_ a: FloatPtr, _ ars: Int, _ acs: Int, _ b: FloatPtr, _ ldb: Int, _ k0: Int, _ k1: Int,
              _ start: FloatPtr?, _ lds: Int, _ out: FloatPtr, _ ldo: Int, _ add: Bool) {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>(), c12 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c22 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>(), c32 = SIMD8<Float>()
    if let s0 = start {
        let s1 = s0 + lds, s2 = s1 + lds, s3 = s2 + lds
        c00 = load8(s0); c01 = load8(s0 + 8); c02 = load8(s0 + 16)
        c10 = load8(s1); c11 = load8(s1 + 8); c12 = load8(s1 + 16)
        c20 = load8(s2); c21 = load8(s2 + 8); c22 = load8(s2 + 16)
        c30 = load8(s3); c31 = load8(s3 + 8); c32 = load8(s3 + 16)
    }
    let a0 = a, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars
    for k in k0..<k1 {
        let br = b + k * ldb
        let b0 = load8(br), b1 = load8(br + 8), b2 = load8(br + 16)
        let ko = k * acs
        let v0 = SIMD8<Float>(repeating: a0[ko])
        fma8(&c00, v0, b0); fma8(&c01, v0, b1); fma8(&c02, v0, b2)
        let v1 = SIMD8<Float>(repeating: a1[ko])
        fma8(&c10, v1, b0); fma8(&c11, v1, b1); fma8(&c12, v1, b2)
        let v2 = SIMD8<Float>(repeating: a2[ko])
        fma8(&c20, v2, b0); fma8(&c21, v2, b1); fma8(&c22, v2, b2)
        let v3 = SIMD8<Float>(repeating: a3[ko])
        fma8(&c30, v3, b0); fma8(&c31, v3, b1); fma8(&c32, v3, b2)
    }
    let r0 = out, r1 = r0 + ldo, r2 = r1 + ldo, r3 = r2 + ldo
    if add {
        c00 = load8(r0) + c00; c01 = load8(r0 + 8) + c01; c02 = load8(r0 + 16) + c02
        c10 = load8(r1) + c10; c11 = load8(r1 + 8) + c11; c12 = load8(r1 + 16) + c12
        c20 = load8(r2) + c20; c21 = load8(r2 + 8) + c21; c22 = load8(r2 + 16) + c22
        c30 = load8(r3) + c30; c31 = load8(r3 + 8) + c31; c32 = load8(r3 + 16) + c32
    }
    store8(r0, c00); store8(r0 + 8, c01); store8(r0 + 16, c02)
    store8(r1, c10); store8(r1 + 8, c11); store8(r1 + 16, c12)
    store8(r2, c20); store8(r2 + 8, c21); store8(r2 + 16, c22)
    store8(r3, c30); store8(r3 + 8, c31); store8(r3 + 16, c32)
}

/// The 4×16 tile of C: the same contract as tile4x24 (8 FMA chains instead of 12).
@inline(__always)
func tile4x16(_ a: FloatPtr, _ ars: Int, _ acs: Int, _ b: FloatPtr, _ ldb: Int, _ k0: Int, _ k1: Int,
              _ start: FloatPtr?, _ lds: Int, _ out: FloatPtr, _ ldo: Int, _ add: Bool) {
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
    if let s0 = start {
        let s1 = s0 + lds, s2 = s1 + lds, s3 = s2 + lds
        c00 = load8(s0); c01 = load8(s0 + 8); c10 = load8(s1); c11 = load8(s1 + 8)
        c20 = load8(s2); c21 = load8(s2 + 8); c30 = load8(s3); c31 = load8(s3 + 8)
    }
    let a0 = a, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars
    for k in k0..<k1 {
        let br = b + k * ldb
        let b0 = load8(br), b1 = load8(br + 8)
        let ko = k * acs
        let v0 = SIMD8<Float>(repeating: a0[ko]), v1 = SIMD8<Float>(repeating: a1[ko])
        let v2 = SIMD8<Float>(repeating: a2[ko]), v3 = SIMD8<Float>(repeating: a3[ko])
        fma8(&c00, v0, b0); fma8(&c01, v0, b1)
        fma8(&c10, v1, b0); fma8(&c11, v1, b1)
        fma8(&c20, v2, b0); fma8(&c21, v2, b1)
        fma8(&c30, v3, b0); fma8(&c31, v3, b1)
    }
    let r0 = out, r1 = r0 + ldo, r2 = r1 + ldo, r3 = r2 + ldo
    if add {
        c00 = load8(r0) + c00; c01 = load8(r0 + 8) + c01; c10 = load8(r1) + c10; c11 = load8(r1 + 8) + c11
        c20 = load8(r2) + c20; c21 = load8(r2 + 8) + c21; c30 = load8(r3) + c30; c31 = load8(r3 + 8) + c31
    }
    store8(r0, c00); store8(r0 + 8, c01); store8(r1, c10); store8(r1 + 8, c11)
    store8(r2, c20); store8(r2 + 8, c21); store8(r3, c30); store8(r3 + 8, c31)
}

/// Whether the next column tile is 24 wide: `rem` (a multiple of 16 at the start) is then always
/// covered exactly by 24- and 16-wide tiles (32 → 16 + 16, 40 → 24 + 16, 64 → 24 + 24 + 16).
@inline(__always)
func wideTile(_ rem: Int) -> Bool { rem == 24 || rem >= 40 }

/// The scalar remainder of gemmAccumulate: rows m0..<m1, columns j0..<j1.
@inline(never)
func gemmEdge(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
              _ b: FloatPtr, _ ldb: Int, _ m0: Int, _ m1: Int, _ j0: Int, _ j1: Int, _ K: Int) {
    for m in m0..<m1 {
        for j in j0..<j1 {
            var s: Float = 0
            for k in 0..<K { s += a[m * ars + k * acs] * b[k * ldb + j] }
            c[m * ldc + j] += s
        }
    }
}

/// out (N, OC) = inp (N, IC) · w (OC, IC)ᵀ + bias (OC)
public func matmulForward(_ out: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr, _ bias: FloatPtr?,
                          _ N: Int, _ IC: Int, _ OC: Int) {
    // wt (IC, OC) = wᵀ, so that the kernel streams contiguous rows of B.
    let wt = FloatPtr.allocate(capacity: IC * OC)
    defer { wt.deallocate() }
    transpose(wt, w, rows: OC, cols: IC)
    matmulForwardTransposed(out, inp, wt, bias, N, IC, OC)
}

/// out (N, OC) = inp (N, IC) · wt (IC, OC) + bias (OC): matmulForward with the weight already
/// transposed (the same sums in the same order, so the same bits).
func matmulForwardTransposed(_ out: FloatPtr, _ inp: FloatPtr, _ wt: FloatPtr, _ bias: FloatPtr?,
                             _ N: Int, _ IC: Int, _ OC: Int) {
    for n in 0..<N {
        if let bias { (out + n * OC).update(from: bias, count: OC) } else { zero(out + n * OC, OC) }
    }
    gemmAccumulate(out, OC, inp, IC, 1, wt, OC, N, OC, IC)
}

/// dst (cols, rows) = src (rows, cols)ᵀ, in 8×8 tiles so that both sides stay in cache lines
/// (the per-call weight transpose was a tenth of a one-sequence forward done element by element).
func transpose(_ dst: FloatPtr, _ src: FloatPtr, rows: Int, cols: Int) {
    var r0 = 0
    while r0 < rows {
        let r1 = min(r0 + 8, rows)
        var c0 = 0
        while c0 < cols {
            let c1 = min(c0 + 8, cols)
            for r in r0..<r1 {
                let s = src + r * cols
                for c in c0..<c1 { dst[c * rows + r] = s[c] }
            }
            c0 = c1
        }
        r0 = r1
    }
}

/// dinp (N, IC) += dout (N, OC) · w (OC, IC)
/// dw (OC, IC)  += dout (N, OC)ᵀ · inp (N, IC)
/// dbias (OC)   += Σ_n dout[n, :]
public func matmulBackward(_ dinp: FloatPtr?, _ dw: FloatPtr, _ dbias: FloatPtr?,
                           _ dout: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr,
                           _ N: Int, _ IC: Int, _ OC: Int) {
    if let dinp { gemmAccumulate(dinp, IC, dout, OC, 1, w, IC, N, IC, OC) }
    gemmAccumulate(dw, IC, dout, 1, OC, inp, IC, OC, IC, N)
    if let dbias {
        for n in 0..<N { axpy(dbias, 1, dout + n * OC, OC) }
    }
}
