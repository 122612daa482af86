// The confirmatory analysis on synthetic rows whose every number was recomputed with scipy/statsmodels
// (scripts/stats-reference.py, "synthetic …" lines), and the grid report's families on the committed
// standard grid against the same script's "standard …" lines.
import PDETCore
@testable import PDETReproduce
import XCTest

final class ConfirmatoryTests: XCTestCase {
    /// Correct answers out of 512 per variant, task (listops, digits, pathfinder) and seed 101…106,
    /// printed by scripts/stats-reference.py (numpy default_rng(21)).
    static let counts: [String: [[Int]]] = [
        "baseline": [[142, 153, 120, 155, 138, 130], [443, 440, 448, 459, 456, 457], [428, 430, 461, 455, 467, 458]],
        "after-embedding/s1": [[159, 188, 150, 182, 156, 155], [467, 472, 474, 497, 475, 486], [457, 448, 477, 488, 496, 482]],
        "after-attention/s1": [[152, 131, 125, 135, 142, 158], [431, 463, 415, 448, 413, 452], [428, 422, 451, 493, 508, 420]],
        "before-attention/s1": [[180, 134, 120, 167, 155, 124], [444, 457, 449, 461, 484, 491], [442, 445, 476, 461, 472, 452]],
        "between-layers/s1": [[142, 150, 116, 153, 137, 133], [439, 435, 446, 453, 458, 458], [428, 427, 461, 456, 466, 454]],
        "after-embedding/s124": [[145, 200, 149, 177, 168, 161], [456, 474, 474, 510, 459, 485], [459, 465, 469, 462, 485, 488]],
    ]

    static var rows: [CellResult] {
        var out: [CellResult] = []
        for (k, task) in [TaskKind.listops, .digits, .pathfinder].enumerated() {
            for (name, byTask) in counts.sorted(by: { $0.key < $1.key }) {
                for (i, c) in byTask[k].enumerated() {
                    out.append(CellResult(cell: out.count, task: task, variant: Variant(name: name)!, seed: UInt64(101 + i), steps: 1,
                                          accuracy: Float(c) / 512, finalLoss: 1, drift: 0.5, rankCollapse: 0.5, rmsGrowth: 2, maxRMS: 2,
                                          nonFiniteStep: 0, fitKappa: [[1]], fitCosine: [[0.5]], fitJSD: [[0.1]],
                                          uniformCosine: [[0.4]], uniformJSD: [[0.2]]))
                }
            }
        }
        return out
    }

    func testFiveHypothesesAgainstScipy() {
        let results = confirmatoryAnalysis(Self.rows)
        XCTAssertEqual(results.map(\.hypothesis.id), ["H1", "H2", "H3", "H4", "H5"])
        // (estimate, CI lower, upper, Welch df, one-sided p, Holm p, power at α, power at α/5, verdict):
        // pooled() in the script; p1 = stats.t.sf(est/se·side, df); Holm = multipletests(…, 'holm');
        // power = stats.nct.sf(stats.t.ppf(1 − α, df), df, |planned|/se).
        let expected: [(Double, Double, Double, Double, Double, Double, Double, Double, ConfirmatoryVerdict)] = [
            (0.05088975694444444, 0.04425225094280619, 0.057527262946082694, 14.973517148481177, 2.9517785670772274e-11,
             1.4758892835386136e-10, 1.0, 1.0, .holds),
            (-0.005750868055555555, -0.03026341443511241, 0.0187616783240013, 13.00655618093657, 0.3103831979809028,
             0.9311495939427084, 0.6706361164285262, 0.3632832654380288, .inconclusive),
            (0.018880208333333332, 0.0036268093729646574, 0.034133607293702004, 11.137681384267708, 0.009862814281373035,
             0.03945125712549214, 0.9998402302239847, 0.994691768031167, .holds),
            (-0.0030381944444444445, -0.005648831978553923, -0.0004275569103349662, 12.782441061890037, 0.9870299713315215,
             1.0, 1.0, 1.0, .notSupported),
            (-0.002495659722222222, -0.014469602865949591, 0.009478283421505147, 13.03495597796936, 0.6700012816721488,
             1.0, 0.5256404709941536, 0.2401613457336274, .inconclusive),
        ]
        for (r, e) in zip(results, expected) {
            let id = r.hypothesis.id
            XCTAssertEqual(r.estimate.estimate, e.0, accuracy: 1e-12, id)
            XCTAssertEqual(r.estimate.lower, e.1, accuracy: 1e-9, id)
            XCTAssertEqual(r.estimate.upper, e.2, accuracy: 1e-9, id)
            XCTAssertEqual(r.estimate.degreesOfFreedom, e.3, accuracy: 1e-9, id)
            XCTAssertEqual(r.p, e.4, accuracy: max(1e-12, e.4 * 1e-6), id)
            XCTAssertEqual(r.holm, e.5, accuracy: max(1e-12, e.5 * 1e-6), id)
            XCTAssertEqual(r.power, e.6, accuracy: 1e-6, id)
            XCTAssertEqual(r.powerAtStrictest, e.7, accuracy: 1e-6, id)
            XCTAssertEqual(r.verdict, e.8, id)
            XCTAssertEqual(r.perTask.map(\.estimate.n), [6, 6, 6], id)
        }
    }

    func testReportSectionAndWhenItIsWritten() {
        let rows = Self.rows
        let text = confirmatoryReport(rows: rows)
        XCTAssertTrue(text.contains("| H1 | after-embedding/s1 > baseline | +4.1 pp | +5.1 [+4.4, +5.8] | < 0.001 | < 0.001 | 1.00, 1.00 | **holds** |"), text)
        XCTAssertTrue(text.contains("| H4 | between-layers/s1 > baseline | +4.1 pp | -0.3 [-0.6, -0.0] | 0.987 | 1.000 | 1.00, 1.00 | **not supported** |"), text)
        XCTAssertTrue(text.contains("### H2: after-attention/s1 < baseline: **inconclusive**"), text)
        XCTAssertTrue(text.contains("seeds per task: listops 6, digits 6, pathfinder 6"), text)
        XCTAssertTrue(isConfirmatoryGrid(rows))
        let file = ResultsFile(gridID: "0", gridSummary: "synthetic", gridCells: rows.count, shard: "all", computeSeconds: 0, rows: rows)
        let context = ReportContext(command: "test", date: "today", elapsedSeconds: 1, machine: "test")
        XCTAssertTrue(buildReport(file, context: context).contains("## Confirmatory analysis"))
        // Seed 1 (the standard grid's seeds) or another variant: not the confirmatory grid.
        var seedOne = rows
        seedOne[0].seed = 1
        XCTAssertFalse(isConfirmatoryGrid(seedOne))
        var extra = rows
        extra[0].variant = .noNorm
        XCTAssertFalse(isConfirmatoryGrid(extra))
        XCTAssertFalse(buildReport(ResultsFile(gridID: "0", gridSummary: "s", gridCells: extra.count, shard: "all", computeSeconds: 0, rows: extra), context: context).contains("## Confirmatory analysis"))
    }
}
