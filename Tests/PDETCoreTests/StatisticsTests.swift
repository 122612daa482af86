import XCTest
@testable import PDETCore

/// Each statistic of Statistics.swift against a value computed independently with scipy 1.x /
/// statsmodels (scripts/stats-reference.py prints every one of them with the call that made it).
final class StatisticsTests: XCTestCase {
    func testStudentTQuantilesAtIntegerAndRealDegreesOfFreedom() {
        // scipy.stats.t.ppf(p, df)
        XCTAssertEqual(studentTQuantile(0.975, degreesOfFreedom: 4), 2.7764451051977934, accuracy: 1e-9)
        XCTAssertEqual(studentTQuantile(0.975, degreesOfFreedom: 6.3), 2.418942809942905, accuracy: 1e-9)
        XCTAssertEqual(studentTQuantile(0.95, degreesOfFreedom: 3.7), 2.1824938039146007, accuracy: 1e-9)
        XCTAssertEqual(studentTQuantile(0.975, degreesOfFreedom: 100), 1.9839715185235518, accuracy: 1e-9)
        XCTAssertEqual(studentTQuantile(0.999, degreesOfFreedom: 1.5), 52.18443000899263, accuracy: 1e-6)
        XCTAssertEqual(studentTQuantile(0.025, degreesOfFreedom: 4), -2.7764451051977934, accuracy: 1e-9)
        // The table of `studentT975` agrees to its 4 decimals.
        for df in [1, 2, 5, 14, 30] {
            XCTAssertEqual(studentTQuantile(0.975, degreesOfFreedom: Double(df)), studentT975(degreesOfFreedom: df), accuracy: 6e-5)
        }
    }

    func testStudentTCDF() {
        // scipy.stats.t.cdf(x, df)
        XCTAssertEqual(studentTCDF(-2.1, degreesOfFreedom: 5.5), 0.042345962564873496, accuracy: 1e-12)
        XCTAssertEqual(studentTCDF(0.7, degreesOfFreedom: 2), 0.7218034876835673, accuracy: 1e-12)
        XCTAssertEqual(studentTCDF(3.0, degreesOfFreedom: 14), 0.9952242436232304, accuracy: 1e-12)
        XCTAssertEqual(studentTCDF(0, degreesOfFreedom: 3), 0.5, accuracy: 1e-15)
    }

    func testNoncentralTUpperTail() {
        // scipy.stats.nct.sf(c, df, nc)
        XCTAssertEqual(noncentralTUpperTail(2.776445105197793, degreesOfFreedom: 4, noncentrality: 2.0), 0.3358109303638077, accuracy: 1e-8)
        XCTAssertEqual(noncentralTUpperTail(1.8, degreesOfFreedom: 6.4, noncentrality: 3.1), 0.8898286436477314, accuracy: 1e-8)
        XCTAssertEqual(noncentralTUpperTail(2.0, degreesOfFreedom: 30, noncentrality: -1.0), 0.001914401833950259, accuracy: 1e-9)
        // δ = 0 is the central t.
        XCTAssertEqual(noncentralTUpperTail(1.5, degreesOfFreedom: 7, noncentrality: 0), 1 - studentTCDF(1.5, degreesOfFreedom: 7), accuracy: 1e-9)
    }

