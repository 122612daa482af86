// A lesson's `preset:` line: the CLI's shared model flags (`--task reverse --residual off`), parsed into
// (flag, value) pairs and applied to a ModelConfig. Flag names and value spellings match the CLI and
// docs/lessons.md; the values are validated by ModelConfig.problems().

import PDETCore

/// One flag of a preset, e.g. `--residual off` → (flag: "--residual", value: "off"); `--causal` → value nil.
public struct PresetFlag: Equatable, Sendable {
    public var flag: String
    public var value: String?

    public init(flag: String, value: String?) {
        self.flag = flag
        self.value = value
    }
}

/// A preset that cannot be parsed or applied; `description` is the one-line message.
public struct PresetError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The flags a preset may use: the config field table's flags, then --checkpoint (in the CLI's order).
public func presetFlags(_ fields: ConfigFieldTable) -> [String] {
    fields.rows.map { "--" + $0.flag } + ["--checkpoint"]
}
public let presetFlagNames = presetFlags(.standard)

/// Splits `--task reverse --residual off --causal` into flags; checks names, missing values, repeats.
/// An on/off field's flag may stand alone (`--causal` means `--causal on`).
public func parsePreset(_ text: String, fields: ConfigFieldTable = .standard) throws(PresetError) -> [PresetFlag] {
    let allowed = presetFlags(fields)
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    var flags: [PresetFlag] = []
    var k = 0
    while k < words.count {
        let flag = words[k]
        guard flag.hasPrefix("--") else {
            throw PresetError("unexpected '\(flag)': expected a flag such as --task (values follow their flag)")
        }
        guard allowed.contains(flag) else {
            throw PresetError("unknown preset flag '\(flag)' (allowed: \(allowed.joined(separator: " ")))")
        }
        if flags.contains(where: { $0.flag == flag }) { throw PresetError("preset flag '\(flag)' given twice") }
        var value: String? = nil
        if k + 1 < words.count, !words[k + 1].hasPrefix("--") {
            value = words[k + 1]
            k += 1
        } else if !(fields.row(flag: flag)?.isSwitch ?? false) {
            throw PresetError("preset flag '\(flag)' needs a value")
        }
        flags.append(PresetFlag(flag: flag, value: value))
        k += 1
    }
    return flags
}

/// Applies a preset to `base` through the field table. `--checkpoint` is not part of a ModelConfig:
/// it is skipped here and the caller loads it (see `Lesson.checkpoint`). Throws on a bad value or
/// when the result has problems().
public func presetConfig(_ preset: [PresetFlag], base: ModelConfig,
                         fields: ConfigFieldTable = .standard) throws(PresetError) -> ModelConfig {
    var c = base
    for p in preset where p.flag != "--checkpoint" {
        guard let field = fields.row(flag: p.flag) else { throw PresetError("unknown preset flag '\(p.flag)'") }
        guard field.parse(p.value, into: &c) else {
            throw PresetError("\(p.flag): expected \(field.expected), got '\(p.value ?? "")'")
        }
    }
    let problems = c.problems()
    if !problems.isEmpty { throw PresetError(problems.joined(separator: "; ")) }
    return c
}

/// The same for (flag, value) tuples.
public func presetConfig(_ preset: [(flag: String, value: String?)], base: ModelConfig) throws(PresetError) -> ModelConfig {
    try presetConfig(preset.map { PresetFlag(flag: $0.flag, value: $0.value) }, base: base)
}
