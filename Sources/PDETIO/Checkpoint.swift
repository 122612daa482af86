// Checkpoints: a model's parameters as a safetensors file (F32, one tensor per TensorView, in
// layout order) whose `__metadata__` holds everything needed to rebuild the model: the config as
// JSON, vocabulary size, outputs, head kind, step count and a format version. Unless saved
// weights-only, it also carries what training needs to continue bit for bit (AdamW's moments as
// `optim.m.NAME` / `optim.v.NAME`, its update count, the second warm-up) and the recent training
// history (`history.*`), so a resumed run and a straight run give the same bytes and frames.
// Format, metadata keys and tensor names: docs/checkpoint.md.

import PDETCore
import PDETText

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
    // Optional: present when the file carries AdamW's state (docs/checkpoint.md).
    public static let optimizer = "optimizer"              // "adamw"
    public static let optimizerStep = "optimizerStep"      // updates applied to the saved moments
    public static let rewarmup = "rewarmup"                // length of the second warm-up (0 = none)
    // Optional: present when the file carries training history.
    public static let historyFirstStep = "historyFirstStep" // step of history.loss[0]
    public static let heldOutSteps = "heldOutSteps"         // comma-separated steps of history.heldOut
}

/// Tensor-name prefixes of the optional parts; a parameter's name never starts with them.
public enum CheckpointPrefix {
    public static let firstMoment = "optim.m."
    public static let secondMoment = "optim.v."
    public static let history = "history."
}

/// The most recent steps of history a checkpoint keeps (the explorer's chart capacity).
public let checkpointHistoryLimit = 2000

/// AdamW's state as a checkpoint stores it: moments flat in the model's layout order.
public struct CheckpointOptimizer: Equatable, Sendable {
    public var m: [Float]
    public var v: [Float]
    public var optimizerStep: Int
    public var rewarmup: Int
    public init(m: [Float], v: [Float], optimizerStep: Int, rewarmup: Int) {
        self.m = m
        self.v = v
        self.optimizerStep = optimizerStep
        self.rewarmup = rewarmup
    }
}

/// Per-step training history (the last `checkpointHistoryLimit` steps): what the charts draw.
public struct CheckpointHistory: Equatable, Sendable {
    public var firstStep: Int             // the step of index 0
    public var loss: [Float]              // (N)
    public var accuracy: [Float]          // (N)
    public var gradNorm: [Float]          // (N)
    public var lr: [Float]                // (N)
    public var maxRms: [Float]?           // (N) the explorer's largest rms per step; nil when trained headless
    public var heldOut: [HeldOutAccuracy] // held-out evaluations, oldest first

    public struct HeldOutAccuracy: Equatable, Sendable {
        public var step: Int
        public var accuracy: Float
        public init(step: Int, accuracy: Float) { self.step = step; self.accuracy = accuracy }
    }

    public init(firstStep: Int, loss: [Float], accuracy: [Float], gradNorm: [Float], lr: [Float],
                maxRms: [Float]? = nil, heldOut: [HeldOutAccuracy]) {
        self.firstStep = firstStep
        self.loss = loss
        self.accuracy = accuracy
        self.gradNorm = gradNorm
        self.lr = lr
        self.maxRms = maxRms
        self.heldOut = heldOut
    }

    /// The same history keeping only the last `limit` steps and evaluations.
    public func suffix(_ limit: Int) -> CheckpointHistory {
        let drop = max(0, loss.count - limit)
        return CheckpointHistory(firstStep: firstStep + drop, loss: Array(loss.dropFirst(drop)),
                                 accuracy: Array(accuracy.dropFirst(drop)), gradNorm: Array(gradNorm.dropFirst(drop)),
                                 lr: Array(lr.dropFirst(drop)), maxRms: maxRms.map { Array($0.dropFirst(max(0, $0.count - limit))) },
                                 heldOut: Array(heldOut.suffix(limit)))
    }
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
    public var tensors: [CheckpointTensor]           // the parameters only
    /// AdamW's moments by parameter name (`optim.m.NAME`, `optim.v.NAME`) and counts; nil when weights-only.
    public var moments: (m: [String: CheckpointTensor], v: [String: CheckpointTensor], optimizerStep: Int, rewarmup: Int)?
    public var history: CheckpointHistory?

