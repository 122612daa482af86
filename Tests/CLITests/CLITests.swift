// Runs the built pdet-tui binary (next to this test bundle: .build/<config>/pdet-tui) without a
// terminal and checks exit statuses and messages of the argument parsing and the TTY refusal.
import Foundation
import XCTest

final class CLITests: XCTestCase {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let refusal = "pdet-tui: the interactive explorer needs a terminal (stdin and stdout must be a TTY); use `pdet-tui snapshot` for headless output"

    /// The binary SwiftPM built beside this test bundle; skips the test when it is missing.
    func binary() throws -> URL {
        let url = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("pdet-tui is not built at \(url.path); run `swift build --product pdet-tui` first")
        }
        return url
    }

    /// Runs pdet-tui with stdin from /dev/null and stdout/stderr piped (so never a TTY), under a
    /// 20 s `timeout` so a hang fails the test (status 124) instead of blocking the suite.
    func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["20", try binary().path] + arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "100"
        process.environment = environment
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    func testUnknownFlagIsAUsageError() throws {
        let r = try run(["--bogus"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertNotEqual(r.status, 124, "timed out")
        XCTAssertTrue(r.stderr.contains("Unknown option '--bogus'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("Usage:"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testBadEnumValueNamesTheAllowedValues() throws {
        let r = try run(["--norm", "sideways"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'sideways'"), r.stderr)
        for allowed in ["'pre'", "'post'", "'none'"] {
            XCTAssertTrue(r.stderr.contains(allowed), "missing \(allowed) in: \(r.stderr)")
        }
        let pde = try run(["--pde", "everywhere"])
        XCTAssertNotEqual(pde.status, 0)
        XCTAssertTrue(pde.stderr.contains("after-embedding") && pde.stderr.contains("before-head"), pde.stderr)
        let residual = try run(["--residual", "maybe"])
        XCTAssertNotEqual(residual.status, 0)
        XCTAssertTrue(residual.stderr.contains("'on'") && residual.stderr.contains("'off'"), residual.stderr)
    }

    func testHeadsNotDividingDModelIsOneLineError() throws {
        let r = try run(["--heads", "5", "--d-model", "64"])
        XCTAssertNotEqual(r.status, 0)
        let errorLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(errorLines, ["Error: d-model (64) must be divisible by heads (5)"], r.stderr)
    }

    func testOutOfRangeValuesAreAllReportedOnOneLine() throws {
        let r = try run(["explore", "--layers", "0", "--pde-steps", "100"])
        XCTAssertNotEqual(r.status, 0)
        let errorLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(errorLines.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("layers must be in 1...64 (got 0)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("pde-steps must be in 1...64 (got 100)"), r.stderr)
    }

    func testPDEScalesMustBeIntegersWithinTheSequence() throws {
        let notNumbers = try run(["--pde-scales", "1,x"])
        XCTAssertNotEqual(notNumbers.status, 0)
        XCTAssertTrue(notNumbers.stderr.contains("comma-separated list of integers"), notNumbers.stderr)
        let tooLong = try run(["--pde-scales", "1,70", "--seq-len", "64"])
        XCTAssertNotEqual(tooLong.status, 0)
        XCTAssertTrue(tooLong.stderr.contains("pde-scales: scale 70 must be in 1...63"), tooLong.stderr)
    }

    /// With --config the partner of a flag may come from the file, so the flag alone is not
    /// rejected before the file is read (the run then stops at the TTY check).
    func testFlagsCheckedAgainstDefaultsOnlyWithoutConfigFile() throws {
        let alone = try run(["--heads", "6"])
        XCTAssertNotEqual(alone.status, 0)
        XCTAssertTrue(alone.stderr.contains("d-model (64) must be divisible by heads (6)"), alone.stderr)
        let withFile = try run(["--config", "wide.json", "--heads", "6"])
        XCTAssertEqual(withFile.status, 1)
        XCTAssertEqual(withFile.stderr, Self.refusal + "\n")
        let stillWrong = try run(["--config", "wide.json", "--heads", "0"])
        XCTAssertTrue(stillWrong.stderr.contains("heads must be at least 1 (got 0)"), stillWrong.stderr)
    }

    func testHelpListsEveryModelFlag() throws {
        let r = try run(["--help"])
        XCTAssertEqual(r.status, 0)
        let flags = ["--task", "--seed", "--layers", "--d-model", "--heads", "--d-ff", "--seq-len", "--batch",
                     "--lr", "--warmup", "--clip", "--residual", "--norm", "--pos", "--pde", "--pde-scales",
                     "--pde-alpha", "--pde-steps", "--pde-clamp", "--init-gain", "--causal", "--config",
                     "--checkpoint", "--no-color", "--ascii"]
        for flag in flags {
            XCTAssertTrue(r.stdout.contains(flag + " ") || r.stdout.contains(flag + "/"), "--help lacks \(flag)")
        }
        XCTAssertTrue(r.stdout.contains("explore (default)"), r.stdout)
        XCTAssertFalse(r.stdout.contains("demo"), "the demo subcommand is hidden")
        let explore = try run(["explore", "--help"])
        XCTAssertEqual(explore.status, 0)
        XCTAssertTrue(explore.stdout.contains("--pde-scales"), explore.stdout)
    }

    func testThemeAndMouseFlags() throws {
        let pink = try run(["--theme", "pink"])
        XCTAssertNotEqual(pink.status, 0)
        XCTAssertNotEqual(pink.status, 124, "timed out")
        let errors = pink.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(errors.count, 1, pink.stderr)
        XCTAssertTrue(errors.first?.contains("'pink'") == true && errors.first?.contains("'light'") == true, pink.stderr)
        // Good values get as far as the terminal check, like every explorer flag.
        for arguments in [["--theme", "light"], ["--theme", "mono", "--no-mouse"], ["explore", "--no-mouse", "--ascii"]] {
            let r = try run(arguments)
            XCTAssertEqual(r.status, 1, "arguments \(arguments)")
            XCTAssertEqual(r.stderr, Self.refusal + "\n", "arguments \(arguments)")
        }
        let help = try run(["--help"])
        XCTAssertTrue(help.stdout.contains("--theme <dark|light|mono>") && help.stdout.contains("--no-mouse"), help.stdout)
    }

    func testVersion() throws {
        let r = try run(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
    }

    func testExploreWithoutTerminalRefusesInOneLine() throws {
        for arguments in [[], ["explore", "--task", "sort", "--pde", "after-ffn"], ["demo"]] {
            let r = try run(arguments)
            XCTAssertEqual(r.status, 1, "arguments \(arguments)")
            XCTAssertEqual(r.stderr, Self.refusal + "\n", "arguments \(arguments)")
            XCTAssertEqual(r.stdout, "", "arguments \(arguments)")
        }
    }
}
