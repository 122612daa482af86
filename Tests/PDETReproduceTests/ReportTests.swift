// The report on hand-made rows: the statistics, each claim's verdict both ways, and the CSV round trip.
import PDETCore
@testable import PDETReproduce
import XCTest

/// Hand-made rows: baseline accuracies per seed, and for each variant its offsets per seed.
struct RowMaker {
    var rows: [CellResult] = []
    let baseline: [Float] = [0.50, 0.52, 0.48]

    mutating func add(_ task: TaskKind, _ v: Variant, acc: [Float], drift: Float = 0.2, rms: Float = 1.5,
                      nonFinite: Int = 0, cosine: Float = 0.9, uniform: Float = 0.8) {
        for (i, a) in acc.enumerated() {
            rows.append(CellResult(cell: rows.count, task: task, variant: v, seed: UInt64(i + 1), steps: 3, accuracy: a,
                                   finalLoss: 1.25, drift: drift + Float(i) * 0.01, rankCollapse: 0.5,
                                   rmsGrowth: rms * (1 + Float(i) * 0.05), maxRMS: 2, nonFiniteStep: nonFinite,
                                   fitKappa: [[1, 2], [3, 4]], fitCosine: [[cosine, cosine + 0.005], [cosine - 0.005, cosine]],
                                   fitJSD: [[0.1, 0.1], [0.1, 0.1]],
                                   uniformCosine: [[uniform + Float(i) * 0.001, uniform], [uniform, uniform]],
                                   uniformJSD: [[0.2, 0.2], [0.2, 0.2]]))
        }
    }

    /// Baseline plus every site at single scale: after-embedding `embed` above the baseline, after-attention
    /// `attention` (negative hurts), the others `others`, with a little per-seed jitter.
    static func sites(embed: Float, attention: Float, others: Float, best: DiffusionSite? = nil, bestGain: Float = 0) -> RowMaker {
        var m = RowMaker()
        m.add(.listops, .baseline, acc: m.baseline)
        let jitter: [Float] = [0.001, -0.001, 0]
        for site in DiffusionSite.allCases where site != .off {
            var gain = site == .afterEmbedding ? embed : site == .afterAttention ? attention : others
            if site == best { gain = bestGain }
            m.add(.listops, .pde(site, multiScale: false), acc: (0..<3).map { m.baseline[$0] + gain + jitter[$0] })
        }
        return m
    }
}