    public init(config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind, step: Int, tensors: [CheckpointTensor],
                moments: (m: [String: CheckpointTensor], v: [String: CheckpointTensor], optimizerStep: Int, rewarmup: Int)? = nil,
                history: CheckpointHistory? = nil) {
        self.config = config
        self.vocabSize = vocabSize
        self.outputs = outputs
        self.head = head
        self.step = step
        self.tensors = tensors
        self.moments = moments
        self.history = history
    }

    public var hasOptimizerState: Bool { moments != nil }

    public func tensor(_ name: String) -> CheckpointTensor? {
        tensors.first { $0.name == name }
    }
}

// MARK: writing

/// Checkpoint bytes: each view's slice of `params` as an F32 tensor, in the order given, then (when
/// given) the AdamW moments under `optim.m.` / `optim.v.` in the same order, then the history.
/// The views must lie inside `params` (they come from the model's own layout).
public func encodeCheckpoint(config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind, step: Int,
                             tensors: [TensorView], params: [Float], optimizer: CheckpointOptimizer? = nil,
                             history: CheckpointHistory? = nil) -> [UInt8] {
    func slices(_ flat: [Float], prefix: String) -> [(name: String, shape: [Int], data: [Float])] {
        tensors.map { v in
            precondition(v.offset >= 0 && v.count >= 0 && v.offset + v.count <= flat.count,
                         "encodeCheckpoint: tensor '\(v.name)' [\(v.offset), \(v.offset + v.count)) lies outside the \(flat.count) values")
            return (prefix + v.name, v.shape, Array(flat[v.offset..<(v.offset + v.count)]))
        }
    }
    var items = slices(params, prefix: "")
    var metadata = [
        CheckpointKey.format: checkpointFormat,
        CheckpointKey.config: compactConfigJSON(config),
        CheckpointKey.vocabSize: String(vocabSize),
        CheckpointKey.outputs: String(outputs),
        CheckpointKey.head: head.rawValue,
        CheckpointKey.step: String(step),
    ]
    if let optimizer {
        items += slices(optimizer.m, prefix: CheckpointPrefix.firstMoment) + slices(optimizer.v, prefix: CheckpointPrefix.secondMoment)
        metadata[CheckpointKey.optimizer] = "adamw"
        metadata[CheckpointKey.optimizerStep] = String(optimizer.optimizerStep)
        metadata[CheckpointKey.rewarmup] = String(optimizer.rewarmup)
    }
    if let history = history?.suffix(checkpointHistoryLimit) {
        let h = CheckpointPrefix.history
        items += [(h + "loss", [history.loss.count], history.loss), (h + "accuracy", [history.accuracy.count], history.accuracy),
                  (h + "gradNorm", [history.gradNorm.count], history.gradNorm), (h + "lr", [history.lr.count], history.lr),
                  (h + "heldOut", [history.heldOut.count], history.heldOut.map(\.accuracy))]
        if let maxRms = history.maxRms { items.append((h + "maxRms", [maxRms.count], maxRms)) }
        metadata[CheckpointKey.historyFirstStep] = String(history.firstStep)
        metadata[CheckpointKey.heldOutSteps] = history.heldOut.map { String($0.step) }.joined(separator: ",")
    }
    return encodeSafeTensors(items, metadata: metadata)
}

