// The fast kernels against the plain loops of ReferenceKernels.swift, on random shapes that hit
// every path: whole register tiles, partial row groups (M not a multiple of 4 or 8), edge columns
// (N not a multiple of 16), K blocks (K ≥ 2·kc), the column split for few rows, bias and no bias.
//
// Exact (bit for bit) where the fast kernel performs the same operations in the same order:
//   GEMM forward and backward: each element is one chain of its products in k order from +0, then
//     base + chain; the tiles fuse each multiply-add, the edge does not, and gemmElementIsFused
//     says which, so the reference run both ways and picked per element must agree exactly.
//   LayerNorm forward and backward: eight rows per vector, each lane the scalar loop's operations.
//   GELU, erf form: the same scalar erff expression.
//   exp and tanh lanes: single-instruction floor, 2^n and n·c against the portable steps.
// Within a tolerance where the fast kernel computes differently on purpose:
//   GELU, tanh form: a polynomial exp in vectors instead of libm's tanhf (~1e-7 absolute).
//   attention: scores from the GEMM (fused chains), exp from the polynomial, sums in groups of 8
//     and the output P·V summed by GEMM chains: float rounding only, ~1e-6 relative.

import Foundation
@testable import PDETCore
import XCTest

final class ReferenceKernelTests: XCTestCase {
    // Two threads whatever PDET_THREADS says, so that the split paths (rows in groups of 4,
    // columns at panel boundaries) run; results must not depend on it.
    private var threadsBefore = 1
    override func setUp() { threadsBefore = KernelBench.threads; KernelBench.setThreads(2) }
    override func tearDown() { KernelBench.setThreads(threadsBefore) }

    /// n Gaussian floats (σ 1) from a seed, in a buffer the caller deallocates.
    func random(_ n: Int, _ rng: inout SplitMix64) -> FloatPtr {
        let p = FloatPtr.allocate(capacity: max(n, 1))
        for i in 0..<n { p[i] = rng.nextGaussian() }
        return p
    }

    func copy(_ p: FloatPtr, _ n: Int) -> FloatPtr {
        let q = FloatPtr.allocate(capacity: max(n, 1))
        q.update(from: p, count: n)
        return q
    }

    /// The first index where a and b differ in bits, or nil.
    func firstDifference(_ a: FloatPtr, _ b: FloatPtr, _ n: Int) -> Int? {
        (0..<n).first { a[$0].bitPattern != b[$0].bitPattern }
    }

    /// max |a − b| / (1 + |b|) over n values.
    func maxRelativeError(_ a: FloatPtr, _ b: FloatPtr, _ n: Int) -> Float {
        (0..<n).reduce(0) { max($0, abs(a[$1] - b[$1]) / (1 + abs(b[$1]))) }
    }

    /// The reference GEMM's expected result: each element from the fused or the separate run, as
    /// the fast kernel's tile rule picks (rows × cols of the GEMM that produced it).
    func expected(fused: FloatPtr, separate: FloatPtr, rows: Int, cols: Int) -> FloatPtr {
        let e = FloatPtr.allocate(capacity: max(rows * cols, 1))
        for m in 0..<rows {
            for j in 0..<cols {
                e[m * cols + j] = gemmElementIsFused(m, j, M: rows, N: cols) ? fused[m * cols + j] : separate[m * cols + j]
            }
        }
        return e
    }

    /// (N, IC, OC): whole tiles, ragged rows and edge columns, one row, rows split across threads
    /// (64 × 300 × 120), K split into blocks (9 × 200 × 1040: kBlock 64), and MiniLM-like few rows
    /// with many columns, which splits the columns across threads (10 × 256 × 1000, K blocks too).
    let linearShapes = [(1, 1, 1), (3, 5, 7), (4, 16, 16), (5, 17, 33), (8, 32, 48), (9, 40, 31), (13, 24, 80),
                        (16, 64, 24), (12, 384, 96), (7, 20, 1152), (64, 300, 120), (2, 96, 520),
                        (9, 200, 1040), (10, 256, 1000)]

