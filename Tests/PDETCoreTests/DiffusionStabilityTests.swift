import XCTest
import PDETCore

/// The stability figure (ρ of the actual T×T step matrix, to the power steps) against a direct
/// computation: the matrix is read off the real kernel by pushing unit vectors through
/// `diffusionForward`, then power-iterated in Double.
final class DiffusionStabilityTests: XCTestCase {
    /// Column j of the step matrix is diffusionForward(e_j) (B = 1, C = 1): the kernel's own boundary.
    func kernelMatrix(alphas: [Float], scales: [Int], T: Int) -> [Double] {
        var m = [Double](repeating: 0, count: T * T)
        var a = alphas
        for j in 0..<T {
            var e = [Float](repeating: 0, count: T)
            e[j] = 1
            var out = [Float](repeating: 0, count: T)
            out.withUnsafeMutableBufferPointer { o in
                e.withUnsafeMutableBufferPointer { i in
                    a.withUnsafeMutableBufferPointer { al in
                        diffusionForward(o.baseAddress!, i.baseAddress!, al.baseAddress!, scales, 1, T, 1)
                    }
                }
            }
            for i in 0..<T { m[i * T + j] = Double(out[i]) }
        }
        return m
    }

    /// ρ by power iteration: the geometric mean growth of ‖Mᵏx‖ over the last `window` of `iterations`
    /// steps from a random start (robust to ±ρ pairs, which make single-step ratios oscillate).
    func powerIteration(_ m: [Double], T: Int, iterations: Int = 40_000, window: Int = 2_000) -> Double {
        var rng = SplitMix64(seed: 99)
        var x = (0..<T).map { _ in Double(rng.nextGaussian()) }
        var logGrowth = 0.0
        for k in 0..<iterations {
            var y = [Double](repeating: 0, count: T)
            for i in 0..<T { var s = 0.0; for j in 0..<T { s += m[i * T + j] * x[j] }; y[i] = s }
            let norm = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if k >= iterations - window { logGrowth += log(norm) }
            x = y.map { $0 / norm }
        }
        return exp(logGrowth / Double(window))
    }

    /// (alphas, scales, T, ρ from numpy.linalg.eigvals of the same matrix).
    let cases: [([Float], [Int], Int, Double)] = [
        ([0.2, 0.2, 0.2], [1, 2, 4], 32, 1.0),              // Σα 0.6 > 1/2, yet stable
        ([0.6], [1], 16, 1.376942336),                       // = 4·0.6·sin²(15π/32) − 1 (Neumann)
        ([0.22, 0.22, 0.22], [1, 2, 4], 32, 1.065198015),
        ([0.3, -0.05], [1, 2], 24, 1.0),
        ([0.1, -0.1], [1, 2], 24, 1.219569435),              // Σα 0 ≤ 1/2, yet unstable (negative alpha)
        ([0, 0, 0.55], [1, 2, 4], 48, 1.168035999),
        ([0.45, 0.539], [4, 5], 13, 2.279413375),            // above the sampled Fourier max 2.104
        ([0.4], [4], 40, 1.0),
    ]

    func testSpectralRadiusMatchesPowerIterationOnTheKernelsOwnMatrix() {
        for (alphas, scales, T, numpy) in cases {
            let exact = diffusionSpectralRadius(alphas: alphas.map(Double.init), scales: scales, T: T)
            let direct = powerIteration(kernelMatrix(alphas: alphas, scales: scales, T: T), T: T)
            XCTAssertEqual(exact, direct, accuracy: 2e-5, "\(alphas) \(scales) T \(T)")
            XCTAssertEqual(exact, numpy, accuracy: 1e-6, "\(alphas) \(scales) T \(T) against numpy")
            XCTAssertEqual(diffusionIsUnstable(amplification: exact), numpy > 1.000001, "\(alphas) \(scales)")
        }
    }

