// The shipped rows of the config field table (ConfigFields.swift), in the CLI's order. A new
// toggle is one row here (its key, cycle, labels and help) beside its field in Config.swift.

/// The diffusion scale sets `m` switches between.
public let singleScale = [1]
public let multiScale = [1, 2, 4]

/// `a` / `A` move the total alpha by this much, on a grid so repeated presses never drift.
public let alphaKeyStep: Float = 0.05
public let alphaKeyLimit: Float = 2

extension ConfigField {
    // MARK: run and shape (a checkpoint fixes these)
    public static let task = ConfigField(\.task, property: "task", flag: "task", help: "The task to train on.",
                                         codec: .choice, fixedByCheckpoint: true)
    public static let seed = ConfigField(\.seed, property: "seed", flag: "seed",
                                         help: "Random seed for weights and data (runs are reproducible).",
                                         codec: .unsigned, fixedByCheckpoint: true)
    public static let layers = ConfigField(\.layers, property: "layers", flag: "layers", help: "Transformer blocks L (1...64).",
                                           codec: .integer, fixedByCheckpoint: true)
    public static let dModel = ConfigField(\.dModel, property: "dModel", flag: "d-model",
                                           help: "Model width C (2...4096, divisible by --heads).",
                                           codec: .integer, fixedByCheckpoint: true)
    public static let heads = ConfigField(\.heads, property: "heads", flag: "heads", help: "Attention heads NH (head size C / NH).",
                                          codec: .integer, fixedByCheckpoint: true)
    public static let dFF = ConfigField(\.dFF, property: "dFF", flag: "d-ff", help: "FFN hidden width F (1...16384).",
                                        codec: .integer, fixedByCheckpoint: true)
    public static let seqLen = ConfigField(\.seqLen, property: "seqLen", flag: "seq-len", help: "Sequence length T (2...4096).",
                                           codec: .integer, fixedByCheckpoint: true)
    public static let batch = ConfigField(\.batch, property: "batch", flag: "batch", help: "Sequences per training step B (1...4096).",
                                          codec: .integer, fixedByCheckpoint: true)
    public static let lr = ConfigField(\.lr, property: "lr", flag: "lr", help: "AdamW learning rate after warm-up (0...10).",
                                       codec: .number, fixedByCheckpoint: true)
    public static let warmup = ConfigField(\.warmup, property: "warmup", flag: "warmup", help: "Linear warm-up steps (0 = none).",
                                           codec: .integer, fixedByCheckpoint: true)
    public static let clip = ConfigField(\.clip, property: "clip", flag: "clip", help: "Global-norm gradient clipping (0 = off).",
                                         codec: .number, fixedByCheckpoint: true)

