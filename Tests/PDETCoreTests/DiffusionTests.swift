import XCTest
import PDETCore

/// Invariants of the explicit diffusion step: mass conservation, the maximum principle under the
/// 1/2 limit, growth past it, and the measured spectrum against H(k).
final class DiffusionTests: XCTestCase {
    /// Runs `steps` diffusion steps on u (B=1, T, C) with alpha (S, C).
    func diffuse(_ u: [Float], T: Int, C: Int, alpha: [Float], scales: [Int], steps: Int) -> [Float] {
        var cur = u
        var a = alpha
        for _ in 0..<steps {
            var next = [Float](repeating: 0, count: cur.count)
            next.withUnsafeMutableBufferPointer { o in
                cur.withUnsafeMutableBufferPointer { i in
                    a.withUnsafeMutableBufferPointer { al in
                        diffusionForward(o.baseAddress!, i.baseAddress!, al.baseAddress!, scales, 1, T, C)
                    }
                }
            }
            cur = next
        }
        return cur
    }

    func randomSignal(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in rng.nextGaussian() }
    }

    func testScaleOneConservesMassAndConstantsAreFixedPoints() {
        let T = 33, C = 3
        let u = randomSignal(T * C, seed: 1)
        let out = diffuse(u, T: T, C: C, alpha: [0.1, 0.3, 0.45], scales: [1], steps: 10)
        for c in 0..<C {
            let before = (0..<T).reduce(0.0) { $0 + Double(u[$1 * C + c]) }
            let after = (0..<T).reduce(0.0) { $0 + Double(out[$1 * C + c]) }
            XCTAssertEqual(before, after, accuracy: 1e-4, "channel \(c) mass")
        }
        let constant = [Float](repeating: 2.5, count: T * C)
        let multi = diffuse(constant, T: T, C: C, alpha: (0..<9).map { _ in 0.05 }, scales: [1, 2, 4], steps: 5)
        for v in multi { XCTAssertEqual(v, 2.5, accuracy: 1e-5) }
    }

    func testWithinTheLimitTheMaximumNeverGrowsAndEnergyDecays() {
        var rng = SplitMix64(seed: 5)
        for trial in 0..<20 {
            let T = 16 + trial, C = 2
            let scales = trial % 2 == 0 ? [1] : [1, 2, 4].filter { $0 < T }
            // Random alphas with Σ_s alpha = 1/2 exactly on channel 0 (the limit) and below it on channel 1.
            var alpha = [Float](repeating: 0, count: scales.count * C)
            for c in 0..<C {
                let w = scales.map { _ in rng.nextUnitFloat() + 0.01 }
                let total: Float = c == 0 ? 0.5 : 0.5 * rng.nextUnitFloat()
                for s in 0..<scales.count { alpha[s * C + c] = total * w[s] / w.reduce(0, +) }
            }
            var u = randomSignal(T * C, seed: UInt64(trial))
            for _ in 0..<30 {
                let next = diffuse(u, T: T, C: C, alpha: alpha, scales: scales, steps: 1)
                for c in 0..<C {
                    let m0 = (0..<T).map { abs(u[$0 * C + c]) }.max()!
                    let m1 = (0..<T).map { abs(next[$0 * C + c]) }.max()!
                    XCTAssertLessThanOrEqual(m1, m0 * (1 + 1e-5), "trial \(trial) channel \(c)")
                }
                u = next
            }
        }
    }

    func testPastTheLimitTheHighestFrequencyGrows() {
        let T = 32, C = 1
        // A zig-zag: the highest frequency, where H = 1 − 4·Σalpha.
        let zigzag: [Float] = (0..<T).map { $0 % 2 == 0 ? 1 : -1 }
        let unstable = diffuse(zigzag, T: T, C: C, alpha: [0.6], scales: [1], steps: 20)
        XCTAssertGreaterThan(unstable.map(abs).max()!, 500, "1 − 4·0.6 = −1.4: |−1.4|^20 ≈ 836 in the interior")
        let stable = diffuse(zigzag, T: T, C: C, alpha: [0.5], scales: [1], steps: 20)
        XCTAssertLessThanOrEqual(stable.map(abs).max()!, 1.0001)
        let noise = diffuse(randomSignal(T, seed: 9), T: T, C: C, alpha: [0.75], scales: [1], steps: 40)
        XCTAssertGreaterThan(noise.map(abs).max()!, 1e4)
    }

    func testMeasuredSpectrumRatioMatchesResponse() {
        let T = 64
        for scales in [[1], [1, 2, 4]] {
            let alphas: [Float] = scales.count == 1 ? [0.2] : [0.1, 0.05, 0.03]
            let h = diffusionResponse(alphas: alphas, scales: scales, T: T)
            XCTAssertEqual(h[0], 1, accuracy: 1e-6)
            for k in 1...12 {
                // A pure Fourier mode: its DFT magnitude is concentrated at k, so the ratio is its gain.
                let u: [Float] = (0..<T).map { Float(cos(2 * Double.pi * Double(k * $0) / Double(T))) }
                let out = diffuse(u, T: T, C: 1, alpha: alphas, scales: scales, steps: 1)
                let ratio = amplitudeSpectrum(out)[k] / amplitudeSpectrum(u)[k]
                XCTAssertEqual(ratio, abs(h[k]), accuracy: 0.03, "scales \(scales) k \(k)")
            }
        }
    }
}

/// The vectorised GELU matches the scalar formula (checked through a one-layer FFN-free path:
/// gradient checks cover its derivative; here the values themselves).
final class GELUTests: XCTestCase {
    func testVectorisedTanhMatchesLibm() {
        for i in -2000...2000 {
            let u = Float(i) / 100
            let v = SIMD8<Float>(repeating: u)
            XCTAssertEqual(tanhApprox(v)[3], tanhf(u), accuracy: 3e-7, "u = \(u)")
        }
    }
}
