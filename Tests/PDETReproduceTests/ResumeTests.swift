// Resume and one-cell re-runs: a killed reproduce run loses at most the cell in flight and, run
// again, ends with the rows of an uninterrupted run byte for byte; `--from FILE --cell N` prints
// exactly the row a fresh run writes.
import Foundation
import PDETCore
@testable import PDETReproduce
import XCTest

final class ResumeTests: XCTestCase {
    /// Everything but the compute-seconds and machine lines (the clock and the load of each sitting).
    func rows(_ csv: String) -> [Substring] {
        csv.split(separator: "\n").filter { !$0.hasPrefix("# compute-seconds") && !$0.hasPrefix("# machine") }
    }

    func testResumePointKeepsCompleteRowsDropsAPartialLineAndRefusesOtherGrids() throws {
        let grid = TinyRunTests.tinyGrid()
        let all = try runGrid(grid)
        let whole = ResultsFile(gridID: grid.id, gridSummary: grid.summary, gridCells: 4, shard: "all", computeSeconds: 3, rows: all)
        let text = whole.csv()
        // Two complete rows and half of the third, as a writer cut off mid-line would leave it.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines.prefix { !$0.hasPrefix("0,") }.count
        let cut = lines.prefix(header + 2).joined(separator: "\n") + "\n" + lines[header + 2].prefix(25)
        let point = try resumePoint(from: cut, path: "r.csv", grid: grid, shard: .all)
        XCTAssertTrue(point.droppedPartialLine)
        XCTAssertEqual(point.rows.map(\.cell), [0, 1])
        XCTAssertEqual(point.computeSeconds, 3)
        let rest = try runGrid(grid, skipping: point.cells)
        XCTAssertEqual(rest.map(\.cell), [2, 3])
        let resumed = ResultsFile(gridID: grid.id, gridSummary: grid.summary, gridCells: 4, shard: "all", computeSeconds: 7,
                                  rows: point.rows + rest)
        XCTAssertEqual(rows(resumed.csv()), rows(text), "resumed rows equal the uninterrupted run's, byte for byte")

        XCTAssertEqual(try resumePoint(from: "", path: "r.csv", grid: grid, shard: .all), ResumePoint())
        XCTAssertEqual(try resumePoint(from: text, path: "r.csv", grid: grid, shard: .all).rows, all)
        var other = grid
        other.seeds = 3
        let refusals: [(String, ReproGrid, Shard, String)] = [
            (text, other, .all, "holds rows of grid"),
            (text, grid, try Shard(index: 1, count: 2), "holds shard all"),
            (String(text.prefix(40)), grid, .all, "cannot resume"),
            (text.replacingOccurrences(of: "\n1,listops,baseline,2,", with: "\n1,listops,baseline,1,"), grid, .all, "is not that cell"),
        ]
        for (t, g, shard, needle) in refusals {
            XCTAssertThrowsError(try resumePoint(from: t, path: "r.csv", grid: g, shard: shard)) { e in
                XCTAssertTrue("\(e)".contains(needle), "\(e)")
                XCTAssertFalse("\(e)".contains("\n"))
            }
        }
    }

    // MARK: - through the binary

    /// 8 cells of a few tens of milliseconds each: long enough to kill the run between cells.
    let killFlags = ["--tasks", "listops,pathfinder", "--variants", "baseline,after-embedding/s1", "--seeds", "2", "--steps", "40",
                     "--layers", "1", "--d-model", "16", "--heads", "2", "--d-ff", "16", "--seq-len", "25", "--batch", "8",
                     "--eval-size", "32"]

