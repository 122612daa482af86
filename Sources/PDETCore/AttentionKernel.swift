// Multi-head self-attention over a fused QKV tensor (llm.c's attention_forward/backward), here
// bidirectional by default with an optional causal mask. Forward keeps the probabilities, which
// backward needs and which the explorer's Attention panel shows.
//
// Each (batch row, head) pair is a small dense problem: scores = Q·Kᵀ (T×HS · HS×T), a row
// softmax, out = P·V. They run as register-tiled GEMMs (gemmRows) on one core each, with the
// pairs spread over the cores: no pair's output overlaps another's, so results are bit-stable.
#if canImport(Glibc)
import Glibc
#endif

/// Row softmax in place over row[0...last] of raw scores, each scaled by `scale` first (T entries;
/// the masked tail is set to 0). A NaN or ±Inf score propagates as NaN probabilities: shown, never
/// trapped.
@inline(__always)
func softmaxRow(_ row: FloatPtr, last: Int, T: Int, scale: Float) {
    guard let maxv = softmaxScaledMax(row, last: last, T: T, scale: scale) else { return }
    let n = last + 1
    var sum: Float = 0
    var i = 0
    let mv = SIMD8<Float>(repeating: maxv), sv = SIMD8<Float>(repeating: scale)
    while i + 8 <= n {
        let e = expLanes(load8(row + i) * sv - mv)
        store8(row + i, e)
        sum += e.sum()
        i += 8
    }
    while i < n { let e = expf(row[i] * scale - maxv); row[i] = e; sum += e; i += 1 }
    softmaxNormalise(row, n: n, T: T, sum: sum)
}

/// The first part of softmaxRow: the maximum of the scaled scores row[0...last]·scale, or nil after
/// filling the row with NaN when a score is NaN or ±Inf. It only reads: the exponentials scale each
/// score again, in a register, to the same float (one rounded product either way).
@inline(__always)
func softmaxScaledMax(_ row: FloatPtr, last: Int, T: Int, scale: Float) -> Float? {
    let n = last + 1
    var maxv = -Float.infinity
    var poison: Float = 0                     // x·0 is NaN exactly when some score is NaN or ±Inf
    var i = 0
    if n >= 8 {
        // The same products, max and poison test as the scalar loop below, eight lanes at a time.
        let sv = SIMD8<Float>(repeating: scale)
        var m8 = SIMD8<Float>(repeating: -.infinity), p8 = SIMD8<Float>()
        while i + 8 <= n {
            let v = load8(row + i) * sv
            p8 += v * 0
            m8 = m8.replacing(with: v, where: v .> m8)
            i += 8
        }
        for l in 0..<8 { if m8[l] > maxv { maxv = m8[l] }; poison += p8[l] }
    }
    while i < n { let v = row[i] * scale; poison += v * 0; if v > maxv { maxv = v }; i += 1 }
    if !poison.isFinite {
        for i in 0..<T { row[i] = .nan }
        return nil
    }
    return maxv
}

/// The last part of softmaxRow: row[0..<n] /= sum (as · (1 / sum)), row[n..<T] = 0.
@inline(__always)
func softmaxNormalise(_ row: FloatPtr, n: Int, T: Int, sum: Float) {
    let inv = 1 / sum
    let iv = SIMD8<Float>(repeating: inv)
    var i = 0
    while i + 8 <= n { store8(row + i, load8(row + i) * iv); i += 8 }
    while i < n { row[i] *= inv; i += 1 }
    if n < T { zero(row + n, T - n) }
}

