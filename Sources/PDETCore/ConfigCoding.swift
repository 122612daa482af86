// Codable for ModelConfig: the JSON keys are the property names (the camelCase forms of the CLI
// flags: `--d-model` ↔ "dModel"). Decoding accepts a partial object, so a preset file may set only
// what it changes; the rest keeps the defaults of `ModelConfig()`, or of a base config passed in
// `userInfo[ModelConfig.baseConfigKey]`. Unknown keys are rejected by name, so a typo in a config
// file ("lr_rate", "dmodel") is an error instead of being silently ignored. Encoding writes every key.

extension ModelConfig: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case task, seed, batch
        case layers, dModel, heads, dFF, seqLen
        case lr, warmup, clip, weightDecay
        case residual, norm, pos, causal, initGain
        case pde, pdeScales, pdeAlpha, pdeSteps, pdeClamp
    }

    /// Decoder `userInfo` key: a `ModelConfig` whose values fill the keys a partial JSON object omits.
    public static let baseConfigKey = CodingUserInfoKey(rawValue: "pdet-tui.ModelConfig.base")!

    /// Every key the JSON form may hold, in declaration order (for help text and docs).
    public static var codingKeyNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        self = (decoder.userInfo[ModelConfig.baseConfigKey] as? ModelConfig) ?? ModelConfig()

        // Reject unknown keys first, by name, so a typo is reported as a typo.
        let any = try decoder.container(keyedBy: AnyConfigKey.self)
        let known = Set(ModelConfig.codingKeyNames)
        let unknown = any.allKeys.map(\.stringValue).filter { !known.contains($0) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if let first = unknown.first {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [AnyConfigKey(stringValue: first)],
                debugDescription: "unknown config key '\(first)' (known keys: \(ModelConfig.codingKeyNames.joined(separator: ", ")))"))
        }

        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try Self.decodeEnum(c, .task) ?? task
        seed = try Self.field(c, .seed, "an integer in 0...\(UInt64.max)") ?? seed
        batch = try Self.field(c, .batch, "an integer") ?? batch
        layers = try Self.field(c, .layers, "an integer") ?? layers
        dModel = try Self.field(c, .dModel, "an integer") ?? dModel
        heads = try Self.field(c, .heads, "an integer") ?? heads
        dFF = try Self.field(c, .dFF, "an integer") ?? dFF
        seqLen = try Self.field(c, .seqLen, "an integer") ?? seqLen
        lr = try Self.field(c, .lr, "a number") ?? lr
        warmup = try Self.field(c, .warmup, "an integer") ?? warmup
        clip = try Self.field(c, .clip, "a number") ?? clip
        weightDecay = try Self.field(c, .weightDecay, "a number") ?? weightDecay
        residual = try Self.field(c, .residual, "true or false") ?? residual
        norm = try Self.decodeEnum(c, .norm) ?? norm
        pos = try Self.decodeEnum(c, .pos) ?? pos
        causal = try Self.field(c, .causal, "true or false") ?? causal
        initGain = try Self.field(c, .initGain, "a number") ?? initGain
        pde = try Self.decodeEnum(c, .pde) ?? pde
        pdeScales = try Self.field(c, .pdeScales, "an array of integers") ?? pdeScales
        pdeAlpha = try Self.field(c, .pdeAlpha, "a number") ?? pdeAlpha
        pdeSteps = try Self.field(c, .pdeSteps, "an integer") ?? pdeSteps
        pdeClamp = try Self.field(c, .pdeClamp, "true or false") ?? pdeClamp
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task.rawValue, forKey: .task)
        try c.encode(seed, forKey: .seed)
        try c.encode(batch, forKey: .batch)
        try c.encode(layers, forKey: .layers)
        try c.encode(dModel, forKey: .dModel)
        try c.encode(heads, forKey: .heads)
        try c.encode(dFF, forKey: .dFF)
        try c.encode(seqLen, forKey: .seqLen)
        try c.encode(lr, forKey: .lr)
        try c.encode(warmup, forKey: .warmup)
        try c.encode(clip, forKey: .clip)
        try c.encode(weightDecay, forKey: .weightDecay)
        try c.encode(residual, forKey: .residual)
        try c.encode(norm.rawValue, forKey: .norm)
        try c.encode(pos.rawValue, forKey: .pos)
        try c.encode(causal, forKey: .causal)
        try c.encode(initGain, forKey: .initGain)
        try c.encode(pde.rawValue, forKey: .pde)
        try c.encode(pdeScales, forKey: .pdeScales)
        try c.encode(pdeAlpha, forKey: .pdeAlpha)
        try c.encode(pdeSteps, forKey: .pdeSteps)
        try c.encode(pdeClamp, forKey: .pdeClamp)
    }

    /// The value at `key`, nil when the key is absent. `null` and values of the wrong type or range
    /// are errors naming the key and what it needs (JSONDecoder's own message for 1.5 as an Int is
    /// only "The given data was not valid JSON.").
    private static func field<T: Decodable>(
        _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, _ expected: String
    ) throws -> T? {
        guard c.contains(key) else { return nil }
        let bad = DecodingError.dataCorruptedError(
            forKey: key, in: c, debugDescription: "invalid value for \(key.rawValue): expected \(expected)")
        if try c.decodeNil(forKey: key) { throw bad }
        do { return try c.decode(T.self, forKey: key) } catch { throw bad }
    }

    /// Decodes an enum from its raw name; a wrong name lists the valid ones (the synthesized
    /// error only says "cannot initialize … from invalid String value").
    private static func decodeEnum<E: RawRepresentable & CaseIterable>(
        _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys
    ) throws -> E? where E.RawValue == String {
        guard let name: String = try field(c, key, "a string") else { return nil }
        guard let value = E(rawValue: name) else {
            let valid = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c, debugDescription: "'\(name)' is not a valid \(key.rawValue) (one of: \(valid))")
        }
        return value
    }
}

/// Any string key: lets the decoder list every key the JSON object holds, known or not.
struct AnyConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