    func testPowerAndMinimumDetectableEffect() {
        // nct.sf(t.ppf(0.975, 6.3), 6.3, 2.5) + nct.sf(t.ppf(0.975, 6.3), 6.3, -2.5)
        XCTAssertEqual(tTestPower(effect: 2.5, standardError: 1, degreesOfFreedom: 6.3), 0.5612468669465499, accuracy: 1e-7)
        // nct.sf(t.ppf(0.95, 6.3), 6.3, 2.5)
        XCTAssertEqual(tTestPower(effect: -2.5, standardError: 1, degreesOfFreedom: 6.3, twoSided: false), 0.7176203828755163, accuracy: 1e-7)
        // statsmodels TTestPower().power(effect_size=0.6, nobs=15, alpha=0.05, alternative='two-sided'):
        // a paired t on 15 pairs, mean 0.6 sd → SE = 1/√15, df 14.
        let se = 1 / 15.0.squareRoot()
        XCTAssertEqual(tTestPower(effect: 0.6, standardError: se, degreesOfFreedom: 14), 0.580427108882411, accuracy: 1e-7)
        // ... alpha=0.01, alternative='larger'
        XCTAssertEqual(tTestPower(effect: 0.6, standardError: se, degreesOfFreedom: 14, alpha: 0.01, twoSided: false), 0.41078077821959824, accuracy: 1e-7)
        // brentq(lambda d: power(d, df) - 0.8, …): the MDE in standard errors.
        XCTAssertEqual(minimumDetectableEffect(standardError: 1, degreesOfFreedom: 4), 3.761059553825019, accuracy: 1e-6)
        XCTAssertEqual(minimumDetectableEffect(standardError: 1, degreesOfFreedom: 6.3), 3.3338156985472853, accuracy: 1e-6)
        XCTAssertEqual(minimumDetectableEffect(standardError: 0.01, degreesOfFreedom: 14), 0.03013268455753371, accuracy: 1e-8)
        XCTAssertEqual(minimumDetectableEffect(standardError: 1, degreesOfFreedom: 6.3, twoSided: false), 2.8033030993674486, accuracy: 1e-6)
        // The CI half-width (t · SE) is the effect found half the time, not 80%: the MDE is larger.
        XCTAssertGreaterThan(minimumDetectableEffect(standardError: 1, degreesOfFreedom: 4), studentTQuantile(0.975, degreesOfFreedom: 4) + 0.8)
    }

    private let a: [Double] = [1.2, 0.4, 2.9, 1.7, 0.8]
    private let b: [Double] = [-0.5, 0.9, 0.1, -1.4, 0.3, 0.6, -0.2]

    func testOneGroupIsThePairedT() {
        let s = PooledEstimate(groups: [a])
        XCTAssertEqual(s.degreesOfFreedom, 4, accuracy: 1e-12)
        XCTAssertEqual(s.pTwoSided, 0.031749611217173346, accuracy: 1e-12)            // stats.ttest_1samp(a, 0).pvalue
        XCTAssertEqual(s.pOneSided(side: -1), 0.9841251943914133, accuracy: 1e-12)    // ttest_1samp(a, 0, alternative='less')
        let m = MeanCI(a)
        XCTAssertEqual(s.halfWidth, m.halfWidth, accuracy: 1e-4 * m.halfWidth)        // the table's t(0.975, 4)
    }

    func testEqualWeightOverTwoGroupsIsWelchsTest() {
        // Groups a and −b: ((ā − b̄)/2) / (√(s_a²/n_a + s_b²/n_b)/2) is Welch's t; the 1/2 cancels in ν.
        let s = PooledEstimate(groups: [a, b.map { -$0 }], method: .equalWeight)
        XCTAssertEqual(s.t, 2.745864581307056, accuracy: 1e-12)           // stats.ttest_ind(a, b, equal_var=False).statistic
        XCTAssertEqual(s.degreesOfFreedom, 7.393602126518984, accuracy: 1e-10)   // … .df
        XCTAssertEqual(s.pTwoSided, 0.02718683598001416, accuracy: 1e-12)  // … .pvalue
    }

    private let three: [[Double]] = [[0.02, 0.05, -0.01, 0.03, 0.04], [0.10, 0.01, 0.06, 0.08, -0.02], [0.30, -0.20, 0.05, 0.12, -0.04]]

    func testEqualWeightOverThreeGroups() {
        let s = PooledEstimate(groups: three, method: .equalWeight)
        XCTAssertEqual(s.estimate, 0.03933333333333333, accuracy: 1e-15)         // numpy, by hand
        XCTAssertEqual(s.standardError, 0.028863664201052353, accuracy: 1e-14)
        XCTAssertEqual(s.degreesOfFreedom, 4.70341538040145, accuracy: 1e-10)
        XCTAssertEqual(s.halfWidth, 0.07562596428607236, accuracy: 1e-10)        // stats.t.ppf(0.975, df) * se
        XCTAssertEqual(s.pTwoSided, 0.234580599858281, accuracy: 1e-10)          // 2 * stats.t.sf(|est/se|, df)
        XCTAssertEqual(s.groups, 3)
        XCTAssertEqual(s.n, 15)
    }