/// The checkpoint of a live model: with AdamW's state unless `weightsOnly`, with `history` when given.
public func encodeCheckpoint(_ model: Transformer, history: CheckpointHistory? = nil, weightsOnly: Bool = false) -> [UInt8] {
    let state = model.optimizerState
    let optimizer = weightsOnly ? nil : CheckpointOptimizer(m: state.m, v: state.v, optimizerStep: state.optimizerStep,
                                                             rewarmup: state.rewarmup)
    return encodeCheckpoint(config: model.config, vocabSize: model.vocabSize, outputs: model.outputs, head: model.head,
                            step: model.step, tensors: model.tensors, params: model.params, optimizer: optimizer,
                            history: history)
}

/// Encodes and writes checkpoint parts through the one writer: an existing file survives any failure.
public func saveCheckpoint(path: String, config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind, step: Int,
                           tensors: [TensorView], params: [Float]) throws(FileWriteError) {
    try writeFileAtomically(path: path, bytes: encodeCheckpoint(
        config: config, vocabSize: vocabSize, outputs: outputs, head: head, step: step, tensors: tensors, params: params))
}

/// Encodes and writes a checkpoint through the one writer: an existing file survives any failure.
public func saveCheckpoint(path: String, model: Transformer, history: CheckpointHistory? = nil,
                           weightsOnly: Bool = false) throws(FileWriteError) {
    try writeFileAtomically(path: path, bytes: encodeCheckpoint(model, history: history, weightsOnly: weightsOnly))
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
    func integer(_ key: String, min: Int, max: Int = Int.max) throws(CheckpointError) -> Int {
        let text = try required(key)
        guard let v = Int(text), v >= min, v <= max else {
            let range = max == Int.max ? "≥ \(min)" : "in \(min)...\(max)"
            throw CheckpointError("checkpoint metadata \"\(key)\" must be an integer \(range) (got \(jsonStringLiteral(text)))")
        }
        return v
    }
    let configText = try required(CheckpointKey.config)
    let config: ModelConfig
    // Every key the encoder writes is required: a default must never stand in for a saved shape.
    do { config = try decodeConfigJSON(configText, base: ModelConfig(), required: ModelConfig.codingKeyNames) } catch {
        throw CheckpointError("checkpoint config: \(error.message)")
    }
    let problems = config.problems()
    if !problems.isEmpty { throw CheckpointError("checkpoint config is invalid: " + problems.joined(separator: "; ")) }
    let vocabSize = try integer(CheckpointKey.vocabSize, min: 1)
    let outputs = try integer(CheckpointKey.outputs, min: 1)
    let step = try integer(CheckpointKey.step, min: 0, max: Transformer.maxStep)
    let headText = try required(CheckpointKey.head)
    guard let head = HeadKind(rawValue: headText) else {
        throw CheckpointError("checkpoint metadata \"head\" must be \"per-token\" or \"classify\" (got \(jsonStringLiteral(headText)))")
    }
    var tensors: [CheckpointTensor] = []
    var firstMoments: [String: CheckpointTensor] = [:], secondMoments: [String: CheckpointTensor] = [:]
    var historyTensors: [String: [Float]] = [:]
    for info in file.tensors {
        let t: CheckpointTensor
        do { t = CheckpointTensor(name: info.name, shape: info.shape, data: try file.floats(info.name)) } catch {
            throw CheckpointError(error.message)
        }
        if info.name.hasPrefix(CheckpointPrefix.firstMoment) {
            firstMoments[String(info.name.dropFirst(CheckpointPrefix.firstMoment.count))] = t
        } else if info.name.hasPrefix(CheckpointPrefix.secondMoment) {
            secondMoments[String(info.name.dropFirst(CheckpointPrefix.secondMoment.count))] = t
        } else if info.name.hasPrefix(CheckpointPrefix.history) {
            guard info.shape.count == 1 else { throw CheckpointError("checkpoint tensor '\(info.name)' must be one-dimensional") }
            historyTensors[String(info.name.dropFirst(CheckpointPrefix.history.count))] = t.data
        } else {
            tensors.append(t)
        }
    }
    var moments: (m: [String: CheckpointTensor], v: [String: CheckpointTensor], optimizerStep: Int, rewarmup: Int)?
    if let kind = m[CheckpointKey.optimizer] {
        guard kind == "adamw" else { throw CheckpointError("checkpoint optimizer \(jsonStringLiteral(kind)) is not \"adamw\"") }
        let optimizerStep = try integer(CheckpointKey.optimizerStep, min: 0, max: Transformer.maxStep)
        let rewarmup = try integer(CheckpointKey.rewarmup, min: 0, max: Transformer.maxStep)
        for t in tensors {
            guard let a = firstMoments[t.name], let b = secondMoments[t.name] else {
                throw CheckpointError("checkpoint has optimizer state but no moments for '\(t.name)'")
            }
            guard a.shape == t.shape, b.shape == t.shape else {
                throw CheckpointError("checkpoint moments of '\(t.name)' have shapes \(a.shape)/\(b.shape), the tensor has \(t.shape)")
            }
        }
        guard firstMoments.count == tensors.count, secondMoments.count == tensors.count else {
            throw CheckpointError("checkpoint has optimizer moments for tensors it does not hold")
        }
        try checkMomentValues(tensors.map(\.name), m: firstMoments, v: secondMoments)
        guard optimizerStep <= step else {
            throw CheckpointError("checkpoint metadata \"\(CheckpointKey.optimizerStep)\" (\(optimizerStep)) is after \"\(CheckpointKey.step)\" "
                + "(\(step)): the moments cannot have seen more updates than the weights")
        }
        moments = (firstMoments, secondMoments, optimizerStep, rewarmup)
    } else if !firstMoments.isEmpty || !secondMoments.isEmpty {
        throw CheckpointError("checkpoint has optimizer moments but no \"\(CheckpointKey.optimizer)\" metadata")
    }
    let history = try decodeHistory(historyTensors, metadata: m, step: step)
    return Checkpoint(config: config, vocabSize: vocabSize, outputs: outputs, head: head, step: step, tensors: tensors,
                      moments: moments, history: history)
}

