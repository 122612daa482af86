// A small, strict JSON reader and writer for safetensors headers.
//
// Why not JSONSerialization: the header comes from an untrusted file, and we want one-line errors
// that say what is wrong, integers read exactly (no detour through Double), duplicate keys
// rejected, a nesting limit (no stack overflow on "[[[[…"), and no trap on any input.

/// A parsed JSON value. Objects keep their keys in file order; numbers keep their source text.
enum JSONValue: Equatable, Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// A short name of the value's kind, for error messages ("expected an array, got a string").
    var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// The value as an exact integer: only plain integer literals ("12", "-3"), no fraction or
    /// exponent, and nil when it does not fit in Int.
    var exactInt: Int? {
        guard case let .number(text) = self else { return nil }
        if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return nil }
        return Int(text)
    }
}

struct JSONParseError: Error {
    var message: String
}

/// Parses one JSON document from `bytes` (surrounding whitespace allowed, nothing else after it).
func parseJSON(_ bytes: ArraySlice<UInt8>, maxDepth: Int = 32) throws(JSONParseError) -> JSONValue {
    var parser = JSONParser(bytes: bytes, pos: bytes.startIndex, maxDepth: maxDepth)
    parser.skipWhitespace()
    let value = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    if parser.pos != bytes.endIndex {
        throw JSONParseError(message: "unexpected text after the JSON value at byte \(parser.offset)")
    }
    return value
}

private struct JSONParser {
    let bytes: ArraySlice<UInt8>
    var pos: Int
    let maxDepth: Int

    var offset: Int { pos - bytes.startIndex }

    mutating func skipWhitespace() {
        while pos < bytes.endIndex {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    func fail(_ what: String) -> JSONParseError {
        JSONParseError(message: "\(what) at byte \(offset)")
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw fail("JSON nested deeper than \(maxDepth) levels") }
        guard pos < bytes.endIndex else { throw fail("unexpected end of JSON") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character in JSON")
        }
    }

    mutating func expectWord(_ word: String) throws(JSONParseError) {
        for c in word.utf8 {
            guard pos < bytes.endIndex, bytes[pos] == c else { throw fail("invalid JSON literal") }
            pos += 1
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        pos += 1  // "{"
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        skipWhitespace()
        if pos < bytes.endIndex, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard pos < bytes.endIndex, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a string key in JSON object") }
            let key = try parseString()
            guard seen.insert(key).inserted else { throw fail("duplicate key \"\(key)\" in JSON object") }
            skipWhitespace()
            guard pos < bytes.endIndex, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' in JSON object") }
            pos += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard pos < bytes.endIndex else { throw fail("unterminated JSON object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw fail("expected ',' or '}' in JSON object")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        pos += 1  // "["
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.endIndex, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard pos < bytes.endIndex else { throw fail("unterminated JSON array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw fail("expected ',' or ']' in JSON array")
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> String {
        let start = pos
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.endIndex, isDigit(bytes[pos]) else { throw fail("invalid JSON number") }
        if bytes[pos] == UInt8(ascii: "0") { pos += 1 } else { while pos < bytes.endIndex, isDigit(bytes[pos]) { pos += 1 } }
        if pos < bytes.endIndex, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < bytes.endIndex, isDigit(bytes[pos]) else { throw fail("invalid JSON number") }
            while pos < bytes.endIndex, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.endIndex, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.endIndex, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.endIndex, isDigit(bytes[pos]) else { throw fail("invalid JSON number") }
            while pos < bytes.endIndex, isDigit(bytes[pos]) { pos += 1 }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    /// Reads a string literal; raw bytes must be valid UTF-8, escapes are decoded (surrogate pairs too).
    mutating func parseString() throws(JSONParseError) -> String {
        pos += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard pos < bytes.endIndex else { throw fail("unterminated JSON string") }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; break }
            if b < 0x20 { throw fail("control character inside JSON string") }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.endIndex else { throw fail("unterminated JSON escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // High surrogate: a low one must follow as another \u escape.
                    guard pos + 1 < bytes.endIndex, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                    else { throw fail("unpaired surrogate in JSON string") }
                    pos += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in JSON string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate in JSON string")
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape in JSON string") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("invalid escape in JSON string")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("JSON string is not valid UTF-8") }
        return s
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.endIndex else { throw fail("truncated \\u escape in JSON string") }
            let b = bytes[pos]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape in JSON string")
            }
            v = v * 16 + d
            pos += 1
        }
        return v
    }
}

/// Nil when `bytes` is one strict JSON document (no duplicate keys, no trailing commas, valid
/// UTF-8), else the reason: run it before a lenient decoder (JSONDecoder accepts both).
public func strictJSONProblem(_ bytes: [UInt8]) -> String? {
    do { _ = try parseJSON(ArraySlice(bytes)) } catch { return error.message }
    return nil
}
