// `pdet-tui bench`: the speed figures docs/performance.md records, measured the way the PyTorch
// reference (bench/torch_reference.py) measures them: the default model with diffusion after the
// embedding at scales 1,2,4; median milliseconds over repeated runs after a warm-up.
import ArgumentParser
import Foundation
import PDETBert
import PDETCore
import PDETExplorer
import PDETTasks

struct BenchResult: Codable {
    var name: String
    var medianMs: Double
    var iterations: Int
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure ms per training step (batch 32) and per one-sequence forward."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false
    @Option(help: "Timed iterations per measurement.")
    var iterations: Int = 20
    @Option(help: "Untimed warm-up iterations per measurement.")
    var warmup: Int = 3
    @Option(help: "Also time a 12-token sentence through this MiniLM folder (scripts/fetch-minilm.sh).")
    var minilm: String?
    @Flag(help: "Also time the explorer: frame compose/export at 200x60, key press to new frame.")
    var explorer = false
    @Flag(help: "Also time one channel's diffusion stability figure (eigenvalues of the T×T step, T = 64, 128, 256).")
    var stability = false

    func validate() throws {
        guard iterations >= 1 && iterations <= 100_000 else { throw ValidationError("--iterations must be in 1...100000") }
        guard warmup >= 0 && warmup <= 10_000 else { throw ValidationError("--warmup must be in 0...10000 (got \(warmup))") }
    }

    static func benchConfig() -> ModelConfig {
        var c = ModelConfig()
        c.pde = .afterEmbedding
        c.pdeScales = [1, 2, 4]
        c.batch = 32
        return c
    }

    func median(_ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        for _ in 0..<iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        return times[times.count / 2]
    }

    func run() throws {
        let config = Self.benchConfig()
        let run = try TrainingRun(config: config)
        let batch = run.task.trainBatch(index: 0, batchSize: 32)
        let one = run.task.trainBatch(index: 1, batchSize: 1)
        var results: [BenchResult] = []
        results.append(BenchResult(name: "train_step_b32", medianMs: median { run.model.trainStep(batch) }, iterations: iterations))
        results.append(BenchResult(name: "forward_b32", medianMs: median { _ = run.model.loss(batch) }, iterations: iterations))
        results.append(BenchResult(name: "forward_1seq", medianMs: median { _ = run.model.loss(one) }, iterations: iterations))
        results.append(BenchResult(name: "forward_1seq_with_metrics", medianMs: median { run.model.forward(one) }, iterations: iterations))
        if let minilm {
            let text = "The quick brown fox jumps over the lazy dog near the river."
            do {
                let ms = try benchmarkForward(modelDirectory: minilm, text: text, iterations: max(iterations, 20))
                results.append(BenchResult(name: "minilm_forward_12tok", medianMs: ms, iterations: max(iterations, 20)))
            } catch { throw UserError("\(error)") }
        }
        if explorer {
            let t = try measureExplorer(config: ModelConfig(), repeats: max(5, iterations / 2))
            results.append(BenchResult(name: "explorer_compose_200x60", medianMs: t.composeMilliseconds, iterations: iterations))
            results.append(BenchResult(name: "explorer_ansi_200x60", medianMs: t.exportMilliseconds, iterations: iterations))
            results.append(BenchResult(name: "explorer_key_to_preview", medianMs: t.keyToPreviewMilliseconds, iterations: iterations))
            results.append(BenchResult(name: "explorer_key_to_frame", medianMs: t.keyToFrameMilliseconds, iterations: iterations))
        }
        if stability {
            for T in [64, 128, 256] {
                let ms = median { _ = diffusionSpectralRadius(alphas: [0.25, 0.2, 0.21], scales: [1, 2, 4], T: T) }
                results.append(BenchResult(name: "stability_radius_T\(T)", medianMs: ms, iterations: iterations))
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rssMB = Double(usage.ru_maxrss) / 1024
        if json {
            struct Report: Codable { var model: String; var results: [BenchResult]; var peakRSSMB: Double; var threads: Int }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(model: "L6 C64 NH4 F256 T64, pde after-embedding scales 1,2,4", results: results,
                                peakRSSMB: rssMB, threads: ProcessInfo.processInfo.activeProcessorCount)
            print(String(decoding: try enc.encode(report), as: UTF8.self))
        } else {
            print("pdet-tui bench: L6 C64 NH4 F256 T64, pde after-embedding scales 1,2,4 (median of \(iterations))")
            for r in results { print("  " + r.name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%9.3f ms", r.medianMs)) }
            print(String(format: "  peak RSS %.1f MB", rssMB))
        }
    }
}
