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
    /// Threads the kernels used for this figure.
    var threads: Int = 1
    /// GEMM FLOPs of the measured work (nil where not counted, e.g. the explorer).
    var gflop: Double?
    /// Achieved GFLOP/s and its fraction of the measured peak at the same thread count.
    var gflops: Double?
    var peakFraction: Double?
    /// CPU milliseconds per iteration (all threads), and GFLOP/s per CPU-second: what the work
    /// itself runs at when other processes share the cores (wall clock then overstates the time).
    var cpuMs: Double?
    var gflopsPerCPUSecond: Double?
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
    @Option(help: "Thread counts to measure, comma-separated (default: 1 and this machine's count).")
    var threads: String?
    @Flag(help: "Skip the per-shape GEMM figures.")
    var noGemm = false
    @Option(help: "Only the model measurements named here, comma-separated (train_step_b32, forward_b32, forward_1seq, forward_1seq_with_metrics): for a profiler. Implies --no-gemm.")
    var only: String?

    static let modelMeasurements = ["train_step_b32", "forward_b32", "forward_1seq", "forward_1seq_with_metrics"]

    func validate() throws {
        guard iterations >= 1 && iterations <= 100_000 else { throw ValidationError("--iterations must be in 1...100000") }
        guard warmup >= 0 && warmup <= 10_000 else { throw ValidationError("--warmup must be in 0...10000 (got \(warmup))") }
        if let threads {
            guard let list = Self.threadList(threads), !list.isEmpty else {
                throw ValidationError("--threads takes thread counts 1...64, e.g. 1,2")
            }
            _ = list
        }
        if let only {
            for name in only.split(separator: ",") where !Self.modelMeasurements.contains(String(name)) {
                throw ValidationError("--only takes \(Self.modelMeasurements.joined(separator: ", ")); got '\(name)'")
            }
        }
    }

    static func threadList(_ s: String) -> [Int]? {
        var out: [Int] = []
        for part in s.split(separator: ",") {
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 1, n <= 64 else { return nil }
            if !out.contains(n) { out.append(n) }
        }
        return out
    }

    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func benchConfig() -> ModelConfig {
        var c = ModelConfig()
        c.pde = .afterEmbedding
        c.pdeScales = [1, 2, 4]
        c.batch = 32
        return c
    }

    func median(_ body: () -> Void) -> KernelBench.Timing {
        KernelBench.measure(iterations: iterations, warmup: warmup, body)
    }

    func run() throws {
        let load = Self.loadAverage()
        let config = Self.benchConfig()
        let run = try TrainingRun(config: config)
        let batch = run.task.trainBatch(index: 0, batchSize: 32)
        let one = run.task.trainBatch(index: 1, batchSize: 1)
        let K = run.model.outputs, perToken = run.model.head == .perToken
        let stepGF = KernelBench.trainStepFLOPs(config: config, outputs: K, B: 32, perTokenHead: perToken) / 1e9
        let fwd32GF = KernelBench.forwardFLOPs(config: config, outputs: K, B: 32, perTokenHead: perToken) / 1e9
        let fwd1GF = KernelBench.forwardFLOPs(config: config, outputs: K, B: 1, perTokenHead: perToken) / 1e9
        let machine = KernelBench.threads
        let threadCounts = threads.flatMap(Self.threadList) ?? (machine > 1 ? [1, machine] : [1])
        var results: [BenchResult] = []
        var peaks: [String: Double] = [:]
        for t in threadCounts {
            KernelBench.setThreads(t)
            let peak = KernelBench.peakGFLOPs(threads: t)
            peaks[String(t)] = peak
            // The machine's own thread count keeps the plain names (bench/run.sh compares those with
            // PyTorch on as many threads); other counts get an @Nt suffix.
            let suffix = t == threadCounts.last ? "" : "@\(t)t"
            let wanted = only.map { Set($0.split(separator: ",").map(String.init)) }
            func model(_ name: String, _ body: () -> Void, gflop: Double) {
                if wanted?.contains(name) ?? true { add(name, median(body), gflop: gflop) }
            }
            func add(_ name: String, _ timing: KernelBench.Timing, gflop: Double?, iterations n: Int = iterations) {
                let ms = timing.medianMs
                var r = BenchResult(name: name + suffix, medianMs: ms, iterations: n, threads: t, gflop: gflop, cpuMs: timing.cpuMs)
                if let gflop {
                    r.gflops = gflop / (ms / 1000)
                    r.peakFraction = r.gflops! / peak
                    r.gflopsPerCPUSecond = gflop / (timing.cpuMs / 1000)
                }
                results.append(r)
            }
            model("train_step_b32", { run.model.trainStep(batch) }, gflop: stepGF)
            model("forward_b32", { _ = run.model.loss(batch) }, gflop: fwd32GF)
            model("forward_1seq", { _ = run.model.loss(one) }, gflop: fwd1GF)
            model("forward_1seq_with_metrics", { run.model.forward(one) }, gflop: fwd1GF)
            if !noGemm && only == nil {
                for shape in KernelBench.linearShapes(config: config, outputs: K, B: 32) {
                    let (f, b) = KernelBench.timeLinear(shape, iterations: max(iterations, 10), warmup: warmup)
                    let dims = "\(shape.rows)x\(shape.IC)x\(shape.OC)"
                    add("gemm_fwd_\(shape.name)_\(dims)", f, gflop: shape.forwardFLOPs / 1e9, iterations: max(iterations, 10))
                    add("gemm_bwd_\(shape.name)_\(dims)", b, gflop: 2 * shape.forwardFLOPs / 1e9, iterations: max(iterations, 10))
                }
                let (af, ab) = KernelBench.timeAttention(B: 32, T: config.seqLen, C: config.dModel, NH: config.heads,
                                                         iterations: max(iterations, 10), warmup: warmup)
                let attGF = 4 * 32 * Double(config.seqLen * config.seqLen * config.dModel) / 1e9
                add("attention_fwd_b32", af, gflop: attGF, iterations: max(iterations, 10))
                add("attention_bwd_b32", ab, gflop: 2 * attGF, iterations: max(iterations, 10))
            }
        }
        if let minilm {
            let text = "The quick brown fox jumps over the lazy dog near the river."
            do {
                let ms = try benchmarkForward(modelDirectory: minilm, text: text, iterations: max(iterations, 20))
                results.append(BenchResult(name: "minilm_forward_12tok", medianMs: ms, iterations: max(iterations, 20), threads: KernelBench.threads))
            } catch { throw UserError("\(error)") }
        }
        if explorer {
            let t = try measureExplorer(config: ModelConfig(), repeats: max(5, iterations / 2))
            let n = KernelBench.threads
            results.append(BenchResult(name: "explorer_compose_200x60", medianMs: t.composeMilliseconds, iterations: iterations, threads: n))
            results.append(BenchResult(name: "explorer_ansi_200x60", medianMs: t.exportMilliseconds, iterations: iterations, threads: n))
            results.append(BenchResult(name: "explorer_key_to_preview", medianMs: t.keyToPreviewMilliseconds, iterations: iterations, threads: n))
            results.append(BenchResult(name: "explorer_key_to_frame", medianMs: t.keyToFrameMilliseconds, iterations: iterations, threads: n))
        }
        if stability {
            for T in [64, 128, 256] {
                let ms = median { _ = diffusionSpectralRadius(alphas: [0.25, 0.2, 0.21], scales: [1, 2, 4], T: T) }.medianMs
                results.append(BenchResult(name: "stability_radius_T\(T)", medianMs: ms, iterations: iterations, threads: KernelBench.threads))
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rssMB = Double(usage.ru_maxrss) / 1024
        let model = "L6 C64 NH4 F256 T64, pde after-embedding scales 1,2,4"
        if json {
            struct Report: Codable {
                var model: String; var results: [BenchResult]; var peakRSSMB: Double; var threads: Int
                var vectorPath: String; var loadAverageAtStart: String; var peakGFLOPs: [String: Double]
            }
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            let report = Report(model: model, results: results, peakRSSMB: rssMB, threads: threadCounts.last ?? 1,
                                vectorPath: KernelBench.vectorPath, loadAverageAtStart: load, peakGFLOPs: peaks)
            print(String(decoding: try enc.encode(report), as: UTF8.self))
        } else {
            print("pdet-tui bench: \(model) (median of \(iterations))")
            print("vector path \(KernelBench.vectorPath); load average at start \(load)")
            for t in threadCounts {
                print(String(format: "peak (pure-FMA loop) on %d thread%@: %.1f GFLOP/s", t, t == 1 ? "" : "s", peaks[String(t)] ?? 0))
            }
            print("  " + "measurement".padding(toLength: 44, withPad: " ", startingAt: 0)
                  + "threads   wall ms   GFLOP/s  of peak    CPU ms  GFLOP/CPU-s")
            for r in results {
                var line = "  " + r.name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%7d %9.3f", r.threads, r.medianMs)
                if let g = r.gflops, let f = r.peakFraction { line += String(format: " %9.1f %7.1f%%", g, f * 100) }
                else if r.cpuMs != nil { line += String(repeating: " ", count: 18) }
                if let c = r.cpuMs { line += String(format: " %9.3f", c) }
                if let g = r.gflopsPerCPUSecond { line += String(format: " %11.1f", g) }
                print(line)
            }
            print("  (GFLOP counts the GEMMs only; of peak = wall-clock GFLOP/s over the pure-FMA peak on as many threads)")
            print(String(format: "  peak RSS %.1f MB", rssMB))
        }
    }
}