final class ReportTests: XCTestCase {
    func testSummaryAndStudentT() {
        let s = MeanCI([0.04, 0.041, 0.039])
        XCTAssertEqual(s.n, 3)
        XCTAssertEqual(s.mean, 0.04, accuracy: 1e-12)
        XCTAssertEqual(s.std, 0.001, accuracy: 1e-12)
        XCTAssertEqual(s.halfWidth, 4.3027 * 0.001 / 3.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(MeanCI([1, 2, .nan, 3, .infinity]).n, 3)
        XCTAssertTrue(MeanCI([5]).halfWidth.isNaN)
        XCTAssertTrue(MeanCI([]).mean.isNaN)
        XCTAssertEqual(studentT975(degreesOfFreedom: 1), 12.7062, accuracy: 1e-4)
        XCTAssertEqual(studentT975(degreesOfFreedom: 30), 2.0423, accuracy: 1e-4)
        // Beyond the table (scipy: t.ppf(0.975, df)).
        XCTAssertEqual(studentT975(degreesOfFreedom: 31), 2.0395134, accuracy: 1e-5)
        XCTAssertEqual(studentT975(degreesOfFreedom: 60), 2.0002978, accuracy: 1e-5)
        XCTAssertEqual(studentT975(degreesOfFreedom: 1000), 1.9623391, accuracy: 1e-5)
    }

    func testAfterEmbeddingBestByFourPointsHoldsAndAfterAttentionHurtHolds() {
        let rows = RowMaker.sites(embed: 0.04, attention: -0.025, others: 0.01).rows
        let claims = evaluateClaims(rows)
        XCTAssertEqual(claims[0].outcome, .holds, claims[0].detail)
        XCTAssertTrue(claims[0].detail.contains("+4.0 pp"), claims[0].detail)
        XCTAssertEqual(claims[1].outcome, .holds, claims[1].detail)
        XCTAssertTrue(claims[1].detail.contains("-2.5 pp"), claims[1].detail)
        // No multi-scale, stabiliser cells: not measured, never a guess.
        XCTAssertEqual(claims[2].outcome, .notMeasured)
        XCTAssertEqual(claims[3].outcome, .notMeasured)
        XCTAssertEqual(claims[4].outcome, .notMeasured)
        XCTAssertEqual(claims[2].verdict, "not measured here")
    }

    func testAnotherSiteBestOrNoGainMeansDoesNotHold() {
        let beaten = evaluateClaims(RowMaker.sites(embed: 0.04, attention: 0.01, others: 0.0, best: .beforeHead, bestGain: 0.06).rows)
        XCTAssertEqual(beaten[0].outcome, .contradicted, "before-head beats after-embedding by 2 pp on every seed")
        XCTAssertTrue(beaten[0].detail.contains("Another site gains clearly more: before-head by +2.0 pp (Holm p"), beaten[0].detail)
        XCTAssertEqual(beaten[1].outcome, .contradicted, "after-attention clearly above the baseline")
        // Best site, but the gain is noise: per-seed differences +0.02, −0.02, 0.
        var m = RowMaker()
        m.add(.listops, .baseline, acc: m.baseline)
        m.add(.listops, .pde(.afterEmbedding, multiScale: false), acc: [0.52, 0.50, 0.48])
        m.add(.listops, .pde(.afterFFN, multiScale: false), acc: [0.49, 0.51, 0.47])
        let noisy = evaluateClaims(m.rows)
        XCTAssertEqual(noisy[0].outcome, .inconclusive)
        XCTAssertTrue(noisy[0].detail.contains("CI includes zero"), noisy[0].detail)
        // Another site ahead, but nothing clear of the noise.
        m.add(.listops, .pde(.beforeHead, multiScale: false), acc: [0.54, 0.50, 0.49])
        let noisyOther = evaluateClaims(m.rows)[0]
        XCTAssertEqual(noisyOther.outcome, .inconclusive)
        XCTAssertTrue(noisyOther.detail.contains("it beats 0 of the 2 other sites clearly"), noisyOther.detail)
    }

    func testMultiScaleDriftExplosionAndAttentionVerdicts() {
        var m = RowMaker()
        m.add(.digits, .baseline, acc: m.baseline, drift: 0.2, rms: 1.5, cosine: 0.99, uniform: 0.9)
        m.add(.digits, .pde(.afterFFN, multiScale: false), acc: [0.5, 0.5, 0.5])
        m.add(.digits, .pde(.afterFFN, multiScale: true), acc: [0.53, 0.54, 0.52])
        m.add(.digits, .noResidual, acc: m.baseline, drift: 0.6)
        m.add(.digits, .noNorm, acc: m.baseline, rms: 6)
        var claims = evaluateClaims(m.rows)
        XCTAssertEqual(claims[2].outcome, .holds, claims[2].detail)
        XCTAssertEqual(claims[3].outcome, .holds, claims[3].detail)
        XCTAssertEqual(claims[4].outcome, .holds, claims[4].detail)
        XCTAssertEqual(claims[5].outcome, .holds, claims[5].detail)

        var n = RowMaker()
        n.add(.digits, .baseline, acc: n.baseline, drift: 0.2, rms: 1.5, cosine: 0.99, uniform: 0.99)
        n.add(.digits, .pde(.afterFFN, multiScale: false), acc: [0.53, 0.54, 0.52])
        n.add(.digits, .pde(.afterFFN, multiScale: true), acc: [0.5, 0.5, 0.5])
        n.add(.digits, .noResidual, acc: n.baseline, drift: 0.2)
        n.add(.digits, .noNorm, acc: n.baseline, rms: 2)       // grows, but by 1.33×: not an explosion
        claims = evaluateClaims(n.rows)
        XCTAssertEqual(claims[2].outcome, .contradicted, "s124 clearly below s1")
        XCTAssertEqual(claims[3].outcome, .inconclusive, "the same drift with and without residuals")
        XCTAssertEqual(claims[4].outcome, .inconclusive, claims[4].detail)
        XCTAssertTrue(claims[4].detail.contains("growth, not explosion"), claims[4].detail)
        XCTAssertEqual(claims[5].outcome, .inconclusive, "the uniform predictor is as good")
        XCTAssertTrue(claims[5].detail.contains("uniform baseline alone already exceeds 0.98"), claims[5].detail)

        // A non-finite no-norm cell is an explosion whatever the RMS ratio.
        var o = RowMaker()
        o.add(.digits, .baseline, acc: o.baseline)
        o.add(.digits, .noNorm, acc: [0.1, 0.1, 0.1], rms: .infinity, nonFinite: 7)
        XCTAssertEqual(evaluateClaims(o.rows)[4].outcome, .holds)
    }

    func testReportHasHeaderVerdictsTablesAndIsDeterministic() {
        var m = RowMaker.sites(embed: 0.04, attention: -0.025, others: 0.01)
        m.add(.listops, .noNorm, acc: m.baseline, rms: 6)
        let file = ResultsFile(gridID: "00000000000000ab", gridSummary: "hand-made", gridCells: m.rows.count, shard: "all",
                               computeSeconds: 12, rows: m.rows)
        let context = ReportContext(command: "pdet-tui reproduce --quick", date: "2026-01-01 00:00 UTC",
                                    elapsedSeconds: 552, machine: "2 cores, x86_64")
        let report = buildReport(file, context: context)
        XCTAssertEqual(report, buildReport(file, context: context))
        for needle in ["- Command: `pdet-tui reproduce --quick`", "- Date: 2026-01-01 00:00 UTC", "- Time taken: 9 min 12 s",
                       "- Machine: 2 cores, x86_64", "**holds here**", "**not measured here**", "### listops",
                       "| after-embedding/s1 | 54.0 ± 2.0 | +4.0 |", "## Attention as diffusion", "| listops | 1 | 0 |",
                       "## Stabilisers", "| listops | no-norm |"] {
            XCTAssertTrue(report.contains(needle), "missing \(needle)\n\(report)")
        }
        XCTAssertFalse(report.contains("**Caution:**"), "baseline 50% on listops is far above chance 10%")
        var chance = m
        for i in chance.rows.indices { chance.rows[i].accuracy = 0.11 }
        let flat = buildReport(ResultsFile(gridID: "00000000000000ab", gridSummary: "h", gridCells: 30, shard: "all",
                                           computeSeconds: 1, rows: chance.rows), context: context)
        XCTAssertTrue(flat.contains("**Caution:** the listops baseline stayed within 5 pp of chance (1/K)"), flat)
        XCTAssertTrue(flat.contains("Chance (1/K): 10.0%."), flat)
        // Attention cosine 0.9 in these rows (CI below 0.98): the only claim contradicted.
        // Three times: the legend above the table, the table, the detail.
        XCTAssertEqual(report.components(separatedBy: "**contradicted here**").count, 4, report)
        XCTAssertTrue(report.contains("heat kernel: cosine > 0.98, and better than the uniform baseline**: **contradicted here**"), report)
    }

    func testCSVRoundTripIsExactAndByteStable() throws {
        var m = RowMaker.sites(embed: 0.04, attention: -0.025, others: 0.01)
        m.add(.pathfinder, .noNorm, acc: [.nan, 0.1, 0.123456789], rms: .infinity, nonFinite: 3)
        let file = ResultsFile(gridID: "0123456789abcdef", gridSummary: "tasks listops; seeds 3", gridCells: 30, shard: "2/3",
                               computeSeconds: 1.5, rows: m.rows)
        let text = file.csv()
        let back = try ResultsFile.parse(text, path: "x.csv")
        XCTAssertEqual(back.csv(), text)
        XCTAssertEqual(back.gridID, file.gridID)
        XCTAssertEqual(back.gridCells, 30)
        XCTAssertEqual(back.rows.count, file.rows.count)
        XCTAssertEqual(back.rows.last?.rmsGrowth, .infinity)
        XCTAssertTrue(back.rows[back.rows.count - 3].accuracy.isNaN)
        XCTAssertEqual(back.rows[5].fitCosine, file.rows[5].fitCosine)
        XCTAssertEqual(back.rows[5].accuracy, file.rows[5].accuracy)
    }

    func testBadCSVAndMismatchedPartsAreOneLineErrors() throws {
        let m = RowMaker.sites(embed: 0.04, attention: -0.025, others: 0.01)
        let a = ResultsFile(gridID: "aaaaaaaaaaaaaaaa", gridSummary: "g", gridCells: m.rows.count, shard: "1/2",
                            computeSeconds: 1, rows: m.rows.filter { $0.cell % 2 == 0 })
        let b = ResultsFile(gridID: "aaaaaaaaaaaaaaaa", gridSummary: "g", gridCells: m.rows.count, shard: "2/2",
                            computeSeconds: 2, rows: m.rows.filter { $0.cell % 2 == 1 })
        var other = b
        other.gridID = "bbbbbbbbbbbbbbbb"
        let merged = try mergeResults([("a", a), ("b", b)])
        XCTAssertEqual(merged.rows, m.rows)
        XCTAssertEqual(merged.computeSeconds, 3)
        XCTAssertEqual(merged.shard, "all")
        let cases: [([(path: String, file: ResultsFile)], String)] = [
            ([("a", a), ("o", other)], "different grids"),
            ([("a", a), ("a2", a)], "appears in both"),
            ([("a", a)], "is missing"),
            ([], "at least one part"),
        ]
        for (parts, needle) in cases {
            XCTAssertThrowsError(try mergeResults(parts)) { XCTAssertTrue("\($0)".contains(needle), "\($0)") }
        }
        let good = a.csv()
        let broken = [
            ("hello\n", "not a pdet-tui reproduce CSV"),
            (good.replacingOccurrences(of: ",listops,", with: ",cifar,"), "unknown task"),
            (good.replacingOccurrences(of: "baseline", with: "base"), "unknown variant"),
            (good.replacingOccurrences(of: "# grid-id aaaaaaaaaaaaaaaa\n", with: ""), "grid-id"),
            (String(good.dropLast(30)), "fields"),
        ]
        for (text, needle) in broken {
            XCTAssertThrowsError(try ResultsFile.parse(text, path: "p.csv")) { e in
                XCTAssertTrue("\(e)".contains(needle) && "\(e)".hasPrefix("p.csv:"), "\(e)")
                XCTAssertFalse("\(e)".contains("\n"))
            }
        }
    }
}
