// The experiment grid of `pdet-tui reproduce`: cells = task × variant × seed, each fully determined
// by its parameters (the seed fixes weights and data), so any shard on any machine recomputes the
// same numbers. Cell order is task-major, then variant (in `Variant.all` order), then seed.
import PDETCore

/// One way of changing the base model: the baseline, the diffusion layer at one site (single-scale
/// {1} or multi-scale {1,2,4}), or one stabiliser switched off.
public enum Variant: Hashable, Sendable {
    case baseline
    case pde(DiffusionSite, multiScale: Bool)
    case noResidual
    case noNorm

    /// Every variant of the full grid: baseline, the 7 sites × {single, multi}, then the stabiliser cells.
    public static let all: [Variant] = [.baseline]
        + DiffusionSite.allCases.filter { $0 != .off }.flatMap { [Variant.pde($0, multiScale: false), .pde($0, multiScale: true)] }
        + [.noResidual, .noNorm]

    /// The name used in CSV files and reports, e.g. "baseline", "after-embedding/s1", "after-embedding/s124", "no-residual".
    public var name: String {
        switch self {
        case .baseline: return "baseline"
        case let .pde(site, multi): return site.rawValue + (multi ? "/s124" : "/s1")
        case .noResidual: return "no-residual"
        case .noNorm: return "no-norm"
        }
    }

    public init?(name: String) {
        guard let v = Variant.all.first(where: { $0.name == name }) else { return nil }
        self = v
    }

    /// Position in `Variant.all` (report order).
    public var order: Int { Variant.all.firstIndex(of: self)! }

    /// `base` changed into this variant.
    public func apply(to base: ModelConfig, multiScales: [Int]) -> ModelConfig {
        var c = base
        switch self {
        case .baseline: break
        case let .pde(site, multi):
            c.pde = site
            c.pdeScales = multi ? multiScales : [1]
        case .noResidual: c.residual = false
        case .noNorm: c.norm = .none
        }
        return c
    }
}

/// One training run of the grid.
public struct Cell: Equatable, Sendable {
    public var index: Int          // 0-based position in `ReproGrid.cells`
    public var task: TaskKind
    public var variant: Variant
    public var seed: UInt64        // 1...seeds
}

/// Which cells one process runs: `--shard k/n` takes cells i with i mod n == k − 1.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public var index: Int          // k, 1-based
    public var count: Int          // n

    public static let all = Shard(checked: 1, 1)

    private init(checked index: Int, _ count: Int) {
        self.index = index
        self.count = count
    }

    public init(index: Int, count: Int) throws(ReproError) {
        guard count >= 1, index >= 1, index <= count else {
            throw ReproError("--shard must be k/n with 1 ≤ k ≤ n (got \(index)/\(count))")
        }
        self.init(checked: index, count)
    }

    /// Parses "k/n", e.g. "2/8".
    public init(parsing text: String) throws(ReproError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw ReproError("--shard must look like k/n, e.g. 2/8 (got \"\(text)\")")
        }
        try self.init(index: k, count: n)
    }

    public func contains(_ cellIndex: Int) -> Bool { cellIndex % count == index - 1 }

    public var description: String { count == 1 ? "all" : "\(index)/\(count)" }
}

/// An error in what the user asked for (bad flags, unreadable or mismatched files): one line.
public struct ReproError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The whole experiment: the tasks, the variants, the seeds, and the model and training settings
/// every cell shares.
public struct ReproGrid: Equatable, Sendable {
    public var tasks: [TaskKind]
    public var variants: [Variant]
    public var seeds: Int              // seeds 1...seeds
    public var steps: Int              // training steps per cell
    public var evalSize: Int           // held-out examples for the accuracy
    public var model: ModelConfig      // the base model (task, seed, pde and stabilisers are set per cell)
    public var multiScales: [Int]      // the scales of the multi-scale variants

    public init(tasks: [TaskKind], variants: [Variant] = Variant.all, seeds: Int, steps: Int, evalSize: Int,
                model: ModelConfig, multiScales: [Int] = [1, 2, 4]) {
        self.tasks = tasks
        self.variants = variants
        self.seeds = seeds
        self.steps = steps
        self.evalSize = evalSize
        self.model = model
        self.multiScales = multiScales
    }

    public static let defaultTasks: [TaskKind] = [.listops, .digits, .pathfinder]

