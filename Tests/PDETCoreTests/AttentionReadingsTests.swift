import XCTest
@testable import PDETCore

/// The four readings of the heat-kernel claim (AttentionReadings.swift): each recovers a known
/// kernel, its null scores what it should, and bad input gives NaN, not a trap.
final class AttentionReadingsTests: XCTestCase {
    /// A deterministic positive matrix (T, T), rows normalised: a content-like pattern, not a kernel.
    private func pseudoAttention(T: Int, seed: UInt64) -> [Float] {
        var state = seed
        var a = [Float](repeating: 0, count: T * T)
        for i in 0..<T {
            var z: Float = 0
            for j in 0..<T {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                a[i * T + j] = Float((state >> 40) % 1000 + 1)
                z += a[i * T + j]
            }
            for j in 0..<T { a[i * T + j] /= z }
        }
        return a
    }

    /// (a) and (d) share one search: with D = (i − j)², the generic fit is the 1-D fit.
    func testDistanceKernelWithSquaredIndexDistanceIsTheRowFit() {
        let T = 20
        let a = pseudoAttention(T: T, seed: 7)
        let d = (0..<T * T).map { ($0 / T - $0 % T) * ($0 / T - $0 % T) }
        let generic = fitDistanceKernel(attention: a, n: T, squaredDistance: d)
        let direct = fitDiffusionKernel(attention: a, T: T)
        XCTAssertEqual(generic.cosine, direct.cosine, accuracy: 1e-5)
        XCTAssertEqual(generic.jsd, direct.jsd, accuracy: 1e-5)
        XCTAssertEqual(generic.uniformCosine, direct.uniformCosine, accuracy: 1e-5)
        XCTAssertEqual(generic.uniformJSD, direct.uniformJSD, accuracy: 1e-5)
        XCTAssertEqual(generic.kappa, direct.kappa, accuracy: 1e-3 * direct.kappa)
    }

    /// (d) recovers a 2-D heat kernel on a 5×5 board with padding after it, and a 1-D kernel along the
    /// flattened board (what reading (a) assumes) is not a 2-D one.
    func testGridKernelRecoversTwoDimensionalKappa() {
        let side = 5, T = 27, kappa = 1.5
        var a = [Float](repeating: 0, count: T * T)
        var oneD = [Float](repeating: 0, count: T * T)
        for i in 0..<T {
            for j in 0..<T {
                a[i * T + j] = 0.01   // padding rows and keys: ignored by the fit
                oneD[i * T + j] = Float(exp(-Double((i - j) * (i - j)) / (4 * kappa)))
            }
        }
        for i in 0..<side * side {
            for j in 0..<side * side {
                let dr = Double(i / side - j / side), dc = Double(i % side - j % side)
                a[i * T + j] = Float(exp(-(dr * dr + dc * dc) / (4 * kappa)))
            }
        }
        let fit = fitGridKernel(attention: a, T: T, side: side)
        XCTAssertEqual(Double(fit.kappa), kappa, accuracy: 0.01 * kappa)
        XCTAssertGreaterThan(fit.cosine, 0.9999)
        XCTAssertLessThan(fit.uniformCosine, 0.9)
        XCTAssertLessThan(fitGridKernel(attention: oneD, T: T, side: side).cosine, 0.97)
        XCTAssertTrue(fitGridKernel(attention: a, T: T, side: 6).kappa.isNaN, "36 cells do not fit in 27 tokens")
    }

    /// (b): a Toeplitz kernel's profile is the kernel itself (κ recovered, cosine 1); uniform attention
    /// gives the flat profile, which is the null exactly.
    func testDistanceProfile() {
        let T = 30, kappa = 4.0
        var a = [Float](repeating: 0, count: T * T)
        for i in 0..<T { for j in 0..<T { a[i * T + j] = Float(exp(-Double((i - j) * (i - j)) / (4 * kappa))) } }
        let p = distanceProfile(heads: [a, a], T: T, causal: false)
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-9)
        let fit = fitDistanceProfile(p)
        XCTAssertEqual(fit.kappa, kappa, accuracy: 0.01 * kappa)
        XCTAssertGreaterThan(fit.cosine, 0.9999)
        XCTAssertLessThan(fit.flatCosine, 0.6)