/// softmaxRow on eight consecutive rows t0..<t0+8 of a (T, T) block: each row's exponentials as
/// in softmaxRow, then the eight rows' sums at once, one row per lane, each lane adding exactly
/// what softmaxRow adds in the same order (per group of 8: −0 + e₀ + … + e₇, then the tail one by
/// one). softmaxRow's sum is a serial chain of 64 additions per row; eight chains now overlap.
@inline(__always)
func softmaxRows8(_ p: FloatPtr, t0: Int, T: Int, causal: Bool, scale: Float) {
    var live = SIMD8<Int32>(repeating: 0)           // 1 for rows that were not poisoned
    var groups = SIMD8<Int32>(), ends = SIMD8<Int32>()
    for r in 0..<8 {
        let row = p + (t0 + r) * T
        let last = causal ? t0 + r : T - 1
        let n = last + 1
        groups[r] = Int32(n / 8 * 8)
        ends[r] = Int32(n)
        guard let maxv = softmaxScaledMax(row, last: last, T: T, scale: scale) else { continue }
        live[r] = 1
        var i = 0
        // Sixteen lanes (the same operations per lane: the same bits), two vectors at a time: two
        // independent exp chains side by side (as in geluForwardSerial).
        #if PDET_AVX512
        let mv16 = SIMD16<Float>(repeating: maxv), sv16 = SIMD16<Float>(repeating: scale)
        while i + 32 <= n {
            let e0 = expLanes(loadLanes(row + i) * sv16 - mv16), e1 = expLanes(loadLanes(row + i + 16) * sv16 - mv16)
            storeLanes(row + i, e0)
            storeLanes(row + i + 16, e1)
            i += 32
        }
        while i + 16 <= n {
            storeLanes(row + i, expLanes(loadLanes(row + i) * sv16 - mv16))
            i += 16
        }
        #endif
        let mv = SIMD8<Float>(repeating: maxv), sv = SIMD8<Float>(repeating: scale)
        while i + 8 <= n { store8(row + i, expLanes(load8(row + i) * sv - mv)); i += 8 }
        while i < n { row[i] = expf(row[i] * scale - maxv); i += 1 }
    }
    let base = p + t0 * T
    var sum = SIMD8<Float>()
    let groupEnd = Int(groups.max()), end = Int(ends.max())
    // Whole groups of 8 columns (a multiple of 8: forEachColumn transposes whole blocks), each
    // group's part added to a lane's sum while the group lies inside that row's groups.
    var part = SIMD8<Float>(repeating: -0.0)
    forEachColumn(base, nil, stride: T, rows: 8, count: groupEnd) { j, ej, _ in
        part += ej
        if j & 7 == 7 {
            sum = sum.replacing(with: sum + part, where: SIMD8<Int32>(repeating: Int32(j - 7)) .< groups)
            part = SIMD8(repeating: -0.0)
        }
    }
    let lanes = RowLanes(stride: T, rows: 8)
    var j = Int(groups.min())
    while j < end {
        let jv = SIMD8<Int32>(repeating: Int32(j))
        sum = sum.replacing(with: sum + lanes.load(base, j), where: (jv .>= groups) .& (jv .< ends))
        j += 1
    }
    for r in 0..<8 where live[r] == 1 {
        softmaxNormalise(p + (t0 + r) * T, n: Int(ends[r]), T: T, sum: sum[r])
    }
}