    func testMatmulForwardIsTheReferenceBitForBit() {
        var rng = SplitMix64(seed: 1)
        var pickMatters = false
        for (N, IC, OC) in linearShapes {
            for withBias in [true, false] {
                let inp = random(N * IC, &rng), w = random(OC * IC, &rng), bias = random(OC, &rng)
                let out = FloatPtr.allocate(capacity: N * OC), fused = FloatPtr.allocate(capacity: N * OC)
                let separate = FloatPtr.allocate(capacity: N * OC)
                matmulForward(out, inp, w, withBias ? bias : nil, N, IC, OC)
                matmulForwardReference(fused, inp, w, withBias ? bias : nil, N, IC, OC, fused: true)
                matmulForwardReference(separate, inp, w, withBias ? bias : nil, N, IC, OC, fused: false)
                let e = expected(fused: fused, separate: separate, rows: N, cols: OC)
                XCTAssertNil(firstDifference(out, e, N * OC), "forward \(N)×\(IC)×\(OC) bias \(withBias)")
                pickMatters = pickMatters || firstDifference(fused, separate, N * OC) != nil
                for p in [inp, w, bias, out, fused, separate, e] { p.deallocate() }
            }
        }
        XCTAssertTrue(pickMatters, "fused and separate chains never differed: the test could not see a wrong rule")
    }

    func testMatmulForwardDoesNotDependOnTheThreadCount() {
        // Few rows, many columns: the column split (2 threads) against one thread.
        var rng = SplitMix64(seed: 2)
        let (N, IC, OC) = (12, 384, 1536)
        let inp = random(N * IC, &rng), w = random(OC * IC, &rng), bias = random(OC, &rng)
        let one = FloatPtr.allocate(capacity: N * OC), two = FloatPtr.allocate(capacity: N * OC)
        defer { for p in [inp, w, bias, one, two] { p.deallocate() } }
        let before = KernelBench.threads
        defer { KernelBench.setThreads(before) }
        KernelBench.setThreads(1)
        matmulForward(one, inp, w, bias, N, IC, OC)
        KernelBench.setThreads(2)
        matmulForward(two, inp, w, bias, N, IC, OC)
        XCTAssertNil(firstDifference(one, two, N * OC))
    }

    func testMatmulBackwardIsTheReferenceBitForBit() {
        var rng = SplitMix64(seed: 3)
        for (N, IC, OC) in linearShapes {
            for withBias in [true, false] {
                let inp = random(N * IC, &rng), w = random(OC * IC, &rng), dout = random(N * OC, &rng)
                // Gradients start non-zero: backward accumulates (base = the old value).
                let dinp0 = random(N * IC, &rng), dw0 = random(OC * IC, &rng), db0 = random(OC, &rng)
                let dinp = copy(dinp0, N * IC), dw = copy(dw0, OC * IC), db = copy(db0, OC)
                matmulBackward(dinp, dw, withBias ? db : nil, dout, inp, w, N, IC, OC)
                // Reference: the chains alone (from zeroed buffers), then base + chain per element.
                let sF = FloatPtr.allocate(capacity: N * IC), sS = FloatPtr.allocate(capacity: N * IC)
                let wF = FloatPtr.allocate(capacity: OC * IC), wS = FloatPtr.allocate(capacity: OC * IC)
                for p in [(sF, N * IC), (sS, N * IC), (wF, OC * IC), (wS, OC * IC)] { p.0.initialize(repeating: 0, count: p.1) }
                let dbRef = copy(db0, OC)
                matmulBackwardReference(sF, wF, nil, dout, inp, w, N, IC, OC, fused: true)
                matmulBackwardReference(sS, wS, withBias ? dbRef : nil, dout, inp, w, N, IC, OC, fused: false)
                let chainsIn = expected(fused: sF, separate: sS, rows: N, cols: IC)       // dinp: (N, IC) = dout·w
                let chainsW = expected(fused: wF, separate: wS, rows: OC, cols: IC)       // dw: (OC, IC) = doutᵀ·inp
                for i in 0..<(N * IC) { chainsIn[i] = dinp0[i] + chainsIn[i] }
                for i in 0..<(OC * IC) { chainsW[i] = dw0[i] + chainsW[i] }
                let shape = "\(N)×\(IC)×\(OC) bias \(withBias)"
                XCTAssertNil(firstDifference(dinp, chainsIn, N * IC), "dinp \(shape)")
                XCTAssertNil(firstDifference(dw, chainsW, OC * IC), "dw \(shape)")
                XCTAssertNil(firstDifference(db, dbRef, OC), "dbias \(shape)")
                for p in [inp, w, dout, dinp0, dw0, db0, dinp, dw, db, sF, sS, wF, wS, dbRef, chainsIn, chainsW] { p.deallocate() }
            }
        }
    }

