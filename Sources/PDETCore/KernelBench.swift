// Measurements for `pdet-tui bench`: this host's fused multiply-add peak (a pure-FMA loop in the
// same vector type as the GEMM tiles), the FLOPs of the model's GEMMs, and timed GEMMs at the
// default model's shapes. Benchmarks only: nothing here is used by training.
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

public enum KernelBench {
    /// One measurement: the median wall-clock milliseconds of the timed iterations, and the
    /// process's CPU milliseconds per iteration (all threads; on a shared machine the wall clock
    /// includes time other processes held the cores, the CPU time does not).
    public struct Timing: Sendable {
        public var medianMs: Double
        public var cpuMs: Double
    }

    /// CPU seconds this process has used (every thread).
    public static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Runs `body` `warmup` times untimed, then `iterations` times timed.
    public static func measure(iterations: Int, warmup: Int, _ body: () -> Void) -> Timing {
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        let cpu0 = processCPUSeconds()
        for _ in 0..<max(1, iterations) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        let cpu = (processCPUSeconds() - cpu0) * 1000 / Double(max(1, iterations))
        times.sort()
        return Timing(medianMs: times[times.count / 2], cpuMs: cpu)
    }

    /// The vector path this build was compiled for (Package.swift).
    public static var vectorPath: String {
        #if PDET_AVX512
        return "avx512 (SIMD16, FMA)"
        #elseif PDET_FMA
        return "avx2 (SIMD8, FMA)"
        #else
        return "portable (SIMD8)"
        #endif
    }

    /// Threads the kernels split work over (PDET_THREADS, else the cores, at most 8).
    public static var threads: Int { workerCount }

    /// Sets the threads the kernels use from now on (1 = serial). Results do not depend on it.
    public static func setThreads(_ n: Int) { workerCount = max(1, min(64, n)) }

