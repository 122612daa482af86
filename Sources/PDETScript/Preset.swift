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

/// The flags a preset may use (the CLI's shared model flags), in the order the docs list them.
public let presetFlagNames: [String] = [
    "--task", "--seed", "--layers", "--d-model", "--heads", "--d-ff", "--seq-len", "--batch", "--lr",
    "--warmup", "--clip", "--residual", "--norm", "--pos", "--pde", "--pde-scales", "--pde-alpha",
    "--pde-steps", "--pde-clamp", "--init-gain", "--causal", "--checkpoint",
]

/// On/off flags: the value may be omitted (`--causal` means `--causal on`).
let presetSwitchNames: Set<String> = ["--residual", "--causal", "--pde-clamp"]

/// Splits `--task reverse --residual off --causal` into flags; checks names, missing values, repeats.
public func parsePreset(_ text: String) throws(PresetError) -> [PresetFlag] {
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    var flags: [PresetFlag] = []
    var k = 0
    while k < words.count {
        let flag = words[k]
        guard flag.hasPrefix("--") else {
            throw PresetError("unexpected '\(flag)': expected a flag such as --task (values follow their flag)")
        }
        guard presetFlagNames.contains(flag) else {
            throw PresetError("unknown preset flag '\(flag)' (allowed: \(presetFlagNames.joined(separator: " ")))")
        }
        if flags.contains(where: { $0.flag == flag }) { throw PresetError("preset flag '\(flag)' given twice") }
        var value: String? = nil
        if k + 1 < words.count, !words[k + 1].hasPrefix("--") {
            value = words[k + 1]
            k += 1
        } else if !presetSwitchNames.contains(flag) {
            throw PresetError("preset flag '\(flag)' needs a value")
        }
        flags.append(PresetFlag(flag: flag, value: value))
        k += 1
    }
    return flags
}

/// Applies a preset to `base`. `--checkpoint` is not part of a ModelConfig: it is skipped here and the
/// caller loads it (see `Lesson.checkpoint`). Throws on a bad value or when the result has problems().
public func presetConfig(_ preset: [PresetFlag], base: ModelConfig) throws(PresetError) -> ModelConfig {
    var c = base
    for p in preset {
        let v = p.value ?? ""
        func bad(_ expected: String) -> PresetError {
            PresetError("\(p.flag): expected \(expected), got '\(p.value ?? "")'")
        }
        func int() throws(PresetError) -> Int {
            guard let n = Int(v) else { throw bad("an integer") }
            return n
        }
        func float() throws(PresetError) -> Float {
            guard let x = Float(v), x.isFinite else { throw bad("a number") }
            return x
        }
        func onOff() throws(PresetError) -> Bool {
            switch p.value?.lowercased() {
            case nil, "on", "true", "yes": return true
            case "off", "false", "no": return false
            default: throw bad("on or off")
            }
        }
        func oneOf<E: RawRepresentable & CaseIterable>(_: E.Type) throws(PresetError) -> E where E.RawValue == String {
            guard let e = E(rawValue: v) else {
                throw bad("one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return e
        }
        switch p.flag {
        case "--task": c.task = try oneOf(TaskKind.self)
        case "--seed":
            guard let s = UInt64(v) else { throw bad("a non-negative integer") }
            c.seed = s
        case "--layers": c.layers = try int()
        case "--d-model": c.dModel = try int()
        case "--heads": c.heads = try int()
        case "--d-ff": c.dFF = try int()
        case "--seq-len": c.seqLen = try int()
        case "--batch": c.batch = try int()
        case "--lr": c.lr = try float()
        case "--warmup": c.warmup = try int()
        case "--clip": c.clip = try float()
        case "--residual": c.residual = try onOff()
        case "--norm": c.norm = try oneOf(NormMode.self)
        case "--pos": c.pos = try oneOf(PositionalEncoding.self)
        case "--pde": c.pde = try oneOf(DiffusionSite.self)
        case "--pde-scales":
            let parts = v.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { throw bad("a comma-separated list of integers, e.g. 1,2,4") }
            c.pdeScales = parts.map { $0! }
        case "--pde-alpha": c.pdeAlpha = try float()
        case "--pde-steps": c.pdeSteps = try int()
        case "--pde-clamp": c.pdeClamp = try onOff()
        case "--init-gain": c.initGain = try float()
        case "--causal": c.causal = try onOff()
        case "--checkpoint": break
        default: throw PresetError("unknown preset flag '\(p.flag)'")
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
