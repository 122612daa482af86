// The experiment grid of `pdet-tui reproduce`: cells = task × variant × seed, each fully determined
// by its parameters (the seed fixes weights and data), so any shard on any machine recomputes the
// same numbers. Cell order is task-major, then variant (in `Variant.all` order), then seed.
import PDETCore
import PDETTasks

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
    public var seed: UInt64        // firstSeed ..< firstSeed + seeds
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

/// What one task's cells train: the number of steps and the base model (task, seed, pde and
/// stabilisers are set per cell). Tasks may differ (a grid calibrated per task).
public struct TaskSettings: Equatable, Sendable {
    public var steps: Int
    public var model: ModelConfig

    public init(steps: Int, model: ModelConfig) {
        self.steps = steps
        self.model = model
    }
}

/// The whole experiment: the tasks, the variants, the seeds, and the model and training settings
/// of each task. `steps` and `model` are the settings of every task without an entry in `perTask`.
public struct ReproGrid: Equatable, Sendable {
    public var tasks: [TaskKind]
    public var variants: [Variant]
    public var seeds: Int              // how many seeds: firstSeed ..< firstSeed + seeds
    public var firstSeed: Int = 1      // 1 for the exploratory grids; fresh seeds for a confirmatory one
    /// digits' held-out rows (r % 5 == fold); 4 unless a grid must score rows its calibration never saw.
    public var digitsHeldOutFold: Int = DigitsTask.defaultHeldOutFold
    /// FNV-1a 64 of the pre-registered plan this grid runs under (nil: no plan). Part of the summary, so
    /// of the grid id: a CSV from another plan never merges with this one's.
    public var plan: String? = nil
    public var steps: Int              // training steps per cell (tasks not in perTask)
    public var evalSize: Int           // held-out examples for the accuracy
    public var model: ModelConfig      // the base model (tasks not in perTask)
    public var perTask: [TaskKind: TaskSettings]
    public var multiScales: [Int]      // the scales of the multi-scale variants

    public init(tasks: [TaskKind], variants: [Variant] = Variant.all, seeds: Int, steps: Int, evalSize: Int,
                model: ModelConfig, perTask: [TaskKind: TaskSettings] = [:], multiScales: [Int] = [1, 2, 4]) {
        self.tasks = tasks
        self.variants = variants
        self.seeds = seeds
        self.steps = steps
        self.evalSize = evalSize
        self.model = model
        self.perTask = perTask
        self.multiScales = multiScales
    }

    public static let defaultTasks: [TaskKind] = [.listops, .digits, .pathfinder]

    /// The grids `--grid NAME` knows, in the order `--help` lists them.
    public static let names = ["standard", "quick", "confirmatory"]

    /// The grid called `name` (`--grid`); nil for an unknown name.
    public static func named(_ name: String) -> ReproGrid? {
        switch name {
        case "standard": return standard()
        case "quick": return quick()
        case "confirmatory": return confirmatory()
        default: return nil
        }
    }

    /// `--quick`: sized so the whole grid (3 tasks × 17 variants × 3 seeds = 153 cells) finishes in
    /// under 10 minutes on 2 cores: one cell of 100 steps took about 2.5 s on a loaded 2-core machine
    /// (25 ms per step). The higher learning rate lets the small model learn something in 100 steps.
    public static func quick() -> ReproGrid {
        var m = ModelConfig()
        m.layers = 2; m.dModel = 16; m.heads = 2; m.dFF = 32; m.seqLen = 64; m.batch = 16; m.lr = 5e-3
        return ReproGrid(tasks: defaultTasks, seeds: 3, steps: 100, evalSize: 256, model: m)
    }

    /// The settings of the standard grid for each task, calibrated so the baseline learns
    /// (docs/results/calibration.md has the runs behind every number; PDET_THREADS=1, shared machine):
    /// - listops: 2 layers beat 4 (0.281 vs 0.264 held-out, at half the step time); at batch 32 the
    ///   final accuracy swings with the seed (0.221-0.281 at 5000 steps); batch 64 for 3000 steps (the
    ///   same examples and compute as 6000 × 32) ends at 0.256-0.272 over seeds 1-4 (mean 0.264).
    /// - digits: 2 layers, lr 2e-3, warm-up 100, 3000 steps: 0.905 and 0.855 (4 layers: 0.802 at 2000).
    /// - pathfinder: at 8×8 (T 64) and 6×6 (T 36) every setting tried stayed at chance (loss ln 2) for
    ///   3000 steps; on the 5×5 grid (T 25) every setting leaves chance between steps 500 and 2750 and
    ///   ends at 0.70-0.85; 2 layers with learned positions is the cheapest (about a third of a listops
    ///   step) and among the best; 6000 steps leave room for a seed that starts late.
    public static func standardSettings(_ task: TaskKind) -> TaskSettings {
        var m = ModelConfig()
        m.dModel = 64; m.heads = 4; m.dFF = 256; m.batch = 32
        switch task {
        case .digits:
            m.layers = 2; m.seqLen = 64; m.lr = 2e-3; m.warmup = 100
            return TaskSettings(steps: 3000, model: m)
        case .pathfinder:
            m.layers = 2; m.seqLen = 25; m.lr = 1e-3; m.warmup = 200; m.pos = .learned
            return TaskSettings(steps: 6000, model: m)
        default:
            m.layers = 2; m.seqLen = 64; m.batch = 64; m.lr = 1e-3; m.warmup = 200
            return TaskSettings(steps: 3000, model: m)
        }
    }