    func testKilledRunResumesToTheUninterruptedRowsByteForByte() throws {
        let dir = try temporaryFolder()
        let straight = try run(["reproduce"] + killFlags + ["--out", dir.appendingPathComponent("a.md").path])
        XCTAssertEqual(straight.status, 0, straight.stderr)
        let expected = try String(contentsOf: dir.appendingPathComponent("a.csv"), encoding: .utf8)
        XCTAssertEqual(rows(expected).filter { $0.first?.isNumber ?? false }.count, 8)
        XCTAssertTrue(expected.contains("\n# binary pdet-tui "), "the CSV names the binary that computed it")

        // Start the same run elsewhere and SIGKILL it once two rows are on disk.
        let report = dir.appendingPathComponent("b.md").path, csv = dir.appendingPathComponent("b.csv").path
        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["reproduce"] + killFlags + ["--out", report]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.environment = ProcessInfo.processInfo.environment.merging(["PDET_THREADS": "1"]) { $1 }
        try process.run()
        var before = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            before = ((try? String(contentsOfFile: csv, encoding: .utf8)).map { rows($0).filter { $0.first?.isNumber ?? false }.count }) ?? 0
            if before >= 2 || !process.isRunning { break }
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the run finished before it could be killed")
        let killed = try String(contentsOfFile: csv, encoding: .utf8)
        let kept = rows(killed).filter { $0.first?.isNumber ?? false }.count
        XCTAssertTrue(kept >= 2 && kept < 8, "\(kept) rows after the kill")
        XCTAssertFalse(FileManager.default.fileExists(atPath: report), "no report before the last cell")

        let again = try run(["reproduce"] + killFlags + ["--out", report])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("\(8 - kept) of 8 cells to run (shard all, \(kept) already in"), again.stderr)
        let resumed = try String(contentsOfFile: csv, encoding: .utf8)
        XCTAssertEqual(rows(resumed), rows(expected), "resumed CSV = uninterrupted CSV, compute-seconds aside")
        XCTAssertTrue(try String(contentsOfFile: report, encoding: .utf8).contains("Resumed: \(kept) cells"))

        // A file cut mid-line (k rows and part of the next): that cell runs again.
        let lines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines.prefix { !($0.first?.isNumber ?? false) }.count
        let cut = lines.prefix(header + 3).joined(separator: "\n") + "\n" + lines[header + 3].prefix(30)
        try cut.write(toFile: csv, atomically: true, encoding: .utf8)
        let third = try run(["reproduce"] + killFlags + ["--out", report])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertTrue(third.stderr.contains("partial line") && third.stderr.contains("5 of 8 cells to run"), third.stderr)
        XCTAssertEqual(rows(try String(contentsOfFile: csv, encoding: .utf8)), rows(expected))

