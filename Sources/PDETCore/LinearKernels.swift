// Matrix multiply, the kernel that dominates every step: a linear layer y = x·Wᵀ + b with W stored
// (out, in) like PyTorch's nn.Linear. Forward and backward as free functions, outputs first, then
// inputs, then sizes (llm.c's matmul_forward / matmul_backward). Backward accumulates with `+=`.
//
// Speed: rows are split across the machine's cores with `parallelFor` (fixed partitions, so the
// result is bit-identical run to run); the inner loops are explicit SIMD8 so that release builds
// do not depend on the auto-vectoriser (which will not reorder a Float reduction by itself).

import CLanes

public typealias FloatPtr = UnsafeMutablePointer<Float>

@inline(__always)
func load8(_ p: FloatPtr) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ p: FloatPtr, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// A vector of any width from p (unaligned).
@inline(__always)
func loadLanes<V: SIMD>(_ p: FloatPtr) -> V where V.Scalar == Float {
    UnsafeRawPointer(p).loadUnaligned(as: V.self)
}

@inline(__always)
func storeLanes<V: SIMD>(_ p: FloatPtr, _ v: V) where V.Scalar == Float {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
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

#if PDET_AVX512
/// The GEMM tiles' vector: one 512-bit register on AVX-512 builds (Package.swift sets PDET_AVX512).
typealias VecF = SIMD16<Float>
#else
/// The GEMM tiles' vector: one 256-bit register on AVX2 builds, two 128-bit ones elsewhere.
typealias VecF = SIMD8<Float>
#endif

@inline(__always)
func loadV(_ p: FloatPtr) -> VecF {
    UnsafeRawPointer(p).loadUnaligned(as: VecF.self)
}

@inline(__always)
func storeV(_ p: FloatPtr, _ v: VecF) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: VecF.self)
}

/// acc += a·b as one fused multiply-add per lane (IEEE fma, a single rounding) on every build: a
/// vfmadd on AVX2 and AVX-512 hosts, an fmla on arm64, and glibc's correctly rounded fmaf per lane
/// on an x86 build without FMA (slow, but the same bits). Until issue 12 the portable build used a
/// separate multiply and add here, so its checkpoints differed from the FMA builds'; now every
/// path has the FMA build's bits.
@inline(__always)
func fmaV(_ acc: inout VecF, _ a: VecF, _ b: VecF) {
    acc.addProduct(a, b)
}

// MARK: GEMM
//
// Every GEMM here computes, for each element of C, s = Σ_k A(m,k)·B(k,j) as one chain in k order
// starting from +0, then C = base + s (base = C itself when accumulating, else the bias, else +0).
// Which elements take the vector tiles (a fused multiply-add chain) and which the scalar edge (a
// separate multiply and add, as Swift compiles `s += a * b`) is fixed by the shape alone:
//   tile elements: rows in whole groups of 4 and columns below N/16·16; edge: the rest.
// Rows are split across cores only at multiples of 4 (columns, when there are too few rows, only
// at panel boundaries), so the thread count does not change which path an element takes (before
// issue 12 a split at a row that was not a multiple of 4 could move rows to the edge: same bits
// as now on one thread and at every split at a multiple of 4, which includes every shape of the
// default model). ReferenceKernels.swift holds the plain loops these are tested against.

/// Whether element (m, j) of an (M, N) GEMM takes the vector tiles (a fused multiply-add chain)
/// rather than the edge (a multiply and an add): the rule above, for the reference kernels' tests.
func gemmElementIsFused(_ m: Int, _ j: Int, M: Int, N: Int) -> Bool {
    m < M / 4 * 4 && j < N / 16 * 16
}

/// Width of the column panel (tile) starting at column j of a matrix whose tile columns end at
/// `cols` (a multiple of 16). AVX-512: 32 (two vectors) where it fits, else 16. AVX2: 24 or 16,
/// chosen so that 24s and 16s cover `cols` exactly (32 → 16 + 16, 40 → 24 + 16, 64 → 24 + 24 + 16).
@inline(__always)
func panelWidth(_ j: Int, _ cols: Int) -> Int {
    let rem = cols - j
    #if PDET_AVX512
    return rem >= 32 ? 32 : 16
    #else
    return rem == 24 || rem >= 40 ? 24 : 16
    #endif
}