        let flat = distanceProfile(heads: [[Float](repeating: 1 / Float(T), count: T * T)], T: T, causal: true)
        for v in flat { XCTAssertEqual(v, 1 / Double(T), accuracy: 1e-9) }
        XCTAssertEqual(fitDistanceProfile(flat).flatCosine, 1, accuracy: 1e-12)

        var bad = a
        bad[5] = .nan
        XCTAssertTrue(distanceProfile(heads: [bad], T: T, causal: false).isEmpty)
        XCTAssertTrue(fitDistanceProfile([]).cosine.isNaN)
    }

    /// (c): distances computed by hand, and the √ℓ prediction against the constant null.
    func testMeanAttendedDistanceAndDepthFit() {
        var identity = [Float](repeating: 0, count: 9)
        for i in 0..<3 { identity[i * 3 + i] = 1 }
        XCTAssertEqual(meanAttendedDistance(attention: identity, T: 3), 0)
        // uniform over 3 keys: rows look 1, 2/3 and 1 positions away on average
        XCTAssertEqual(meanAttendedDistance(attention: [Float](repeating: 1, count: 9), T: 3), 8.0 / 9, accuracy: 1e-12)
        XCTAssertTrue(meanAttendedDistance(attention: [1, .infinity, 0, 1], T: 2).isNaN)

        let grows = depthFit((1...6).map { 3 * Double($0).squareRoot() })
        XCTAssertEqual(grows.scale, 3, accuracy: 1e-12)
        XCTAssertEqual(grows.cosine, 1, accuracy: 1e-12)
        XCTAssertLessThan(grows.constantCosine, 0.99)
        let constant = depthFit([2, 2, 2, 2, 2, 2])
        XCTAssertEqual(constant.constantCosine, 1, accuracy: 1e-12)
        XCTAssertLessThan(constant.cosine, constant.constantCosine)
        XCTAssertTrue(depthFit([1, .nan]).cosine.isNaN)
    }

    /// The one verdict rule on each reading and, alone against 0.98, on its null; unmeasured readings
    /// (no board: no grid) are left out.
    func testSummaryVerdicts() {
        func sample(_ rows: Double, _ rowsNull: Double, _ profile: Double, _ profileNull: Double) -> AttentionReadingSample {
            AttentionReadingSample(rows: rows, rowsNull: rowsNull, profile: profile, profileNull: profileNull,
                                   depth: 0.995, depthNull: 0.99, grid: .nan, gridNull: .nan,
                                   profileKappa: [1], meanDistance: [1], gridKappa: .nan)
        }
        let samples = [sample(0.50, 0.48, 0.991, 0.90), sample(0.52, 0.47, 0.993, 0.91), sample(0.51, 0.49, 0.992, 0.92)]
        let s = summarizeReadings(samples)
        XCTAssertEqual(s.map(\.reading), [.rows, .profile, .depth])
        XCTAssertEqual(s[0].verdict, .contradicted)
        XCTAssertEqual(s[1].verdict, .holds)
        XCTAssertEqual(s[1].nullVerdict, .contradicted)
        XCTAssertEqual(s[2].nullVerdict, .holds, "a null that reaches 0.98 too")
        XCTAssertEqual(s[1].difference.mean, (0.091 + 0.083 + 0.072) / 3, accuracy: 1e-12)

        let mean = meanReadingSample(samples)
        XCTAssertEqual(mean.rows, 0.51, accuracy: 1e-12)
        XCTAssertTrue(mean.grid.isNaN)
    }

    /// A whole sequence: an exact Toeplitz kernel in every head of two layers scores (b) ≈ 1 and (d) is
    /// measured only with a board.
    func testReadingsOfOneSequence() {
        let T = 25
        let a = pseudoAttention(T: T, seed: 3)
        let sample = attentionReadings(attention: [[a, a], [a]], T: T, causal: false, gridSide: 5)
        XCTAssertEqual(sample.meanDistance.count, 2)
        XCTAssertEqual(sample.meanDistance[0], meanAttendedDistance(attention: a, T: T), accuracy: 1e-12)
        XCTAssertEqual(sample.depthNull, 1, accuracy: 1e-12, "equal distances in both layers are the constant null")
        XCTAssertTrue(sample.grid.isFinite)
        XCTAssertTrue(attentionReadings(attention: [[a]], T: T, causal: false).grid.isNaN)
    }
}