/// out (B, T, C) = softmax(Q·Kᵀ/√HS)·V per head; att (B, NH, T, T) saves the probabilities
/// (row = query, column = key; masked keys hold 0), or, when nil, each head's probabilities live in
/// a (T, T) scratch in cache and are dropped (a forward that no backward or panel reads: the same
/// arithmetic, without writing 2 MB per layer at batch 32). inp = qkv (B, T, 3C) as [Q | K | V].
/// keyMask (B, T), when given, hides the keys marked false (BERT's padding) from every query, as
/// Hugging Face's additive −max mask does: their scores become −max before the softmax (its exp is
/// ~1e-38, lost in a sum that holds the row maximum's 1), their probabilities exactly 0 after it.
/// Backward needs no mask: a probability of 0 passes no gradient.
/// Without a mask or the causal cut and with T a multiple of 16 (attentionRunsTransposed), each
/// head runs transposed (softmaxColumns: the same bits, about 1 ms less of a 21 ms forward of the
/// default model at batch 32); `transposed: false` keeps the row layout (for the tests that compare
/// the two). With `keepTransposed` such heads leave Pᵀ (key, query) in att, as the backward pass
/// reads it (attentionBackward's `attTransposed`), instead of transposing it back.
package func attentionForward(_ out: FloatPtr, _ att: FloatPtr?, _ inp: FloatPtr,
                              _ B: Int, _ T: Int, _ C: Int, _ NH: Int, causal: Bool,
                              keyMask: UnsafePointer<Bool>? = nil, transposed: Bool = true,
                              keepTransposed: Bool = false) {
    precondition(!keepTransposed || transposed, "keepTransposed needs the transposed layout")
    let C3 = 3 * C, HS = C / NH
    let scale = 1 / Float(HS).squareRoot()
    parallelFor(B * NH, minChunk: minChunk(workPerItem: 2 * T * T * HS)) { lo, hi in
        let kt = FloatPtr.allocate(capacity: HS * T + T * T)    // (HS, T) Kᵀ (or Qᵀ) of this head
        defer { kt.deallocate() }
        let scratch = kt + HS * T                       // (T, T) probabilities (or Pᵀ) when att is nil
        for bh in lo..<hi {
            let b = bh / NH, h = bh % NH
            let q = inp + b * T * C3 + h * HS           // rows stride 3C
            let k = q + C, v = q + 2 * C
            let o = out + b * T * C + h * HS            // rows stride C
            if transposed && attentionRunsTransposed(T: T, causal: causal, masked: keyMask != nil) {
                // Transposed: Sᵀ = K·Qᵀ (row = key, column = query; each score the same chain as
                // Q·Kᵀ's, the multiplicands swapped), softmax down the columns, out = (Pᵀ)ᵀ·V.
                let qt = kt                             // (HS, T) Qᵀ
                let pt = keepTransposed ? att.map { $0 + (b * NH + h) * T * T } ?? scratch : scratch
                transpose(qt, q, rows: T, cols: HS, stride: C3)
                gemmRowsStore(pt, T, k, C3, 1, qt, T, 0, T, T, HS)
                softmaxColumns(pt, T: T, scale: scale)
                if let att, !keepTransposed { transpose(att + (b * NH + h) * T * T, pt, rows: T, cols: T) }
                gemmRowsStore(o, C, pt, 1, T, v, C3, 0, T, HS, T)
                continue
            }
            transpose(kt, k, rows: T, cols: HS, stride: C3)
            let p = att.map { $0 + (b * NH + h) * T * T } ?? scratch   // (T, T)
            gemmRowsStore(p, T, q, C3, 1, kt, T, 0, T, T, HS)
            let mask = keyMask.map { $0 + b * T }
            if let mask { maskKeys(p, mask, T, value: -.greatestFiniteMagnitude) }
            var t0 = 0
            while t0 + 8 <= T { softmaxRows8(p, t0: t0, T: T, causal: causal, scale: scale); t0 += 8 }
            for t in t0..<T { softmaxRow(p + t * T, last: causal ? t : T - 1, T: T, scale: scale) }
            if let mask { maskKeys(p, mask, T, value: 0) }
            gemmRowsStore(o, C, p, T, 1, v, C3, 0, T, HS, T)
        }
    }
}

/// softmaxRow for every query of a (T, T) block of transposed scores pt (row = key, column =
/// query; T a multiple of 16, no mask, not causal), one query per lane: its maximum, exponentials,
/// sum (per group of 8 keys −0 + e₀ + … + e₇, added to a sum from +0) and normalisation are
/// softmaxRow's operations in softmaxRow's order, the same bits, with no transposes and no
/// horizontal sums (softmaxRows8 needs both). A query with a NaN or ±Inf score gets NaN throughout.
@inline(__always)
func softmaxColumns(_ pt: FloatPtr, T: Int, scale: Float) {
    let sv = VecF(repeating: scale)
    var q0 = 0
    while q0 < T {
        let col = pt + q0
        var m = VecF(repeating: -.infinity), poison = VecF()   // x·0 is NaN exactly when x is NaN or ±Inf
        for j in 0..<T {
            let v = loadV(col + j * T) * sv
            poison += v * 0
            m = m.replacing(with: v, where: v .> m)
        }
        var sum = VecF(), part = VecF(repeating: -0.0)
        for j in 0..<T {
            let e = expLanes(loadV(col + j * T) * sv - m)
            storeV(col + j * T, e)
            part += e
            if j & 7 == 7 { sum += part; part = VecF(repeating: -0.0) }
        }
        let inv = 1 / sum, poisoned = poison .!= poison
        for j in 0..<T { storeV(col + j * T, (loadV(col + j * T) * inv).replacing(with: .nan, where: poisoned)) }
        q0 += VecF.scalarCount
    }
}

