// Where a session's model comes from: a fresh one from a config, a checkpoint file, or the small
// checkpoint shipped in assets/checkpoints/default.safetensors (so the first screen already shows
// trained attention). The default checkpoint is searched like the task data: $PDET_ASSETS, the
// working directory and its parents, then the executable's directory and its parents.
import Foundation
import PDETCore
import PDETIO
import PDETTasks

public let defaultCheckpointName = "checkpoints/default.safetensors"

/// The shipped default checkpoint (PDETTasks' one asset locator), or nil when it is not installed.
public func locateDefaultCheckpoint(environment: String? = environmentValue("PDET_ASSETS"),
                                    currentDirectory: String? = currentDirectoryPath(),
                                    executable: String? = executablePath()) -> String? {
    locateAsset(defaultCheckpointName, folder: false, environment: environment, currentDirectory: currentDirectory,
                executable: executable)
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
        let run = TrainingRun(task: task, model: try loadModel(from: ck, config: wanted))
        if let h = ck.history {
            run.restore(history: h.stepMetrics, heldOut: h.heldOut.map { ($0.step, $0.accuracy) }, maxRms: h.maxRms ?? [])
        }
        if let note = resumeNote(for: ck) { run.notes.append(note) }
        return run
    } catch let error as CheckpointError {
        throw OpenError(error.message)
    } catch let error as ConfigError {
        throw OpenError("\(path): \(error.message)")
    }
}

extension CheckpointHistory {
    /// The steps as StepMetrics (per-layer gradient norms and alphas are not kept in a checkpoint).
    public var stepMetrics: [StepMetrics] {
        loss.indices.map { i in
            StepMetrics(step: firstStep + i, loss: loss[i], accuracy: accuracy[i], gradNorm: gradNorm[i], layerGradNorms: [],
                        alphas: [], nonFinite: nil, lr: lr[i])
        }
    }

    /// The history of a run (its last `checkpointHistoryLimit` steps) for `saveCheckpoint`; `maxRms`
    /// is the explorer's series when it saves.
    public init(run: TrainingRun, maxRms: [Float]? = nil) {
        let steps = run.history.suffix(checkpointHistoryLimit)
        self.init(firstStep: steps.first?.step ?? run.model.step + 1, loss: steps.map(\.loss), accuracy: steps.map(\.accuracy),
                  gradNorm: steps.map(\.gradNorm), lr: steps.map(\.lr), maxRms: maxRms,
                  heldOut: run.heldOut.suffix(checkpointHistoryLimit).map { .init(step: $0.step, accuracy: $0.accuracy) })
    }
}
