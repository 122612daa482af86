// `pdet-tui attention-readings`: a tiny real run writes every reading of a board task beside its
// null; bad input is one line and a non-zero exit, and nothing is written.
import Foundation
import XCTest

extension CLITests {
    func testAttentionReadingsTinyRunWritesEveryBoardReading() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("readings.md").path
        let r = try run(["attention-readings", "--tasks", "pathfinder", "--seeds", "2", "--steps", "2",
                         "--sequences", "2", "--report", file])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for row in ["| (a) per-row positional heat kernel |", "| (b) attention-against-distance profile |",
                    "| (c) spread across depth |", "| (d) 2-D heat kernel on the board |"] {
            XCTAssertEqual(text.components(separatedBy: row).count - 1, 2, "legend and result row of \(row)")
        }
        XCTAssertTrue(text.contains("## pathfinder (toy, 2 steps)"), text)
        XCTAssertTrue(text.contains("--report \(file)"), "the re-run line names the report")
    }

    func testAttentionReadingsBadInputIsOneLine() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kept = dir.appendingPathComponent("kept.md").path
        try Data("previous\n".utf8).write(to: URL(fileURLWithPath: kept))
        for (args, message) in [
            (["--tasks", "listops"], "Error: --tasks: listops is not a board task (digits, pathfinder)"),
            (["--seeds", "1"], "Error: --seeds must be in 2...100 (got 1)"),
            (["--model", dir.path], "Error: --model and --corpus go together"),
            (["--sequences", "0"], "Error: --sequences must be in 1...512 (got 0)"),
        ] {
            let r = try run(["attention-readings"] + args + ["--report", kept])
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }, [Substring(message)], r.stderr)
        }
        let noModel = try run(["attention-readings", "--tasks", "", "--model", dir.path + "/none",
                               "--corpus", dir.path + "/none.txt", "--report", kept])
        XCTAssertNotEqual(noModel.status, 0)
        XCTAssertEqual(noModel.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.count, 1, noModel.stderr)
        XCTAssertEqual(try String(contentsOfFile: kept, encoding: .utf8), "previous\n", "a failed run keeps the old report")
    }
}
