// The headless `snapshot --script` reaches the A/B split (`key b`, `key tab`) and prints the same
// split frame twice.
import Foundation
import XCTest

extension CLITests {
    func testSnapshotScriptReachesTheSplitView() throws {
        let folder = NSTemporaryDirectory() + "pdet-cli-split-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/ab.script"
        try "steps 2\nkey b\nkey r\nsteps 3\nkey tab\n".write(toFile: script, atomically: true, encoding: .utf8)
        let args = ["snapshot", "--script", script, "--task", "reverse", "--layers", "2", "--d-model", "16", "--heads", "4",
                    "--d-ff", "32", "--seq-len", "16", "--batch", "4", "--size", "100x30"]
        let first = try run(args), second = try run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, second.stdout)
        XCTAssertTrue(first.stdout.hasPrefix("# pdet-tui"), first.stdout)
        XCTAssertTrue(first.stdout.contains("A/B split"), first.stdout)
        XCTAssertTrue(first.stdout.contains("A/B differences"), first.stdout)
        XCTAssertTrue(first.stdout.contains("A ▸ focused"), first.stdout)
        XCTAssertTrue(first.stdout.contains("residual off (A on)"), first.stdout)
    }
}
