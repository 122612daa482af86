// Metrics as JSON: one value (`metricsJSON`) or a stream of one compact object per line
// (`JSONLinesWriter`, behind `train --metrics FILE.jsonl`). Schema: docs/metrics-schema.md.
//
// Metrics may hold NaN or ±Inf (a diverging run is something to show, not to hide), which plain
// JSON cannot express and JSONEncoder refuses by default: they are written as the strings
// "NaN", "Infinity" and "-Infinity", and read back by `decodeMetrics`.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PDETText

private func metricsEncoder(pretty: Bool) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
}

/// `value` as JSON with sorted keys (compact unless `pretty`); the same value gives the same text.
/// Optional fields that are nil are left out. Never fails for the metrics types; an encoding
/// failure of some other type comes back as {"error": "…"} rather than a crash.
public func metricsJSON<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
    do {
        return String(decoding: try metricsEncoder(pretty: pretty).encode(value), as: UTF8.self)
    } catch {
        return "{\"error\":\(jsonStringLiteral("cannot encode \(T.self) as JSON"))}"
    }
}

/// Reads back what `metricsJSON` wrote (non-finite strings become NaN/±Inf again).
public func decodeMetrics<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return try decoder.decode(type, from: Data(json.utf8))
}

/// `close(2)` under a name the class's own `close()` does not shadow.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }

/// Writes one compact JSON object per line to a file (created or truncated on open).
/// Each line is written with one system call as it comes, so a run that is killed keeps every
/// complete line written so far.
public final class JSONLinesWriter {
    public let path: String
    private var fd: Int32
    public private(set) var linesWritten = 0

    public init(path: String) throws(FileWriteError) {
        self.path = path
        fd = try openOutputStream(path: path)
    }

    deinit { close() }

    /// Appends `value` as one line.
    public func append<T: Encodable>(_ value: T) throws(FileWriteError) {
        try appendLine(metricsJSON(value))
    }

    /// Appends a line of text (a newline is added; `line` must not contain one).
    public func appendLine(_ line: String) throws(FileWriteError) {
        guard fd >= 0 else { throw FileWriteError("cannot write '\(path)': the writer is closed") }
        try writeToStream(fd, path: path, bytes: Array((line + "\n").utf8))
        linesWritten += 1
    }

    /// Closes the file; later appends throw. Closing twice is harmless.
    public func close() {
        if fd >= 0 {
            closeDescriptor(fd)
            fd = -1
        }
    }
}
