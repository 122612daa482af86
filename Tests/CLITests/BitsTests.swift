// Same bits on every machine (issue 12): the checkpoint after the committed training runs has the
// committed SHA-256 (scripts/bits-reference.sha256) on whichever vector path this build took
// (AVX-512, AVX2 or portable) and on one or two threads. scripts/bits-test.sh builds every path.
import Foundation
import XCTest

extension CLITests {
    /// (name, sha256, train arguments) from scripts/bits-reference.sha256.
    func bitsReference() throws -> [(String, String, [String])] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("scripts/bits-reference.sha256"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 3, !words[0].hasPrefix("#") else { return nil }
            return (words[0], words[1], Array(words[2...]))
        }
    }

    func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    func testCheckpointBitsMatchTheCommittedSHA256() throws {
        let cases = try bitsReference()
        XCTAssertEqual(cases.map(\.0), ["reverse20", "small20"])
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, expected, args) in cases {
            let ck = dir.appendingPathComponent("\(name).safetensors").path
            let r = try run(["train"] + args + ["--eval-size", "16", "--save", ck])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try sha256(ck), expected, "\(name): the trained checkpoint's bits changed (pdet-tui train \(args.joined(separator: " ")))")
        }
    }
}