/// AdamW's moments as the update needs them: finite, second moments ≥ 0. A +Inf second moment
/// freezes its weight for good, a negative one makes √v NaN (and the alpha clamp then zeroes a
/// diffusion alpha without a word), and either is saved forward: refused, naming the tensor.
private func checkMomentValues(_ names: [String], m: [String: CheckpointTensor], v: [String: CheckpointTensor]) throws(CheckpointError) {
    for name in names {
        if let a = m[name], let i = a.data.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointError("checkpoint tensor '\(CheckpointPrefix.firstMoment)\(name)' holds \(a.data[i]) at index \(i): "
                + "optimizer moments must be finite")
        }
        if let b = v[name], let i = b.data.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            let what = b.data[i].isFinite ? "a negative second moment" : "a second moment that is not finite"
            throw CheckpointError("checkpoint tensor '\(CheckpointPrefix.secondMoment)\(name)' holds \(what) (\(b.data[i])) at index \(i): "
                + "second moments must be finite and ≥ 0")
        }
    }
}

/// The `history.*` tensors and their metadata, checked for equal lengths, bounded counts and steps
/// that agree with the checkpoint's `step` (the history cannot start after it; held-out steps increase).
private func decodeHistory(_ t: [String: [Float]], metadata m: [String: String], step: Int) throws(CheckpointError) -> CheckpointHistory? {
    guard !t.isEmpty || m[CheckpointKey.historyFirstStep] != nil else { return nil }
    func series(_ name: String) throws(CheckpointError) -> [Float] {
        guard let v = t[name] else { throw CheckpointError("checkpoint history lacks 'history.\(name)'") }
        return v
    }
    let known: Set<String> = ["loss", "accuracy", "gradNorm", "lr", "heldOut", "maxRms"]
    if let unknown = t.keys.sorted().first(where: { !known.contains($0) }) {
        throw CheckpointError("checkpoint has an unknown history tensor 'history.\(unknown)'")
    }
    let loss = try series("loss"), accuracy = try series("accuracy"), gradNorm = try series("gradNorm"), lr = try series("lr")
    let held = try series("heldOut")
    let maxRms = t["maxRms"]
    guard accuracy.count == loss.count, gradNorm.count == loss.count, lr.count == loss.count,
          (maxRms?.count ?? 0) <= loss.count, loss.count <= checkpointHistoryLimit else {
        throw CheckpointError("checkpoint history series have different lengths or more than \(checkpointHistoryLimit) steps")
    }
    guard held.count <= checkpointHistoryLimit else {
        throw CheckpointError("checkpoint tensor 'history.heldOut' has \(held.count) evaluations; a checkpoint keeps at most \(checkpointHistoryLimit)")
    }
    guard let firstText = m[CheckpointKey.historyFirstStep], let first = Int(firstText), (0...Transformer.maxStep).contains(first) else {
        throw CheckpointError("checkpoint metadata \"\(CheckpointKey.historyFirstStep)\" must be an integer in 0...\(Transformer.maxStep)")
    }
    // An empty history starts at the next step; a non-empty one at a step already trained. (A step
    // whose update was skipped repeats its step number, so the count does not bound the last step.)
    guard first <= (loss.isEmpty ? step + 1 : step) else {
        throw CheckpointError("checkpoint metadata \"\(CheckpointKey.historyFirstStep)\" (\(first)) is after the checkpoint's step \(step)")
    }
    let stepsText = m[CheckpointKey.heldOutSteps] ?? ""
    let steps = stepsText.isEmpty ? [] : stepsText.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
    guard steps.count == held.count, steps.allSatisfy({ $0 != nil && (0...Transformer.maxStep).contains($0!) }) else {
        throw CheckpointError("checkpoint metadata \"\(CheckpointKey.heldOutSteps)\" must list one step in 0...\(Transformer.maxStep) per held-out accuracy")
    }
    let heldSteps = steps.map { $0! }
    if let i = heldSteps.indices.dropFirst().first(where: { heldSteps[$0] <= heldSteps[$0 - 1] }) {
        throw CheckpointError("checkpoint metadata \"\(CheckpointKey.heldOutSteps)\" must increase (\(heldSteps[i - 1]) then \(heldSteps[i]))")
    }
    if let late = heldSteps.last, late > step {
        throw CheckpointError("checkpoint metadata \"\(CheckpointKey.heldOutSteps)\" lists step \(late), after the checkpoint's step \(step)")
    }
    return CheckpointHistory(firstStep: first, loss: loss, accuracy: accuracy, gradNorm: gradNorm, lr: lr, maxRms: maxRms,
                             heldOut: zip(heldSteps, held).map { .init(step: $0, accuracy: $1) })
}

/// The flat moments of `ck` for `layout` (the model's own layout after loading the weights).
public func flatMoments(_ ck: Checkpoint, layout: [TensorView], count: Int) throws(CheckpointError) -> CheckpointOptimizer? {
    guard let moments = ck.moments else { return nil }
    var m = [Float](repeating: 0, count: count), v = [Float](repeating: 0, count: count)
    for view in layout {
        guard let a = moments.m[view.name], let b = moments.v[view.name], a.data.count == view.count, b.data.count == view.count,
              view.offset >= 0, view.offset + view.count <= count else {
            throw CheckpointError("checkpoint moments do not match tensor '\(view.name)'")
        }
        m.replaceSubrange(view.offset..<(view.offset + view.count), with: a.data)
        v.replaceSubrange(view.offset..<(view.offset + view.count), with: b.data)
    }
    return CheckpointOptimizer(m: m, v: v, optimizerStep: moments.optimizerStep, rewarmup: moments.rewarmup)
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