    func testLayerNormIsTheReferenceBitForBit() {
        var rng = SplitMix64(seed: 4)
        // Row counts around the groups of 8 (and a short last group), widths around the vectors.
        for (N, C) in [(1, 5), (3, 16), (8, 8), (9, 17), (15, 33), (16, 64), (21, 384)] {
            let inp = random(N * C, &rng), weight = random(C, &rng), bias = random(C, &rng), dout = random(N * C, &rng)
            let out = FloatPtr.allocate(capacity: N * C), mean = FloatPtr.allocate(capacity: N), rstd = FloatPtr.allocate(capacity: N)
            let outR = FloatPtr.allocate(capacity: N * C), meanR = FloatPtr.allocate(capacity: N), rstdR = FloatPtr.allocate(capacity: N)
            layernormForward(out, mean, rstd, inp, weight, bias, N, C, eps: 1e-12)
            layernormForwardReference(outR, meanR, rstdR, inp, weight, bias, N, C, eps: 1e-12)
            XCTAssertNil(firstDifference(out, outR, N * C), "forward \(N)×\(C)")
            XCTAssertNil(firstDifference(mean, meanR, N), "mean \(N)×\(C)")
            XCTAssertNil(firstDifference(rstd, rstdR, N), "rstd \(N)×\(C)")
            // In place (out = inp), as BERT's encoder calls it.
            let inPlace = copy(inp, N * C)
            layernormForward(inPlace, mean, rstd, inPlace, weight, bias, N, C, eps: 1e-12)
            XCTAssertNil(firstDifference(inPlace, outR, N * C), "in place \(N)×\(C)")

            let g0 = random(N * C, &rng), gw0 = random(C, &rng), gb0 = random(C, &rng)
            let dinp = copy(g0, N * C), dw = copy(gw0, C), db = copy(gb0, C)
            let dinpR = copy(g0, N * C), dwR = copy(gw0, C), dbR = copy(gb0, C)
            layernormBackward(dinp, dw, db, dout, inp, weight, mean, rstd, N, C)
            layernormBackwardReference(dinpR, dwR, dbR, dout, inp, weight, meanR, rstdR, N, C)
            XCTAssertNil(firstDifference(dinp, dinpR, N * C), "dinp \(N)×\(C)")
            XCTAssertNil(firstDifference(dw, dwR, C), "dweight \(N)×\(C)")
            XCTAssertNil(firstDifference(db, dbR, C), "dbias \(N)×\(C)")
            for p in [inp, weight, bias, dout, out, mean, rstd, outR, meanR, rstdR, inPlace, g0, gw0, gb0,
                      dinp, dw, db, dinpR, dwR, dbR] { p.deallocate() }
        }
    }

    func testGeluScaleLiteralIsTheComputedConstant() {
        // The kernels use a literal (a computed global put a lazy-init check in GELU's loop).
        XCTAssertEqual(geluScale.bitPattern, (2.0 / Float.pi).squareRoot().bitPattern)
    }

    func testColumnWalkDeliversEachRowsElementsInOrder() {
        // forEachColumn: eight rows go through register transposes (whole 8×8 blocks, then single
        // columns for the tail), fewer rows through gathers; lane r of column i must be row r's
        // element i either way, b's alongside a's, and the columns must come in order.
        for (rows, n, stride) in [(8, 8, 8), (8, 21, 23), (8, 64, 64), (5, 19, 19), (1, 9, 12), (8, 3, 7)] {
            let a = FloatPtr.allocate(capacity: 8 * stride), b = FloatPtr.allocate(capacity: 8 * stride)
            defer { a.deallocate(); b.deallocate() }
            for k in 0..<(8 * stride) { a[k] = Float(k); b[k] = -Float(k) - 0.5 }
            var next = 0
            forEachColumn(a, b, stride: stride, rows: rows, count: n) { i, ai, bi in
                XCTAssertEqual(i, next, "columns in order (\(rows) rows, n \(n))")
                next += 1
                for r in 0..<8 {
                    let row = min(r, rows - 1)        // spare lanes repeat the last row
                    XCTAssertEqual(ai[r], a[row * stride + i], "a row \(r) column \(i) (\(rows) rows, n \(n))")
                    XCTAssertEqual(bi[r], b[row * stride + i], "b row \(r) column \(i) (\(rows) rows, n \(n))")
                }
            }
            XCTAssertEqual(next, n)
            forEachColumn(a, nil, stride: stride, rows: rows, count: n) { i, ai, bi in
                XCTAssertEqual(bi, SIMD8<Float>(), "no b: zeros")
                XCTAssertEqual(ai[0], a[i])
            }
        }
    }

