// The report's "No-tracing baselines" table: each task's T and the eval size read back from the grid
// summary, and the figures equal to the baselines computed directly for the same seeds.
import PDETCore
@testable import PDETReproduce
import PDETTasks
import XCTest

final class NoTracingSectionTests: XCTestCase {
    func testSummaryGivesEachTasksSeqLenAndTheEvalSize() {
        let standard = ReproGrid.standard().summary
        XCTAssertEqual(summarySeqLen(standard, task: .pathfinder), 25)
        XCTAssertEqual(summarySeqLen(standard, task: .listops), 64)
        XCTAssertEqual(summaryEvalSize(standard), 512)
        let quick = ReproGrid.quick().summary                  // one setting for every task
        XCTAssertEqual(summarySeqLen(quick, task: .pathfinder), 64)
        XCTAssertEqual(summaryEvalSize(quick), 256)
        XCTAssertNil(summarySeqLen("", task: .listops))
    }

    func testTableShowsTheBaselinesOfTheGridsSeedsBesideTheTransformer() throws {
        var m = RowMaker()
        m.add(.pathfinder, .baseline, acc: [0.87, 0.88, 0.86])
        m.add(.sort, .baseline, acc: [0.9, 0.9, 0.9])         // per-token: no row in the table
        let grid = ReproGrid.standard()
        let file = ResultsFile(gridID: grid.id, gridSummary: grid.summary, gridCells: 3, shard: "all",
                               computeSeconds: 1, rows: m.rows)
        let lines = noTracingSection(file)
        XCTAssertEqual(lines.first, "## No-tracing baselines")
        let rows = lines.filter { $0.hasPrefix("| ") && !$0.hasPrefix("| task") }
        XCTAssertEqual(rows.count, 1, "\(lines)")
        var distance = 0.0
        for seed: UInt64 in 1...3 {
            let t = try makeTask(.pathfinder, seqLen: 25, seed: seed, dataDirectory: nil)
            distance += try noTracingBaselines(task: t, evalSize: 512).first { $0.name == "distance rule" }!.accuracy / 3
        }
        XCTAssertEqual(rows[0], "| pathfinder | 25 (5×5) | 0.870 | 0.500 | \(String(format: "%.3f", distance)) | "
                       + rows[0].split(separator: "|")[5].trimmingCharacters(in: .whitespaces) + " | 3 |")
        XCTAssertGreaterThan(distance, 0.7)
        XCTAssertTrue(buildReport(file, context: ReportContext(command: "x", date: "d", elapsedSeconds: 1, machine: "m"))
                        .contains("## No-tracing baselines"))
        XCTAssertEqual(noTracingSection(ResultsFile(gridID: "", gridSummary: "", gridCells: 0, shard: "all",
                                                    computeSeconds: 0, rows: [])), [])
    }
}
