// `pdet-tui train`: trains a model for N steps, optionally saving a checkpoint and per-step metrics.
import ArgumentParser
import Foundation
import PDETCore
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
    @Option(help: "Write the trained weights and config here (safetensors).")
    var save: String?
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
    }

    func run() throws {
        let run = try model.makeRun()
        // Open the outputs before training so a bad path fails at once, not after an hour.
        var writer: JSONLinesWriter?
        if let metrics {
            do { writer = try JSONLinesWriter(path: metrics) } catch { throw UserError("\(error)") }
        }
        if let save { try checkWritableFolder(save) }
        let progress = isatty(STDERR_FILENO) != 0
        let start = DispatchTime.now().uptimeNanoseconds
        var last: StepMetrics?
        for i in 1...max(steps, 1) where steps > 0 {
            let m = run.step()
            last = m
            if let writer { do { try writer.append(m) } catch { throw UserError("\(error)") } }
            if evalEvery > 0 && i % evalEvery == 0 && i < steps {
                let acc = run.evaluate(limit: evalSize)
                printErr("step \(m.step): held-out accuracy \(format(acc))")
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
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let heldOut = run.evaluate(limit: evalSize)
        let c = run.config
        print("task \(c.task.rawValue)  steps \(run.model.step)  seed \(c.seed)")
        if let last { print("final training loss \(format(last.loss))  training accuracy \(format(last.accuracy))") }
        print("held-out accuracy \(format(heldOut)) (\(min(evalSize, run.task.testSize)) examples)")
        if steps > 0 { print("time \(format(Float(elapsed))) s (\(format(Float(elapsed * 1000 / Double(steps)))) ms/step)") }
        if let save {
            do { try saveCheckpoint(path: save, model: run.model) } catch { throw UserError("\(error)") }
            print("checkpoint saved: \(save)")
        }
    }
}

/// Fails with one line when the folder that would hold `path` does not exist.
func checkWritableFolder(_ path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    var isDir: ObjCBool = false
    if !folder.isEmpty && !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) && isDir.boolValue) {
        throw UserError("cannot write \(path): folder \(folder) does not exist")
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
