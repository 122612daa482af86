// The stabiliser study (claim 5 as the paper means it) on a tiny digits model: rows, traces, resume,
// a forced blow-up counted as unstable, probes that leave training untouched, and the intervals
// pinned against Newcombe (1998)'s published table.
import Foundation
import PDETCore
import PDETTasks
@testable import PDETReproduce
import XCTest

final class StabiliserStudyTests: XCTestCase {
    static func tinyStudy(steps: Int = 20) -> StabiliserStudy {
        var s = StabiliserStudy.standard()
        s.base.dModel = 16; s.base.heads = 2; s.base.dFF = 32; s.base.batch = 4
        s.steps = steps; s.traceEvery = 10; s.probeRows = 4; s.evalSize = 32; s.warmup = 5
        return s
    }

    func testTinyStudyProducesRowsAndTraces() throws {
        let study = Self.tinyStudy()
        let runs = StabiliserStudy.runs(depths: [1], norms: [.pre, .none], stabilised: [true], seeds: [201])
        XCTAssertEqual(runs.map(\.traceName), ["L1-pre-clip-s201.csv", "L1-none-clip-s201.csv"])
        var rows: [StabiliserResult] = []
        for r in runs {
            let c = study.config(for: r)
            XCTAssertEqual([c.layers, c.warmup], [1, 5]); XCTAssertEqual(c.clip, 1.0); XCTAssertEqual(c.norm, r.norm)
            let (result, trace) = try runStabiliser(r, study: study)
            XCTAssertEqual(trace.map(\.step), [0, 10, 20])
            XCTAssertTrue(trace[0].loss.isNaN && trace[1].loss.isFinite)
            XCTAssertEqual(result.steps, 20)
            XCTAssertEqual(result.nonFiniteStep, 0)
            XCTAssertFalse(result.diverged)
            XCTAssertTrue(result.rms0 > 0 && result.peakRMS >= result.rms0, "\(result)")
            XCTAssertEqual(result.peakRMS, trace.map(\.maxRMS).max())
            XCTAssertTrue(result.accuracy >= 0 && result.accuracy <= 1)
            XCTAssertTrue(result.simGrowth.isFinite && result.simGrowth > 0)
            rows.append(result)
        }
        XCTAssertNotEqual(rows[0].finalLoss, rows[1].finalLoss, "pre-LN and no norm trained the same model")
        let unclipped = study.config(for: StabiliserRun(depth: 3, norm: .none, stabilised: false, seed: 202))
        XCTAssertEqual(unclipped.clip, 0); XCTAssertEqual(unclipped.warmup, 0); XCTAssertEqual(unclipped.layers, 3)
        XCTAssertEqual(unclipped.seed, 202)
    }

    func testProbesDoNotChangeTraining() throws {
        let study = Self.tinyStudy()
        let r = StabiliserRun(depth: 2, norm: .none, stabilised: false, seed: 203)
        let (result, trace) = try runStabiliser(r, study: study)
        let plain = try TrainingRun(config: study.config(for: r))
        for _ in 0..<study.steps { plain.step() }
        XCTAssertEqual(trace[1].loss.bitPattern, plain.history[9].loss.bitPattern)
        XCTAssertEqual(trace[2].loss.bitPattern, plain.history[19].loss.bitPattern)
        XCTAssertEqual(result.accuracy.bitPattern, plain.evaluate(limit: study.evalSize, record: false).bitPattern)
    }

    func testForcedBlowUpIsCountedUnstable() throws {
        var study = Self.tinyStudy()
        study.base.initGain = 1000; study.base.lr = 10
        let r = StabiliserRun(depth: 6, norm: .none, stabilised: false, seed: 201)
        let (result, trace) = try runStabiliser(r, study: study)
        XCTAssertTrue(result.unstable(limit: 10), "\(result)")
        XCTAssertTrue(result.diverged, "\(result)")
        XCTAssertEqual(result.steps, result.nonFiniteStep, "training stops at the first non-finite step")
        XCTAssertEqual(trace.last?.step, result.nonFiniteStep)
        XCTAssertTrue(result.accuracy.isNaN, "\(result)")
        // The same run's row survives a CSV round trip and is counted by the report's verdict.
        let file = StabiliserFile(study: study.summary, rows: [result])
        let back = try StabiliserFile.parse(file.csv(), path: "t.csv")
        XCTAssertEqual(back.rows.count, 1)
        XCTAssertTrue(back.rows[0].diverged && back.rows[0].unstable(limit: 10))
        XCTAssertEqual(stabiliserVerdict(back.rows, depth: 6, limit: 10).none.k, 1)
    }