    /// GFLOP/s of `threads` cores each running a loop of independent fused multiply-adds in the
    /// GEMM's vector type (12 chains, enough to hide the FMA latency): the best of `trials`.
    public static func peakGFLOPs(threads: Int, trials: Int = 15) -> Double {
        let iterations = 500_000
        let flops = Double(iterations) * 12 * Double(VecF.scalarCount) * 2 * Double(threads)
        var best = 0.0
        let sink = UncheckedBox(FloatPtr.allocate(capacity: 64))
        defer { sink.value.deallocate() }
        for _ in 0..<trials {
            let t0 = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: threads) { i in
                sink.value[i % 64] = fmaPeakLoop(iterations, Float(i + 1) * 1e-3)
            }
            let s = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = max(best, flops / s / 1e9)
        }
        return best
    }

    /// A linear layer's shape: out (rows, OC) = inp (rows, IC) · Wᵀ.
    public struct LinearShape: Sendable {
        public var name: String
        public var rows: Int, IC: Int, OC: Int
        /// Multiply-adds × 2 of the forward GEMM (the backward does two of these).
        public var forwardFLOPs: Double { 2 * Double(rows) * Double(IC) * Double(OC) }
    }

    /// The distinct linear shapes of a model with batch B (each appears once per block, the head once).
    public static func linearShapes(config c: ModelConfig, outputs K: Int, B: Int) -> [LinearShape] {
        let BT = B * c.seqLen
        return [
            LinearShape(name: "qkv", rows: BT, IC: c.dModel, OC: 3 * c.dModel),
            LinearShape(name: "proj", rows: BT, IC: c.dModel, OC: c.dModel),
            LinearShape(name: "fc1", rows: BT, IC: c.dModel, OC: c.dFF),
            LinearShape(name: "fc2", rows: BT, IC: c.dFF, OC: c.dModel),
            LinearShape(name: "head", rows: BT, IC: c.dModel, OC: K),
        ]
    }

    /// GEMM FLOPs of one forward pass (linear layers and attention's two products per head).
    public static func forwardFLOPs(config c: ModelConfig, outputs K: Int, B: Int, perTokenHead: Bool) -> Double {
        let shapes = linearShapes(config: c, outputs: K, B: B)
        let block = shapes.filter { $0.name != "head" }.reduce(0) { $0 + $1.forwardFLOPs }
        let T = Double(c.seqLen)
        let attention = 4 * Double(B) * T * T * Double(c.dModel)
        let head = perTokenHead ? shapes.last!.forwardFLOPs : 2 * Double(B * c.dModel * K)
        return Double(c.layers) * (block + attention) + head
    }

    /// GEMM FLOPs of one training step: the forward, then the backward's two products per linear
    /// layer (input and weight gradients) and four per attention head: three times the forward.
    public static func trainStepFLOPs(config c: ModelConfig, outputs K: Int, B: Int, perTokenHead: Bool) -> Double {
        3 * forwardFLOPs(config: c, outputs: K, B: B, perTokenHead: perTokenHead)
    }

    /// Median milliseconds of the forward GEMM (packed weight, bias in the epilogue) and of the
    /// backward (input gradient, weight gradient with K = rows, bias gradient) at `shape`.
    public static func timeLinear(_ shape: LinearShape, iterations: Int, warmup: Int = 2) -> (forward: Timing, backward: Timing) {
        let N = shape.rows, IC = shape.IC, OC = shape.OC
        let inp = randomBuffer(N * IC, seed: 1), w = randomBuffer(OC * IC, seed: 2), bias = randomBuffer(OC, seed: 3)
        let out = randomBuffer(N * OC, seed: 4), dout = randomBuffer(N * OC, seed: 5)
        let dinp = randomBuffer(N * IC, seed: 6), dw = randomBuffer(OC * IC, seed: 7), db = randomBuffer(OC, seed: 8)
        let packed = FloatPtr.allocate(capacity: packedCount(K: IC, N: OC))
        defer {
            for p in [inp, w, bias, out, dout, dinp, dw, db, packed] { p.deallocate() }
        }
        packWeightForForward(packed, w, IC: IC, OC: OC)
        let fwd = measure(iterations: iterations, warmup: warmup) {
            matmulForwardPacked(out, inp, packed, bias, N, IC, OC)
        }
        let bwd = measure(iterations: iterations, warmup: warmup) {
            matmulBackward(dinp, dw, db, dout, inp, w, N, IC, OC)
        }
        return (fwd, bwd)
    }

    /// Median milliseconds of attention forward and backward (B, T, C, NH) on random Q, K, V.
    /// GEMM FLOPs: forward 4·B·T²·C (Q·Kᵀ and P·V), backward twice that.
    public static func timeAttention(B: Int, T: Int, C: Int, NH: Int, iterations: Int, warmup: Int = 2) -> (forward: Timing, backward: Timing) {
        let qkv = randomBuffer(B * T * 3 * C, seed: 11), out = randomBuffer(B * T * C, seed: 12)
        let att = randomBuffer(B * NH * T * T, seed: 13), dout = randomBuffer(B * T * C, seed: 14)
        let dqkv = randomBuffer(B * T * 3 * C, seed: 15)
        defer { for p in [qkv, out, att, dout, dqkv] { p.deallocate() } }
        let fwd = measure(iterations: iterations, warmup: warmup) {
            attentionForward(out, att, qkv, B, T, C, NH, causal: false)
        }
        let bwd = measure(iterations: iterations, warmup: warmup) {
            attentionBackward(dqkv, dout, qkv, att, B, T, C, NH, causal: false, accumulate: false)
        }
        return (fwd, bwd)
    }

    static func randomBuffer(_ n: Int, seed: UInt64) -> FloatPtr {
        let p = FloatPtr.allocate(capacity: max(1, n))
        var rng = SplitMix64(seed: seed)
        for i in 0..<n { p[i] = rng.nextGaussian() * 0.1 }
        return p
    }
}

/// `iterations` rounds of 12 independent fused multiply-add chains in the GEMM's vector type.
@inline(never)
func fmaPeakLoop(_ iterations: Int, _ x: Float) -> Float {
    var a0 = VecF(repeating: x), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
    var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
    let m = VecF(repeating: 0.999_999), p = VecF(repeating: 1e-7)
    for _ in 0..<iterations {
        fmaV(&a0, m, p); fmaV(&a1, m, p); fmaV(&a2, m, p); fmaV(&a3, m, p)
        fmaV(&a4, m, p); fmaV(&a5, m, p); fmaV(&a6, m, p); fmaV(&a7, m, p)
        fmaV(&a8, m, p); fmaV(&a9, m, p); fmaV(&a10, m, p); fmaV(&a11, m, p)
    }
    let s = (a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7) + (a8 + a9 + a10 + a11)
    return s.sum()
}
