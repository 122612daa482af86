// Asciicast v2 recording (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then one
// `[time, "o", data]` event per frame. Times are passed in (never read from a clock here), so a
// replayed session gives a byte-identical file. Lines are written and flushed one at a time, so a
// recording interrupted by a crash is still a valid cast up to its last frame.

import Foundation
import Glibc
import PDETIO
import PDETText

public struct AsciicastError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public struct AsciicastWriter {
    public let path: String
    public let width: Int
    public let height: Int
    public private(set) var eventCount = 0
    public private(set) var lastTime = 0.0
    private let sink: FileSink

    /// Creates (truncates) `path` and writes the header. `timestamp` is the Unix time of the start,
    /// given by the caller (pass 0 for reproducible files).
    public init(path: String, width: Int, height: Int, timestamp: Int) throws(AsciicastError) {
        guard (1...10_000).contains(width), (1...10_000).contains(height) else {
            throw AsciicastError("asciicast size \(width)x\(height) must be in 1...10000 each")
        }
        guard timestamp >= 0 else { throw AsciicastError("asciicast timestamp must be ≥ 0 (got \(timestamp))") }
        let fd: Int32
        do { fd = try openOutputStream(path: path) } catch { throw AsciicastError("cannot write asciicast: \(error.message)") }
        self.path = path
        self.width = width
        self.height = height
        sink = FileSink(fd: fd)
        try sink.write(Self.headerLine(width: width, height: height, timestamp: timestamp), path: path)
    }

    /// Appends one output event: `data` is what the terminal received (text and escape sequences)
    /// at `time` seconds after the start. Times must be finite and non-decreasing.
    public mutating func write(_ data: String, at time: Double) throws(AsciicastError) {
        guard time.isFinite, time >= 0, time < 1e9 else {
            throw AsciicastError("asciicast event time must be in 0..<1e9 seconds (got \(time))")
        }
        guard time >= lastTime else {
            throw AsciicastError("asciicast event time \(time) is before the previous event (\(lastTime))")
        }
        try sink.write(Self.eventLine(time: time, data: data), path: path)
        lastTime = time
        eventCount += 1
    }

    /// Flushes and closes the file; later writes throw. Also happens when the last copy is released.
    public func close() { sink.close() }

    // MARK: - the format (pure)

    public static func headerLine(width: Int, height: Int, timestamp: Int) -> String {
        "{\"version\": 2, \"width\": \(width), \"height\": \(height), \"timestamp\": \(timestamp), "
            + "\"env\": {\"TERM\": \"xterm-256color\"}}\n"
    }

    public static func eventLine(time: Double, data: String) -> String {
        "[\(formatTime(time)), \"o\", \(jsonStringLiteral(data))]\n"
    }

    /// Seconds with exactly 6 decimals, e.g. 1.5 → "1.500000" (no locale, no printf).
    public static func formatTime(_ time: Double) -> String {
        let micros = Int64((max(time, 0) * 1e6).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}

/// Owns the output descriptor (PDETIO's one writer opened it) so that the writer can stay a
/// copyable struct; closes it on release.
private final class FileSink {
    private var fd: Int32

    init(fd: Int32) { self.fd = fd }

    func write(_ line: String, path: String) throws(AsciicastError) {
        guard fd >= 0 else { throw AsciicastError("asciicast \(path) is already closed") }
        do { try writeToStream(fd, path: path, bytes: Array(line.utf8)) } catch {
            throw AsciicastError("cannot write asciicast: \(error.message)")
        }
    }

    func close() {
        if fd >= 0 { closeDescriptor(fd) }
        fd = -1
    }

    deinit { close() }
}

/// `close(2)` under a name the class's own `close()` does not shadow.
private func closeDescriptor(_ fd: Int32) { _ = Glibc.close(fd) }
