// The model flags shared by every subcommand that builds a model. All optional: only the flags
// given override the defaults or a --config file (`apply(to:)`).
import ArgumentParser
import Foundation
import PDETCore
import PDETRender

/// The flags' names and help come from the config field table (PDETCore's ConfigFields.swift);
/// argument-parser still needs one declaration per flag, for its type.
private typealias F = ConfigField

struct ModelOptions: ParsableArguments {
    @Option(name: .customLong(F.task.flag), help: ArgumentHelp(F.task.help))
    var task: TaskKind?
    @Option(name: .customLong(F.seed.flag), help: ArgumentHelp(F.seed.help))
    var seed: UInt64?
    @Option(name: .customLong(F.layers.flag), help: ArgumentHelp(F.layers.help))
    var layers: Int?
    @Option(name: .customLong(F.dModel.flag), help: ArgumentHelp(F.dModel.help))
    var dModel: Int?
    @Option(name: .customLong(F.heads.flag), help: ArgumentHelp(F.heads.help))
    var heads: Int?
    @Option(name: .customLong(F.dFF.flag), help: ArgumentHelp(F.dFF.help))
    var dFF: Int?
    @Option(name: .customLong(F.seqLen.flag), help: ArgumentHelp(F.seqLen.help))
    var seqLen: Int?
    @Option(name: .customLong(F.batch.flag), help: ArgumentHelp(F.batch.help))
    var batch: Int?
    @Option(name: .customLong(F.lr.flag), help: ArgumentHelp(F.lr.help))
    var lr: Float?
    @Option(name: .customLong(F.warmup.flag), help: ArgumentHelp(F.warmup.help))
    var warmup: Int?
    @Option(name: .customLong(F.clip.flag), help: ArgumentHelp(F.clip.help))
    var clip: Float?
    @Option(name: .customLong(F.residual.flag), help: ArgumentHelp(F.residual.help))
    var residual: OnOff?
    @Option(name: .customLong(F.norm.flag), help: ArgumentHelp(F.norm.help))
    var norm: NormMode?
    @Option(name: .customLong(F.pos.flag), help: ArgumentHelp(F.pos.help))
    var pos: PositionalEncoding?
    @Option(name: .customLong(F.pde.flag), help: ArgumentHelp(F.pde.help))
    var pde: DiffusionSite?
    @Option(name: .customLong(F.pdeScales.flag), help: ArgumentHelp(F.pdeScales.help), transform: parseScales)
    var pdeScales: [Int]?
    @Option(name: .customLong(F.pdeAlpha.flag), help: ArgumentHelp(F.pdeAlpha.help))
    var pdeAlpha: Float?
    @Option(name: .customLong(F.pdeSteps.flag), help: ArgumentHelp(F.pdeSteps.help))
    var pdeSteps: Int?
    @Option(name: .customLong(F.pdeClamp.flag), help: ArgumentHelp(F.pdeClamp.help))
    var pdeClamp: OnOff?
    @Option(name: .customLong(F.initGain.flag), help: ArgumentHelp(F.initGain.help))
    var initGain: Float?
    @Flag(name: .customLong(F.causal.flag), inversion: .prefixedNo, help: ArgumentHelp(F.causal.help))
    var causal: Bool?
    @Option(name: .customLong("config"), help: "A JSON model config; the flags given override it.")
    var configFile: String?
    @Option(help: "A checkpoint to load (weights and config).")
    var checkpoint: String?

    /// Each field flag with its value (nil when not given), in the order `--help` lists them.
    var fieldValues: [(field: ConfigField, value: Any?)] {
        [(F.task, task), (F.seed, seed), (F.layers, layers), (F.dModel, dModel), (F.heads, heads), (F.dFF, dFF),
         (F.seqLen, seqLen), (F.batch, batch), (F.lr, lr), (F.warmup, warmup), (F.clip, clip),
         (F.residual, residual?.isOn), (F.norm, norm), (F.pos, pos), (F.pde, pde), (F.pdeScales, pdeScales),
         (F.pdeAlpha, pdeAlpha), (F.pdeSteps, pdeSteps), (F.pdeClamp, pdeClamp?.isOn), (F.initGain, initGain),
         (F.causal, causal)]
    }

    /// Overlays the flags that were given on `config`, through the table.
    func apply(to config: inout ModelConfig) {
        for (field, value) in fieldValues {
            if let value { field.assign(value, to: &config) }
        }
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