    func testInverseVarianceMatchesStatsmodelsFixedEffect() {
        let s = PooledEstimate(groups: three, method: .inverseVariance)
        XCTAssertEqual(s.estimate, 0.029727678231613562, accuracy: 1e-14)        // combine_effects(m, v).mean_effect_fe
        XCTAssertEqual(s.standardError, 0.009286727376877612, accuracy: 1e-14)   // combine_effects(m, v).sd_eff_w_fe
        XCTAssertEqual(s.degreesOfFreedom, 5.777333113320971, accuracy: 1e-10)   // numpy, by hand
    }

    func testPoolingEdgeCases() {
        XCTAssertTrue(PooledEstimate(groups: []).estimate.isNaN)
        XCTAssertTrue(PooledEstimate(groups: [[1.0], [2.0]]).standardError.isNaN)     // no variance from one value
        XCTAssertEqual(PooledEstimate(groups: [a, []]).degreesOfFreedom, 4, accuracy: 1e-12)   // an empty group is skipped
        let flat = PooledEstimate(groups: [[0.1, 0.1], [0.3, 0.3]])
        XCTAssertEqual(flat.estimate, 0.2, accuracy: 1e-15)
        XCTAssertEqual(flat.halfWidth, 0)
        XCTAssertEqual(flat.pTwoSided, 0)
        // Inverse variance with a zero-variance group puts all the weight there.
        XCTAssertEqual(PooledEstimate(groups: [[0.1, 0.1], a], method: .inverseVariance).estimate, 0.1, accuracy: 1e-15)
    }

    func testHolmAgainstStatsmodels() {
        // multipletests([0.01, 0.04, 0.03, 0.005, 0.2, 0.04], method='holm')[1]
        let adjusted = holmAdjusted([0.01, 0.04, 0.03, 0.005, 0.2, 0.04])
        for (x, y) in zip(adjusted, [0.05, 0.12, 0.12, 0.03, 0.2, 0.12]) { XCTAssertEqual(x, y, accuracy: 1e-12) }
        let withNaN = holmAdjusted([0.01, .nan, 0.02])
        XCTAssertEqual(withNaN[0], 0.02, accuracy: 1e-15)
        XCTAssertTrue(withNaN[1].isNaN)
        XCTAssertEqual(withNaN[2], 0.02, accuracy: 1e-15)
    }

    func testTheOneVerdictRule() {
        XCTAssertEqual(intervalVerdict(lower: 0.1, upper: 0.3), .holds)
        XCTAssertEqual(intervalVerdict(lower: -0.3, upper: -0.1), .contradicted)
        XCTAssertEqual(intervalVerdict(lower: -0.1, upper: 0.3), .inconclusive)
        XCTAssertEqual(intervalVerdict(lower: -0.3, upper: -0.1, side: -1), .holds)
        XCTAssertEqual(intervalVerdict(lower: .nan, upper: .nan), .inconclusive)
        XCTAssertEqual(significanceVerdict(estimate: -2, adjustedP: 0.01), .contradicted)
        XCTAssertEqual(significanceVerdict(estimate: 2, adjustedP: 0.06), .inconclusive)
        // The heat-kernel claim: a mean above 0.98 whose CI reaches below it is not "holds".
        XCTAssertEqual(heatKernelClaimVerdict(cosineLower: 0.975, cosineUpper: 0.995, differenceLower: 0.01, differenceUpper: 0.02), .inconclusive)
        XCTAssertEqual(heatKernelClaimVerdict(cosineLower: 0.985, cosineUpper: 0.995, differenceLower: 0.01, differenceUpper: 0.02), .holds)
        XCTAssertEqual(heatKernelClaimVerdict(cosineLower: 0.985, cosineUpper: 0.995, differenceLower: -0.02, differenceUpper: -0.01), .contradicted)
        XCTAssertEqual(combinedVerdict([.holds, .contradicted]), .contradicted)
        XCTAssertEqual(combinedVerdict([]), .inconclusive)
    }
}