    /// The docs' table (docs/diffusion-sites.md, "Stability"): the periodic max_k |H(k)| beside ρ.
    func testPeriodicResponseDiffersFromTheTrueRadius() {
        let periodic: [(Int, Float)] = [(0, 1), (1, 1.4), (2, 1.071127), (4, 1.224969), (5, 1.2), (6, 2.104039), (7, 1)]
        for (i, expected) in periodic {
            let (alphas, scales, T, _) = cases[i]
            let peak = diffusionResponse(alphas: alphas, scales: scales, T: T).map(abs).max()!
            XCTAssertEqual(peak, expected, accuracy: 2e-6, "\(alphas) \(scales) T \(T)")
        }
        // Equal alphas at {1, 2, 4}: 0.21 each (Σα 0.63) still has gain 1 at every T tried; 0.22 does not.
        for T in [8, 16, 32, 64, 128] {
            XCTAssertEqual(diffusionSpectralRadius(alphas: [0.21, 0.21, 0.21], scales: [1, 2, 4], T: T), 1, accuracy: 1e-9, "T \(T)")
        }
        XCTAssertEqual(diffusionSpectralRadius(alphas: [0.22, 0.22, 0.22], scales: [1, 2, 4], T: 64), 1.085175, accuracy: 1e-6)
    }

