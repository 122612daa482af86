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
        // pooled_iv() in the script (inverse-variance, the plan's primary); p1 = stats.t.sf(est/se·side, df); Holm = multipletests(…, 'holm');
        // power = stats.nct.sf(stats.t.ppf(1 − α, df), df, |planned|/se).
        let expected: [(Double, Double, Double, Double, Double, Double, Double, Double, ConfirmatoryVerdict)] = [
            (0.05096982453187833, 0.04433814705076635, 0.05760150201299031, 14.974086187741419, 2.8491062257833876e-11,
             1.4245531128916937e-10, 1.0, 1.0, .holds),
            (-0.006451529748953846, -0.029175091232950173, 0.016272031735042485, 13.25690377047191, 0.27539637796905336,
             0.8261891339071601, 0.7269538306187513, 0.42282133480533146, .inconclusive),
            (0.01803079826606711, 0.005941227652910134, 0.030120368879224084, 9.809353114455089, 0.0038970109129397574,
             0.01558804365175903, 0.9999996989232325, 0.9999141951081879, .holds),
            (-0.0026883571922619305, -0.005076296170053217, -0.00030041821447064415, 12.875808042061232, 0.9848829108352464,
             1.0, 1.0, 1.0, .contradicted),
            (-0.0016495848231466357, -0.012835921631332672, 0.009536751985039402, 13.725713302253494, 0.6219460348675334,
             1.0, 0.571522892067007, 0.2770948956123598, .inconclusive),
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
        XCTAssertTrue(text.contains("| H4 | between-layers/s1 > baseline | +4.1 pp | -0.3 [-0.5, -0.0] | 0.985 | 1.000 | 1.00, 1.00 | **contradicted** |"), text)
        // H5's CI ends at +0.95 pp, short of the planned +1.0: the plan's "ruled out" sentence; H2's reaches past −2.5: none.
        let h5 = text.components(separatedBy: "### H5")[1], h2 = text.components(separatedBy: "### H2")[1].components(separatedBy: "### H3")[0]
        XCTAssertTrue(h5.contains("an effect of the planned size is ruled out"), h5)
        XCTAssertFalse(h2.contains("ruled out"), h2)
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
