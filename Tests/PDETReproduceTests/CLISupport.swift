// Running the built pdet-tui from the reproduce tests (skipped when it is not built).
import Foundation
import XCTest

extension XCTestCase {
    func binary() throws -> URL {
        let url = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("pdet-tui is not built at \(url.path)")
        }
        return url
    }

    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["120", try binary().path] + arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("repro-out-\(UUID().uuidString)")
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("repro-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outFile); try? FileManager.default.removeItem(at: errFile) }
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: outFile, encoding: .utf8), try String(contentsOf: errFile, encoding: .utf8))
    }

    /// A fresh temporary folder, removed when the test ends.
    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdet-repro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
