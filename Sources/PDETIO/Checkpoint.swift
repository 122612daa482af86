// Checkpoints: a model's parameters as a safetensors file (F32, one tensor per TensorView, in
// layout order) whose `__metadata__` holds everything needed to rebuild the model: the config as
// JSON, vocabulary size, outputs, head kind, step count and a format version.
// Format, metadata keys and tensor names: docs/checkpoint.md.

import PDETCore

/// The `format` metadata value; a reader refuses any other (a future version must be converted).
public let checkpointFormat = "pdet-tui-checkpoint 1"

/// Metadata keys of a checkpoint's `__metadata__` (all values are strings).
public enum CheckpointKey {
    public static let format = "format"
    public static let config = "config"          // compact ModelConfig JSON, every key
    public static let vocabSize = "vocabSize"    // V, decimal
    public static let outputs = "outputs"        // K, decimal
    public static let head = "head"              // "per-token" | "classify"
    public static let step = "step"              // updates applied so far, decimal
}

public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    /// Control characters (from names read out of a file) are escaped: a message is always one line.
    public init(_ message: String) { self.message = oneLine(message) }
    public var description: String { message }
}

/// One named tensor of a checkpoint; `data.count == product(shape)`.
public struct CheckpointTensor: Equatable, Sendable {
    public var name: String
    public var shape: [Int]
    public var data: [Float]

    public init(name: String, shape: [Int], data: [Float]) {
        self.name = name
        self.shape = shape
        self.data = data
    }
}

/// A decoded checkpoint. `tensors` are in file order, which is the layout order of the model that wrote it.
public struct Checkpoint: Sendable {
    public var config: ModelConfig
    public var vocabSize: Int
    public var outputs: Int
    public var head: HeadKind
    public var step: Int
    public var tensors: [CheckpointTensor]

    public init(config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind, step: Int, tensors: [CheckpointTensor]) {
        self.config = config
        self.vocabSize = vocabSize
        self.outputs = outputs
        self.head = head
        self.step = step
        self.tensors = tensors
    }

    public func tensor(_ name: String) -> CheckpointTensor? {
        tensors.first { $0.name == name }
    }
}

// MARK: writing

/// Checkpoint bytes: each view's slice of `params` as an F32 tensor, in the order given.
/// The views must lie inside `params` (they come from the model's own layout).
public func encodeCheckpoint(config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind, step: Int,
                             tensors: [TensorView], params: [Float]) -> [UInt8] {
    let items = tensors.map { v -> (name: String, shape: [Int], data: [Float]) in
        precondition(v.offset >= 0 && v.count >= 0 && v.offset + v.count <= params.count,
                     "encodeCheckpoint: tensor '\(v.name)' [\(v.offset), \(v.offset + v.count)) lies outside the \(params.count) parameters")
        return (v.name, v.shape, Array(params[v.offset..<(v.offset + v.count)]))
    }
    let metadata = [
        CheckpointKey.format: checkpointFormat,
        CheckpointKey.config: compactConfigJSON(config),
        CheckpointKey.vocabSize: String(vocabSize),
        CheckpointKey.outputs: String(outputs),
        CheckpointKey.head: head.rawValue,
        CheckpointKey.step: String(step),
    ]
    return encodeSafeTensors(items, metadata: metadata)
}

/// The checkpoint of a live model.
public func encodeCheckpoint(_ model: Transformer) -> [UInt8] {
    encodeCheckpoint(config: model.config, vocabSize: model.vocabSize, outputs: model.outputs, head: model.head,
                     step: model.step, tensors: model.tensors, params: model.params)
}

/// Encodes and writes a checkpoint atomically: an existing file at `path` survives any failure.
public func saveCheckpoint(path: String, config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind, step: Int,
                           tensors: [TensorView], params: [Float]) throws(FileWriteError) {
    try writeFileAtomically(path: path, bytes: encodeCheckpoint(
        config: config, vocabSize: vocabSize, outputs: outputs, head: head, step: step, tensors: tensors, params: params))
}

public func saveCheckpoint(path: String, model: Transformer) throws(FileWriteError) {
    try writeFileAtomically(path: path, bytes: encodeCheckpoint(model))
}

// MARK: reading

/// Decodes and validates checkpoint bytes: a well-formed safetensors file, the format version,
/// every metadata key, a valid config (`problems()` empty), and F32 tensors only.
/// It does not compare tensors with a model layout: that is `checkCheckpoint`.
public func decodeCheckpoint(bytes: [UInt8]) throws(CheckpointError) -> Checkpoint {
    let file: SafeTensorsFile
    do { file = try SafeTensorsFile(bytes: bytes) } catch { throw CheckpointError(error.message) }
    return try checkpoint(from: file)
}

/// Reads a checkpoint file; errors start with the path.
public func loadCheckpoint(path: String) throws(CheckpointError) -> Checkpoint {
    let file: SafeTensorsFile
    do { file = try SafeTensorsFile(path: path) } catch { throw CheckpointError(error.message) }
    do { return try checkpoint(from: file) } catch { throw CheckpointError("\(path): \(error.message)") }
}

