// A report never overwrites its results (issue 23): `reproduce --out run.csv` used to write the
// Markdown report over the CSV it had just resumed from ("wrote run.csv and run.csv"), after which
// resume, merge and --from all failed. Every command pointed at an existing results CSV leaves it
// byte-identical.
import Foundation
import XCTest

final class OwnResultsTests: XCTestCase {
    let tiny = ["--tasks", "listops", "--variants", "baseline", "--seeds", "2", "--steps", "3", "--layers", "1",
                "--d-model", "8", "--heads", "2", "--d-ff", "8", "--seq-len", "25", "--batch", "4", "--eval-size", "16"]

    func testAResultsCSVIsByteIdenticalAfterEveryCommandPointedAtIt() throws {
        let dir = try temporaryFolder()
        let csv = dir.appendingPathComponent("run.csv").path
        let first = try run(["reproduce"] + tiny + ["--out", dir.appendingPathComponent("run.md").path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = try Data(contentsOf: URL(fileURLWithPath: csv))
        XCTAssertTrue(String(decoding: before, as: UTF8.self).contains("\n1,listops,baseline,"), "two rows")

        let link = dir.appendingPathComponent("link.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "link.csv")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.csv").path, withDestinationPath: "run.csv")
        let refused: [([String], String)] = [
            (["reproduce"] + tiny + ["--out", csv], "--out names the Markdown report"),
            (["reproduce", "--out", csv] + tiny, "give --out \(dir.appendingPathComponent("run").path).md"),
            // A report that is a symlink to the CSV beside it is the same file.
            (["reproduce"] + tiny + ["--out", link], "--out names the Markdown report"),
            (["reproduce", "merge", csv, "--out", csv], "--out names the Markdown report"),
            // The merged CSV would go to run.csv, the part being read.
            (["reproduce", "merge", csv, "--out", dir.appendingPathComponent("run.md").path], "is the part"),
            (["reproduce", "--from", csv, "--cell", "0", "--out", csv], "drop --out"),
        ]
        for (args, needle) in refused {
            let r = try run(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(needle), "\(args): \(r.stderr)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: csv)), before, "\(args) changed the results")
        }
        let again = try run(["reproduce", "--from", csv, "--cell", "1"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("identical to the row"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: csv)), before)

        // Merged under another name, the parts are read and left alone.
        let merged = try run(["reproduce", "merge", csv, "--out", dir.appendingPathComponent("merged.md").path])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: csv)), before)
    }
}
