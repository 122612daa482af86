// The one configuration value of a model run. Every toggle of the explorer, every CLI flag and
// every checkpoint's metadata is a field here, with its default beside it.
//
// Dimension names used across the core (as in llm.c):
//   B batch, T sequence length (N in the docs), C d_model, NH heads, HS head size = C / NH,
//   F d_ff, L layers, V vocabulary, K outputs (classes), S diffusion scales.

/// Where the optional PDE diffusion layer sits. Raw values are the names used everywhere
/// (CLI `--pde`, config JSON, the screen, docs/diffusion-sites.md).
public enum DiffusionSite: String, CaseIterable, Codable, Sendable {
    case off = "off"
    case afterEmbedding = "after-embedding"     // once, on the embedding output (before layer 0)
    case beforeNorm = "before-norm"             // each block, before its first LayerNorm
    case beforeAttention = "before-attention"   // each block, on the attention input
    case afterAttention = "after-attention"     // each block, attention output before the residual add
    case afterFFN = "after-ffn"                 // each block, FFN output before the residual add
    case betweenLayers = "between-layers"       // after each block
    case beforeHead = "before-head"             // once, after the last block, before final norm and head

    /// Sites that apply once per block (each block then has its own alphas).
    public var isPerBlock: Bool {
        switch self {
        case .beforeNorm, .beforeAttention, .afterAttention, .afterFFN, .betweenLayers: return true
        case .off, .afterEmbedding, .beforeHead: return false
        }
    }

    /// Number of diffusion layers the site implies for a model of `layers` blocks.
    public func instanceCount(layers: Int) -> Int {
        switch self {
        case .off: return 0
        case .afterEmbedding, .beforeHead: return 1
        default: return layers
        }
    }

    /// The next site in the cycle off → after-embedding → … → before-head → off.
    public var next: DiffusionSite {
        let all = DiffusionSite.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    public var previous: DiffusionSite {
        let all = DiffusionSite.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}

public enum NormMode: String, CaseIterable, Codable, Sendable {
    case pre, post, none

    public var next: NormMode {
        switch self {
        case .pre: return .post
        case .post: return .none
        case .none: return .pre
        }
    }
}

public enum PositionalEncoding: String, CaseIterable, Codable, Sendable {
    case sinusoidal, learned, none
}

/// The offline tasks. Raw values are the CLI names (`--task`).
public enum TaskKind: String, CaseIterable, Codable, Sendable {
    case reverse, sort, copy, listops, digits, pathfinder
    // Appended last: a task's random stream is salted by its position in allCases.
    case pathfinderMatched = "pathfinder-matched"

    public var next: TaskKind {
        let all = TaskKind.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// Per-token outputs (one label per position, `reverse`/`sort`/`copy`) or one label per sequence
/// (mean-pool then a linear classifier, `listops`/`digits`/`pathfinder`).
public enum HeadKind: String, Codable, Sendable {
    case perToken = "per-token"
    case classify = "classify"
}

/// Codable conformance (partial JSON files allowed, unknown keys rejected) lives in ConfigCoding.swift.
public struct ModelConfig: Equatable, Sendable {
    // MARK: run
    public var task: TaskKind = .reverse
    public var seed: UInt64 = 1
    public var batch: Int = 32            // B, sequences per training step

    // MARK: shape (changing any of these needs new weights)
    public var layers: Int = 6            // L
    public var dModel: Int = 64           // C
    public var heads: Int = 4             // NH (head size C / NH)
    public var dFF: Int = 256             // F
    public var seqLen: Int = 64           // T

    // MARK: optimiser
    public var lr: Float = 1e-3           // AdamW learning rate after warm-up
    public var warmup: Int = 0            // linear warm-up steps (0 = none)
    public var clip: Float = 1.0          // global-norm gradient clipping (0 = off)
    public var weightDecay: Float = 0.01  // AdamW decoupled weight decay (matrices only)

    // MARK: stabilisers (live toggles)
    public var residual: Bool = true
    public var norm: NormMode = .pre
    public var pos: PositionalEncoding = .sinusoidal
    public var causal: Bool = false
    public var initGain: Float = 1.0      // weights ~ Normal(0, 0.02 * initGain)

    // MARK: PDE diffusion layer (live toggles)
    public var pde: DiffusionSite = .off
    public var pdeScales: [Int] = [1]     // S scales, e.g. [1] or [1, 2, 4]
    public var pdeAlpha: Float = 0.1      // total initial alpha, split evenly across scales
    public var pdeSteps: Int = 1          // explicit Euler steps per application
    public var pdeClamp: Bool = true      // keep alpha ≥ 0, Σ_s alpha_s ≤ 1/2 (sufficient for stability)

    public init() {}

    public var headSize: Int { dModel / heads }

    /// Problems with this configuration, one human-readable line each; empty when valid.
    public func problems() -> [String] {
        var out: [String] = []
        if layers < 1 || layers > 64 { out.append("layers must be in 1...64 (got \(layers))") }
        if dModel < 2 || dModel > 4096 { out.append("d-model must be in 2...4096 (got \(dModel))") }
        if heads < 1 { out.append("heads must be at least 1 (got \(heads))") }
        else if dModel % heads != 0 { out.append("d-model (\(dModel)) must be divisible by heads (\(heads))") }
        if dFF < 1 || dFF > 16384 { out.append("d-ff must be in 1...16384 (got \(dFF))") }
        if seqLen < 2 || seqLen > 4096 { out.append("seq-len must be in 2...4096 (got \(seqLen))") }
        if batch < 1 || batch > 4096 { out.append("batch must be in 1...4096 (got \(batch))") }
        if !(lr.isFinite && lr >= 0 && lr <= 10) { out.append("lr must be a number in 0...10 (got \(lr))") }
        if warmup < 0 { out.append("warmup must be ≥ 0 (got \(warmup))") }
        if !(clip.isFinite && clip >= 0) { out.append("clip must be ≥ 0 (got \(clip))") }
        if !(weightDecay.isFinite && weightDecay >= 0) { out.append("weight decay must be ≥ 0 (got \(weightDecay))") }
        if !(initGain.isFinite && initGain > 0 && initGain <= 1000) { out.append("init-gain must be in (0, 1000] (got \(initGain))") }
        if pdeScales.isEmpty { out.append("pde-scales must list at least one scale") }
        for s in pdeScales where s < 1 || s >= max(seqLen, 2) {
            out.append("pde-scales: scale \(s) must be in 1...\(seqLen - 1)")
        }
        if Set(pdeScales).count != pdeScales.count { out.append("pde-scales must not repeat a scale") }
        if !(pdeAlpha.isFinite && pdeAlpha >= 0 && pdeAlpha <= 10) { out.append("pde-alpha must be in 0...10 (got \(pdeAlpha))") }
        if pdeSteps < 1 || pdeSteps > 64 { out.append("pde-steps must be in 1...64 (got \(pdeSteps))") }
        return out
    }

    /// True when `other` needs weights of different shapes (a toggle never does; a shape change does).
    public func shapeDiffers(from other: ModelConfig) -> Bool {
        layers != other.layers || dModel != other.dModel || heads != other.heads
            || dFF != other.dFF || seqLen != other.seqLen || task != other.task
    }
}
