// Splitting a loop over the machine's cores. Every caller partitions work so that each output
// element is computed by exactly one worker in a fixed order: the numbers do not depend on the
// number of cores or on scheduling (the same seed gives the same bits).
import Dispatch
import Synchronization
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
func parallelFor(_ n: Int, minChunk: Int, _ body: @escaping (Int, Int) -> Void) {
    let chunks = min(workerCount, n / max(1, minChunk))
    if chunks <= 1 {
        if n > 0 { body(0, n) }
        return
    }
    // body escapes into the pool's job (a worker may drop its reference to a finished job a
    // moment after the loop returns; withoutActuallyEscaping would call that an escape).
    let run: (Int) -> Void = { c in body(n * c / chunks, n * (c + 1) / chunks) }
    if !WorkerPool.shared.run(chunks: chunks, run) {
        // The pool is busy (another thread's loop, or a loop inside a pool worker): serially.
        for c in 0..<chunks { run(c) }
    }
}

/// The threads that run parallelFor's chunks. With DispatchQueue.concurrentPerform a 0.45 ms GEMM
/// took 0.45 ms on two threads as on one (its worker woke too late to take a chunk, while a 10 ms
/// loop did scale); with these workers it takes 0.22 ms. They spin for a few microseconds after
/// each loop, so the next loop of the same step reaches them at once, then sleep on a condition
/// variable. Chunks are claimed through an atomic counter: which thread runs a chunk never changes
/// what the chunk computes, so the bits do not depend on it.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// One loop: chunk indices are claimed from `next`; `done` counts finished chunks.
    final class Job: @unchecked Sendable {
        let body: (Int) -> Void
        let chunks: Int
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        init(_ body: @escaping (Int) -> Void, chunks: Int) { self.body = body; self.chunks = chunks }

        /// Runs chunks until none is left.
        func work() {
            while true {
                let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if c >= chunks { return }
                body(c)
                done.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    private var job: Job?                       // guarded by mutex
    private let generation = Atomic<Int>(0)     // bumped (under the mutex) for each new job
    private let busy = Atomic<Bool>(false)
    private var threads = 0                     // guarded by mutex

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&cond, nil)
    }

    /// Runs body(0..<chunks) on the calling thread and the workers; false (nothing run) when the
    /// pool is already running a loop.
    func run(chunks: Int, _ body: @escaping (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        do {
            let job = Job(body, chunks: chunks)
            pthread_mutex_lock(&mutex)
            while threads < min(chunks, workerCount) - 1 { startThread() }
            self.job = job
            generation.wrappingAdd(1, ordering: .releasing)
            pthread_cond_broadcast(&cond)
            pthread_mutex_unlock(&mutex)
            job.work()
            var spins = 0
            while job.done.load(ordering: .acquiring) < chunks {
                spins += 1
                if spins > 4096 { sched_yield() }
            }
            pthread_mutex_lock(&mutex)
            if self.job === job { self.job = nil }
            pthread_mutex_unlock(&mutex)
            return true
        }
    }

    /// Called with the mutex held.
    private func startThread() {
        threads += 1
        var tid = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&tid, nil, { raw in
            let pool = Unmanaged<WorkerPool>.fromOpaque(raw!).takeRetainedValue()
            pool.workerLoop()
            return nil
        }, context)
        pthread_detach(tid)
    }

    private func workerLoop() {
        var seen = generation.load(ordering: .acquiring)
        while true {
            // Spin briefly (the next loop of a step usually follows within microseconds), then sleep.
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && spins < 20_000 { spins += 1 }
            pthread_mutex_lock(&mutex)
            while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(&cond, &mutex) }
            seen = generation.load(ordering: .acquiring)
            let job = self.job
            pthread_mutex_unlock(&mutex)
            job?.work()
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
func parallelElements(_ n: Int, _ body: @escaping (Int, Int) -> Void) {
    parallelFor(n, minChunk: inlineElements, body)
}
