import XCTest
import PDETCore

final class AttentionFitTests: XCTestCase {
    /// A (T, T) heat kernel exp(−(i−j)²/(4κ)), rows normalised (over j ≤ i when causal).
    private func heatKernel(T: Int, kappa: Double, causal: Bool = false) -> [Float] {
        var a = [Float](repeating: 0, count: T * T)
        for i in 0..<T {
            let last = causal ? i : T - 1
            var z = 0.0
            for j in 0...last { z += exp(-Double((i - j) * (i - j)) / (4 * kappa)) }
            for j in 0...last { a[i * T + j] = Float(exp(-Double((i - j) * (i - j)) / (4 * kappa)) / z) }
        }
        return a
    }

    func testRecoversKnownKappa() {
        for kappa in [0.5, 2.0, 10.0] {
            let fit = fitDiffusionKernel(attention: heatKernel(T: 48, kappa: kappa), T: 48)
            XCTAssertEqual(Double(fit.kappa), kappa, accuracy: 0.02 * kappa, "κ = \(kappa)")
            XCTAssertGreaterThan(fit.cosine, 0.9999)
            XCTAssertLessThan(fit.jsd, 1e-4)
            XCTAssertLessThan(fit.uniformCosine, fit.cosine)
            XCTAssertGreaterThan(fit.uniformJSD, fit.jsd)
        }
    }

    func testRecoversKnownKappaCausal() {
        let fit = fitDiffusionKernel(attention: heatKernel(T: 32, kappa: 3, causal: true), T: 32, causal: true)
        XCTAssertEqual(fit.kappa, 3, accuracy: 0.06)
        XCTAssertGreaterThan(fit.cosine, 0.9999)
    }

    func testUniformMatchesBaselineAtLargeKappa() {
        let T = 16
        let fit = fitDiffusionKernel(attention: [Float](repeating: 1 / Float(T), count: T * T), T: T)
        XCTAssertEqual(fit.cosine, fit.uniformCosine, accuracy: 1e-4)
        XCTAssertEqual(fit.uniformCosine, 1, accuracy: 1e-5)
        XCTAssertEqual(fit.uniformJSD, 0, accuracy: 1e-6)
        XCTAssertGreaterThan(fit.kappa, 1000)
    }

    func testSharpDiagonalGivesSmallKappa() {
        let T = 24
        var a = [Float](repeating: 0, count: T * T)
        for i in 0..<T {
            a[i * T + i] = 1
            if i > 0 { a[i * T + i - 1] = 0.02 }
            if i + 1 < T { a[i * T + i + 1] = 0.02 }
        }
        let fit = fitDiffusionKernel(attention: a, T: T)
        XCTAssertLessThan(fit.kappa, 0.3)
        XCTAssertGreaterThan(fit.cosine, 0.99)
        XCTAssertLessThan(fit.uniformCosine, 0.3)   // a sharp diagonal is far from uniform
    }

    func testRandomAttentionIsNotAKernel() {
        var rng = SplitMix(seed: 7)
        let T = 32
        var a = [Float](repeating: 0, count: T * T)
        for i in 0..<T {
            var z: Float = 0
            // Sharp random targets (softmax of large random logits): far from any heat kernel.
            for j in 0..<T { a[i * T + j] = Float(exp(8 * rng.next())); z += a[i * T + j] }
            for j in 0..<T { a[i * T + j] /= z }
        }
        let fit = fitDiffusionKernel(attention: a, T: T)
        XCTAssertLessThan(fit.cosine, 0.8)
        XCTAssertGreaterThan(fit.jsd, 0.05)
    }

    /// Brute-force mean row (cosine, JSD) of `a` against the normalised kernel for `kappa` (or the uniform
    /// row when kappa is nil), straight from the definitions.
    private func bruteForce(_ a: [Float], T: Int, causal: Bool, kappa: Double?) -> (cosine: Double, jsd: Double) {
        var cosSum = 0.0, jsdSum = 0.0
        for i in 0..<T {
            let last = causal ? i : T - 1
            let row = (0..<T).map { Double(a[i * T + $0]) }
            var pred = (0..<T).map { j -> Double in
                guard j <= last else { return 0 }
                guard let kappa else { return 1 }
                return exp(-Double((i - j) * (i - j)) / (4 * kappa))
            }
            let z = pred.reduce(0, +)
            pred = pred.map { $0 / z }
            let dot = zip(row, pred).map(*).reduce(0, +)
            cosSum += dot / (row.map { $0 * $0 }.reduce(0, +) * pred.map { $0 * $0 }.reduce(0, +)).squareRoot()
            jsdSum += attentionFitJSD(row, pred)
        }
        return (cosSum / Double(T), jsdSum / Double(T))
    }

