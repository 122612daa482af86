import XCTest
@testable import PDETIO

/// Builds a safetensors file by hand: length prefix + the exact header text + raw data bytes.
func rawSafeTensors(header: String, data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    var out: [UInt8] = []
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64(i)))) }
    return out + h + data
}

/// Asserts decoding fails with a message that contains `fragment`.
func assertRejects(_ bytes: [UInt8], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let f = try SafeTensorsFile(bytes: bytes)
        XCTFail("expected an error containing '\(fragment)', decoded \(f.tensors)", file: file, line: line)
    } catch {
        XCTAssertTrue(error.message.contains(fragment), "message '\(error.message)' lacks '\(fragment)'", file: file, line: line)
        XCTAssertFalse(error.message.contains("\n"), "error must be one line", file: file, line: line)
    }
}

final class SafeTensorsTests: XCTestCase {
    let sample: [(name: String, shape: [Int], data: [Float])] = [
        (name: "b.weight", shape: [2, 3], data: [1, -2, 3.5, 0, -0.0, 1e-30]),
        (name: "a.bias", shape: [4], data: [.nan, .infinity, -.infinity, Float(bitPattern: 0xFFA0_0001)]),  // last: NaN with payload
        (name: "empty", shape: [0, 4], data: []),
        (name: "scalar", shape: [], data: [42]),
    ]

    func testRoundTripIsBitExactAndBytesAreStable() throws {
        let bytes = encodeSafeTensors(sample, metadata: ["format": "pt", "z": "quote\" and \\ and \n"])
        let file = try SafeTensorsFile(bytes: bytes)
        XCTAssertEqual(file.metadata, ["format": "pt", "z": "quote\" and \\ and \n"])
        for t in sample {
            let got = try file.floats(t.name)
            XCTAssertEqual(got.map(\.bitPattern), t.data.map(\.bitPattern), t.name)
            XCTAssertEqual(file.info(t.name)?.shape, t.shape)
        }
        // Re-encoding what was read gives identical bytes.
        let again = encodeSafeTensors(try sample.map { (name: $0.name, shape: $0.shape, data: try file.floats($0.name)) },
                                      metadata: file.metadata)
        XCTAssertEqual(again, bytes)
        // Sorted by begin offset; offsets follow the given order.
        XCTAssertEqual(file.tensors.map(\.name), ["b.weight", "a.bias", "empty", "scalar"])
        XCTAssertEqual(file.tensors.map(\.begin), [0, 24, 40, 40])
        // Header padded to a multiple of 8 so data starts aligned.
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        XCTAssertEqual(n % 8, 0)
        XCTAssertEqual(bytes.count, 8 + n + 44)
    }

