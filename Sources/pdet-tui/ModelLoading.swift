// From the shared model flags to a training run: defaults ← --config file ← --checkpoint's config
// ← the flags given. Every failure is one line (ArgumentParser prints "Error: …" and exits 1).
import ArgumentParser
import PDETCore
import PDETIO
import PDETExplorer
import PDETTasks

/// An error the user caused, reported as one line.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

extension ModelOptions {
    /// `base` with a --config file and then the flags laid over it; every problem in one line.
    /// The order is defaults (or a checkpoint's config) ← --config ← flags.
    func overlay(_ base: ModelConfig) throws -> ModelConfig {
        var config = base
        if let configFile {
            do { config = try loadConfigFile(path: configFile, base: config) } catch { throw UserError("\(error)") }
        }
        apply(to: &config)
        let problems = config.problems()
        guard problems.isEmpty else { throw UserError(problems.joined(separator: "; ")) }
        return config
    }

    /// A training run: a new model, or the checkpoint's weights with the flags' toggles applied.
    func makeRun() throws -> TrainingRun {
        do {
            if let checkpoint { return try openCheckpointRun(path: checkpoint) { try overlay($0) } }
            return try TrainingRun(config: overlay(ModelConfig()))
        } catch let e as UserError {
            throw e
        } catch {
            throw UserError("\(error)")
        }
    }
}
