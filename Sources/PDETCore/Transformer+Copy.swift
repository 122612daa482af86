// An exact copy of a model: the explorer's A/B split starts pane B as A's twin (weights, AdamW
// moments, gradients, update counter), so that B does not restart from scratch when A was loaded
// from a checkpoint or already trained. Both then see the same batches (data is a function of step).

extension Transformer {
    /// A model with the same configuration, layout, parameters, gradients, AdamW moments and step.
    /// Training both on the same batches gives bit-identical results.
    public func copy() throws(ConfigError) -> Transformer {
        let twin = try Transformer(config: config, vocabSize: vocabSize, outputs: outputs, head: head)
        // The layout as it is now (after toggles), not as a fresh model of `config` would lay it out.
        twin.layout = layout
        twin.decayMask = decayMask
        twin.paramBuf = duplicate(paramBuf)
        twin.gradBuf = duplicate(gradBuf)
        twin.adamM = duplicate(adamM)
        twin.adamV = duplicate(adamV)
        twin.step = step
        twin.optimizerStep = optimizerStep
        twin.rewarmup = rewarmup
        twin.lastNonFinite = lastNonFinite
        twin.acts = nil
        twin.lastForward = nil
        return twin
    }
}

private func duplicate(_ buffer: FloatBuffer) -> FloatBuffer {
    let out = FloatBuffer(count: buffer.count)
    out.ptr.update(from: buffer.ptr, count: buffer.count)
    return out
}
