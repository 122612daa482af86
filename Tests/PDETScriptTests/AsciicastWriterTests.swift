import XCTest
import Foundation
import PDETScript
import PDETText

final class AsciicastWriterTests: XCTestCase {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pdet-\(getpid())-\(name)").path
    }

    /// Frames with escape sequences, every awkward control character, quotes, backslashes and Unicode.
    private let frames: [(Double, String)] = [
        (0, "\u{1B}[2J\u{1B}[H\u{1B}[1;31mAttention\u{1B}[0m\r\n"),
        (0.1, "quote \" backslash \\ tab\t bell\u{07} nul\u{00} del\u{7F} bs\u{08} ff\u{0C}"),
        (0.1, "▀▄ ▁▂▃▄▅▆▇█ κ α ≤ ½ 🙂 e\u{301}"),
        (1.2345678, "\n"),
    ]

    func testOutputIsValidAsciicastV2() throws {
        let path = temporaryPath("valid.cast")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try AsciicastWriter(path: path, width: 100, height: 30, timestamp: 1_700_000_000)
        for (time, data) in frames { try writer.write(data, at: time) }
        XCTAssertEqual(writer.eventCount, 4)
        writer.close()

        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 1 + frames.count)
        XCTAssertEqual(lines[0], #"{"version": 2, "width": 100, "height": 30, "timestamp": 1700000000, "env": {"TERM": "xterm-256color"}}"#)

        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(header["version"] as? Int, 2)
        XCTAssertEqual(header["width"] as? Int, 100)
        XCTAssertEqual(header["height"] as? Int, 30)
        XCTAssertEqual((header["env"] as? [String: String])?["TERM"], "xterm-256color")

        var previous = -1.0
        for (k, line) in lines.dropFirst().enumerated() {
            let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any], line)
            XCTAssertEqual(event.count, 3)
            let time = try XCTUnwrap((event[0] as? NSNumber)?.doubleValue)
            XCTAssertGreaterThanOrEqual(time, previous)
            previous = time
            XCTAssertEqual(event[1] as? String, "o")
            // The data decodes back to exactly the frame written, control characters and Unicode included.
            XCTAssertEqual(event[2] as? String, frames[k].1)
        }
        XCTAssertTrue(lines[4].hasPrefix("[1.234568, \"o\", "))
    }

    func testEscapingIsExact() {
        XCTAssertEqual(jsonStringLiteral("a\"b\\c\n\r\t\u{08}\u{0C}\u{1B}\u{00}\u{7F}é🙂"),
                       #""a\"b\\c\n\r\t\b\f\u001b\u0000\u007fé🙂""#)
        XCTAssertEqual(AsciicastWriter.eventLine(time: 2, data: "x"), "[2.000000, \"o\", \"x\"]\n")
        XCTAssertEqual(AsciicastWriter.formatTime(0), "0.000000")
        XCTAssertEqual(AsciicastWriter.formatTime(0.0000004), "0.000000")
        XCTAssertEqual(AsciicastWriter.formatTime(12.0000005), "12.000001")
        XCTAssertEqual(AsciicastWriter.formatTime(3.25), "3.250000")
    }

    func testDeterministicGivenTimes() throws {
        func record(_ name: String) throws -> String {
            let path = temporaryPath(name)
            defer { try? FileManager.default.removeItem(atPath: path) }
            var writer = try AsciicastWriter(path: path, width: 80, height: 24, timestamp: 0)
            for (time, data) in frames { try writer.write(data, at: time) }
            writer.close()
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        XCTAssertEqual(try record("a.cast"), try record("b.cast"))
    }

    func testClearErrors() throws {
        XCTAssertThrowsError(try AsciicastWriter(path: "/nonexistent-dir/x.cast", width: 80, height: 24, timestamp: 0)) { error in
            XCTAssertEqual((error as? AsciicastError)?.message,
                           "cannot write asciicast: cannot write '/nonexistent-dir/x.cast': folder '/nonexistent-dir' does not exist")
        }
        XCTAssertThrowsError(try AsciicastWriter(path: temporaryPath("z.cast"), width: 0, height: 24, timestamp: 0))

        let path = temporaryPath("order.cast")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var writer = try AsciicastWriter(path: path, width: 80, height: 24, timestamp: 0)
        try writer.write("a", at: 1)
        XCTAssertThrowsError(try writer.write("b", at: 0.5)) { error in
            XCTAssertEqual((error as? AsciicastError)?.message, "asciicast event time 0.5 is before the previous event (1.0)")
        }
        XCTAssertThrowsError(try writer.write("b", at: .nan))
        writer.close()
        XCTAssertThrowsError(try writer.write("c", at: 2)) { error in
            XCTAssertEqual((error as? AsciicastError)?.message, "asciicast \(path) is already closed")
        }
        // The file holds the header and the one good event, readable after a failed write.
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, 2)
    }
}