        // A CSV of another grid is refused before any cell runs.
        let other = try run(["reproduce"] + killFlags + ["--steps", "3", "--out", report])
        XCTAssertEqual(other.status, 1, other.stderr)
        XCTAssertTrue(other.stderr.contains("holds rows of grid") && !other.stderr.contains("cell 0"), other.stderr)
    }

    /// Re-running the command of a finished part (every cell already in it) leaves the file
    /// byte-identical: no binary, machine or seconds are added for rows this run did not compute.
    func testAFinishedPartIsLeftUnchanged() throws {
        let dir = try temporaryFolder()
        let tiny = ["--tasks", "listops", "--variants", "baseline", "--seeds", "2", "--steps", "3", "--layers", "1",
                    "--d-model", "8", "--heads", "2", "--d-ff", "8", "--seq-len", "25", "--batch", "4", "--eval-size", "16",
                    "--shard", "1/2", "--out", dir.appendingPathComponent("r.md").path]
        let first = try run(["reproduce"] + tiny)
        XCTAssertEqual(first.status, 0, first.stderr)
        let part = dir.appendingPathComponent("r.part-1-of-2.csv").path
        let before = try String(contentsOfFile: part, encoding: .utf8)
        XCTAssertEqual(before.components(separatedBy: "\n# binary ").count, 2)
        let again = try run(["reproduce"] + tiny)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("0 of 2 cells to run") && again.stderr.contains("left unchanged"), again.stderr)
        XCTAssertEqual(try String(contentsOfFile: part, encoding: .utf8), before)

        // A shard with no cells at all (more shards than cells): its part file is written once, then left.
        let empty = tiny.map { $0 == "1/2" ? "3/3" : $0 }.map { $0.hasSuffix("r.md") ? dir.appendingPathComponent("e.md").path : $0 }
        let seeds = empty.firstIndex(of: "--seeds")!
        var oneCell = empty
        oneCell[seeds + 1] = "1"   // 1 cell, shard 3/3 has none
        XCTAssertEqual(try run(["reproduce"] + oneCell).status, 0)
        let emptyPart = dir.appendingPathComponent("e.part-3-of-3.csv").path
        let written = try String(contentsOfFile: emptyPart, encoding: .utf8)
        let rerun = try run(["reproduce"] + oneCell)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("left unchanged"), rerun.stderr)
        XCTAssertEqual(try String(contentsOfFile: emptyPart, encoding: .utf8), written)
    }

    func testFromCellPrintsTheRowAFreshRunWrites() throws {
        let dir = try temporaryFolder()
        let csv = dir.appendingPathComponent("a.csv").path
        let tiny = ["--tasks", "listops,pathfinder", "--variants", "baseline,no-norm", "--seeds", "2", "--steps", "3",
                    "--layers", "1", "--d-model", "8", "--heads", "2", "--d-ff", "8", "--seq-len", "25", "--batch", "4",
                    "--eval-size", "16"]
        let first = try run(["reproduce"] + tiny + ["--out", dir.appendingPathComponent("a.md").path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        let lines = text.split(separator: "\n")
        for n in [0, 6] {
            let one = try run(["reproduce", "--from", csv, "--cell", "\(n)"])
            XCTAssertEqual(one.status, 0, one.stderr)
            let header = try XCTUnwrap(lines.first { $0.hasPrefix("cell,") })
            let row = try XCTUnwrap(lines.first { $0.hasPrefix("\(n),") })
            XCTAssertEqual(one.stdout, "\(header)\n\(row)\n", "header and row, byte for byte")
            XCTAssertTrue(one.stderr.contains("identical to the row in"), one.stderr)
        }
        // A changed number: the row is printed and the difference reported (exit 1).
        let row6 = try XCTUnwrap(lines.first { $0.hasPrefix("6,") })
        let fields = row6.split(separator: ",", omittingEmptySubsequences: false)
        var changed = fields.map(String.init)
        changed[5] = changed[5] == "0.25" ? "0.5" : "0.25"
        let tampered = dir.appendingPathComponent("t.csv").path
        try text.replacingOccurrences(of: String(row6), with: changed.joined(separator: ",")).write(toFile: tampered, atomically: true, encoding: .utf8)
        let diff = try run(["reproduce", "--from", tampered, "--cell", "6"])
        XCTAssertEqual(diff.status, 1)
        XCTAssertTrue(diff.stderr.contains("differs from the one in"), diff.stderr)
        XCTAssertTrue(diff.stdout.contains(String(row6)), diff.stdout)

        let edited = dir.appendingPathComponent("e.csv").path
        try text.replacingOccurrences(of: "seeds 2;", with: "seeds 3;").write(toFile: edited, atomically: true, encoding: .utf8)
        let bad: [([String], String)] = [
            (["reproduce", "--from", csv], "--from needs --cell"),
            (["reproduce", "--cell", "1"], "--cell needs --from"),
            (["reproduce", "--from", csv, "--cell", "8"], "--cell must be in 0...7"),
            (["reproduce", "--from", csv, "--cell", "1", "--steps", "5"], "drop --steps"),
            (["reproduce", "--from", dir.appendingPathComponent("none.csv").path, "--cell", "1"], "cannot read"),
            (["reproduce", "--from", edited, "--cell", "1"], "the header was edited"),
            (["reproduce", "--grid", "huge"], "unknown grid \"huge\""),
            (["reproduce", "--quick", "--grid", "standard"], "name different grids"),
            (["reproduce", "--quick", "--out", dir.appendingPathComponent("no/such/r.md").path], "does not exist"),
        ]
        for (args, needle) in bad {
            let r = try run(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
    }
}
