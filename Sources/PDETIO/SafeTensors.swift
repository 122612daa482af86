// A generic safetensors reader and F32 writer (https://github.com/huggingface/safetensors).
//
// Layout: 8-byte little-endian UInt64 header length N, then N bytes of UTF-8 JSON
//   {"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …}
// then the raw little-endian tensor data; offsets count from the first byte after the header.
//
// The reader validates everything before handing out a tensor, because files come from disk and
// may be truncated, edited by hand or not safetensors at all: every problem is a one-line error,
// never a trap. Holes between tensors and trailing bytes are tolerated; overlapping tensors are not.

import Foundation
import PDETText

/// One tensor entry of a safetensors header. `begin`/`end` are byte offsets into the data section.
public struct SafeTensorInfo: Equatable, Sendable {
    public var name: String
    public var dtype: String
    public var shape: [Int]
    public var begin: Int
    public var end: Int

    public init(name: String, dtype: String, shape: [Int], begin: Int, end: Int) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.begin = begin
        self.end = end
    }
}

public struct SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    /// Control characters (from names read out of a file) are escaped: a message is always one line.
    public init(_ message: String) { self.message = oneLine(message) }
    public var description: String { message }
}

/// Bytes per element of every dtype the safetensors format defines.
let safeTensorDTypeSizes: [String: Int] = [
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1,
    "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
    "U32": 4, "I32": 4, "F32": 4,
    "U64": 8, "I64": 8, "F64": 8,
]

/// Headers larger than this are refused: real ones are a few KB, and a corrupted length must not
/// make us allocate or scan gigabytes.
let safeTensorsMaxHeader = 100_000_000

public struct SafeTensorsFile: Sendable {
    public let metadata: [String: String]
    public let tensors: [SafeTensorInfo]            // sorted by begin offset (then end, then name)

    private let bytes: [UInt8]                      // the whole file
    private let dataStart: Int                      // 8 + N
    private let index: [String: Int]               // name → position in `tensors`

