// The three verdicts on constructed rows: a claim holds when the CI of its effect lies on the
// claim's side of zero, is contradicted on the other side, inconclusive when the CI includes zero;
// and the report shows the minimum detectable effect at 80% power, the per-task rows and the plain summary.
import PDETCore
@testable import PDETReproduce
import XCTest

final class VerdictTests: XCTestCase {
    /// Baseline and after-attention/s1 on `task`, with per-seed differences `diffs` (5 seeds).
    func attentionRows(_ diffs: [Float], task: TaskKind = .listops, into m: inout RowMaker) {
        let base: [Float] = [0.50, 0.52, 0.48, 0.51, 0.49]
        m.add(task, .baseline, acc: base)
        m.add(task, .pde(.afterAttention, multiScale: false), acc: zip(base, diffs).map { $0 + $1 })
    }

    func testAfterAttentionHoldsContradictedInconclusive() {
        let cases: [([Float], Outcome)] = [
            ([-0.03, -0.02, -0.025, -0.02, -0.03], .holds),          // lower on every seed: the paper's direction
            ([0.03, 0.02, 0.025, 0.02, 0.03], .contradicted),        // higher on every seed: the other side of zero
            ([0.03, -0.02, 0.01, -0.03, 0.01], .inconclusive),       // both ways: the CI includes zero
        ]
        for (diffs, expected) in cases {
            var m = RowMaker()
            attentionRows(diffs, into: &m)
            let c = evaluateClaims(m.rows)[1]
            XCTAssertEqual(c.outcome, expected, c.detail)
            XCTAssertEqual(c.verdict, expected.rawValue)
            XCTAssertEqual(c.paper, "−2.5 pp")
            // Minimum detectable effect at 80% power, two-sided 5%, df 4: 3.761059553825019 standard errors
            // (scipy brentq on stats.nct, scripts/stats-reference.py), then the power at the paper's −2.5 pp.
            let s = MeanCI(diffs.map(Double.init))
            let se = s.std / 5.0.squareRoot()
            XCTAssertEqual(c.detectable, String(format: "%.1f pp (power %.2f at -2.5 pp)", 3.761059553825019 * se * 100,
                                                tTestPower(effect: 0.025, standardError: se, degreesOfFreedom: 4)), c.detail)
            if abs(s.mean) > 0.001 { XCTAssertTrue(c.measured.hasPrefix(pp(s.mean) + " pp ["), c.measured) }
        }
    }

    func testMultiScaleAndDriftThreeWays() {
        for (gain, expected) in [(Float(0.02), Outcome.holds), (-0.02, .contradicted), (0, .inconclusive)] {
            var m = RowMaker()
            m.add(.digits, .pde(.afterFFN, multiScale: false), acc: [0.5, 0.52, 0.48])
            m.add(.digits, .pde(.afterFFN, multiScale: true), acc: [0.5 + gain + 0.001, 0.52 + gain - 0.001, 0.48 + gain])
            m.add(.digits, .baseline, acc: m.baseline, drift: 0.3)
            m.add(.digits, .noResidual, acc: m.baseline, drift: 0.3 + gain * 10)
            let claims = evaluateClaims(m.rows)
            XCTAssertEqual(claims[2].outcome, expected, claims[2].detail)
            XCTAssertEqual(claims[3].outcome, expected, claims[3].detail)
        }
    }

    func testExplosionContradictedWhenNoNormGrowsLess() {
        var m = RowMaker()
        m.add(.digits, .baseline, acc: m.baseline, rms: 3)
        m.add(.digits, .noNorm, acc: m.baseline, rms: 1)
        XCTAssertEqual(evaluateClaims(m.rows)[4].outcome, .contradicted)
    }

