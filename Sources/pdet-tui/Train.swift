// `pdet-tui train`: trains a model for N steps, optionally saving a checkpoint and per-step metrics.
import ArgumentParser
import Foundation
import PDETCore
import PDETExplorer
import PDETIO
import PDETTasks

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model headless; print held-out accuracy; save a checkpoint and metrics."
    )

    @OptionGroup(title: "Model")
    var model: ModelOptions
    @Option(help: "Training steps (each one batch of --batch sequences).")
    var steps: Int = 500
    @Option(help: "Write the trained model here (safetensors): weights, config, AdamW state and history, so --checkpoint resumes it exactly.")
    var save: String?
    @Flag(name: .customLong("weights-only"), help: "With --save: leave out the optimizer state and history (smaller, for sharing; resuming it starts fresh moments with a short warm-up).")
    var weightsOnly = false
    @Option(help: "Write one JSON object of step metrics per line here (docs/metrics-schema.md).")
    var metrics: String?
    @Option(name: .customLong("eval-every"), help: "Also measure held-out accuracy every N steps (0 = only at the end).")
    var evalEvery: Int = 0
    @Option(name: .customLong("eval-size"), help: "Held-out examples per evaluation (at most the task's test split).")
    var evalSize: Int = 512

    func validate() throws {
        guard steps >= 0 && steps <= 10_000_000 else { throw ValidationError("--steps must be in 0...10000000 (got \(steps))") }
        guard evalEvery >= 0 else { throw ValidationError("--eval-every must be ≥ 0 (got \(evalEvery))") }
        guard evalSize >= 1 else { throw ValidationError("--eval-size must be ≥ 1 (got \(evalSize))") }
        if weightsOnly && save == nil { throw ValidationError("--weights-only applies to --save; give --save FILE") }
    }

    func run() throws {
        // Check every output before training so a bad path fails at once, not after an hour.
        try checkOutputs([("--metrics", metrics), ("--save", save)])
        let run = try model.makeRun()
        for note in run.notes { printErr("note: " + note) }
        if run.model.step > Transformer.maxStep - steps {
            throw UserError("the checkpoint is at step \(run.model.step): \(steps) more would pass the limit of \(Transformer.maxStep) steps")
        }
        var writer: JSONLinesWriter?
        if let metrics {
            do { writer = try JSONLinesWriter(path: metrics) } catch { throw UserError("\(error)") }
        }
        let progress = isatty(STDERR_FILENO) != 0
        let start = DispatchTime.now().uptimeNanoseconds
        var last: StepMetrics?
        var diverged: NonFinite?
        for i in 1...max(steps, 1) where steps > 0 {
            let m = run.step()
            last = m
            if let writer { do { try writer.append(m) } catch { throw UserError("\(error)") } }
            if let nf = m.nonFinite {
                // A non-finite loss or gradient: the update was skipped and would be skipped again on
                // every retry of the same batch. Stop and say where.
                diverged = nf
                break
            }
            // On the absolute step, so a resumed run evaluates (and records) where a straight one does.
            if evalEvery > 0 && m.step % evalEvery == 0 {
                let acc = run.evaluate(limit: evalSize)
                if i < steps { printErr("step \(m.step): held-out accuracy \(format(acc))") }
            }
            if progress && (i % 5 == 0 || i == steps) {
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let eta = elapsed / Double(i) * Double(steps - i)
                let line = "step \(i)/\(steps)  loss \(format(m.loss))  acc \(format(m.accuracy))  \(format(Float(elapsed * 1000 / Double(i)))) ms/step  ETA \(clock(eta))"
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            }
        }
        if progress && steps > 0 { printErr("") }
        writer?.close()
        if let nf = diverged {
            let place = nf.layer < 0 ? "the embedding" : (nf.layer >= run.config.layers ? "the head" : "layer \(nf.layer + 1)")
            throw UserError("training diverged at step \(run.model.step + 1): a non-finite value in \(place) (\(nf.tensor)); the update was skipped; "
                + "\(run.model.step) updates were applied; nothing was saved")
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // The report's own evaluation is recorded only where --eval-every would have recorded it.
        let evaluatedNow = steps > 0 && evalEvery > 0 && run.model.step % evalEvery == 0
        let heldOut = evaluatedNow ? run.lastHeldOut!.accuracy : run.evaluate(limit: evalSize, record: false)
        let c = run.config
        print("task \(c.task.rawValue)  steps \(run.model.step)  seed \(c.seed)")
        if let last { print("final training loss \(format(last.loss))  training accuracy \(format(last.accuracy))") }
        print("held-out accuracy \(format(heldOut)) (\(min(evalSize, run.task.testSize)) examples)")
        if steps > 0 { print("time \(format(Float(elapsed))) s (\(format(Float(elapsed * 1000 / Double(steps)))) ms/step)") }
        if let save {
            let history = weightsOnly ? nil : CheckpointHistory(run: run)
            do { try saveCheckpoint(path: save, model: run.model, history: history, weightsOnly: weightsOnly) } catch {
                throw UserError("\(error)")
            }
            print("checkpoint saved: \(save)" + (weightsOnly ? " (weights only)" : ""))
        }
    }
}

func printErr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

func format(_ v: Float) -> String {
    guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "Inf" : "-Inf") }
    return String(format: abs(v) >= 100 ? "%.1f" : "%.4f", v)
}

func clock(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(seconds.rounded())
    return String(format: "%d:%02d", s / 60, s % 60)
}