    func testTheMatrixIsTheKernel() {
        let m = kernelMatrix(alphas: [0.3, 0.1, 0.25], scales: [1, 2, 4], T: 11)
        let built = diffusionStepMatrix(alphas: [0.3, 0.1, 0.25], scales: [1, 2, 4], T: 11)
        for (a, b) in zip(m, built) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testTheIssueCaseSigmaAlphaPointSixAtScalesOneTwoFourIsStable() {
        let gain = diffusionAmplification(alphas: [0.2, 0.2, 0.2], scales: [1, 2, 4], T: 64, steps: 4)
        XCTAssertEqual(gain, 1, accuracy: 1e-9)
        XCTAssertFalse(diffusionIsUnstable(amplification: gain))
        // The old rule called it unstable: Σα 0.6 > 1/2.
        XCTAssertGreaterThan(Float(0.6), diffusionAlphaSumLimit)
        // Single scale at the same sum does blow up, by ≈ |1 − 4·0.6| per step.
        let single = diffusionAmplification(alphas: [0.6], scales: [1], T: 64, steps: 1)
        XCTAssertEqual(single, 1.398555, accuracy: 1e-5)
        XCTAssertEqual(diffusionAmplification(alphas: [0.6], scales: [1], T: 64, steps: 3), pow(single, 3), accuracy: 1e-9)
    }

    func testSufficientRuleGivesExactlyOne() {
        XCTAssertEqual(diffusionSpectralRadius(alphas: [0.5], scales: [1], T: 64), 1)
        XCTAssertEqual(diffusionSpectralRadius(alphas: [0.1, 0.2, 0.2], scales: [1, 2, 4], T: 4096), 1)
        XCTAssertEqual(diffusionSpectralRadius(alphas: [0], scales: [1], T: 2), 1)
        XCTAssertEqual(diffusionSpectralRadius(alphas: [.nan], scales: [1], T: 8), .infinity)
    }

    /// The search over channels stops on the symbol bound, so the bound must sit at or above the
    /// exact radius; and the bound is what large T (> diffusionExactStabilityMaxT) reports.
    func testSymbolBoundIsAboveTheExactRadius() {
        var rng = SplitMix64(seed: 5)
        let scaleSets = [[1], [1, 2, 4], [2], [1, 3], [3, 5, 8]]
        for trial in 0..<150 {
            let scales = scaleSets[trial % scaleSets.count]
            let T = scales.max()! + 2 + rng.nextInt(below: 40)
            let alphas = scales.map { _ in Double(rng.nextUnitFloat()) * 0.9 - 0.25 }
            let exact = diffusionSpectralRadius(alphas: alphas, scales: scales, T: T)
            let bound = diffusionSymbolBound(alphas: alphas, scales: scales)
            XCTAssertGreaterThanOrEqual(bound, exact - 1e-9, "\(alphas) \(scales) T \(T)")
        }
        // Large T: the bound, close to the exact value at T = 256.
        let big = diffusionSpectralRadius(alphas: [0.6], scales: [1], T: 1000)
        XCTAssertEqual(big, 1.4, accuracy: 1e-3)
        XCTAssertGreaterThanOrEqual(big, diffusionSpectralRadius(alphas: [0.6], scales: [1], T: 256))
    }

    func testLayerStabilityFindsTheWorstChannel() {
        // C = 4 channels, scales {1, 2, 4}: channel 2 is the unstable one.
        let C = 4
        let perChannel: [[Float]] = [[0.1, 0.1, 0.1], [0.2, 0.2, 0.2], [0.22, 0.22, 0.22], [0.05, 0, 0]]
        var alpha = [Float](repeating: 0, count: 3 * C)
        for c in 0..<C { for s in 0..<3 { alpha[s * C + c] = perChannel[c][s] } }
        let result = diffusionLayerStability(alpha: alpha, scales: [1, 2, 4], C: C, T: 32, steps: 2)
        XCTAssertEqual(result.channel, 2)
        XCTAssertEqual(result.amplification, 1.065198015 * 1.065198015, accuracy: 1e-6)
        XCTAssertTrue(result.unstable)
        XCTAssertEqual(result.maxAlphaSum, 0.66, accuracy: 1e-6)
        // Without channel 2 the layer is stable even though channel 1 has Σα 0.6.
        for s in 0..<3 { alpha[s * C + 2] = 0.1 }
        let stable = diffusionLayerStability(alpha: alpha, scales: [1, 2, 4], C: C, T: 32, steps: 2)
        XCTAssertEqual(stable.amplification, 1, accuracy: 1e-9)
        XCTAssertFalse(stable.unstable)
    }

    func testEigenvalueSolverOnKnownMatrices() {
        // A rotation: ±i.
        let rot = hessenbergEigenvalues([0, -1, 1, 0], n: 2)!.sorted { $0.1 < $1.1 }
        XCTAssertEqual(rot[0].0, 0, accuracy: 1e-12); XCTAssertEqual(rot[0].1, -1, accuracy: 1e-12)
        XCTAssertEqual(rot[1].1, 1, accuracy: 1e-12)
        // Companion matrix of (x − 1)(x − 2)(x + 3)(x² + 1) = x⁵ − 7x³ + 6x² − 7x + 6... built from its roots.
        let roots: [(Double, Double)] = [(1, 0), (2, 0), (-3, 0), (0, 1), (0, -1)]
        var coeffs = [1.0, 0, 0, 0, 0, 0]   // monic, highest first
        var poly: [(Double, Double)] = [(1, 0)]
        for r in roots {
            var next = [(Double, Double)](repeating: (0, 0), count: poly.count + 1)
            for (k, c) in poly.enumerated() {
                next[k].0 += c.0; next[k].1 += c.1
                next[k + 1].0 -= c.0 * r.0 - c.1 * r.1; next[k + 1].1 -= c.0 * r.1 + c.1 * r.0
            }
            poly = next
        }
        coeffs = poly.map(\.0)
        let n = 5
        var m = [Double](repeating: 0, count: n * n)
        for j in 0..<n { m[j] = -coeffs[j + 1] }
        for i in 1..<n { m[i * n + i - 1] = 1 }
        let eig = hessenbergEigenvalues(m, n: n)!
        for r in roots {
            XCTAssertTrue(eig.contains { abs($0.0 - r.0) < 1e-9 && abs($0.1 - r.1) < 1e-9 }, "root \(r) in \(eig)")
        }
        XCTAssertNil(hessenbergEigenvalues([1, .nan, 0, 1], n: 2))
    }
}
