// A Transformer rebuilt from a checkpoint: its own config gives the layout, every tensor is checked
// against it before any weight is copied, then the requested toggles are applied on top.
import PDETCore

/// The model a checkpoint holds, with `config`'s toggles applied. `config` must keep the
/// checkpoint's shapes (layers, d-model, heads, d-ff, seq-len, task); a contradiction is an error
/// naming both values.
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
    let model = try Transformer(config: saved, vocabSize: ck.vocabSize, outputs: ck.outputs, head: ck.head)
    try checkCheckpoint(ck, against: model.tensors)
    let flat = try flatParameters(ck, layout: model.tensors, count: model.params.count)
    try model.loadParameters(flat)
    model.setStep(ck.step)
    try model.apply(config)
    return model
}
