// Where a session's model comes from: a fresh one from a config, a checkpoint file, or the small
// checkpoint shipped in assets/checkpoints/default.safetensors (so the first screen already shows
// trained attention). The default checkpoint is searched like the task data: $PDET_ASSETS, the
// working directory and its parents, then the executable's directory and its parents.
import Foundation
import PDETCore
import PDETIO
import PDETTasks

public let defaultCheckpointName = "checkpoints/default.safetensors"

/// The shipped default checkpoint, or nil when it is not installed.
public func locateDefaultCheckpoint(environment: String? = ProcessInfo.processInfo.environment["PDET_ASSETS"],
                                    currentDirectory: String? = FileManager.default.currentDirectoryPath,
                                    executable: String? = executablePath()) -> String? {
    var candidates: [String] = []
    if let assets = environment, !assets.isEmpty { candidates.append(assets + "/" + defaultCheckpointName) }
    if let cwd = currentDirectory {
        candidates += parents(of: cwd).map { $0 + "/assets/" + defaultCheckpointName }
    }
    if let exe = executable {
        for dir in parents(of: (exe as NSString).deletingLastPathComponent) {
            candidates += [dir + "/assets/" + defaultCheckpointName, dir + "/share/pdet-tui/assets/" + defaultCheckpointName]
        }
    }
    return candidates.first { path in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

/// `path` and each parent up to "/", nearest first.
private func parents(of path: String) -> [String] {
    var out: [String] = []
    var current = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    while !current.isEmpty {
        out.append(current == "" ? "/" : current)
        let parent = (current as NSString).deletingLastPathComponent
        if parent == current || parent.isEmpty { break }
        current = parent
    }
    return out
}

public struct OpenError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A run with the checkpoint's weights and step. `adjust` changes the checkpoint's config (the
/// command-line toggles, a --config file); a change of shape is refused with a message naming the
/// flag and the checkpoint's value (PDETIO's `loadModel`, which checks every tensor first).
public func openCheckpointRun(path: String, adjust: (ModelConfig) throws -> ModelConfig = { $0 }) throws -> TrainingRun {
    let ck: Checkpoint
    do { ck = try loadCheckpoint(path: path) } catch { throw OpenError(error.message) }
    let wanted = try adjust(ck.config)
    let task: any TaskDataset
    do {
        task = try makeTask(wanted.task, seqLen: wanted.seqLen, seed: wanted.seed, dataDirectory: nil)
    } catch { throw OpenError("\(path): \(error.description)") }
    guard task.vocabSize == ck.vocabSize, task.outputs == ck.outputs, task.head == ck.head else {
        throw OpenError("\(path): the checkpoint's vocabulary/outputs (\(ck.vocabSize)/\(ck.outputs)) do not match task \(wanted.task.rawValue) (\(task.vocabSize)/\(task.outputs))")
    }
    do {
        return TrainingRun(task: task, model: try loadModel(from: ck, config: wanted))
    } catch let error as CheckpointError {
        throw OpenError(error.message)
    } catch let error as ConfigError {
        throw OpenError("\(path): \(error.message)")
    }
}