    func testEncodedHeaderIsExactlyAsDocumented() {
        let bytes = encodeSafeTensors([(name: "x", shape: [1], data: [1])], metadata: ["k": "v"])
        let header = String(decoding: bytes[8..<(bytes.count - 4)], as: UTF8.self)
        XCTAssertEqual(header, #"{"__metadata__":{"k":"v"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"# + " ")
        XCTAssertEqual(Array(bytes.suffix(4)), [0x00, 0x00, 0x80, 0x3F])  // 1.0f little-endian
        XCTAssertEqual(Array(bytes.prefix(8)), [80, 0, 0, 0, 0, 0, 0, 0])
    }

    func testDecodesHandBuiltFileWithOtherDtypes() throws {
        // F32 [2] = [1.5, -2] at 0..8, an I64 [1] at 8..16, whitespace and key order free.
        let data: [UInt8] = [0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0] + [7, 0, 0, 0, 0, 0, 0, 0]
        let header = #" { "ids" : {"shape":[1],"data_offsets":[8,16],"dtype":"I64"}, "w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}, "__metadata__":{} } "#
        let file = try SafeTensorsFile(bytes: rawSafeTensors(header: header, data: data))
        XCTAssertEqual(file.tensors, [
            SafeTensorInfo(name: "w", dtype: "F32", shape: [2], begin: 0, end: 8),
            SafeTensorInfo(name: "ids", dtype: "I64", shape: [1], begin: 8, end: 16),
        ])
        XCTAssertEqual(try file.floats("w"), [1.5, -2])
        XCTAssertEqual(file.metadata, [:])
        XCTAssertThrowsError(try file.floats("ids")) { e in
            XCTAssertEqual((e as? SafeTensorsError)?.message, "safetensors: tensor 'ids' has dtype I64, expected F32")
        }
        XCTAssertThrowsError(try file.floats("nope"))
        XCTAssertNil(file.info("nope"))
    }

    /// The format requires the data to be indexed entirely: a hole or bytes left over mean a wrong
    /// offset or header length, e.g. a header length 1–4 bytes short whose JSON still parses.
    func testHolesLeftoverBytesAndShortHeaderLengthsAreRefused() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        XCTAssertThrowsError(try SafeTensorsFile(bytes: rawSafeTensors(header: header, data: [UInt8](repeating: 0, count: 12)))) { e in
            XCTAssertTrue("\(e)".contains("belong to no tensor"), "\(e)")
        }
        let tail = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        XCTAssertThrowsError(try SafeTensorsFile(bytes: rawSafeTensors(header: tail, data: [UInt8](repeating: 0, count: 6)))) { e in
            XCTAssertTrue("\(e)".contains("cover 4 of the 6 data bytes"), "\(e)")
        }
        let good = encodeSafeTensors([("a", [3], [1, 2, 3])], metadata: ["k": "v"])
        XCTAssertNoThrow(try SafeTensorsFile(bytes: good))
        for short in 1...4 {
            var bytes = good
            let n = UInt64(bytes[0]) - UInt64(short)
            bytes[0] = UInt8(n)
            XCTAssertThrowsError(try SafeTensorsFile(bytes: bytes), "header length short by \(short)")
        }
    }

    func testDecodesFileWrittenByPythonSafetensors() throws {
        // Exact bytes of safetensors 0.8.0 `save_file({"b": f32 [[1.5, -2], [3, nan]], "a": f32 [7],
        // "i": i64 [1, 2, 3]}, metadata={"k": "v"})`: its header is padded to 192 bytes.
        let header = #"{"__metadata__":{"k":"v"},"i":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},"a":{"dtype":"F32","shape":[1],"data_offsets":[24,28]},"b":{"dtype":"F32","shape":[2,2],"data_offsets":[28,44]}}"#
        let hex = "0100000000000000020000000000000003000000000000000000e0400000c03f000000c0000040400000c07f"
        let data = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        let bytes = rawSafeTensors(header: header + String(repeating: " ", count: 192 - header.utf8.count), data: data)
        XCTAssertEqual(bytes.count, 244)
        let f = try SafeTensorsFile(bytes: bytes)
        XCTAssertEqual(f.metadata, ["k": "v"])
        XCTAssertEqual(f.tensors.map(\.name), ["i", "a", "b"])
        XCTAssertEqual(try f.floats("a"), [7])
        XCTAssertEqual(try f.floats("b").map(\.bitPattern), [Float(1.5), -2, 3, Float(bitPattern: 0x7FC0_0000)].map(\.bitPattern))
        XCTAssertEqual(f.info("i"), SafeTensorInfo(name: "i", dtype: "I64", shape: [3], begin: 0, end: 24))
    }