/// Rows per register tile where at least that many tile rows remain (else 4).
#if PDET_AVX512
let tileRows = 8
#else
let tileRows = 4
#endif

/// Width of the edge panel as stored: the edge columns N/16·16..<N padded with zeros to whole
/// vectors, so that the edge, too, runs in vectors (one lane per column, lanes past N unused).
@inline(__always)
func storedEdgeWidth(_ N: Int) -> Int {
    let e = N % 16, w = VecF.scalarCount
    return (e + w - 1) / w * w
}

/// Floats that packB needs for B (K, N).
public func packedCount(K: Int, N: Int) -> Int {
    K * (N / 16 * 16 + storedEdgeWidth(N))
}

/// Copies B (K, N), B(k, j) = b[k·bks + j·bjs], rows k0..<k1, into column panels in the tiles'
/// order: the panel starting at column j0 with stored width w holds B(k, j0 + jj) at
/// [K·j0 + k·w + jj]; the edge columns N/16·16..<N come last, as one panel padded with zeros to
/// storedEdgeWidth(N). Values move, nothing is computed.
func packB(_ dst: FloatPtr, _ b: FloatPtr, bks: Int, bjs: Int, K: Int, N: Int, _ k0: Int, _ k1: Int) {
    let cols = N / 16 * 16
    var j0 = 0
    while j0 < N {
        let edge = j0 >= cols
        let n = edge ? N - cols : panelWidth(j0, cols)     // columns of B in this panel
        let w = edge ? storedEdgeWidth(N) : n               // its stored width
        let panel = dst + K * j0
        if bjs == 1 && !edge {
            // Tile panels are whole vectors wide (16, 24 or 32): vector copies, no memmove call per row.
            let W = VecF.scalarCount
            for k in k0..<k1 {
                let dstRow = panel + k * w, srcRow = b + k * bks + j0
                var jj = 0
                while jj < w { storeV(dstRow + jj, loadV(srcRow + jj)); jj += W }
            }
        } else if bjs == 1 {
            for k in k0..<k1 { (panel + k * w).update(from: b + k * bks + j0, count: n) }
        } else {
            for k in k0..<k1 {
                let row = panel + k * w, src = b + k * bks + j0 * bjs
                for jj in 0..<n { row[jj] = src[jj * bjs] }
            }
        }
        if w > n { for k in k0..<k1 { (panel + k * w + n).update(repeating: 0, count: w - n) } }
        j0 += n
    }
}

/// packB over all K rows, split across cores by rows of B.
func packBParallel(_ dst: FloatPtr, _ b: FloatPtr, bks: Int, bjs: Int, K: Int, N: Int) {
    parallelFor(K, minChunk: max(64, (1 << 16) / max(1, N))) { lo, hi in
        packB(dst, b, bks: bks, bjs: bjs, K: K, N: N, lo, hi)
    }
}

/// A weight W (OC, IC) packed as the B of y = x·Wᵀ (K = IC, N = OC), for matmulForwardPacked
/// (packedCount(K: IC, N: OC) floats).
public func packWeightForForward(_ dst: FloatPtr, _ w: FloatPtr, IC: Int, OC: Int) {
    packB(dst, w, bks: 1, bjs: IC, K: IC, N: OC, 0, IC)
}

/// Rows of B per K block: a block of packed B (kc, N) stays in L2 while every tile streams it
/// (a weight gradient has K = batch·T = 2048). K itself when blocking would not pay.
@inline(__always)
func kBlock(N: Int, K: Int) -> Int {
    let kc = max(64, (1 << 16) / max(1, N))
    return K >= 2 * kc ? kc : K
}

