// A real reproduce run on a tiny grid, end to end: through the module (unsharded = merged shards, byte
// for byte) and through the built binary (report, CSV, parts, merge, and one-line errors).
import Foundation
import PDETCore
@testable import PDETReproduce
import XCTest

final class TinyRunTests: XCTestCase {
    static func tinyGrid() -> ReproGrid {
        var m = ModelConfig()
        m.layers = 1; m.dModel = 8; m.heads = 2; m.dFF = 8; m.seqLen = 16; m.batch = 4
        return ReproGrid(tasks: [.listops], variants: [.baseline, .pde(.afterEmbedding, multiScale: false)],
                         seeds: 2, steps: 2, evalSize: 16, model: m)
    }

    func testTinyRunUnshardedEqualsMergedShards() throws {
        let grid = Self.tinyGrid()
        var calls: [(Int, Int)] = []
        let rows = try runGrid(grid) { done, total, _ in calls.append((done, total)) }
        XCTAssertEqual(calls.map(\.0), [1, 2, 3, 4])
        XCTAssertEqual(rows.map(\.cell), [0, 1, 2, 3])
        for r in rows {
            XCTAssertEqual(r.steps, 2)
            XCTAssertTrue(r.accuracy >= 0 && r.accuracy <= 1, "\(r.accuracy)")
            XCTAssertTrue(r.finalLoss.isFinite && r.drift.isFinite && r.rmsGrowth > 0)
            XCTAssertEqual(r.fitCosine.count, 1)
            XCTAssertEqual(r.fitCosine[0].count, 2)
            XCTAssertTrue(r.fitCosine[0].allSatisfy { $0 > 0 && $0 <= 1.0001 }, "\(r.fitCosine)")
            XCTAssertTrue(r.uniformCosine[0].allSatisfy { $0 > 0 && $0 <= 1.0001 }, "\(r.uniformCosine)")
        }
        XCTAssertNotEqual(rows[0].accuracy == rows[2].accuracy && rows[0].drift == rows[2].drift, true,
                          "the diffusion layer changed nothing")

        let whole = ResultsFile(gridID: grid.id, gridSummary: grid.summary, gridCells: 4, shard: "all", computeSeconds: 2, rows: rows)
        var parts: [(path: String, file: ResultsFile)] = []
        for k in 1...2 {
            let shard = try Shard(index: k, count: 2)
            let part = try runGrid(grid, shard: shard)
            XCTAssertEqual(part.map(\.cell), k == 1 ? [0, 2] : [1, 3])
            let file = ResultsFile(gridID: grid.id, gridSummary: grid.summary, gridCells: 4, shard: shard.description,
                                   computeSeconds: 1, rows: part)
            parts.append(("part\(k)", try ResultsFile.parse(file.csv(), path: "part\(k)")))
        }
        let merged = try mergeResults(parts)
        XCTAssertEqual(merged.csv(), whole.csv(), "a merged CSV has the unsharded rows, byte for byte")
        let context = ReportContext(command: "c", date: "d", elapsedSeconds: 2, machine: "m")
        XCTAssertEqual(buildReport(merged, context: context), buildReport(whole, context: context))
    }

    // MARK: - through the binary

    let tinyFlags = ["--tasks", "listops", "--variants", "baseline,after-embedding/s1", "--seeds", "2", "--steps", "2",
                     "--layers", "1", "--d-model", "8", "--heads", "2", "--d-ff", "8", "--seq-len", "16", "--batch", "4",
                     "--eval-size", "16"]

    func testCLIReportPartsAndMerge() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdet-repro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("r.md").path
        let whole = try run(["reproduce"] + tinyFlags + ["--out", report])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertEqual(whole.stderr.split(separator: "\n").filter { $0.hasPrefix("cell ") }.count, 4, whole.stderr)
        let text = try String(contentsOfFile: report, encoding: .utf8)
        XCTAssertTrue(text.contains("## Claims") && text.contains("| after-embedding/s1 |"), text)
        XCTAssertTrue(text.contains("- Machine: ") && text.contains("cores"), text)
        let csv = try String(contentsOfFile: dir.appendingPathComponent("r.csv").path, encoding: .utf8)

        for k in 1...2 {
            let r = try run(["reproduce"] + tinyFlags + ["--shard", "\(k)/2", "--out", report])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let parts = (1...2).map { dir.appendingPathComponent("r.part-\($0)-of-2.csv").path }
        let mergedReport = dir.appendingPathComponent("m.md").path
        let merge = try run(["reproduce", "merge"] + parts + ["--out", mergedReport])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let mergedCSV = try String(contentsOfFile: dir.appendingPathComponent("m.csv").path, encoding: .utf8)
        func rows(_ s: String) -> [Substring] {
            s.split(separator: "\n").filter { !$0.hasPrefix("# compute-seconds") && !$0.hasPrefix("# machine") }
        }
        XCTAssertEqual(rows(mergedCSV), rows(csv))

        let help = try run(["reproduce", "--help"])
        for flag in ["--quick", "--tasks", "--seeds", "--steps", "--shard", "--out", "merge"] {
            XCTAssertTrue(help.stdout.contains(flag), "reproduce --help lacks \(flag): \(help.stdout)")
        }

        // Bad input: one line, exit status 1.
        let other = try run(["reproduce"] + tinyFlags + ["--steps", "1", "--shard", "1/2", "--out", dir.appendingPathComponent("o.md").path])
        XCTAssertEqual(other.status, 0, other.stderr)
        let bad: [([String], String)] = [
            (["reproduce", "--shard", "0/3"], "--shard"),
            (["reproduce", "--shard", "4/3"], "--shard"),
            (["reproduce", "--tasks", "listops,cifar"], "unknown task"),
            (["reproduce", "merge", dir.appendingPathComponent("missing.csv").path], "cannot read"),
            (["reproduce", "merge", report], "not a pdet-tui reproduce CSV"),
            (["reproduce", "merge", parts[0], dir.appendingPathComponent("o.part-1-of-2.csv").path], "different grids"),
            (["reproduce", "merge", parts[0]], "missing"),
        ]
        for (args, needle) in bad {
            let r = try run(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
    }
}
