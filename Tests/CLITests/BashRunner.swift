// Runs the built pdet-tui from a bash script, the way a user would type it (FIFOs, background
// readers, symlinks, `exec -a`). `$P` names the binary; a 120 s timeout turns a hang into status 124.
import Foundation
import XCTest

struct BashOutcome {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The binary SwiftPM built beside the test bundle; skips the test when it is missing.
func pdetBinary() throws -> String {
    let url = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
        throw XCTSkip("pdet-tui is not built at \(url.path); run `swift build --product pdet-tui` first")
    }
    return url.path
}

func runBash(_ script: String, in directory: String) throws -> BashOutcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    process.arguments = ["120", "/bin/bash", "-c", "set -u\n" + script]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["P"] = try pdetBinary()
    environment["PDET_THREADS"] = "1"
    process.environment = environment
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return BashOutcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
}