    /// `--quick`: sized so the whole grid (3 tasks × 17 variants × 3 seeds = 153 cells) finishes in
    /// under 10 minutes on 2 cores: one cell of 100 steps took about 2.5 s on a loaded 2-core machine
    /// (25 ms per step). The higher learning rate lets the small model learn something in 100 steps.
    public static func quick() -> ReproGrid {
        var m = ModelConfig()
        m.layers = 2; m.dModel = 16; m.heads = 2; m.dFF = 32; m.seqLen = 64; m.batch = 16; m.lr = 5e-3
        return ReproGrid(tasks: defaultTasks, seeds: 3, steps: 100, evalSize: 256, model: m)
    }

    /// The default grid: the default model (L6 C64 NH4 F256 T64, batch 32), 2000 steps, 3 seeds.
    public static func standard() -> ReproGrid {
        var m = ModelConfig()
        m.seqLen = 64
        return ReproGrid(tasks: defaultTasks, seeds: 3, steps: 2000, evalSize: 512, model: m)
    }

    /// Every cell, task-major, then variant, then seed.
    public var cells: [Cell] {
        var out: [Cell] = []
        for task in tasks {
            for variant in variants {
                for seed in 1...max(seeds, 1) where seeds >= 1 {
                    out.append(Cell(index: out.count, task: task, variant: variant, seed: UInt64(seed)))
                }
            }
        }
        return out
    }

    /// The cells one shard runs.
    public func cells(in shard: Shard) -> [Cell] { cells.filter { shard.contains($0.index) } }

    /// The model one cell trains.
    public func config(for cell: Cell) -> ModelConfig {
        var c = cell.variant.apply(to: model, multiScales: multiScales)
        c.task = cell.task
        c.seed = cell.seed
        return c
    }

    /// Problems with the grid, one line each; empty when it can run.
    public func problems() -> [String] {
        var out: [String] = []
        if tasks.isEmpty { out.append("--tasks must name at least one task") }
        if Set(tasks).count != tasks.count { out.append("--tasks must not repeat a task") }
        if variants.isEmpty { out.append("the grid has no variants") }
        if Set(variants).count != variants.count { out.append("--variants must not repeat a variant") }
        if seeds < 1 || seeds > 1000 { out.append("--seeds must be in 1...1000 (got \(seeds))") }
        if steps < 0 || steps > 10_000_000 { out.append("--steps must be in 0...10000000 (got \(steps))") }
        if evalSize < 1 { out.append("--eval-size must be ≥ 1 (got \(evalSize))") }
        var probe = model
        probe.pdeScales = multiScales
        out += probe.problems()
        if tasks.contains(.digits) && model.seqLen < 64 { out.append("task digits needs seq-len ≥ 64 (got \(model.seqLen))") }
        if tasks.contains(.pathfinder) && model.seqLen < 25 { out.append("task pathfinder needs seq-len ≥ 25 (got \(model.seqLen))") }
        return out
    }

    /// One line naming every setting that changes a number: the grid's identity.
    public var summary: String {
        let m = model
        return "tasks \(tasks.map(\.rawValue).joined(separator: ",")); seeds \(seeds); steps \(steps); eval \(evalSize); "
            + "model L\(m.layers) C\(m.dModel) NH\(m.heads) F\(m.dFF) T\(m.seqLen) B\(m.batch) lr \(m.lr) "
            + "warmup \(m.warmup) clip \(m.clip) wd \(m.weightDecay) norm \(m.norm.rawValue) pos \(m.pos.rawValue) "
            + "causal \(m.causal) pde-alpha \(m.pdeAlpha) pde-steps \(m.pdeSteps) multi-scales \(multiScales.map(String.init).joined(separator: ",")); "
            + "variants \(variants.map(\.name).joined(separator: ","))"
    }

    /// FNV-1a 64 of `summary`, 16 hex digits: parts of different grids never merge.
    public var id: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in summary.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Parses "listops,digits" into tasks; unknown names give one line listing the allowed ones.
public func parseTasks(_ text: String) throws(ReproError) -> [TaskKind] {
    var out: [TaskKind] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let name = part.trimmed(" ")
        guard let t = TaskKind(rawValue: name) else {
            throw ReproError("unknown task \"\(name)\" in --tasks (known: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        out.append(t)
    }
    return out
}

/// Parses "baseline,after-embedding/s1" into variants; unknown names give one line listing the allowed ones.
public func parseVariants(_ text: String) throws(ReproError) -> [Variant] {
    var out: [Variant] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let name = part.trimmed(" ")
        guard let v = Variant(name: name) else {
            throw ReproError("unknown variant \"\(name)\" in --variants (known: \(Variant.all.map(\.name).joined(separator: ", ")))")
        }
        out.append(v)
    }
    return out.sorted { $0.order < $1.order }
}

extension Substring {
    func trimmed(_ character: Character) -> String {
        var s = self
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