    // MARK: stabilisers and the diffusion layer (live toggles)
    public static let residual = ConfigField(
        \.residual, property: "residual", flag: "residual", help: "Residual connections.", codec: .onOff,
        screen: ScreenSpec(name: "residual", header: HeaderSpec("Residual", emphasis: .unlessDefault, click: "r"), pane: "resid",
                           keys: [ToggleKey("r")], keyBar: "resid", keyHelp: "residual connections on / off", status: "residual"),
        step: cycleStep([true, false]))
    public static let norm = ConfigField(
        \.norm, property: "norm", flag: "norm", help: "LayerNorm placement.", codec: .choice,
        screen: ScreenSpec(name: "norm", header: HeaderSpec("Norm", emphasis: .unlessDefault, click: "l"), pane: "norm",
                           keys: [ToggleKey("l")], keyBar: "norm", keyHelp: "LayerNorm pre → post → none", status: "norm"),
        step: cycleStep(NormMode.allCases))
    public static let pos = ConfigField(
        \.pos, property: "pos", flag: "pos", help: "Positional encoding.", codec: .choice,
        screen: ScreenSpec(name: "pos", header: HeaderSpec("pos"), pane: "pos", paneVisibility: .whenDiffers))
    public static let pde = ConfigField(
        \.pde, property: "pde", flag: "pde", help: "Where the heat-diffusion layer sits (off = none).", codec: .choice,
        screen: ScreenSpec(name: "pde", header: HeaderSpec("PDE", emphasis: .unlessDefault, click: "p", wheelUp: "P", wheelDown: "p"),
                           pane: "pde", keys: [ToggleKey("p"), ToggleKey("P", forward: false)], keyBar: "pde",
                           keyHelp: "next / previous diffusion site (off and the seven)", status: "diffusion site"),
        step: cycleStep(DiffusionSite.allCases))
    public static let pdeScales = ConfigField(
        \.pdeScales, property: "pdeScales", flag: "pde-scales", help: "Diffusion stencil scales, e.g. 1,2,4.", codec: .integerList,
        screen: ScreenSpec(name: "scales", header: HeaderSpec("scales", click: "m"), pane: "scales",
                           paneVisibility: .withDiffusionSite, keys: [ToggleKey("m")], keyBar: "scale",
                           keyHelp: "diffusion single scale (1) / multi-scale (1,2,4)", status: "diffusion scales",
                           notesStability: true),
        step: cycleStep([singleScale, multiScale]))
    public static let pdeAlpha = ConfigField(
        \.pdeAlpha, property: "pdeAlpha", flag: "pde-alpha", help: "Total initial diffusion alpha (0...10).", codec: .number,
        screen: ScreenSpec(name: "alpha", header: HeaderSpec("alpha", emphasis: .whenDiffusionUnstable, wheelUp: "A", wheelDown: "a"),
                           pane: "α", paneVisibility: .withDiffusionSite,
                           keys: [ToggleKey("a", forward: false), ToggleKey("A")], keyBar: "alpha",
                           keyHelp: "diffusion alpha down / up by 0.05", status: "alpha", notesStability: true),
        step: gridStep(alphaKeyStep, in: 0...alphaKeyLimit))
    public static let pdeSteps = ConfigField(\.pdeSteps, property: "pdeSteps", flag: "pde-steps",
                                             help: "Explicit Euler steps per diffusion layer (1...64).", codec: .integer)
    public static let pdeClamp = ConfigField(
        \.pdeClamp, property: "pdeClamp", flag: "pde-clamp", help: "Keep the sum of alphas at most 1/2 (sufficient for stability).",
        codec: .onOff,
        screen: ScreenSpec(name: "clamp", header: HeaderSpec("clamp", click: "c"), pane: "clamp", paneVisibility: .withDiffusionSite,
                           keys: [ToggleKey("c")], keyBar: "clamp", keyHelp: "alpha clamp (Σ alpha ≤ 1/2) on / off",
                           status: "alpha clamp"),
        step: cycleStep([true, false]))
    public static let initGain = ConfigField(\.initGain, property: "initGain", flag: "init-gain",
                                             help: "Weight init scale: weights ~ Normal(0, 0.02 × gain).", codec: .number,
                                             fixedByCheckpoint: true)
    public static let causal = ConfigField(
        \.causal, property: "causal", flag: "causal", help: "Causal attention mask.", codec: .onOff, form: .inversion,
        screen: ScreenSpec(name: "causal", header: HeaderSpec("causal"), pane: "causal", paneVisibility: .whenDiffers))
}

extension ConfigFieldTable {
    /// What ships. The orders keep today's frames and reproduce lines byte for byte.
    public static let standard = ConfigFieldTable(
        rows: [.task, .seed, .layers, .dModel, .heads, .dFF, .seqLen, .batch, .lr, .warmup, .clip,
               .residual, .norm, .pos, .pde, .pdeScales, .pdeAlpha, .pdeSteps, .pdeClamp, .initGain, .causal],
        screenOrder: ["residual", "norm", "pde", "pdeScales", "pdeAlpha", "pdeClamp", "pos", "causal"],
        reproduceOrder: ["task", "seed", "layers", "dModel", "heads", "dFF", "seqLen", "batch", "lr", "warmup", "clip", "initGain",
                         "residual", "norm", "pos", "causal", "pde", "pdeScales", "pdeAlpha", "pdeSteps", "pdeClamp"])

    /// ModelConfig's stored properties that are not rows, and why: set only in a --config file.
    public static let propertiesWithoutRows: Set<String> = [
        "weightDecay",      // AdamW decay: a config-file setting, no flag (the grid and the papers keep 0.01)
    ]
}