    func row(_ depth: Int, _ norm: NormMode, _ seed: UInt64, growth: Float, nonFinite: Int = 0) -> StabiliserResult {
        StabiliserResult(run: StabiliserRun(depth: depth, norm: norm, stabilised: true, seed: seed), steps: 30,
                         nonFiniteStep: nonFinite, finalLoss: nonFinite > 0 ? .nan : 0.5, accuracy: 0.9, rms0: 2,
                         peakRMS: 2 * growth, finalRMS: 2, simGrowth: 0.5)
    }

    func testResumeKeepsFinishedRunsAndRefusesAnotherStudy() throws {
        let study = Self.tinyStudy()
        let a = row(2, .pre, 201, growth: 3), b = row(2, .none, 202, growth: 50, nonFinite: 7)
        let file = StabiliserFile(study: study.summary, rows: [b, a])
        XCTAssertEqual(file.rows.map(\.run), [a.run, b.run], "rows are kept in study order")
        let text = file.csv()
        let resumed = try stabiliserResumePoint(from: text, path: "r.csv", study: study)
        XCTAssertEqual(resumed.study, file.study)
        XCTAssertEqual(resumed.rows.map(StabiliserFile.rowText), file.rows.map(StabiliserFile.rowText))
        XCTAssertEqual(resumed.csv(), text, "byte for byte")
        let planned = StabiliserStudy.runs(depths: [2], norms: [.pre, .none], stabilised: [true], seeds: [201, 202])
        XCTAssertEqual(planned.filter { !resumed.runs.contains($0) }.map(\.traceName),
                       ["L2-pre-clip-s202.csv", "L2-none-clip-s201.csv"])
        // A last line cut short is dropped (its run runs again).
        let cut = try stabiliserResumePoint(from: String(text.dropLast(3)), path: "r.csv", study: study)
        XCTAssertEqual(cut.rows.map(\.run), [a.run])
        XCTAssertEqual(try stabiliserResumePoint(from: "", path: "r.csv", study: study).rows, [])
        var other = study
        other.steps = 21
        XCTAssertThrowsError(try stabiliserResumePoint(from: text, path: "r.csv", study: other)) { error in
            XCTAssertTrue("\(error)".contains("another study"), "\(error)")
        }
        XCTAssertThrowsError(try StabiliserFile.parse(text + "2,pre,clip+warmup,x\n", path: "r.csv"))
    }

    // Expected values: Newcombe (1998), Stat Med 17:873, Table II, method 10; Wilson 0/5 upper = z²/(n + z²).
    func testWilsonAndNewcombeMatchThePublishedTable() {
        let w = wilsonInterval(successes: 0, trials: 5)
        XCTAssertEqual(w.lower, 0, accuracy: 1e-12)
        XCTAssertEqual(w.upper, 3.841459 / 8.841459, accuracy: 1e-6)
        let cases: [(Int, Int, Int, Int, Double, Double)] = [
            (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090),
        ]
        for (k1, n1, k2, n2, lo, hi) in cases {
            let d = newcombeDifference(k1, n1, k2, n2)
            XCTAssertEqual(d.lower, lo, accuracy: 1e-4, "\(k1)/\(n1) − \(k2)/\(n2)")
            XCTAssertEqual(d.upper, hi, accuracy: 1e-4, "\(k1)/\(n1) − \(k2)/\(n2)")
        }
    }

    func testVerdictAndReport() {
        let study = Self.tinyStudy()
        var rows = (201...205).map { row(6, .none, UInt64($0), growth: 40) } + (201...205).map { row(6, .pre, UInt64($0), growth: 2) }
        XCTAssertEqual(stabiliserVerdict(rows, depth: 6, limit: 10).verdict, .holds, "5/5 against 0/5")
        rows = (201...205).map { row(2, .none, UInt64($0), growth: $0 == 201 ? 40 : 3) } + (201...205).map { row(2, .pre, UInt64($0), growth: 2) }
        XCTAssertEqual(stabiliserVerdict(rows, depth: 2, limit: 10).verdict, .inconclusive, "1/5 against 0/5")
        let flipped = rows.map { r -> StabiliserResult in var r = r; r.run.norm = r.run.norm == .pre ? .none : .pre; return r }
        XCTAssertEqual(stabiliserVerdict(flipped + (206...215).map { row(2, .pre, UInt64($0), growth: 40) }, depth: 2, limit: 10).verdict,
                       .contradicted)
        let md = stabiliserReport(StabiliserFile(study: study.summary, rows: rows), study: study, simulatorReference: [2: 0.25],
                                  expectedRuns: 60, command: "c")
        XCTAssertTrue(md.contains("| 2 | none | yes | 201,202,203,204,205 | 0/5 | 1/5 [4, 62] % | ×3.0 |"), md)
        XCTAssertTrue(md.contains("| 2 | both | 1/5 | 0/5 | +20 pp ["), md)
        XCTAssertTrue(md.contains("| 2 | ×0.2500 |"), md)
        XCTAssertTrue(md.contains("10 of 60 runs"), md)
    }
}