/// C = base + A·B on rows lo..<hi, on the calling thread. A(m, k) = a[m·ars + k·acs]; B is
/// row-major (ldb) or, when `packed`, in packB's panels (ldb unused); C has leading dimension ldc.
/// base: C itself when `accumulate`, else `bias` (N, the same for every row), else +0.
/// `columns` (default all) restricts C to columns between two panel boundaries (panelBoundaries);
/// every element inside still takes the path and the operations it takes in the whole GEMM.
func gemmRange(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
               _ b: FloatPtr, _ ldb: Int, packed: Bool, _ lo: Int, _ hi: Int, _ N: Int, _ K: Int,
               accumulate: Bool, bias: FloatPtr?, columns: Range<Int>? = nil) {
    let cols = N / 16 * 16
    let jlo = columns?.lowerBound ?? 0, jhi = columns?.upperBound ?? N
    let tileLo = min(jlo, cols), tileHi = min(jhi, cols)     // the tile columns of this range
    let tileEnd = lo + (hi - lo) / 4 * 4
    if tileHi > tileLo && tileEnd > lo {
        let width = tileHi - tileLo
        let kc = kBlock(N: width, K: K)
        if kc >= K {
            gemmTiles(c, ldc, a, ars, acs, b, ldb, packed, lo, tileEnd, tileLo, tileHi, cols, K, 0, K,
                      nil, c, ldc, accumulate, bias)
        } else {
            // K in blocks: each tile's running sums are parked in `partial` between blocks (a
            // store and a load, exact) and reach C only after the last block: the same chains.
            let partial = FloatPtr.allocate(capacity: (tileEnd - lo) * width)
            defer { partial.deallocate() }
            var k0 = 0
            while k0 < K {
                let k1 = min(k0 + kc, K)
                gemmTiles(c, ldc, a, ars, acs, b, ldb, packed, lo, tileEnd, tileLo, tileHi, cols, K, k0, k1,
                          k0 == 0 ? nil : partial, partial, width, accumulate, bias)
                k0 = k1
            }
        }
    }
    let hasEdge = cols < N && jhi > cols                      // the range reaches the edge columns
    if packed {
        // The edge in vectors (the same separate multiply and add per element as the scalar loop).
        if hasEdge && tileEnd > lo {
            edgePanel(c, ldc, a, ars, acs, b + K * cols, storedEdgeWidth(N), K, lo, tileEnd, cols, N - cols, accumulate, bias)
        }
        if tileEnd < hi {
            var j0 = jlo
            while j0 < jhi {
                let edge = j0 >= cols
                let n = edge ? N - cols : panelWidth(j0, cols)
                edgePanel(c, ldc, a, ars, acs, b + K * j0, edge ? storedEdgeWidth(N) : n, K, tileEnd, hi, j0, n, accumulate, bias)
                j0 += n
            }
        }
        return
    }
    if hasEdge && tileEnd > lo {
        gemmEdge(c, ldc, a, ars, acs, b, ldb, K, lo, tileEnd, max(cols, jlo), jhi, accumulate, bias)
    }
    if tileEnd < hi {
        gemmEdge(c, ldc, a, ars, acs, b, ldb, K, tileEnd, hi, jlo, jhi, accumulate, bias)
    }
}

/// The columns where packB's panels start, then N: the places a GEMM's columns may be split.
func panelBoundaries(_ N: Int) -> [Int] {
    let cols = N / 16 * 16
    var bounds = [0]
    var j = 0
    while j < cols { j += panelWidth(j, cols); bounds.append(j) }
    if cols < N { bounds.append(N) }
    return bounds
}

