// Splitting a loop over the machine's cores. Every caller partitions work so that each output
// element is computed by exactly one worker in a fixed order: the numbers do not depend on the
// number of cores or on scheduling (the same seed gives the same bits).
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Cores to use: PDET_THREADS when set (1 = serial), else the online processor count (at most 8).
/// `pdet-tui bench` changes it between measurements (KernelBench.setThreads); results never depend on it.
nonisolated(unsafe) var workerCount: Int = {
    if let env = getenv("PDET_THREADS"), let n = Int(String(cString: env)), n >= 1 { return min(n, 64) }
    return max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
}()

/// Multiply-adds below which a chunk of work runs on the calling thread: handing ~0.1 ms of work
/// to another core costs more than it saves, and far more when the cores are shared (a one-sequence
/// forward's matrices are all below it; batch 32 is far above).
let inlineWork = 1 << 20

/// The smallest chunk of a loop whose items cost `workPerItem` multiply-adds each.
@inline(__always)
func minChunk(workPerItem: Int) -> Int {
    max(1, inlineWork / max(1, workPerItem))
}

/// Calls body(lo, hi) on disjoint ranges covering 0..<n, in parallel when there is enough work.
@inline(__always)
func parallelFor(_ n: Int, minChunk: Int, _ body: (Int, Int) -> Void) {
    let chunks = min(workerCount, n / max(1, minChunk))
    if chunks <= 1 {
        if n > 0 { body(0, n) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = n * c / chunks
            let hi = n * (c + 1) / chunks
            box.value(lo, hi)
        }
    }
}

/// Carries a closure that only touches disjoint memory into concurrentPerform's workers.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Elements below which element-wise work (copies, residual adds, LayerNorm rows × C) stays on the
/// calling thread: a hand-off costs about as much as streaming this many floats.
let inlineElements = 1 << 15

/// Calls body(lo, hi) on disjoint ranges covering 0..<n for element-wise work (each element's
/// result does not depend on the split), in parallel when n is large enough.
@inline(__always)
func parallelElements(_ n: Int, _ body: (Int, Int) -> Void) {
    parallelFor(n, minChunk: inlineElements, body)
}
