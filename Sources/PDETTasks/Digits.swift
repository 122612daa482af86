// digits: 8x8 handwritten digit images (UCI, via scikit-learn; assets/data/README.md) read as a
// sequence of 64 pixel tokens, row-major, 17 intensity levels; 10 classes.
// A small offline stand-in for LRA's sequential-image task.
//
// Split (fixed, independent of the seed): row r of the file is held out when r % 5 == 4 (fold 4, the
// default); the confirmatory study holds out another fold (r % 5 == 0), disjoint from the rows that
// calibrated its settings (docs/results/confirmatory-plan.md).
// Train batches draw rows uniformly (with replacement) from the other rows, seeded by (seed, index).
// Shapes: tokens (T) = 64 pixels then PAD up to T; targets (1).

import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PDETCore

/// One parsed data set: `pixels` (N, 64) intensities 0...16, `labels` (N) 0...9.
public struct DigitsData: Equatable, Sendable {
    public var pixels: [UInt8]
    public var labels: [UInt8]
    public var count: Int { labels.count }

    /// Parses CSV text: one row per line, 64 integers 0...16 then a label 0...9.
    /// `path` only names the file in error messages.
    public static func parse(_ bytes: [UInt8], path: String) throws(TaskError) -> DigitsData {
        var data = DigitsData(pixels: [], labels: [])
        var fields: [Int] = []
        var value = 0
        var digits = 0                           // digits in the current field
        var line = 1
        func fail(_ reason: String) -> TaskError { .corruptData(path: path, reason: "line \(line): \(reason)") }

        for (i, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits >= 3 { throw fail("number too long") }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: ","), UInt8(ascii: "\n"):
                let blankLine = byte == UInt8(ascii: "\n") && fields.isEmpty && digits == 0
                if !blankLine {
                    if digits == 0 { throw fail("empty field") }
                    fields.append(value)
                }
                value = 0
                digits = 0
                if byte == UInt8(ascii: "\n") {
                    if !blankLine { try data.append(fields, fail) }
                    fields.removeAll(keepingCapacity: true)
                    line += 1
                }
            case UInt8(ascii: "\r"), UInt8(ascii: " "):
                continue
            default:
                throw fail("unexpected byte \(byte) at offset \(i)")
            }
        }
        if digits > 0 || !fields.isEmpty {          // last line without a newline
            if digits == 0 { throw fail("empty field") }
            fields.append(value)
            try data.append(fields, fail)
        }
        if data.count < 5 { throw .corruptData(path: path, reason: "only \(data.count) rows") }
        return data
    }

    private mutating func append(_ fields: [Int], _ fail: (String) -> TaskError) throws(TaskError) {
        if fields.count != DigitsTask.pixels + 1 {
            throw fail("expected \(DigitsTask.pixels + 1) values, found \(fields.count)")
        }
        for p in fields[0..<DigitsTask.pixels] where p > 16 { throw fail("pixel \(p) outside 0...16") }
        if fields[DigitsTask.pixels] > 9 { throw fail("label \(fields[DigitsTask.pixels]) outside 0...9") }
        pixels += fields[0..<DigitsTask.pixels].map { UInt8($0) }
        labels.append(UInt8(fields[DigitsTask.pixels]))
    }

    /// Reads and parses a gzip file (e.g. assets/data/digits.csv.gz).
    public static func load(path: String) throws(TaskError) -> DigitsData {
        try parse(readGzip(path: path), path: path)
    }
}

/// The whole decompressed content of a gzip file. Plain (not gzip) files are rejected, so a
/// damaged download is reported as such rather than as a CSV error.
func readGzip(path: String, limit: Int = 64 << 20) throws(TaskError) -> [UInt8] {
    guard fileExists(path) else { throw .missingFile(path: path) }
    guard access(path, R_OK) == 0 else { throw .unreadableFile(path: path) }
    guard let file = gzopen(path, "rb") else { throw .corruptData(path: path, reason: "cannot open") }
    defer { gzclose(file) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
        if n < 0 { throw .corruptData(path: path, reason: gzipError(file)) }
        if n == 0 { break }
        out += chunk[0..<Int(n)]
        if out.count > limit { throw .corruptData(path: path, reason: "larger than \(limit >> 20) MB") }
    }
    var code: Int32 = 0
    _ = gzerror(file, &code)
    if code != Z_OK && code != Z_STREAM_END { throw .corruptData(path: path, reason: gzipError(file)) }
    if gzdirect(file) != 0 { throw .corruptData(path: path, reason: "not a gzip file") }
    return out
}