/// The edge of a packed GEMM for one panel (stored width sw, a whole number of vectors; n columns
/// from j0 are real) and rows m0..<m1: each lane is one element's s = Σ_k a·b with a separate
/// multiply and add in k order from +0, exactly the scalar edge's operations; then C = base + s.
/// Four rows at a time, for four independent chains.
@inline(never)
func edgePanel(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
               _ panel: FloatPtr, _ sw: Int, _ K: Int, _ m0: Int, _ m1: Int, _ j0: Int, _ n: Int,
               _ accumulate: Bool, _ bias: FloatPtr?) {
    let W = VecF.scalarCount
    var v = 0
    while v < sw {
        let bp = panel + v
        let lanes = min(W, n - v)
        var m = m0
        while m < m1 {
            let rows = min(4, m1 - m)
            var s0 = VecF(), s1 = VecF(), s2 = VecF(), s3 = VecF()
            let a0 = a + m * ars
            let a1 = a0 + (rows > 1 ? ars : 0), a2 = a0 + (rows > 2 ? 2 * ars : 0), a3 = a0 + (rows > 3 ? 3 * ars : 0)
            for k in 0..<K {
                let bv = loadV(bp + k * sw), ko = k * acs
                s0 += VecF(repeating: a0[ko]) * bv
                s1 += VecF(repeating: a1[ko]) * bv
                s2 += VecF(repeating: a2[ko]) * bv
                s3 += VecF(repeating: a3[ko]) * bv
            }
            for r in 0..<rows {
                let sr = r == 0 ? s0 : r == 1 ? s1 : r == 2 ? s2 : s3
                let out = c + (m + r) * ldc + j0 + v
                for l in 0..<lanes {
                    let base: Float = accumulate ? out[l] : (bias?[j0 + v + l] ?? 0)
                    out[l] = base + sr[l]
                }
            }
            m += rows
        }
        v += W
    }
}

/// One pass of the register tiles over rows lo..<hi (a multiple of 4 rows) and tile columns
/// jlo..<jhi (panel boundaries, at most cols), k in k0..<k1. Sums start from `start` (parked) or
/// +0; the last block (k1 == K) writes base + sum to C, an earlier one parks the sums in `park`.
/// `start` and `park` have leading dimension ldp and hold columns from jlo on.
@inline(__always)
func gemmTiles(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
               _ b: FloatPtr, _ ldb: Int, _ packed: Bool, _ lo: Int, _ hi: Int, _ jlo: Int, _ jhi: Int,
               _ cols: Int, _ K: Int, _ k0: Int, _ k1: Int, _ start: FloatPtr?, _ park: FloatPtr, _ ldp: Int,
               _ accumulate: Bool, _ bias: FloatPtr?) {
    let final = k1 == K
    var m = lo
    while m < hi {
        let mr = hi - m >= tileRows ? tileRows : 4
        let am = a + m * ars
        if acs == 1 && m + 2 * mr <= hi {
            // The next row block's A rows, asked for while this block runs (a hint only).
            for r in mr..<(2 * mr) {
                var kk = k0
                while kk < k1 { pdet_prefetch(am + r * ars + kk); kk += 16 }
            }
        }
        var j = jlo
        while j < jhi {
            let w = panelWidth(j, cols)
            let bp = packed ? b + K * j : b + j
            let lb = packed ? w : ldb
            let st: FloatPtr? = start.map { $0 + (m - lo) * ldp + (j - jlo) }
            let out = final ? c + m * ldc + j : park + (m - lo) * ldp + (j - jlo)
            let ldo = final ? ldc : ldp
            let bj = bias.map { $0 + j }
            #if PDET_AVX512
            if mr == 8 {
                if w == 32 { tile8x32(am, ars, acs, bp, lb, k0, k1, st, ldp, out, ldo, final, accumulate, bj) }
                else { tile8x16(am, ars, acs, bp, lb, k0, k1, st, ldp, out, ldo, final, accumulate, bj) }
            } else {
                if w == 32 { tile4x32(am, ars, acs, bp, lb, k0, k1, st, ldp, out, ldo, final, accumulate, bj) }
                else { tile4x16(am, ars, acs, bp, lb, k0, k1, st, ldp, out, ldo, final, accumulate, bj) }
            }
            #else
            if w == 24 { tile4x24(am, ars, acs, bp, lb, k0, k1, st, ldp, out, ldo, final, accumulate, bj) }
            else { tile4x16(am, ars, acs, bp, lb, k0, k1, st, ldp, out, ldo, final, accumulate, bj) }
            #endif
            j += w
        }
        m += mr
    }
}

