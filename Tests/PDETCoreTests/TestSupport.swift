import PDETCore

/// A small random batch: tokens in 0..<V, per-token or per-sequence targets in 0..<K.
func randomBatch(B: Int, T: Int, V: Int, K: Int, head: HeadKind, seed: UInt64) -> Batch {
    var rng = SplitMix64(seed: seed)
    let tokens = (0..<(B * T)).map { _ in Int32(rng.nextInt(below: V)) }
    let n = head == .perToken ? B * T : B
    let targets = (0..<n).map { _ in Int32(rng.nextInt(below: K)) }
    return Batch(tokens: tokens, targets: targets, batchSize: B, seqLen: T)
}

func tinyConfig() -> ModelConfig {
    var c = ModelConfig()
    c.layers = 2
    c.dModel = 8
    c.heads = 2
    c.dFF = 16
    c.seqLen = 6
    c.batch = 2
    c.initGain = 10      // std 0.2: gradients well above Float rounding in the finite differences
    c.seed = 7
    return c
}