    /// The reported numbers match a brute-force evaluation at the fitted κ, and κ is a local maximum.
    func testReportedNumbersMatchBruteForce() {
        var rng = SplitMix(seed: 3)
        let T = 12
        for causal in [false, true] {
            var a = [Float](repeating: 0, count: T * T)
            for i in 0..<T {
                let last = causal ? i : T - 1
                var z: Float = 0
                for j in 0...last { a[i * T + j] = Float(rng.next()) + (i == j ? 2 : 0); z += a[i * T + j] }
                for j in 0...last { a[i * T + j] /= z }
            }
            let fit = fitDiffusionKernel(attention: a, T: T, causal: causal)
            let kappa = Double(fit.kappa)
            let atFit = bruteForce(a, T: T, causal: causal, kappa: kappa)
            let uniform = bruteForce(a, T: T, causal: causal, kappa: nil)
            XCTAssertEqual(Double(fit.cosine), atFit.cosine, accuracy: 1e-5, "causal \(causal)")
            XCTAssertEqual(Double(fit.jsd), atFit.jsd, accuracy: 1e-4, "causal \(causal)")
            XCTAssertEqual(Double(fit.uniformCosine), uniform.cosine, accuracy: 1e-5, "causal \(causal)")
            XCTAssertEqual(Double(fit.uniformJSD), uniform.jsd, accuracy: 1e-5, "causal \(causal)")
            XCTAssertLessThan(fit.cosine, 1)
            for factor in [0.9, 1.1] {
                XCTAssertLessThanOrEqual(bruteForce(a, T: T, causal: causal, kappa: kappa * factor).cosine,
                                         atFit.cosine + 1e-9, "causal \(causal), κ × \(factor)")
            }
        }
    }

    func testNonFiniteGivesNaNFit() {
        var a = heatKernel(T: 8, kappa: 1)
        a[5] = .nan
        let fit = fitDiffusionKernel(attention: a, T: 8)
        XCTAssertTrue(fit.kappa.isNaN && fit.cosine.isNaN && fit.jsd.isNaN)
        XCTAssertTrue(fit.uniformCosine.isNaN && fit.uniformJSD.isNaN)
        a[5] = .infinity
        XCTAssertTrue(fitDiffusionKernel(attention: a, T: 8).cosine.isNaN)
        XCTAssertTrue(fitDiffusionKernel(attention: [1, 2, 3], T: 8).kappa.isNaN)   // wrong size
        XCTAssertTrue(fitDiffusionKernel(attention: [], T: 0).kappa.isNaN)
    }

    func testJSDIdenticalIsZeroAndBounded() {
        let p = [0.1, 0.2, 0.7]
        XCTAssertEqual(attentionFitJSD(p, p), 0, accuracy: 1e-12)
        // Disjoint supports reach the bound ln 2.
        XCTAssertEqual(attentionFitJSD([1, 0], [0, 1]), log(2.0), accuracy: 1e-12)
        let q = [0.5, 0.5, 0.0]
        let d = attentionFitJSD(p, q)
        XCTAssertGreaterThan(d, 0)
        XCTAssertLessThanOrEqual(d, log(2.0))
        XCTAssertEqual(d, attentionFitJSD(q, p), accuracy: 1e-12)   // symmetric
    }

    func testFitsEveryLayerAndHead() {
        let k1 = heatKernel(T: 16, kappa: 1), k5 = heatKernel(T: 16, kappa: 5)
        let fits = fitDiffusionKernels(attention: [[k1, k5], [k5, k1], [k1, k1]], T: 16, causal: false)
        XCTAssertEqual(fits.count, 3)
        XCTAssertEqual(fits[0].count, 2)
        XCTAssertEqual(fits[0][1].kappa, 5, accuracy: 0.1)
        XCTAssertEqual(fits[1][1].kappa, 1, accuracy: 0.02)
    }
}

/// A tiny local generator so the test does not depend on PDETCore's RNG API: uniform in [0, 1).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
