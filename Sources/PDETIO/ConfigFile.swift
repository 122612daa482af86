// Config files: a (partial) ModelConfig as JSON, e.g. a preset in assets/ that `--config FILE`
// loads before the command-line flags override it. Keys and defaults: Sources/PDETCore/ConfigCoding.swift.

import Foundation
import PDETCore
import PDETText

/// `c` as pretty JSON with sorted keys: byte-for-byte the same for the same config.
public func configJSON(_ c: ModelConfig) -> String {
    encodeConfig(c, pretty: true)
}

/// Compact single-line form (checkpoint metadata).
func compactConfigJSON(_ c: ModelConfig) -> String {
    encodeConfig(c, pretty: false)
}

private func encodeConfig(_ c: ModelConfig, pretty: Bool) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    // A config with a NaN field is invalid (problems() says so) but must still print.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    guard let data = try? encoder.encode(c) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

/// Decodes a JSON object over `base`: keys present replace base values, missing keys keep them,
/// unknown keys and ill-typed values are errors. Validity (`problems()`) is checked by the caller.
/// `required` keys must be present (a checkpoint's config: a missing "heads" must not become the default).
/// The text is first read by the strict parser: duplicate keys and trailing commas are errors.
public func decodeConfigJSON(_ text: String, base: ModelConfig, required: [String] = []) throws(ConfigError) -> ModelConfig {
    let root: JSONValue
    do { root = try parseJSON(ArraySlice(Array(text.utf8))) } catch { throw ConfigError("not valid JSON: \(error.message)") }
    guard case let .object(members) = root else { throw ConfigError("expected a JSON object, got \(root.kind)") }
    let decoder = JSONDecoder()
    decoder.userInfo[ModelConfig.baseConfigKey] = base
    do {
        let config = try decoder.decode(ModelConfig.self, from: Data(text.utf8))
        // After the decoder, so an unknown key is reported as the typo it most likely is.
        let present = Set(members.map(\.key))
        if let missing = required.first(where: { !present.contains($0) }) {
            throw ConfigError("the config lacks the required key \"\(missing)\"")
        }
        return config
    } catch let error as ConfigError {
        throw error
    } catch let error as DecodingError {
        throw ConfigError(oneLine(describeDecodingError(error)))
    } catch {
        throw ConfigError("not valid JSON")
    }
}

/// Loads a JSON config file over `base` and checks the result with `problems()`.
/// Every failure is one line that starts with the path.
public func loadConfigFile(path: String, base: ModelConfig) throws -> ModelConfig {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ConfigError("\(path): no such config file")
    }
    guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
        throw ConfigError("\(path): cannot read config file (a folder, or permission denied)")
    }
    guard let text = String(validating: [UInt8](data), as: UTF8.self) else {
        throw ConfigError("\(path): config file is not UTF-8 text")
    }
    let config: ModelConfig
    do { config = try decodeConfigJSON(text, base: base) } catch {
        throw ConfigError("\(path): \(error.message)")
    }
    let problems = config.problems()
    if !problems.isEmpty {
        throw ConfigError("\(path): " + problems.joined(separator: "; "))
    }
    return config
}

/// One line from a DecodingError: where ("at dModel") and what, without Swift type noise.
func describeDecodingError(_ error: DecodingError) -> String {
    func place(_ path: [any CodingKey]) -> String {
        let p = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return p.isEmpty ? "" : " at \(p)"
    }
    func joinLines(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
    switch error {
    case let .typeMismatch(type, ctx):
        return "wrong type\(place(ctx.codingPath)): expected \(friendlyTypeName(type))"
    case let .valueNotFound(type, ctx):
        return "missing value\(place(ctx.codingPath)): expected \(friendlyTypeName(type))"
    case let .keyNotFound(key, ctx):
        return "missing key '\(key.stringValue)'\(place(ctx.codingPath))"
    case let .dataCorrupted(ctx):
        if ctx.codingPath.isEmpty, ctx.underlyingError != nil || ctx.debugDescription.lowercased().contains("json") {
            return "not valid JSON (\(joinLines(ctx.debugDescription)))"
        }
        return joinLines(ctx.debugDescription) + place(ctx.codingPath)
    @unknown default:
        return joinLines("\(error)")
    }
}

private func friendlyTypeName(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is UInt64.Type: return "an integer"
    case is Float.Type, is Double.Type: return "a number"
    case is Bool.Type: return "true or false"
    case is String.Type: return "a string"
    case is [Int].Type: return "an array of integers"
    case is [String: Any].Type: return "a JSON object"
    default: return "\(type)"
    }
}