    func testExpAndTanhLanesKeepThePortableBits() {
        // floor, 2^n and n·c run as single instructions on vector builds (CLanes) and tanh skips a
        // clamp its range makes idle; each must give the float the portable steps give. Every
        // 257th bit pattern of all 2^32 (NaNs, infinities, subnormals and both zeros among them),
        // at both vector widths: 16.7 million values (the whole range was checked once, offline).
        let N = 1 << 20, stride: UInt32 = 257
        let inp = FloatPtr.allocate(capacity: N), a = FloatPtr.allocate(capacity: 4 * N)
        defer { inp.deallocate(); a.deallocate() }
        let (e, t, eRef, tRef) = (a, a + N, a + 2 * N, a + 3 * N)
        var differing = [8: 0, 16: 0]
        for chunk in 0..<16 {
            for i in 0..<N { inp[i] = Float(bitPattern: UInt32(truncatingIfNeeded: chunk * N + i) &* stride) }
            if chunk == 0 { inp[1] = -0.0; inp[2] = .nan; inp[3] = .infinity; inp[4] = -.infinity }
            for width in [8, 16] {
                if width == 8 {
                    expAndTanhLanes(SIMD8<Float>.self, e, t, inp, N, portable: false)
                    expAndTanhLanes(SIMD8<Float>.self, eRef, tRef, inp, N, portable: true)
                } else {
                    expAndTanhLanes(SIMD16<Float>.self, e, t, inp, N, portable: false)
                    expAndTanhLanes(SIMD16<Float>.self, eRef, tRef, inp, N, portable: true)
                }
                for i in 0..<N where e[i].bitPattern != eRef[i].bitPattern || t[i].bitPattern != tRef[i].bitPattern {
                    if differing[width]! < 3 {
                        XCTFail("width \(width): x = \(inp[i]) (0x\(String(inp[i].bitPattern, radix: 16))): e^x \(e[i]) vs \(eRef[i]), tanh \(t[i]) vs \(tRef[i])")
                    }
                    differing[width]! += 1
                }
            }
        }
        XCTAssertEqual(differing, [8: 0, 16: 0])
        // and the values are the functions they claim to be
        for (i, x) in [Float(-3), -0.5, 0, 0.25, 1, 10, -87, 88].enumerated() { inp[i] = x }
        expAndTanhLanes(SIMD8<Float>.self, e, t, inp, 8, portable: false)
        for i in 0..<8 {
            XCTAssertEqual(e[i], expf(inp[i]), accuracy: 3e-7 * expf(inp[i]), "e^\(inp[i])")
            XCTAssertEqual(t[i], tanhf(inp[i]), accuracy: 3e-7, "tanh \(inp[i])")
        }
    }

    func testGeluAgainstTheReference() {
        var rng = SplitMix64(seed: 5)
        let N = 77     // vectors of 16 and 8, then a scalar tail
        let inp = random(N, &rng)
        for i in 0..<N { inp[i] *= 3 }
        let out = FloatPtr.allocate(capacity: N), ref = FloatPtr.allocate(capacity: N)
        defer { for p in [inp, out, ref] { p.deallocate() } }
        geluForward(out, inp, N, variant: .erf)
        geluForwardReference(ref, inp, N, variant: .erf)
        XCTAssertNil(firstDifference(out, ref, N), "erf GELU is the same scalar expression")
        geluForward(out, inp, N, variant: .tanh)
        geluForwardReference(ref, inp, N, variant: .tanh)
        for i in 0..<N { XCTAssertEqual(out[i], ref[i], accuracy: 1e-6 * (1 + abs(ref[i])), "tanh GELU at \(inp[i])") }
    }