/// The scalar remainder of an unpacked GEMM: rows m0..<m1, columns j0..<j1, each s = Σ_k a·b (a
/// separate multiply and add, in k order, from +0), then C = base + s.
@inline(never)
func gemmEdge(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
              _ b: FloatPtr, _ ldb: Int, _ K: Int,
              _ m0: Int, _ m1: Int, _ j0: Int, _ j1: Int, _ accumulate: Bool, _ bias: FloatPtr?) {
    for m in m0..<m1 {
        for j in j0..<j1 {
            var s: Float = 0
            for k in 0..<K { s += a[m * ars + k * acs] * b[k * ldb + j] }
            let base: Float = accumulate ? c[m * ldc + j] : (bias?[j] ?? 0)
            c[m * ldc + j] = base + s
        }
    }
}

/// C (M, N) = base + A (M, K) · B (K, N) (see gemmRange), rows split across cores in whole groups
/// of 4 (bit-identical for any thread count). When there are too few rows for that (one MiniLM
/// sequence of 12 tokens against a 384×1536 weight), a packed GEMM splits its columns at panel
/// boundaries instead: each thread streams its own part of B, and no element changes its path.
func gemm(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
          _ b: FloatPtr, _ ldb: Int, packed: Bool, _ M: Int, _ N: Int, _ K: Int,
          accumulate: Bool, bias: FloatPtr?) {
    let groups = M / 4
    let rowChunk = max(4, minChunk(workPerItem: 4 * N * K))
    if packed && min(workerCount, groups / rowChunk) <= 1 && M * N * K >= 2 * inlineWork {
        let bounds = panelBoundaries(N)
        let panels = bounds.count - 1
        parallelFor(panels, minChunk: minChunk(workPerItem: M * K * N / panels)) { p0, p1 in
            gemmRange(c, ldc, a, ars, acs, b, ldb, packed: true, 0, M, N, K, accumulate: accumulate, bias: bias,
                      columns: bounds[p0]..<bounds[p1])
        }
        return
    }
    if groups == 0 {
        if M > 0 { gemmRange(c, ldc, a, ars, acs, b, ldb, packed: packed, 0, M, N, K, accumulate: accumulate, bias: bias) }
        return
    }
    parallelFor(groups, minChunk: rowChunk) { g0, g1 in
        let lo = g0 * 4, hi = g1 == groups ? M : g1 * 4
        gemmRange(c, ldc, a, ars, acs, b, ldb, packed: packed, lo, hi, N, K, accumulate: accumulate, bias: bias)
    }
}

/// C (M, N) += A (M, K) · B (K, N), B row-major: gemm with accumulation.
func gemmAccumulate(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
                    _ b: FloatPtr, _ ldb: Int, _ M: Int, _ N: Int, _ K: Int) {
    gemm(c, ldc, a, ars, acs, b, ldb, packed: false, M, N, K, accumulate: true, bias: nil)
}

/// gemmAccumulate on rows lo..<hi of C only, on the calling thread (for callers that are already
/// parallel, e.g. attention over heads).
@inline(__always)
func gemmRows(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
              _ b: FloatPtr, _ ldb: Int, _ lo: Int, _ hi: Int, _ N: Int, _ K: Int) {
    gemmRange(c, ldc, a, ars, acs, b, ldb, packed: false, lo, hi, N, K, accumulate: true, bias: nil)
}

/// C (rows lo..<hi) = +0 + A·B on the calling thread: what zero-filling C and then gemmRows gave,
/// without the fill.
@inline(__always)
func gemmRowsStore(_ c: FloatPtr, _ ldc: Int, _ a: FloatPtr, _ ars: Int, _ acs: Int,
                   _ b: FloatPtr, _ ldb: Int, _ lo: Int, _ hi: Int, _ N: Int, _ K: Int) {
    gemmRange(c, ldc, a, ars, acs, b, ldb, packed: false, lo, hi, N, K, accumulate: false, bias: nil)
}

/// out (N, OC) = inp (N, IC) · w (OC, IC)ᵀ + bias (OC)
public func matmulForward(_ out: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr, _ bias: FloatPtr?,
                          _ N: Int, _ IC: Int, _ OC: Int) {
    let packed = FloatPtr.allocate(capacity: packedCount(K: IC, N: OC))
    defer { packed.deallocate() }
    packWeightForForward(packed, w, IC: IC, OC: OC)
    matmulForwardPacked(out, inp, packed, bias, N, IC, OC)
}