    func testAfterEmbeddingThreeWays() {
        XCTAssertEqual(evaluateClaims(RowMaker.sites(embed: 0.04, attention: 0, others: 0.01).rows)[0].outcome, .holds)
        XCTAssertEqual(evaluateClaims(RowMaker.sites(embed: -0.03, attention: 0, others: 0.01).rows)[0].outcome, .contradicted)
        var m = RowMaker()
        m.add(.listops, .baseline, acc: m.baseline)
        m.add(.listops, .pde(.afterEmbedding, multiScale: false), acc: [0.52, 0.50, 0.48])
        m.add(.listops, .pde(.afterFFN, multiScale: false), acc: [0.49, 0.51, 0.47])
        XCTAssertEqual(evaluateClaims(m.rows)[0].outcome, .inconclusive)
    }

    func testReportHasPlainSummaryPerTaskRowsAndChanceCaution() {
        var m = RowMaker()
        attentionRows([-0.03, -0.02, -0.025, -0.02, -0.03], task: .listops, into: &m)
        attentionRows([0.03, 0.02, 0.025, 0.02, 0.03], task: .digits, into: &m)
        // pathfinder: baseline at chance (0.5 of K = 2).
        var p = RowMaker()
        p.add(.pathfinder, .baseline, acc: [0.5, 0.5, 0.51, 0.49, 0.5])
        p.add(.pathfinder, .pde(.afterAttention, multiScale: false), acc: [0.5, 0.51, 0.5, 0.5, 0.49])
        for r in p.rows { var r = r; r.cell = m.rows.count; m.rows.append(r) }
        let file = ResultsFile(gridID: "00000000000000cd", gridSummary: "hand-made", gridCells: m.rows.count, shard: "all",
                               computeSeconds: 60, rows: m.rows)
        let report = buildReport(file, context: ReportContext(command: "c", date: "d", elapsedSeconds: 60, machine: "m"))
        let plain = try? XCTUnwrap(report.components(separatedBy: "## In plain words\n\n").last?.components(separatedBy: "\n").first)
        XCTAssertTrue(plain?.hasPrefix("We trained 30 small Transformers (3 tasks × 2 variants × 5 seeds)") ?? false, plain ?? report)
        XCTAssertTrue(plain?.contains("On pathfinder it did no better than guessing") ?? false, plain ?? "")
        XCTAssertTrue(plain?.contains("diffusion after attention costs 2.5 points") ?? false, plain ?? "")
        XCTAssertTrue(report.contains("**Caution:** the pathfinder baseline stayed within 5 pp of chance"), report)
        XCTAssertTrue(report.contains("| # | claim | paper | here (95% CI) | minimum detectable (80% power) | verdict |"), report)
        // Per task: holds on listops, contradicted on digits, the chance task marked.
        XCTAssertTrue(report.contains("| 2 | listops | −2.5 pp | -2.5 pp ["), report)
        XCTAssertTrue(report.contains("| 2 | digits | −2.5 pp | +2.5 pp [") && report.contains("| contradicted here |"), report)
        XCTAssertTrue(report.contains("| 2 | pathfinder (baseline at chance) |"), report)
        let perTask = evaluateClaimsPerTask(m.rows)
        XCTAssertEqual(perTask.map(\.task), [.listops, .digits, .pathfinder])
        XCTAssertEqual(perTask.map { $0.verdicts[1].outcome }, [.holds, .contradicted, .inconclusive])
    }

    /// The grid's attention claim uses the one rule (the CI above 0.98, as the MiniLM study does): a mean
    /// fitted cosine above 0.98 whose CI reaches below it is inconclusive, not "holds" (it held before issue 21).
    func testAttentionClaimNeedsTheCIAboveTheThreshold() {
        var m = RowMaker()
        m.add(.listops, .baseline, acc: m.baseline, cosine: 0.99, uniform: 0.5)
        for (k, c) in [Float(0.999), 0.99, 0.965].enumerated() { m.rows[k].fitCosine = [[c]] }
        let claim = evaluateClaims(m.rows)[5]
        XCTAssertEqual(claim.outcome, .inconclusive, claim.detail)
        for (k, c) in [Float(0.995), 0.99, 0.993].enumerated() { m.rows[k].fitCosine = [[c]] }
        XCTAssertEqual(evaluateClaims(m.rows)[5].outcome, .holds)
    }
}
