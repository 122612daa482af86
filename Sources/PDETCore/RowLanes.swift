// Eight rows at once, one row per SIMD lane. The lanes of a SIMD8 are eight independent scalars,
// so a per-row sum kept in one lane runs exactly as the scalar loop over that row (same order,
// same rounding) while eight rows' dependency chains overlap. What this file provides is the
// loading: a column of eight rows is eight floats a row apart, which Swift can only gather one by
// one; whole 8×8 blocks go through a register transpose instead (CLanes' pdet_transpose8x8). Both
// deliver the same floats, so the sums' bits do not depend on which one ran.
import CLanes

/// The values at column i of a group of 1…8 rows, one row per lane, loaded one by one: the spare
/// lanes of a short last group repeat its last row (their results are dropped), so every row, the
/// last ones too, runs through the same lane code.
struct RowLanes {
    let o: (Int, Int, Int, Int, Int, Int, Int, Int)

    init(stride: Int, rows: Int) {
        func at(_ r: Int) -> Int { min(r, rows - 1) * stride }
        o = (at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7))
    }

    @inline(__always)
    func load(_ p: FloatPtr, _ i: Int) -> SIMD8<Float> {
        SIMD8(p[o.0 + i], p[o.1 + i], p[o.2 + i], p[o.3 + i], p[o.4 + i], p[o.5 + i], p[o.6 + i], p[o.7 + i])
    }
}

/// body(i, a_i, b_i) for i in 0..<n, in order: lane r of a_i is a[r·stride + i] (row r's element i),
/// b_i the same of b (or zero when b is nil; pass a literal nil and the loads compile out). With
/// fewer than 8 rows the spare lanes repeat the last row (RowLanes); with 8, whole 8×8 blocks are
/// transposed in registers (8 vector loads and 24 shuffles instead of 64 single loads).
@inline(__always)
func forEachColumn(_ a: FloatPtr, _ b: FloatPtr?, stride: Int, rows: Int, count n: Int,
                   _ body: (Int, SIMD8<Float>, SIMD8<Float>) -> Void) {
    var i = 0
    if rows == 8 && n >= 8 {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 128) { buffer in
            let ca = buffer.baseAddress!, cb = ca + 64       // (8, 8) columns of a, then of b
            while i + 8 <= n {
                transpose8x8(a + i, stride, into: ca)
                if let b { transpose8x8(b + i, stride, into: cb) }
                for l in 0..<8 { body(i + l, load8(ca + 8 * l), b == nil ? SIMD8() : load8(cb + 8 * l)) }
                i += 8
            }
        }
    }
    let lanes = RowLanes(stride: stride, rows: rows)
    while i < n { body(i, lanes.load(a, i), b.map { lanes.load($0, i) } ?? SIMD8()); i += 1 }
}

/// The 8×8 block at p (rows `stride` apart) transposed into out (rows `outStride` apart):
/// out[j·outStride + r] = p[r·stride + j]. Pure data movement, in registers.
@inline(__always)
func transpose8x8(_ p: FloatPtr, _ stride: Int, into out: FloatPtr, outStride: Int = 8) {
    pdet_transpose8x8(p, stride, out, outStride)
}