    /// The standard grid (the default): listops, digits, pathfinder, all 17 variants, 5 seeds, each
    /// task at its calibrated settings (`standardSettings`).
    public static func standard() -> ReproGrid {
        var perTask: [TaskKind: TaskSettings] = [:]
        for t in defaultTasks { perTask[t] = standardSettings(t) }
        let first = standardSettings(defaultTasks[0])
        return ReproGrid(tasks: defaultTasks, seeds: 5, steps: first.steps, evalSize: 512, model: first.model, perTask: perTask)
    }

    /// The steps and base model of `task`'s cells.
    public func settings(for task: TaskKind) -> TaskSettings {
        perTask[task] ?? TaskSettings(steps: steps, model: model)
    }

    /// Changes the settings of every task (a command-line override such as `--steps`).
    public mutating func changeEveryTask(_ change: (inout TaskSettings) -> Void) {
        var base = TaskSettings(steps: steps, model: model)
        change(&base)
        steps = base.steps
        model = base.model
        for (t, var s) in perTask {
            change(&s)
            perTask[t] = s
        }
    }

    /// Every cell, task-major, then variant, then seed.
    public var cells: [Cell] {
        var out: [Cell] = []
        for task in tasks {
            for variant in variants {
                for k in 0..<max(seeds, 0) {
                    out.append(Cell(index: out.count, task: task, variant: variant, seed: UInt64(firstSeed + k)))
                }
            }
        }
        return out
    }

    /// The cells one shard runs.
    public func cells(in shard: Shard) -> [Cell] { cells.filter { shard.contains($0.index) } }

    /// The model one cell trains.
    public func config(for cell: Cell) -> ModelConfig {
        var c = cell.variant.apply(to: settings(for: cell.task).model, multiScales: multiScales)
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
        if firstSeed < 1 || firstSeed > 1_000_000 { out.append("the first seed must be in 1...1000000 (got \(firstSeed))") }
        if !(0..<DigitsTask.heldOutPeriod).contains(digitsHeldOutFold) {
            out.append("the digits held-out fold must be in 0...\(DigitsTask.heldOutPeriod - 1) (got \(digitsHeldOutFold))")
        }
        if evalSize < 1 { out.append("--eval-size must be ≥ 1 (got \(evalSize))") }
        let perTaskText = !uniform
        for task in tasks {
            let s = settings(for: task)
            let prefix = perTaskText ? "\(task.rawValue): " : ""
            var lines: [String] = []
            if s.steps < 0 || s.steps > 10_000_000 { lines.append("--steps must be in 0...10000000 (got \(s.steps))") }
            var probe = s.model
            probe.pdeScales = multiScales
            lines += probe.problems()
            if task == .digits && s.model.seqLen < 64 { lines.append("task digits needs seq-len ≥ 64 (got \(s.model.seqLen))") }
            if (task == .pathfinder || task == .pathfinderMatched) && s.model.seqLen < 25 { lines.append("task \(task.rawValue) needs seq-len ≥ 25 (got \(s.model.seqLen))") }
            for l in lines.map({ prefix + $0 }) where !out.contains(l) { out.append(l) }
        }
        return out
    }

    /// True when every task trains with the same settings (the summary then has one model).
    public var uniform: Bool {
        let all = tasks.map { settings(for: $0) }
        return all.allSatisfy { $0 == all.first }
    }

    /// One line naming every setting that changes a number: the grid's identity, and what
    /// `reproduce --from` rebuilds the grid from (`ReproGrid(summary:)`). One model when every task
    /// shares it ("steps N; eval E; model …"), else one "task steps N model …" part per task.
    public var summary: String {
        // The parts a confirmatory grid adds are written only when set, so older grids keep their ids.
        let from = firstSeed == 1 ? "" : " from \(firstSeed)"
        let fold = digitsHeldOutFold == DigitsTask.defaultHeldOutFold ? "" : "digits-heldout-fold \(digitsHeldOutFold); "
        let head = "tasks \(tasks.map(\.rawValue).joined(separator: ",")); seeds \(seeds)\(from); " + fold
        let scales = "multi-scales \(multiScales.map(String.init).joined(separator: ","))"
        let tail = "variants \(variants.map(\.name).joined(separator: ","))" + (plan.map { "; plan \($0)" } ?? "")
        if uniform {
            let s = settings(for: tasks.first ?? .listops)
            return head + "steps \(s.steps); eval \(evalSize); model \(modelText(s.model)) \(scales); " + tail
        }
        let parts = tasks.map { t -> String in
            let s = settings(for: t)
            return "\(t.rawValue) steps \(s.steps) model \(modelText(s.model))"
        }
        return head + "eval \(evalSize); " + parts.joined(separator: "; ") + "; \(scales); " + tail
    }

    /// FNV-1a 64 of `summary`, 16 hex digits: parts of different grids never merge.
    public var id: String { gridID(summary) }
}

/// FNV-1a 64 of a grid summary, 16 hex digits.
public func gridID(_ summary: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in summary.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// "L2 C16 NH2 F32 T64 B16 lr 0.005 warmup 0 clip 1.0 wd 0.01 norm pre pos sinusoidal causal false
/// pde-alpha 0.1 pde-steps 1", plus "init-gain X" and "pde-clamp off" when not the defaults.
func modelText(_ m: ModelConfig) -> String {
    var s = "L\(m.layers) C\(m.dModel) NH\(m.heads) F\(m.dFF) T\(m.seqLen) B\(m.batch) lr \(m.lr) "
        + "warmup \(m.warmup) clip \(m.clip) wd \(m.weightDecay) norm \(m.norm.rawValue) pos \(m.pos.rawValue) "
        + "causal \(m.causal) pde-alpha \(m.pdeAlpha) pde-steps \(m.pdeSteps)"
    if m.initGain != ModelConfig().initGain { s += " init-gain \(m.initGain)" }
    if !m.pdeClamp { s += " pde-clamp off" }
    return s
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
