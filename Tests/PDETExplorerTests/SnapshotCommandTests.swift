// `pdet-tui snapshot` as a user runs it: the built binary (next to this test bundle) with stdout a
// pipe. Bad input must give a clear error and a non-zero exit; the same inputs the same bytes.
import Foundation
import XCTest

final class SnapshotCommandTests: XCTestCase {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let tiny = ["--layers", "2", "--d-model", "16", "--heads", "4", "--d-ff", "32", "--seq-len", "16", "--batch", "4"]

    func binary() throws -> URL {
        let url = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("pdet-tui is not built at \(url.path); run `swift build --product pdet-tui` first")
        }
        return url
    }

    /// Runs `pdet-tui snapshot <arguments>` in `directory` under a 60 s timeout (124 = hung).
    func snapshot(_ arguments: [String], in directory: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", try binary().path, "snapshot"] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var environment = ProcessInfo.processInfo.environment
        environment["PDET_ASSETS"] = "/nonexistent"     // never pick up a default checkpoint by accident
        environment.removeValue(forKey: "NO_COLOR")
        process.environment = environment
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    func testPrintsTheFrameToAPipeAndIsDeterministic() throws {
        let args = Self.tiny + ["--steps", "2", "--size", "80x24", "--pde", "after-ffn"]
        let a = try snapshot(args)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(a.stdout.hasPrefix("# pdet-tui 0.1.0 snapshot\n# seed 1 step 2 size 80x24"), a.stdout)
        XCTAssertTrue(a.stdout.contains("PDE after-ffn"))
        XCTAssertEqual(a.stdout.filter { $0 == "\n" }.count, 4 + 24, "4 header lines and 24 screen rows")
        let b = try snapshot(args)
        XCTAssertEqual(Array(a.stdout.utf8), Array(b.stdout.utf8), "same inputs, same bytes")
    }

    func testOutFormatAnsiAndMetricsJSON() throws {
        let dir = try scratchFolder(self)
        let r = try snapshot(Self.tiny + ["--steps", "1", "--format", "ansi", "--out", "frame.ansi", "--metrics-json", "m.json",
                                          "--layer", "2", "--head", "3"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let frame = try String(contentsOfFile: dir + "/frame.ansi", encoding: .utf8)
        XCTAssertTrue(frame.contains("\u{1B}[0;38;5;"), "256-colour codes")
        XCTAssertTrue(frame.contains("layer 2 head 3"))
        let json = try String(contentsOfFile: dir + "/m.json", encoding: .utf8)
        XCTAssertTrue(json.contains("\"forward\"") && json.contains("\"lastStep\"") && json.contains("\"attentionEntropy\""), json)
        let mono = try snapshot(Self.tiny + ["--format", "ansi", "--no-color"])
        XCTAssertFalse(mono.stdout.contains("38;5;"), "--no-color: no colour codes")
    }

    func testBadSizesAreRefused() throws {
        for size in ["0x0", "5x3", "79x24", "80x23", "wide", "120x", "-1x40", "2000x40"] {
            let r = try snapshot(Self.tiny + ["--size", size])
            XCTAssertNotEqual(r.status, 0, size)
            XCTAssertNotEqual(r.status, 124, "timed out")
            XCTAssertTrue(r.stderr.contains("--size") || r.stderr.contains("size"), "\(size): \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
        }
        let small = try snapshot(Self.tiny + ["--size", "5x3"])
        XCTAssertTrue(small.stderr.contains("smaller than the minimum 80x24"), small.stderr)
    }

    func testUnknownFlagsAndValuesAreUsageErrors() throws {
        let flag = try snapshot(["--bogus"])
        XCTAssertNotEqual(flag.status, 0)
        XCTAssertTrue(flag.stderr.contains("Unknown option '--bogus'"), flag.stderr)
        let format = try snapshot(Self.tiny + ["--format", "pdf"])
        XCTAssertNotEqual(format.status, 0)
        XCTAssertTrue(format.stderr.contains("'txt'") && format.stderr.contains("'ansi'"), format.stderr)
        let layer = try snapshot(Self.tiny + ["--layer", "3"])
        XCTAssertNotEqual(layer.status, 0)
        XCTAssertTrue(layer.stderr.contains("the model has 2 layers"), layer.stderr)
        let steps = try snapshot(Self.tiny + ["--steps", "-4"])
        XCTAssertNotEqual(steps.status, 0)
    }

    func testOutIntoAMissingOrReadOnlyFolderFailsClearly() throws {
        let dir = try scratchFolder(self)
        let missing = try snapshot(Self.tiny + ["--out", dir + "/no/such/frame.txt"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "Error: cannot write '\(dir)/no/such/frame.txt': folder '\(dir)/no/such' does not exist\n")
        guard getuid() != 0 else { return }
        XCTAssertEqual(chmod(dir, 0o555), 0)
        let readOnly = try snapshot(Self.tiny + ["--out", dir + "/frame.txt"])
        XCTAssertEqual(readOnly.status, 1)
        XCTAssertTrue(readOnly.stderr.hasPrefix("Error: cannot save '\(dir)/frame.txt'"), readOnly.stderr)
        XCTAssertEqual(readOnly.stderr.split(separator: "\n").count, 1)
    }
}