/// out (N, OC) = inp (N, IC) · Wᵀ + bias (OC) with W packed by packWeightForForward: the bias is
/// added in the tiles' last step (bias + sum, as the bias pre-fill and `+=` gave), no pre-fill.
public func matmulForwardPacked(_ out: FloatPtr, _ inp: FloatPtr, _ packedW: FloatPtr, _ bias: FloatPtr?,
                                _ N: Int, _ IC: Int, _ OC: Int) {
    gemm(out, OC, inp, IC, 1, packedW, 0, packed: true, N, OC, IC, accumulate: false, bias: bias)
}

/// dst (cols, rows) = src (rows, cols)ᵀ, src's rows `stride` apart (default: cols), in 8×8 tiles so
/// that both sides stay in cache lines (the per-call weight transpose was a tenth of a one-sequence
/// forward done element by element); whole tiles by a register transpose, edges one by one.
func transpose(_ dst: FloatPtr, _ src: FloatPtr, rows: Int, cols: Int, stride: Int? = nil) {
    let ld = stride ?? cols
    var r0 = 0
    while r0 < rows {
        let r1 = min(r0 + 8, rows)
        var c0 = 0
        while c0 < cols {
            let c1 = min(c0 + 8, cols)
            if r1 - r0 == 8 && c1 - c0 == 8 {
                transpose8x8(src + r0 * ld + c0, ld, into: dst + c0 * rows + r0, outStride: rows)
            } else {
                for r in r0..<r1 {
                    let s = src + r * ld
                    for c in c0..<c1 { dst[c * rows + r] = s[c] }
                }
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
    matmulBackward(dinp, dw, dbias, dout, inp, w, N, IC, OC, accumulateInput: true, scratch: nil)
}

/// Floats of scratch matmulBackward needs for these sizes (the packed B operands).
func matmulBackwardScratch(_ N: Int, _ IC: Int, _ OC: Int) -> Int {
    max(packedCount(K: OC, N: IC), packedCount(K: N, N: IC))
}

/// matmulBackward where dinp = +0 + dout·w when `accumulateInput` is false (what zero-filling dinp
/// first gave, without the fill), packing into `scratch` (matmulBackwardScratch floats) when given.
/// Both B operands (w, and inp with K = N rows) are packed into panels first, so that each tile
/// streams contiguous memory (a row-major B with a 1 KB row stride thrashed the caches' sets).
func matmulBackward(_ dinp: FloatPtr?, _ dw: FloatPtr, _ dbias: FloatPtr?,
                    _ dout: FloatPtr, _ inp: FloatPtr, _ w: FloatPtr,
                    _ N: Int, _ IC: Int, _ OC: Int, accumulateInput: Bool, scratch: FloatPtr?) {
    let packed = scratch ?? FloatPtr.allocate(capacity: matmulBackwardScratch(N, IC, OC))
    defer { if scratch == nil { packed.deallocate() } }
    if let dinp {
        packB(packed, w, bks: IC, bjs: 1, K: OC, N: IC, 0, OC)
        gemm(dinp, IC, dout, OC, 1, packed, 0, packed: true, N, IC, OC, accumulate: accumulateInput, bias: nil)
    }
    if IC >= 128 || OC % 4 != 0 {
        // Rows of 512 B or more (a tile's column panel would walk one cache set after another), or
        // edge rows of dW (OC not a multiple of 4), which run in vectors only from packed panels.
        packBParallel(packed, inp, bks: IC, bjs: 1, K: N, N: IC)
        gemm(dw, IC, dout, 1, OC, packed, 0, packed: true, OC, IC, N, accumulate: true, bias: nil)
    } else {
        // Narrow rows stream well as they are; packing them cost more than it saved.
        gemm(dw, IC, dout, 1, OC, inp, IC, packed: false, OC, IC, N, accumulate: true, bias: nil)
    }
    if let dbias {
        for n in 0..<N { axpy(dbias, 1, dout + n * OC, OC) }
    }
}
