// From the shared model flags to a training run: defaults ← --config file ← --checkpoint's config
// ← the flags given. Every failure is one line (ArgumentParser prints "Error: …" and exits 1).
import ArgumentParser
import PDETCore
import PDETIO
import PDETTasks

/// An error the user caused, reported as one line.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

extension ModelOptions {
    /// The configuration these flags describe (reads --config and --checkpoint's metadata).
    func resolvedConfig() throws -> (config: ModelConfig, checkpoint: Checkpoint?) {
        var base = ModelConfig()
        if let configFile {
            do { base = try loadConfigFile(path: configFile, base: base) } catch { throw UserError("\(error)") }
        }
        var ck: Checkpoint?
        if let checkpoint {
            do { ck = try loadCheckpoint(path: checkpoint) } catch { throw UserError("\(error)") }
            base = ck!.config
        }
        var config = base
        apply(to: &config)
        let problems = config.problems()
        guard problems.isEmpty else { throw UserError(problems.joined(separator: "; ")) }
        return (config, ck)
    }

    /// A training run: a new model, or the checkpoint's weights with the flags' toggles applied.
    func makeRun() throws -> TrainingRun {
        let (config, ck) = try resolvedConfig()
        do {
            guard let ck else { return try TrainingRun(config: config) }
            let task = try makeTask(config.task, seqLen: config.seqLen, seed: config.seed, dataDirectory: nil)
            guard task.vocabSize == ck.vocabSize, task.outputs == ck.outputs, task.head == ck.head else {
                throw UserError("checkpoint \(checkpoint ?? "") does not fit task \(config.task.rawValue): vocabulary \(ck.vocabSize)/\(task.vocabSize), outputs \(ck.outputs)/\(task.outputs)")
            }
            return TrainingRun(task: task, model: try loadModel(from: ck, config: config))
        } catch let e as UserError {
            throw e
        } catch {
            throw UserError("\(error)")
        }
    }
}
