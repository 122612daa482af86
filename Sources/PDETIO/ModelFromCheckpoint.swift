// A Transformer rebuilt from a checkpoint: its own config gives the layout, every tensor is checked
// against it before any weight is copied, then the requested toggles are applied on top.
import PDETCore

/// The model a checkpoint holds, with `config`'s toggles applied. `config` must keep the
/// checkpoint's shapes (layers, d-model, heads, d-ff, seq-len, task), init gain and seed; a
/// contradiction is an error naming both values.
public func loadModel(from ck: Checkpoint, config: ModelConfig) throws -> Transformer {
    let saved = ck.config
    let shapePairs: [(String, Int, Int)] = [
        ("layers", saved.layers, config.layers), ("d-model", saved.dModel, config.dModel),
        ("heads", saved.heads, config.heads), ("d-ff", saved.dFF, config.dFF), ("seq-len", saved.seqLen, config.seqLen),
    ]
    for (flag, a, b) in shapePairs where a != b {
        throw CheckpointError("--\(flag) \(b) contradicts the checkpoint, which has \(flag) \(a)")
    }
    if saved.task != config.task {
        throw CheckpointError("--task \(config.task.rawValue) contradicts the checkpoint, which was trained on \(saved.task.rawValue)")
    }
    // The init gain and the seed chose the initial weights (and the seed the data stream): with
    // trained weights a new value would change nothing it promises, yet be recorded as if it had.
    if saved.initGain != config.initGain {
        throw CheckpointError("--init-gain \(config.initGain) does not apply to a checkpoint: it scales the initial weights, and these "
            + "were initialised with init-gain \(saved.initGain) and trained (drop --init-gain, or start a new model)")
    }
    if saved.seed != config.seed {
        throw CheckpointError("--seed \(config.seed) contradicts the checkpoint, which was initialised and trained with seed \(saved.seed)")
    }
    let model = try Transformer(config: saved, vocabSize: ck.vocabSize, outputs: ck.outputs, head: ck.head)
    try checkCheckpoint(ck, against: model.tensors)
    let flat = try flatParameters(ck, layout: model.tensors, count: model.params.count)
    try model.loadParameters(flat)
    model.setStep(ck.step)
    if let optimizer = try flatMoments(ck, layout: model.tensors, count: model.params.count) {
        try model.loadOptimizerState(m: optimizer.m, v: optimizer.v, optimizerStep: optimizer.optimizerStep,
                                     rewarmup: optimizer.rewarmup)
    } else {
        model.resetOptimizer(rewarmup: ck.step > 0 ? weightsOnlyRewarmup : 0)
    }
    try model.apply(config)
    return model
}

/// Updates of the second warm-up a checkpoint without optimizer state resumes with: fresh moments
/// at full rate would move every weight by about lr on the first update (their sign, not their size).
public let weightsOnlyRewarmup = 20

/// What to tell the user when a checkpoint that has been trained carries no optimizer state.
public func resumeNote(for ck: Checkpoint) -> String? {
    guard !ck.hasOptimizerState, ck.step > 0 else { return nil }
    return "the checkpoint has no optimizer state (weights only): training resumes with fresh AdamW moments and a \(weightsOnlyRewarmup)-step warm-up"
}
