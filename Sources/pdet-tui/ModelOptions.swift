// The model flags shared by every subcommand that builds a model. All optional: only the flags
// given override the defaults or a --config file (`apply(to:)`).
import ArgumentParser
import Foundation
import PDETCore
import PDETRender

struct ModelOptions: ParsableArguments {
    @Option(help: "The task to train on.")
    var task: TaskKind?
    @Option(help: "Random seed for weights and data (runs are reproducible).")
    var seed: UInt64?
    @Option(help: "Transformer blocks L (1...64).")
    var layers: Int?
    @Option(name: .customLong("d-model"), help: "Model width C (2...4096, divisible by --heads).")
    var dModel: Int?
    @Option(help: "Attention heads NH (head size C / NH).")
    var heads: Int?
    @Option(name: .customLong("d-ff"), help: "FFN hidden width F (1...16384).")
    var dFF: Int?
    @Option(name: .customLong("seq-len"), help: "Sequence length T (2...4096).")
    var seqLen: Int?
    @Option(help: "Sequences per training step B (1...4096).")
    var batch: Int?
    @Option(help: "AdamW learning rate after warm-up (0...10).")
    var lr: Float?
    @Option(help: "Linear warm-up steps (0 = none).")
    var warmup: Int?
    @Option(help: "Global-norm gradient clipping (0 = off).")
    var clip: Float?
    @Option(help: "Residual connections.")
    var residual: OnOff?
    @Option(help: "LayerNorm placement.")
    var norm: NormMode?
    @Option(help: "Positional encoding.")
    var pos: PositionalEncoding?
    @Option(help: "Where the heat-diffusion layer sits (off = none).")
    var pde: DiffusionSite?
    @Option(name: .customLong("pde-scales"), help: "Diffusion stencil scales, e.g. 1,2,4.", transform: parseScales)
    var pdeScales: [Int]?
    @Option(name: .customLong("pde-alpha"), help: "Total initial diffusion alpha (0...10).")
    var pdeAlpha: Float?
    @Option(name: .customLong("pde-steps"), help: "Explicit Euler steps per diffusion layer (1...64).")
    var pdeSteps: Int?
    @Option(name: .customLong("pde-clamp"), help: "Keep the sum of alphas at most 1/2 (sufficient for stability).")
    var pdeClamp: OnOff?
    @Option(name: .customLong("init-gain"), help: "Weight init scale: weights ~ Normal(0, 0.02 × gain).")
    var initGain: Float?
    @Flag(inversion: .prefixedNo, help: "Causal attention mask.")
    var causal: Bool?
    @Option(name: .customLong("config"), help: "A JSON model config; the flags given override it.")
    var configFile: String?
    @Option(help: "A checkpoint to load (weights and config).")
    var checkpoint: String?

    /// Overlays the flags that were given on `config`.
    func apply(to config: inout ModelConfig) {
        if let task { config.task = task }
        if let seed { config.seed = seed }
        if let layers { config.layers = layers }
        if let dModel { config.dModel = dModel }
        if let heads { config.heads = heads }
        if let dFF { config.dFF = dFF }
        if let seqLen { config.seqLen = seqLen }
        if let batch { config.batch = batch }
        if let lr { config.lr = lr }
        if let warmup { config.warmup = warmup }
        if let clip { config.clip = clip }
        if let residual { config.residual = residual.isOn }
        if let norm { config.norm = norm }
        if let pos { config.pos = pos }
        if let pde { config.pde = pde }
        if let pdeScales { config.pdeScales = pdeScales }
        if let pdeAlpha { config.pdeAlpha = pdeAlpha }
        if let pdeSteps { config.pdeSteps = pdeSteps }
        if let pdeClamp { config.pdeClamp = pdeClamp.isOn }
        if let initGain { config.initGain = initGain }
        if let causal { config.causal = causal }
    }

    /// `base` (defaults, a --config file or a checkpoint's config) with the flags applied; throws
    /// one line listing every problem.
    func resolved(over base: ModelConfig) throws(ValidationError) -> ModelConfig {
        var config = base
        apply(to: &config)
        let problems = config.problems()
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
        return config
    }

    /// Checks the flags before any file is read. With --config or --checkpoint the fields a flag
    /// is checked against (d-model for --heads, seq-len for --pde-scales) may come from the file,
    /// so those partners are set permissively here and checked again by `resolved(over:)`.
    func validate() throws {
        var base = ModelConfig()
        if configFile != nil || checkpoint != nil {
            if heads != nil && dModel == nil { base.dModel = max(1, heads ?? 1) }
            if dModel != nil && heads == nil { base.heads = 1 }
            if pdeScales != nil && seqLen == nil { base.seqLen = 4096 }
        }
        _ = try resolved(over: base)
    }
}

/// How the screen is drawn.
struct DisplayOptions: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "No colour (also when NO_COLOR is set).")
    var noColor = false
    @Flag(help: "ASCII glyphs only (no block, braille or box-drawing characters).")
    var ascii = false
    @Option(help: ArgumentHelp("Colours for a dark or a light background (a projector), or none. (default: $PDET_THEME, else from $COLORFGBG in the explorer, else dark)",
                               valueName: "dark|light|mono"))
    var theme: ThemeName?
    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (no clicks or wheel in the explorer).")
    var noMouse = false

    /// The theme: --theme, else PDET_THEME, else (`followTerminal`: drawing on this terminal) COLORFGBG,
    /// else dark. A bad PDET_THEME is one error line.
    func resolvedTheme(followTerminal: Bool) throws -> Theme {
        do {
            let name = try chooseTheme(flag: theme, environment: ProcessInfo.processInfo.environment, followTerminal: followTerminal)
            return Theme.named(name)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// NO_COLOR (non-empty) or --no-color.
    var colorOff: Bool {
        noColor || (ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false)
    }
}
