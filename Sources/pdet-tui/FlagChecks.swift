// Flags that do not apply to what a command will do are errors, never silently ignored: a user who
// writes `--lr 1e-2 --model DIR` expects something to change, and nothing would.
import ArgumentParser

/// The model flags that were given (by their flag names), in the order `--help` lists them.
func givenModelFlags(_ m: ModelOptions) -> [String] {
    m.fieldValues.filter { $0.value != nil }.map { "--" + $0.field.flag }
        + (m.configFile != nil ? ["--config"] : []) + (m.checkpoint != nil ? ["--checkpoint"] : [])
}

/// The model flags a pretrained MiniLM (`--model DIR`) reads: its ablations. Everything else
/// (shapes, task, optimiser, checkpoints) belongs to the toy model.
let flagsForPretrainedModel: Set<String> = ["--residual", "--norm", "--pde", "--pde-scales", "--pde-alpha"]

/// One clear error when a flag would be ignored by `explore` or `snapshot`.
func checkFlagsApply(model: ModelOptions, bert: BertModelOptions, lessonScript: LessonScriptOptions,
                     simulator: SimulatorOptions) throws {
    if bert.directory == nil {
        if bert.residualOffLayer != nil { throw ValidationError("--residual-off-layer applies to --model DIR only") }
        if bert.text != nil { throw ValidationError("--text applies to --model DIR only") }
    } else {
        let ignored = givenModelFlags(model).filter { !flagsForPretrainedModel.contains($0) }
        if !ignored.isEmpty {
            throw ValidationError("\(ignored.joined(separator: ", ")) \(ignored.count == 1 ? "does" : "do") not apply with --model "
                + "(a pretrained model is not trained; it reads only \(flagsForPretrainedModel.sorted().joined(separator: ", ")))")
        }
        if lessonScript.isActive { throw ValidationError("--lesson, --script and --record do not apply with --model") }
    }
    if simulator.enabled && (lessonScript.isActive || bert.directory != nil) {
        throw ValidationError("--simulator applies to the toy model's frame, not to --model, --lesson or --script (press M there)")
    }
}
