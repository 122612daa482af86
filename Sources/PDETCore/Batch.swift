// One batch of a task, as the model consumes it.

/// Targets equal to `Batch.ignore` contribute nothing to loss or accuracy (padding).
public struct Batch: Equatable, Sendable {
    public static let ignore: Int32 = -1

    public var tokens: [Int32]    // (B, T) token ids in 0..<V
    public var targets: [Int32]   // (B, T) for per-token heads, (B) for classify heads
    public var batchSize: Int     // B
    public var seqLen: Int        // T

    public init(tokens: [Int32], targets: [Int32], batchSize: Int, seqLen: Int) {
        self.tokens = tokens
        self.targets = targets
        self.batchSize = batchSize
        self.seqLen = seqLen
    }
}

extension Batch {
    /// The first `rows` rows (clamped to 1…B): tokens (rows, T); targets cut to match when they are
    /// per token (B·T) or per row (B).
    public func firstRows(_ rows: Int) -> Batch {
        let r = min(max(1, rows), batchSize)
        let targetCut = targets.count == batchSize * seqLen ? r * seqLen : (targets.count == batchSize ? r : targets.count)
        return Batch(tokens: Array(tokens.prefix(r * seqLen)), targets: Array(targets.prefix(targetCut)),
                     batchSize: r, seqLen: seqLen)
    }
}
