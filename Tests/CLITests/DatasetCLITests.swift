// `pdet-tui dataset`: stdout and file output give the same bytes; bad input is one line, exit ≠ 0.
import Foundation
import XCTest

extension CLITests {
    func testDatasetToStdoutAndToAFileGiveTheSameLines() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["dataset", "--task", "listops", "--count", "10", "--batch", "4", "--seed", "3"]
        let piped = try run(args + ["--out", "-"])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        let lines = piped.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 10)
        let object = try JSONSerialization.jsonObject(with: Data(lines[9].utf8)) as? [String: Any]
        XCTAssertEqual(object?["batch"] as? Int, 2)
        XCTAssertEqual(object?["row"] as? Int, 1)
        XCTAssertEqual((object?["tokens"] as? [Int])?.count, 64)
        XCTAssertEqual((object?["targets"] as? [Int])?.count, 1)
        XCTAssertTrue(piped.stderr.contains("10 train sequences of listops"), piped.stderr)
        let file = dir.appendingPathComponent("d.jsonl").path
        let saved = try run(args + ["--out", file])
        XCTAssertEqual(saved.status, 0, saved.stderr)
        XCTAssertEqual(saved.stdout, "")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), piped.stdout)
    }

    func testDatasetBadInputIsOneLine() throws {
        for (args, message) in [
            (["--task", "copy", "--count", "0"], "Error: --count must be in 1...100000 (got 0)"),
            (["--task", "copy", "--count", "100001"], "Error: --count must be in 1...100000 (got 100001)"),
            (["--task", "copy", "--split", "heldout", "--count", "600"],
             "Error: --count 600 is larger than the held-out split of copy (512 examples)"),
            (["--task", "digits", "--seq-len", "32"], "Error: task digits needs seq-len ≥ 64 (got 32)"),
        ] {
            let r = try run(["dataset"] + args + ["--out", "-"])
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stdout, "", "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }, [Substring(message)], r.stderr)
        }
        let missing = try run(["dataset", "--task", "copy", "--out", "/nonexistent-folder/x.jsonl"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent-folder"), missing.stderr)
    }
}