private func checkpoint(from file: SafeTensorsFile) throws(CheckpointError) -> Checkpoint {
    let m = file.metadata
    guard let format = m[CheckpointKey.format] else {
        throw CheckpointError("not a pdet-tui checkpoint: no \"\(CheckpointKey.format)\" in the safetensors metadata")
    }
    guard format == checkpointFormat else {
        throw CheckpointError("unsupported checkpoint format \(jsonStringLiteral(format)) (this build reads \"\(checkpointFormat)\")")
    }
    func required(_ key: String) throws(CheckpointError) -> String {
        guard let v = m[key] else { throw CheckpointError("checkpoint metadata lacks \"\(key)\"") }
        return v
    }
    func integer(_ key: String, min: Int) throws(CheckpointError) -> Int {
        let text = try required(key)
        guard let v = Int(text), v >= min else {
            throw CheckpointError("checkpoint metadata \"\(key)\" must be an integer ≥ \(min) (got \(jsonStringLiteral(text)))")
        }
        return v
    }
    let configText = try required(CheckpointKey.config)
    let config: ModelConfig
    do { config = try decodeConfigJSON(configText, base: ModelConfig()) } catch {
        throw CheckpointError("checkpoint config: \(error.message)")
    }
    let problems = config.problems()
    if !problems.isEmpty { throw CheckpointError("checkpoint config is invalid: " + problems.joined(separator: "; ")) }
    let vocabSize = try integer(CheckpointKey.vocabSize, min: 1)
    let outputs = try integer(CheckpointKey.outputs, min: 1)
    let step = try integer(CheckpointKey.step, min: 0)
    let headText = try required(CheckpointKey.head)
    guard let head = HeadKind(rawValue: headText) else {
        throw CheckpointError("checkpoint metadata \"head\" must be \"per-token\" or \"classify\" (got \(jsonStringLiteral(headText)))")
    }
    var tensors: [CheckpointTensor] = []
    for info in file.tensors {
        do { tensors.append(CheckpointTensor(name: info.name, shape: info.shape, data: try file.floats(info.name))) } catch {
            throw CheckpointError(error.message)
        }
    }
    return Checkpoint(config: config, vocabSize: vocabSize, outputs: outputs, head: head, step: step, tensors: tensors)
}

// MARK: matching a model layout

/// Checks that the checkpoint holds exactly the tensors of `expected`, with the same shapes.
/// Throws the first problem (expected order, then extra tensors by name), with a count of the rest.
public func checkCheckpoint(_ ck: Checkpoint, against expected: [TensorView]) throws(CheckpointError) {
    var byName: [String: CheckpointTensor] = [:]
    var problems: [String] = []
    for t in ck.tensors {
        if byName[t.name] != nil { problems.append("checkpoint holds tensor '\(t.name)' more than once") }
        byName[t.name] = byName[t.name] ?? t
    }
    for v in expected {
        guard let t = byName[v.name] else {
            problems.append("checkpoint has no tensor '\(v.name)' (the model expects shape \(v.shape))")
            continue
        }
        if t.shape != v.shape {
            problems.append("tensor '\(v.name)' has shape \(t.shape) in the checkpoint but the model expects \(v.shape)")
        } else if t.data.count != v.count {
            problems.append("tensor '\(v.name)' holds \(t.data.count) values but shape \(v.shape) needs \(v.count)")
        }
    }
    let expectedNames = Set(expected.map(\.name))
    let extras = ck.tensors.filter { !expectedNames.contains($0.name) }
        .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    for t in extras {
        problems.append("checkpoint has an extra tensor '\(t.name)' of shape \(t.shape) that the model does not use")
    }
    if let first = problems.first {
        throw CheckpointError(problems.count == 1 ? first : "\(first) (and \(problems.count - 1) more problem\(problems.count == 2 ? "" : "s"))")
    }
}

/// The flat parameter buffer (`count` values) with each layout view filled from the checkpoint.
/// Values no view covers stay 0.
public func flatParameters(_ ck: Checkpoint, layout: [TensorView], count: Int) throws(CheckpointError) -> [Float] {
    try checkCheckpoint(ck, against: layout)
    var byName: [String: CheckpointTensor] = [:]
    for t in ck.tensors where byName[t.name] == nil { byName[t.name] = t }
    var out = [Float](repeating: 0, count: max(count, 0))
    for v in layout {
        guard v.offset >= 0, v.offset <= out.count - v.count else {
            throw CheckpointError("layout tensor '\(v.name)' at offset \(v.offset) (\(v.count) values) lies outside the \(count) parameters")
        }
        guard let t = byName[v.name], t.data.count == v.count else { continue }  // cannot happen: checked above
        out.replaceSubrange(v.offset..<(v.offset + v.count), with: t.data)
    }
    return out
}