    /// Parses and validates a whole safetensors file held in memory.
    public init(bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else {
            throw SafeTensorsError("safetensors: file is \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(safeTensorsMaxHeader) else {
            throw SafeTensorsError("safetensors: header length \(n) is absurd (limit \(safeTensorsMaxHeader) bytes)")
        }
        let headerLength = Int(n)
        guard headerLength <= bytes.count - 8 else {
            throw SafeTensorsError("safetensors: header length \(headerLength) is larger than the \(bytes.count - 8) bytes after it")
        }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart

        let root: JSONValue
        do { root = try parseJSON(bytes[8..<dataStart]) } catch {
            throw SafeTensorsError("safetensors: header is not valid JSON: \(error.message)")
        }
        guard case let .object(members) = root else {
            throw SafeTensorsError("safetensors: header is \(root.kind), not a JSON object")
        }

        var metadata: [String: String] = [:]
        var infos: [SafeTensorInfo] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try Self.parseMetadata(value)
            } else {
                infos.append(try Self.parseEntry(name: key, value, dataLength: dataLength))
            }
        }
        infos.sort { ($0.begin, $0.end) < ($1.begin, $1.end) || (($0.begin, $0.end) == ($1.begin, $1.end) && $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)) }

        // Overlaps and holes: walk in begin order; empty tensors occupy no bytes. The format requires
        // the data section to be indexed entirely, without holes; checking it also catches a header
        // length a few bytes short (the JSON still parses when only padding is cut, but every offset
        // would then point a few bytes early and the last bytes would be left over).
        var coveredEnd = 0
        var coveredBy = ""
        for t in infos where t.end > t.begin {
            if t.begin < coveredEnd {
                throw SafeTensorsError("safetensors: tensor '\(t.name)' [\(t.begin), \(t.end)) overlaps '\(coveredBy)' (which ends at \(coveredEnd))")
            }
            if t.begin > coveredEnd {
                throw SafeTensorsError("safetensors: bytes [\(coveredEnd), \(t.begin)) of the data belong to no tensor (a hole before '\(t.name)'; is the header length right?)")
            }
            coveredEnd = t.end
            coveredBy = t.name
        }
        if coveredEnd != dataLength {
            throw SafeTensorsError("safetensors: the tensors cover \(coveredEnd) of the \(dataLength) data bytes (is the header length right?)")
        }

        self.metadata = metadata
        self.tensors = infos
        self.bytes = bytes
        self.dataStart = dataStart
        var index: [String: Int] = [:]
        for (i, t) in infos.enumerated() { index[t.name] = i }
        self.index = index
    }

    /// Reads and validates a safetensors file from disk.
    public init(path: String) throws(SafeTensorsError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SafeTensorsError("cannot read '\(path)': no such file")
        }
        guard !isDirectory.boolValue else { throw SafeTensorsError("cannot read '\(path)': it is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafeTensorsError("cannot read '\(path)': permission denied or I/O error")
        }
        do { try self.init(bytes: [UInt8](data)) } catch {
            throw SafeTensorsError("\(path): \(error.message)")
        }
    }

    public func info(_ name: String) -> SafeTensorInfo? {
        index[name].map { tensors[$0] }
    }

    /// The values of an F32 tensor, read as explicit little-endian bytes (no alignment assumptions).
    public func floats(_ name: String) throws(SafeTensorsError) -> [Float] {
        guard let t = info(name) else { throw SafeTensorsError("safetensors: no tensor named '\(name)'") }
        guard t.dtype == "F32" else {
            throw SafeTensorsError("safetensors: tensor '\(name)' has dtype \(t.dtype), expected F32")
        }
        let count = (t.end - t.begin) / 4
        let start = dataStart + t.begin  // [start, start + 4·count) lies inside `bytes`: checked by init
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
            }
        }
    }

    // MARK: header validation

    private static func parseMetadata(_ value: JSONValue) throws(SafeTensorsError) -> [String: String] {
        guard case let .object(members) = value else {
            throw SafeTensorsError("safetensors: __metadata__ is \(value.kind), expected an object of strings")
        }
        var out: [String: String] = [:]
        for (k, v) in members {
            guard case let .string(s) = v else {
                throw SafeTensorsError("safetensors: __metadata__ value for '\(k)' is \(v.kind), expected a string")
            }
            out[k] = s
        }
        return out
    }

    private static func parseEntry(name: String, _ value: JSONValue, dataLength: Int) throws(SafeTensorsError) -> SafeTensorInfo {
        func bad(_ what: String) -> SafeTensorsError { SafeTensorsError("safetensors: tensor '\(name)': \(what)") }
        guard case let .object(members) = value else { throw bad("entry is \(value.kind), expected an object") }
        func field(_ key: String) throws(SafeTensorsError) -> JSONValue {
            guard let v = members.first(where: { $0.key == key })?.value else { throw bad("missing \"\(key)\"") }
            return v
        }
        guard case let .string(dtype) = try field("dtype") else { throw bad("\"dtype\" must be a string") }
        guard let elementSize = safeTensorDTypeSizes[dtype] else { throw bad("unknown dtype \(jsonStringLiteral(dtype))") }

        guard case let .array(shapeValues) = try field("shape") else { throw bad("\"shape\" must be an array of integers") }
        var shape: [Int] = []
        var elements = 1
        var overflow = false
        for v in shapeValues {
            guard let d = v.exactInt else { throw bad("\"shape\" must be an array of integers") }
            guard d >= 0 else { throw bad("negative dimension \(d) in shape") }
            shape.append(d)
            let (p, o) = elements.multipliedReportingOverflow(by: d)
            elements = p
            overflow = overflow || o
        }
        if shape.contains(0) { elements = 0; overflow = false }  // empty, whatever the other dims

        guard case let .array(offsetValues) = try field("data_offsets"), offsetValues.count == 2,
              let begin = offsetValues[0].exactInt, let end = offsetValues[1].exactInt
        else { throw bad("\"data_offsets\" must be an array of two integers") }
        guard begin >= 0 else { throw bad("negative begin offset \(begin)") }
        guard begin <= end else { throw bad("begin offset \(begin) is after end offset \(end)") }
        guard end <= dataLength else { throw bad("end offset \(end) is beyond the \(dataLength) data bytes") }

        let (byteCount, o2) = elements.multipliedReportingOverflow(by: elementSize)
        if overflow || o2 {
            throw bad("shape \(shape) has too many elements")
        }
        guard byteCount == end - begin else {
            throw bad("\(end - begin) data bytes but shape \(shape) of \(dtype) needs \(byteCount)")
        }
        return SafeTensorInfo(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }
}

/// Writes F32 tensors as safetensors bytes, deterministically: header keys sorted by their UTF-8
/// bytes (so "__metadata__" lands where it sorts), data in the given order with no gaps, and the
/// header padded with spaces to a multiple of 8 so the data section starts aligned.
/// `__metadata__` is omitted when `metadata` is empty. Callers must pass distinct names and
/// `data.count == product(shape)`; a file breaking either is refused by the reader.
public func encodeSafeTensors(_ tensors: [(name: String, shape: [Int], data: [Float])], metadata: [String: String]) -> [UInt8] {
    func byUTF8(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    var entries: [(key: String, json: String)] = []
    if !metadata.isEmpty {
        let pairs = metadata.keys.sorted(by: byUTF8).map { "\(jsonStringLiteral($0)):\(jsonStringLiteral(metadata[$0]!))" }
        entries.append(("__metadata__", "{" + pairs.joined(separator: ",") + "}"))
    }
    var offset = 0
    for t in tensors {
        let end = offset + 4 * t.data.count
        let shape = t.shape.map(String.init).joined(separator: ",")
        entries.append((t.name, "{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"))
        offset = end
    }
    entries.sort { byUTF8($0.key, $1.key) }
    var header = Array(("{" + entries.map { "\(jsonStringLiteral($0.key)):\($0.json)" }.joined(separator: ",") + "}").utf8)
    while header.count % 8 != 0 { header.append(0x20) }

    var out: [UInt8] = []
    out.reserveCapacity(8 + header.count + offset)
    let n = UInt64(header.count)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
    out.append(contentsOf: header)
    for t in tensors {
        for v in t.data {
            let bits = v.bitPattern
            out.append(UInt8(truncatingIfNeeded: bits))
            out.append(UInt8(truncatingIfNeeded: bits >> 8))
            out.append(UInt8(truncatingIfNeeded: bits >> 16))
            out.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
    }
    return out
}