private func gzipError(_ file: gzFile) -> String {
    var code: Int32 = 0
    guard let message = gzerror(file, &code) else { return "gzip error \(code)" }
    let text = String(cString: message)
    return text.isEmpty ? "gzip error \(code)" : "gzip: \(text)"
}

public struct DigitsTask: TaskDataset {
    public static let pixels = 64            // an 8x8 image
    public static let levels = 17            // intensities 0...16
    /// Row r is held out when r % heldOutPeriod == heldOutFold (every 5th row).
    public static let heldOutPeriod = 5
    /// The fold held out unless a caller asks for another: rows r with r % 5 == 4.
    public static let defaultHeldOutFold = heldOutPeriod - 1

    public let seqLen: Int
    public let data: DigitsData
    public let trainRows: [Int]              // row indices into `data`, in file order
    public let testRows: [Int]
    let root: SplitMix64

    init(seqLen: Int, seed: UInt64, dataDirectory: String, heldOutFold: Int = defaultHeldOutFold) throws(TaskError) {
        if seqLen < Self.pixels {
            throw .seqLenTooShort(task: .digits, seqLen: seqLen, minimum: Self.pixels)
        }
        self.seqLen = seqLen
        data = try DigitsData.load(path: joinPath(dataDirectory, "digits.csv.gz"))
        let split = Self.split(rows: data.count, fold: heldOutFold)
        trainRows = split.train
        testRows = split.test
        root = SplitMix64(seed: seed).derived(StreamSalt.task(.digits))
    }

    /// The fixed train/test split of `rows` rows: every 5th row, those with r % 5 == `fold`, held out.
    public static func split(rows: Int, fold: Int = defaultHeldOutFold) -> (train: [Int], test: [Int]) {
        let isTest = { (r: Int) in r % heldOutPeriod == fold }
        return ((0..<rows).filter { !isTest($0) }, (0..<rows).filter(isTest))
    }

    public var kind: TaskKind { .digits }
    /// 17 intensity levels, plus PAD (id 17) when T > 64.
    public var vocabSize: Int { seqLen > Self.pixels ? Self.levels + 1 : Self.levels }
    public var outputs: Int { 10 }
    public var head: HeadKind { .classify }
    public var testSize: Int { testRows.count }
    public var pad: Int32 { Int32(Self.levels) }

    public func trainBatch(index: Int, batchSize: Int) -> Batch {
        var rng = root.derived(StreamSalt.train).derived(UInt64(bitPattern: Int64(index)))
        let rows = (0..<max(batchSize, 0)).map { _ in trainRows[rng.nextInt(below: trainRows.count)] }
        return batch(rows)
    }

    public func testBatch(index: Int, batchSize: Int) -> Batch {
        batch(heldOutSlots(index: index, batchSize: batchSize, testSize: testRows.count).map { testRows[$0] })
    }

    public func tokenLabel(_ id: Int32) -> String {
        if id == pad && seqLen > Self.pixels { return "·" }
        return id >= 0 && id < Int32(Self.levels) ? String(id) : "?"
    }

    func batch(_ rows: [Int]) -> Batch {
        var b = Batch(tokens: [], targets: [], batchSize: rows.count, seqLen: seqLen)
        b.tokens.reserveCapacity(rows.count * seqLen)
        for r in rows {
            b.tokens += data.pixels[(r * Self.pixels)..<((r + 1) * Self.pixels)].map { Int32($0) }
            b.tokens += [Int32](repeating: pad, count: seqLen - Self.pixels)
            b.targets.append(Int32(data.labels[r]))
        }
        return b
    }
}