/// p[t, j] = value for every row t of a (T, T) block and every key j with mask[j] false.
@inline(__always)
func maskKeys(_ p: FloatPtr, _ mask: UnsafePointer<Bool>, _ T: Int, value: Float) {
    for j in 0..<T where !mask[j] {
        for t in 0..<T { p[t * T + j] = value }
    }
}

/// Whether attentionForward runs a head transposed (softmaxColumns): T a multiple of 16 (whole
/// vectors of queries, every score and product in the GEMM tiles in both layouts), no key mask,
/// no causal cut.
@inline(__always)
func attentionRunsTransposed(T: Int, causal: Bool, masked: Bool) -> Bool {
    !causal && !masked && T % 16 == 0
}

/// dinp (B, T, 3C) += gradients of Q, K, V from dout (B, T, C), using the saved att (B, NH, T, T);
/// with `accumulate` false, dinp = +0 + those gradients (what zero-filling dinp first gave).
/// `attTransposed`: att holds Pᵀ per head (attentionForward's `keepTransposed`; only where
/// attentionRunsTransposed), and every product runs in that layout: the same chains, the same bits.
func attentionBackward(_ dinp: FloatPtr, _ dout: FloatPtr, _ inp: FloatPtr, _ att: FloatPtr,
                       _ B: Int, _ T: Int, _ C: Int, _ NH: Int, causal: Bool, accumulate: Bool = true,
                       attTransposed: Bool = false) {
    precondition(!attTransposed || attentionRunsTransposed(T: T, causal: causal, masked: false),
                 "Pᵀ is kept only where attention runs transposed")
    let C3 = 3 * C, HS = C / NH
    let scale = 1 / Float(HS).squareRoot()
    parallelFor(B * NH, minChunk: minChunk(workPerItem: 4 * T * T * HS)) { lo, hi in
        let vt = FloatPtr.allocate(capacity: HS * T)    // (HS, T) Vᵀ (transposed layout: gᵀ)
        let dp = FloatPtr.allocate(capacity: T * T)     // (T, T) ∂L/∂P, then ∂L/∂scores (or both ᵀ)
        defer { vt.deallocate(); dp.deallocate() }
        for bh in lo..<hi {
            let b = bh / NH, h = bh % NH
            let q = inp + b * T * C3 + h * HS, k = q + C, v = q + 2 * C
            let dq = dinp + b * T * C3 + h * HS, dk = dq + C, dv = dq + 2 * C
            let g = dout + b * T * C + h * HS           // (T, HS) rows stride C
            let p = att + (b * NH + h) * T * T
            if attTransposed {
                // p = Pᵀ (key, query). ∂Pᵀ = V·gᵀ, ∂V += (Pᵀ)·g, ∂Sᵀ by columns, ∂Q += (∂Sᵀ)ᵀ·K,
                // ∂K += ∂Sᵀ·Q: each A operand the row layout's, read through swapped strides.
                let gt = vt
                transpose(gt, g, rows: T, cols: HS, stride: C)
                gemmRowsStore(dp, T, v, C3, 1, gt, T, 0, T, T, HS)
                gemmRange(dv, C3, p, T, 1, g, C, packed: false, 0, T, HS, T, accumulate: accumulate, bias: nil)
                softmaxBackwardColumns(dp, p, T, scale: scale)
                gemmRange(dq, C3, dp, 1, T, k, C3, packed: false, 0, T, HS, T, accumulate: accumulate, bias: nil)
                gemmRange(dk, C3, dp, T, 1, q, C3, packed: false, 0, T, HS, T, accumulate: accumulate, bias: nil)
                continue
            }
            transpose(vt, v, rows: T, cols: HS, stride: C3)
            // out = P·V  →  ∂P = g·Vᵀ,  ∂V += Pᵀ·g
            gemmRowsStore(dp, T, g, C, 1, vt, T, 0, T, T, HS)
            gemmRange(dv, C3, p, 1, T, g, C, packed: false, 0, T, HS, T, accumulate: accumulate, bias: nil)
            softmaxBackwardRows(dp, p, T, causal: causal, scale: scale)
            // scores = Q·Kᵀ  →  ∂Q += ∂S·K,  ∂K += ∂Sᵀ·Q
            gemmRange(dq, C3, dp, T, 1, k, C3, packed: false, 0, T, HS, T, accumulate: accumulate, bias: nil)
            gemmRange(dk, C3, dp, 1, T, q, C3, packed: false, 0, T, HS, T, accumulate: accumulate, bias: nil)
        }
    }
}

