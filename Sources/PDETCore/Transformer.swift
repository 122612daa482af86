// The model: parameters, gradients and activations as named views into flat buffers, a forward
// and backward pass that follow the current toggles, and AdamW. Layer kernels live in Layers/*.swift.
//
// CONTRACT (other modules build against exactly these names; bodies are filled in by the core work):

/// A named parameter tensor inside the flat parameter buffer.
public struct TensorView: Equatable, Sendable {
    public var name: String       // checkpoint name, e.g. "blocks.0.attn.qkv.weight" (docs/checkpoint.md)
    public var shape: [Int]
    public var offset: Int        // into `Transformer.params`
    public var count: Int { shape.reduce(1, *) }

    public init(name: String, shape: [Int], offset: Int) {
        self.name = name
        self.shape = shape
        self.offset = offset
    }
}

public final class Transformer {
    public private(set) var config: ModelConfig
    public let vocabSize: Int             // V
    public let outputs: Int               // K classes (classify) or output vocabulary (per-token)
    public let head: HeadKind

    /// All parameters, one allocation; `tensors` names the views into it.
    public internal(set) var params: [Float] = []
    public internal(set) var grads: [Float] = []
    public internal(set) var tensors: [TensorView] = []
    public internal(set) var step: Int = 0    // updates applied so far

    /// Builds and initialises a model deterministically from `config.seed`.
    public init(config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind) {
        self.config = config
        self.vocabSize = vocabSize
        self.outputs = outputs
        self.head = head
        fatalError("not implemented")
    }

    /// Changes toggles between two steps, keeping every weight that still applies.
    /// A shape change (layers, d-model, …) is refused with a message; diffusion alphas are created
    /// (at `pdeAlpha`) when a site or scale set appears, and kept when the site only moves between
    /// per-block sites of the same layer count.
    public func apply(_ newConfig: ModelConfig) throws(ConfigError) { fatalError("not implemented") }

    /// Forward pass; targets may be empty (loss and accuracy are then NaN). Fills `lastMetrics`.
    /// `probeChannel` picks the channel reported in `ForwardMetrics.diffusion`, and `probeInstance`
    /// the diffusion layer (clamped to the valid range).
    @discardableResult
    public func forward(_ batch: Batch, probeChannel: Int = 0, probeInstance: Int = 0) -> ForwardMetrics {
        fatalError("not implemented")
    }

    /// Backward pass of the last forward (which must have had targets): grads += dLoss/dParams.
    public func backward() { fatalError("not implemented") }

    public func zeroGrad() { fatalError("not implemented") }

    /// One AdamW update from the current gradients (clipping, warm-up, weight decay per config).
    public func update() { fatalError("not implemented") }

    /// zeroGrad, forward, backward, update: one training step on `batch`.
    @discardableResult
    public func trainStep(_ batch: Batch) -> StepMetrics { fatalError("not implemented") }

    /// Predictions of the last forward: (B, T) argmax per token, or (B) argmax class.
    public var lastPredictions: [Int32] { fatalError("not implemented") }

    /// Replaces all parameters (checkpoint loading). `values.count` must equal `params.count`.
    public func loadParameters(_ values: [Float]) throws(ConfigError) { fatalError("not implemented") }
}

public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