    func testUnalignedDataReadsCorrectly() throws {
        // Header of 5 bytes: data starts at byte 13, not 4-aligned.
        let f = try SafeTensorsFile(bytes: rawSafeTensors(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0x80, 0xBF]))
        XCTAssertEqual(try f.floats("a"), [-1])
    }

    // MARK: one test per malformed case

    func testRejectsShortFile() { assertRejects([1, 2, 3], "shorter than the 8-byte") }

    func testRejectsHeaderLongerThanFile() {
        var b = rawSafeTensors(header: "{}")
        b[0] = 200
        assertRejects(b, "larger than the 2 bytes")
    }

    func testRejectsAbsurdHeaderLength() {
        var b = rawSafeTensors(header: "{}")
        b[7] = 0x7F
        assertRejects(b, "absurd")
        assertRejects([255, 255, 255, 255, 255, 255, 255, 255, 0], "absurd")
    }

    func testRejectsInvalidJSON() {
        assertRejects(rawSafeTensors(header: "{\"a\": "), "not valid JSON")
        assertRejects(rawSafeTensors(header: "{} x"), "not valid JSON")
        assertRejects(rawSafeTensors(header: "{\"a\":1,\"a\":2}"), "duplicate key")
        assertRejects(rawSafeTensors(header: String(repeating: "[", count: 10000)), "nested deeper")
        assertRejects([2, 0, 0, 0, 0, 0, 0, 0, 0x22, 0xFF], "not valid JSON")
        assertRejects(rawSafeTensors(header: #"{"\ud800":1}"#), "surrogate")
    }

    func testRejectsNonObjectHeader() { assertRejects(rawSafeTensors(header: "[1,2]"), "not a JSON object") }

    func testRejectsBadMetadata() {
        assertRejects(rawSafeTensors(header: #"{"__metadata__":[]}"#), "__metadata__ is an array")
        assertRejects(rawSafeTensors(header: #"{"__metadata__":{"a":1}}"#), "value for 'a' is a number")
    }

    func testRejectsEntryMissingFields() {
        assertRejects(rawSafeTensors(header: #"{"t":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "tensor 't': missing \"dtype\"")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "missing \"shape\"")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0]), "missing \"data_offsets\"")
        assertRejects(rawSafeTensors(header: #"{"t":3}"#), "entry is a number")
    }

    func testRejectsEntryWithWrongTypes() {
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":1,"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "\"dtype\" must be a string")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "\"shape\" must be an array of integers")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "\"shape\" must be")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, data: [0, 0, 0, 0]), "two integers")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4e0]}}"#, data: [0, 0, 0, 0]), "two integers")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999999]}}"#, data: [0, 0, 0, 0]), "two integers")
    }

    func testRejectsUnknownDtype() {
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F31","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "unknown dtype \"F31\"")
    }

    func testRejectsNegativeDimension() {
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "negative dimension -1")
    }

    func testRejectsBeginAfterEnd() {
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]), "begin offset 4 is after end offset 0")
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[0],"data_offsets":[-4,-4]}}"#), "negative begin")
    }

    func testRejectsEndBeyondData() {
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]), "end offset 8 is beyond the 4 data bytes")
    }

    func testRejectsByteLengthMismatch() {
        assertRejects(rawSafeTensors(header: #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "4 data bytes but shape [2] of F32 needs 8")
    }

    func testRejectsShapeOverflowWithoutTrapping() {
        let big = #"{"t":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#
        assertRejects(rawSafeTensors(header: big), "too many elements")
        let big2 = #"{"t":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}"#  // 2^61 × 8 overflows
        assertRejects(rawSafeTensors(header: big2), "too many elements")
        // A zero dimension makes the tensor empty whatever the others are, in either order.
        for shape in ["[0,4294967296,4294967296]", "[4294967296,4294967296,0]"] {
            let h = #"{"t":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,0]}}"#
            XCTAssertEqual(try SafeTensorsFile(bytes: rawSafeTensors(header: h)).floats("t"), [])
        }
    }

    func testRejectsOverlaps() {
        let h = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        assertRejects(rawSafeTensors(header: h, data: [UInt8](repeating: 0, count: 8)), "'b' [4, 8) overlaps 'a'")
    }

    func testMissingFileNamesThePath() {
        XCTAssertThrowsError(try SafeTensorsFile(path: "/nonexistent-dir/x.safetensors")) { e in
            XCTAssertEqual((e as? SafeTensorsError)?.message, "cannot read '/nonexistent-dir/x.safetensors': no such file")
        }
        XCTAssertThrowsError(try SafeTensorsFile(path: NSTemporaryDirectory())) { e in
            XCTAssertTrue((e as? SafeTensorsError)?.message.contains("folder") == true)
        }
    }

    func testReadsFromDiskAndPrefixesPathOnBadContent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdet-st-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.safetensors")
        try Data(encodeSafeTensors(sample, metadata: [:])).write(to: good)
        XCTAssertEqual(try SafeTensorsFile(path: good.path).tensors.count, 4)
        let bad = dir.appendingPathComponent("bad.safetensors")
        try Data([1, 2]).write(to: bad)
        XCTAssertThrowsError(try SafeTensorsFile(path: bad.path)) { e in
            XCTAssertTrue((e as? SafeTensorsError)?.message.hasPrefix(bad.path + ": safetensors:") == true)
        }
    }
}