/// softmaxBackwardRows over transposed blocks: dpt (T, T) holds ∂Pᵀ, pt holds Pᵀ (row = key,
/// column = query; T a multiple of the vector width, not causal). One query per lane: its sum
/// Σ_j P·∂P runs over j in order from +0 and each ∂S = P ⊙ (∂P − sum) · scale, softmaxBackwardRows'
/// operations, with no transposes.
@inline(__always)
func softmaxBackwardColumns(_ dpt: FloatPtr, _ pt: FloatPtr, _ T: Int, scale: Float) {
    let sv = VecF(repeating: scale)
    var q0 = 0
    while q0 < T {
        var w = VecF()
        for j in 0..<T { w += loadV(pt + j * T + q0) * loadV(dpt + j * T + q0) }
        for j in 0..<T {
            let d = dpt + j * T + q0
            storeV(d, loadV(pt + j * T + q0) * (loadV(d) - w) * sv)
        }
        q0 += VecF.scalarCount
    }
}

/// softmax backward in place over dp (T, T): ∂scores = P ⊙ (∂P − Σ_j P·∂P) · scale per row (masked
/// entries have P = 0). Each row's sum is a scalar chain over j in order; eight rows run at once,
/// one per lane, so the chains overlap (the same bits as one row at a time).
@inline(__always)
func softmaxBackwardRows(_ dp: FloatPtr, _ p: FloatPtr, _ T: Int, causal: Bool, scale: Float) {
    var t0 = 0
    let lane = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    while t0 + 8 <= T {
        let pr = p + t0 * T, dr = dp + t0 * T
        var w = SIMD8<Float>()
        // Row t0 + r sums j < n_r (n_r = t0 + r + 1 when causal, else T). A lane past its n adds +0,
        // which leaves its sum unchanged (a sum that starts at +0 is never −0).
        let n = causal ? SIMD8<Int32>(repeating: Int32(t0 + 1)) &+ lane : SIMD8<Int32>(repeating: Int32(T))
        let jEnd = causal ? t0 + 8 : T
        forEachColumn(pr, dr, stride: T, rows: 8, count: jEnd) { j, pj, dj in
            let prod = pj * dj
            w += prod.replacing(with: 0, where: SIMD8<Int32>(repeating: Int32(j)) .>= n)
        }
        for r in 0..<8 {
            let prr = pr + r * T, drr = dr + r * T, wr = w[r]
            for j in 0..<T { drr[j] = prr[j] * (drr[j] - wr) * scale }
        }
        t0 += 8
    }
    for t in t0..<T {
        let pr = p + t * T, dr = dp + t * T
        let n = causal ? t + 1 : T
        var w: Float = 0
        for j in 0..<n { w += pr[j] * dr[j] }
        for j in 0..<T { dr[j] = pr[j] * (dr[j] - w) * scale }
    }
}