    func testGeluBackwardIsTheDerivativeOfEachVariant() {
        // Central differences in Double of the reference forward (Float steps are too coarse).
        let xs: [Float] = (0..<40).map { Float($0 - 20) * 0.17 + 0.01 }
        for variant in [GeluVariant.tanh, .erf] {
            let inp = FloatPtr.allocate(capacity: xs.count), dinp = FloatPtr.allocate(capacity: xs.count)
            let ones = FloatPtr.allocate(capacity: xs.count)
            defer { for p in [inp, dinp, ones] { p.deallocate() } }
            for (i, x) in xs.enumerated() { inp[i] = x; ones[i] = 1; dinp[i] = 0 }
            geluBackward(dinp, inp, ones, xs.count, accumulate: false, variant: variant)
            for (i, x) in xs.enumerated() {
                let h = 1e-3
                func f(_ v: Double) -> Double {
                    switch variant {
                    case .tanh: return 0.5 * v * (1 + tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
                    case .erf: return 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
                    }
                }
                let numeric = (f(Double(x) + h) - f(Double(x) - h)) / (2 * h)
                XCTAssertEqual(Double(dinp[i]), numeric, accuracy: 1e-5, "\(variant) GELU' at \(x)")
            }
        }
    }

    /// (B, T, C, NH): one and several heads, T around the softmax's groups of 8 and the tiles.
    let attentionShapes = [(1, 1, 4, 1), (1, 5, 8, 2), (2, 8, 16, 2), (1, 9, 24, 3), (2, 17, 32, 4), (1, 33, 64, 2),
                           (2, 16, 32, 2), (1, 64, 64, 4)]

    func testTransposedAttentionHasTheRowLayoutsBits() {
        // T a multiple of 16 without mask or causal cut runs each head transposed (softmaxColumns);
        // its probabilities and output must be the row layout's bit for bit, a query whose
        // scores hold ±Inf or NaN included (NaN throughout, in both).
        var rng = SplitMix64(seed: 8)
        for (B, T, C, NH) in [(2, 16, 32, 2), (1, 32, 48, 3), (2, 64, 64, 4), (2, 16, 24, 2)] {
            let n3 = B * T * 3 * C, nOut = B * T * C, nAtt = B * NH * T * T
            let qkv = random(n3, &rng)
            for i in 0..<n3 { qkv[i] *= 4 }
            qkv[5 * 3 * C + 1] = .infinity                 // a query of batch row 0, head 0
            qkv[((B - 1) * T + 2) * 3 * C + C + C / NH] = .nan   // a key of the last batch row, head 1
            let out = FloatPtr.allocate(capacity: nOut), att = FloatPtr.allocate(capacity: nAtt)
            let outR = FloatPtr.allocate(capacity: nOut), attR = FloatPtr.allocate(capacity: nAtt)
            let outL = FloatPtr.allocate(capacity: nOut)
            defer { for p in [qkv, out, att, outR, attR, outL] { p.deallocate() } }
            attentionForward(out, att, qkv, B, T, C, NH, causal: false)
            attentionForward(outR, attR, qkv, B, T, C, NH, causal: false, transposed: false)
            attentionForward(outL, nil, qkv, B, T, C, NH, causal: false)     // the loss-only forward's call
            XCTAssertNil(firstDifference(att, attR, nAtt), "probabilities B\(B) T\(T) C\(C) NH\(NH)")
            XCTAssertNil(firstDifference(out, outR, nOut), "output B\(B) T\(T) C\(C) NH\(NH)")
            XCTAssertNil(firstDifference(outL, outR, nOut), "output without probabilities B\(B) T\(T)")
            XCTAssertTrue(att[5 * T].isNaN && !att[4 * T].isNaN, "the query with an infinite score, and only it, is NaN")
            var finite = 0
            for i in 0..<nAtt where att[i].isFinite { finite += 1 }
            XCTAssertGreaterThan(finite, nAtt / 3, "most probabilities stay finite")
            // A training forward keeps Pᵀ per head, and the backward pass reads it as it is (on
            // finite inputs: a NaN would spread through a head's gradients and hide differences).
            for i in 0..<n3 where !qkv[i].isFinite { qkv[i] = 0.5 }
            attentionForward(outR, attR, qkv, B, T, C, NH, causal: false, transposed: false)
            let attT = FloatPtr.allocate(capacity: nAtt), outT = FloatPtr.allocate(capacity: nOut)
            defer { attT.deallocate(); outT.deallocate() }
            attentionForward(outT, attT, qkv, B, T, C, NH, causal: false, keepTransposed: true)
            XCTAssertNil(firstDifference(outT, outR, nOut), "output, Pᵀ kept")
            var swapped = 0
            for bh in 0..<(B * NH) {
                for t in 0..<T { for j in 0..<T where attT[bh * T * T + j * T + t].bitPattern != attR[bh * T * T + t * T + j].bitPattern { swapped += 1 } }
            }
            XCTAssertEqual(swapped, 0, "the kept probabilities are Pᵀ, bit for bit")
            let dout = random(nOut, &rng), d0 = random(n3, &rng)
            defer { dout.deallocate(); d0.deallocate() }
            for accumulate in [true, false] {
                let dRow = copy(d0, n3), dCol = copy(d0, n3)
                defer { dRow.deallocate(); dCol.deallocate() }
                attentionBackward(dRow, dout, qkv, attR, B, T, C, NH, causal: false, accumulate: accumulate)
                attentionBackward(dCol, dout, qkv, attT, B, T, C, NH, causal: false, accumulate: accumulate, attTransposed: true)
                XCTAssertNil(firstDifference(dCol, dRow, n3), "dqkv from Pᵀ, accumulate \(accumulate), B\(B) T\(T) C\(C)")
                XCTAssertTrue((0..<n3).allSatisfy { dCol[$0].isFinite }, "finite gradients")
            }
        }
    }

    func testAttentionForwardAndBackwardAgainstTheReference() {
        var rng = SplitMix64(seed: 6)
        for (B, T, C, NH) in attentionShapes {
            for causal in [false, true] {
                let shape = "B\(B) T\(T) C\(C) NH\(NH) causal \(causal)"
                let n3 = B * T * 3 * C, nOut = B * T * C, nAtt = B * NH * T * T
                let qkv = random(n3, &rng), dout = random(nOut, &rng)
                let out = FloatPtr.allocate(capacity: nOut), att = FloatPtr.allocate(capacity: nAtt)
                let outR = FloatPtr.allocate(capacity: nOut), attR = FloatPtr.allocate(capacity: nAtt)
                attentionForward(out, att, qkv, B, T, C, NH, causal: causal)
                attentionForwardReference(outR, attR, qkv, B, T, C, NH, causal: causal)
                XCTAssertLessThan(maxRelativeError(att, attR, nAtt), 2e-6, "probabilities \(shape)")
                XCTAssertLessThan(maxRelativeError(out, outR, nOut), 2e-6, "output \(shape)")
                if causal {   // the future is exactly 0
                    for bh in 0..<(B * NH) { for t in 0..<T { for j in (t + 1)..<max(t + 1, T) { XCTAssertEqual(att[bh * T * T + t * T + j], 0) } } }
                }
                let d0 = random(n3, &rng)
                let dinp = copy(d0, n3), dinpR = copy(d0, n3)
                attentionBackward(dinp, dout, qkv, att, B, T, C, NH, causal: causal)
                attentionBackwardReference(dinpR, dout, qkv, att, B, T, C, NH)
                XCTAssertLessThan(maxRelativeError(dinp, dinpR, n3), 1e-5, "dqkv \(shape)")
                for p in [qkv, dout, out, att, outR, attR, d0, dinp, dinpR] { p.deallocate() }
            }
        }
    }

    func testAttentionKeyMaskHidesPaddingExactly() {
        // Padding at the end (BERT's) and a hole in the middle: masked keys get probability 0,
        // and the real tokens' output is the attention over the unpadded sequence.
        var rng = SplitMix64(seed: 7)
        let (T, C, NH) = (11, 16, 2)
        let qkv = random(T * 3 * C, &rng)
        for mask in [[Bool](repeating: true, count: 8) + [false, false, false],
                     [true, true, false, true, true, true, true, true, true, false, true]] {
            let out = FloatPtr.allocate(capacity: T * C), att = FloatPtr.allocate(capacity: NH * T * T)
            let outR = FloatPtr.allocate(capacity: T * C), attR = FloatPtr.allocate(capacity: NH * T * T)
            defer { for p in [out, att, outR, attR] { p.deallocate() } }
            mask.withUnsafeBufferPointer { m in
                attentionForward(out, att, qkv, 1, T, C, NH, causal: false, keyMask: m.baseAddress!)
                attentionForwardReference(outR, attR, qkv, 1, T, C, NH, causal: false, keyMask: m.baseAddress!)
            }
            for h in 0..<NH {
                for t in 0..<T {
                    let row = att + (h * T + t) * T
                    var sum: Float = 0
                    for j in 0..<T {
                        if !mask[j] { XCTAssertEqual(row[j].bitPattern, Float(0).bitPattern, "masked key \(j)") }
                        sum += row[j]
                    }
                    XCTAssertEqual(sum, 1, accuracy: 1e-6)
                }
            }
            XCTAssertLessThan(maxRelativeError(att, attR, NH * T * T), 2e-6, "mask \(mask)")
            XCTAssertLessThan(maxRelativeError(out, outR, T * C), 2e-6, "mask \(mask)")
        }
        qkv.deallocate()
    }
}
