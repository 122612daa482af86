// The model: parameters, gradients and AdamW state as named views into flat buffers
// (ParameterLayout), activations in one arena (Activations), and a forward and backward pass that
// follow the current toggles (Transformer+Forward.swift, Transformer+Backward.swift).
// Layer kernels are free functions in *Kernels.swift.

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

    var layout: ParameterLayout
    var paramBuf: FloatBuffer {           // (layout.count)
        didSet { transposedWeights.removeAll() }
    }
    /// Each linear layer's weight packed for the GEMM (packWeightForForward), keyed by the weight's
    /// offset in paramBuf: the forward pass reuses them instead of packing per call. Cleared
    /// whenever a parameter changes.
    var transposedWeights: [Int: FloatBuffer] = [:]
    /// The buffers the packed weights live in, kept across parameter changes and packed again in
    /// place (allocating them anew after every update fragmented the heap: RSS crept up).
    var packedWeightStore: [Int: FloatBuffer] = [:]
    var gradBuf: FloatBuffer              // (layout.count)
    var adamM: FloatBuffer                // (layout.count) first moments
    var adamV: FloatBuffer                // (layout.count) second moments
    var decayMask: [Bool]                 // per tensor in layout order
    var acts: Activations?
    let sinusoid: FloatBuffer             // (T, C) fixed table
    var lastForward: (loss: Double, correct: Int, counted: Int, rows: Int)?
    /// The batch of the last forward pass (backward() repeats a loss-only forward: forwardPass).
    var lastBatch: Batch?
    var lastNonFinite: NonFinite?
    /// The last `layerStability` result (eigenvalues are O(T³): recomputed only when its inputs change).
    var stabilityCache: (key: StabilityKey, value: DiffusionStability)?
    public internal(set) var step: Int = 0    // updates applied so far: the data cursor (batch index) and warm-up position
    /// Updates applied to the current AdamW moments: the bias-correction count t − 1. Equal to `step`
    /// unless the moments were reset (a checkpoint without optimizer state), so resuming never takes
    /// the ~2.5 × lr first step that zero moments with a large t would give.
    public internal(set) var optimizerStep: Int = 0
    /// A second, short linear warm-up over `optimizerStep` after the moments were reset (0 = none).
    public internal(set) var rewarmup: Int = 0

    /// The largest step or optimizer count a checkpoint may carry: far beyond any run here, far below
    /// where `step + 1` or Float(step) lose meaning.
    public static let maxStep = 1_000_000_000

    /// All parameters in layout order (a copy; checkpoints and tests read it).
    public var params: [Float] { paramBuf.array }
    /// The gradients accumulated since the last zeroGrad (a copy).
    public var grads: [Float] { gradBuf.array }
    /// The named views into `params`.
    public var tensors: [TensorView] { layout.tensors }

    /// The tensors a model of this configuration has, in checkpoint order.
    public static func parameterLayout(config: ModelConfig, vocabSize: Int, outputs: Int) -> [TensorView] {
        ParameterLayout(config: config, vocabSize: vocabSize, outputs: outputs).tensors
    }

    /// Bytes a model of this configuration needs while training: parameters, gradients, both AdamW
    /// moments and the cached weight transposes (5 × P floats), plus the activations of the larger
    /// of a training batch and an evaluation batch (64 rows). Computed in Double: never overflows.
    public static func estimatedBytes(config c: ModelConfig, vocabSize: Int, outputs: Int) -> Double {
        let C = Double(c.dModel), F = Double(c.dFF), T = Double(c.seqLen), L = Double(c.layers)
        let S = Double(c.pdeScales.count) * C
        let perBlock = 4 * C * C + 4 * C + 2 * C * F + F + C + 4 * C + 2 * S
        let params = L * perBlock + Double(vocabSize) * C + T * C + Double(outputs) * C + Double(outputs) + 2 * C + 2 * S
        let acts = Activations.floats(B: max(c.batch, 64), T: c.seqLen, C: c.dModel, NH: c.heads, F: c.dFF, K: outputs,
                                      L: c.layers, steps: c.pdeSteps)
        return 4 * (5 * params + acts)
    }

    /// Builds and initialises a model deterministically from `config.seed`. A configuration whose
    /// memory (`estimatedBytes`) exceeds what the machine has available is refused before allocating.
    public init(config: ModelConfig, vocabSize: Int, outputs: Int, head: HeadKind) throws(ConfigError) {
        let problems = config.problems()
        if let first = problems.first { throw ConfigError(first) }
        guard vocabSize >= 1, outputs >= 1 else { throw ConfigError("vocabulary and outputs must be at least 1") }
        let needed = Self.estimatedBytes(config: config, vocabSize: vocabSize, outputs: outputs)
        if let headroom = memoryHeadroom(), needed > 0.9 * headroom.bytes {
            throw ConfigError("this configuration needs about \(gibibytes(needed)) of memory to train; "
                + "\(headroom.source) \(gibibytes(headroom.bytes)) available (reduce --batch, --seq-len, --d-model, --d-ff or --layers)")
        }
        self.config = config
        self.vocabSize = vocabSize
        self.outputs = outputs
        self.head = head
        layout = ParameterLayout(config: config, vocabSize: vocabSize, outputs: outputs)
        paramBuf = FloatBuffer(count: layout.count)
        gradBuf = FloatBuffer(count: layout.count)
        adamM = FloatBuffer(count: layout.count)
        adamV = FloatBuffer(count: layout.count)
        decayMask = layout.tensors.map(\.decays)
        sinusoid = FloatBuffer(sinusoidalPositions(T: config.seqLen, C: config.dModel))
        initialise()
    }

    /// Weights ~ Normal(0, 0.02 × init-gain), biases 0, LayerNorm gain 1, alphas at pdeAlpha / S.
    func initialise() {
        var rng = SplitMix64(seed: config.seed).derived(0x1417)
        let std = 0.02 * config.initGain
        for t in layout.tensors {
            let p = paramBuf.ptr + t.offset
            if t.isAlpha {
                for i in 0..<t.count { p[i] = config.pdeAlpha / Float(config.pdeScales.count) }
            } else if t.isLayerNormGain {
                for i in 0..<t.count { p[i] = 1 }
            } else if t.shape.count == 2 {
                for i in 0..<t.count { p[i] = rng.nextGaussian() * std }
            } else {
                for i in 0..<t.count { p[i] = 0 }
            }
        }
        if config.pdeClamp { clampAllAlphas() }
        transposedWeights.removeAll()
    }

    func clampAllAlphas() {
        for off in layout.alphas { clampAlphas(paramBuf.ptr + off, config.pdeScales.count, config.dModel) }
    }

    /// Changes toggles between two steps, keeping every weight that still applies.
    /// A shape change (layers, d-model, …) is refused with a message; diffusion alphas are created
    /// (at `pdeAlpha`) when a site or scale set appears, kept when the site only moves between
    /// per-block sites, and reset to `pdeAlpha / S` when `pdeAlpha` itself changes.
    public func apply(_ newConfig: ModelConfig) throws(ConfigError) {
        if let first = newConfig.problems().first { throw ConfigError(first) }
        if newConfig.shapeDiffers(from: config) {
            throw ConfigError("layers, d-model, heads, d-ff, seq-len and task fix the weights' shapes: start a new model to change them")
        }
        let old = config
        config = newConfig
        let keepsAlphas = old.pdeScales == newConfig.pdeScales
            && (old.pde == newConfig.pde || (old.pde.isPerBlock && newConfig.pde.isPerBlock))
        if !keepsAlphas {
            relayout()
        } else if old.pdeAlpha != newConfig.pdeAlpha {
            for t in layout.tensors where t.isAlpha {
                for i in 0..<t.count { paramBuf.ptr[t.offset + i] = newConfig.pdeAlpha / Float(newConfig.pdeScales.count) }
            }
        }
        if newConfig.pdeClamp { clampAllAlphas() }
        if old.batch != newConfig.batch || old.pdeSteps != newConfig.pdeSteps { acts = nil }
        lastForward = nil
        transposedWeights.removeAll()
    }

    /// New layout for a new diffusion site or scale set: copies every tensor that keeps its name and
    /// shape (weights and their AdamW moments), initialises the new alphas.
    private func relayout() {
        let newLayout = ParameterLayout(config: config, vocabSize: vocabSize, outputs: outputs)
        let p = FloatBuffer(count: newLayout.count), m = FloatBuffer(count: newLayout.count)
        let v = FloatBuffer(count: newLayout.count)
        let oldByName = Dictionary(uniqueKeysWithValues: layout.tensors.map { ($0.name, $0) })
        for t in newLayout.tensors {
            if let o = oldByName[t.name], o.shape == t.shape {
                (p.ptr + t.offset).update(from: paramBuf.ptr + o.offset, count: t.count)
                (m.ptr + t.offset).update(from: adamM.ptr + o.offset, count: t.count)
                (v.ptr + t.offset).update(from: adamV.ptr + o.offset, count: t.count)
            } else if t.isAlpha {
                for i in 0..<t.count { p.ptr[t.offset + i] = config.pdeAlpha / Float(config.pdeScales.count) }
            }
        }
        layout = newLayout
        paramBuf = p
        adamM = m
        adamV = v
        gradBuf = FloatBuffer(count: newLayout.count)
        decayMask = newLayout.tensors.map(\.decays)
    }

    /// Replaces all parameters (checkpoint loading). `values.count` must equal `params.count`.
    public func loadParameters(_ values: [Float]) throws(ConfigError) {
        guard values.count == layout.count else {
            throw ConfigError("checkpoint holds \(values.count) parameters, the model needs \(layout.count)")
        }
        values.withUnsafeBufferPointer { paramBuf.ptr.update(from: $0.baseAddress!, count: values.count) }
        lastForward = nil
        transposedWeights.removeAll()
    }

    /// Sets the update counter (a checkpoint records how many steps made it), bounded to 0...maxStep.
    /// The optimizer count follows it: call `loadOptimizerState` or `resetOptimizer` afterwards.
    public func setStep(_ n: Int) {
        step = min(max(0, n), Self.maxStep)
        optimizerStep = step
    }

    /// AdamW's state: first and second moments (layout order, `params.count` each) and the update count.
    public var optimizerState: (m: [Float], v: [Float], optimizerStep: Int, rewarmup: Int) {
        (adamM.array, adamV.array, optimizerStep, rewarmup)
    }

    /// Restores AdamW's moments and counts exactly (a checkpoint saved with optimizer state).
    public func loadOptimizerState(m: [Float], v: [Float], optimizerStep: Int, rewarmup: Int) throws(ConfigError) {
        guard m.count == layout.count, v.count == layout.count else {
            throw ConfigError("optimizer state holds \(m.count)/\(v.count) moments, the model needs \(layout.count)")
        }
        guard (0...Self.maxStep).contains(optimizerStep), (0...Self.maxStep).contains(rewarmup) else {
            throw ConfigError("optimizer counts must be in 0...\(Self.maxStep) (got \(optimizerStep), \(rewarmup))")
        }
        m.withUnsafeBufferPointer { adamM.ptr.update(from: $0.baseAddress!, count: m.count) }
        v.withUnsafeBufferPointer { adamV.ptr.update(from: $0.baseAddress!, count: v.count) }
        self.optimizerStep = optimizerStep
        self.rewarmup = rewarmup
    }

    /// Fresh moments and a fresh bias-correction count, with a short warm-up of `rewarmup` updates:
    /// how a checkpoint without optimizer state resumes.
    public func resetOptimizer(rewarmup: Int) {
        adamM.zeroAll()
        adamV.zeroAll()
        optimizerStep = 0
        self.rewarmup = max(0, min(rewarmup, Self.maxStep))
    }

    public func zeroGrad() { gradBuf.zeroAll() }

    /// The current alphas, (instances, S, C) flattened per instance.
    public func alphas(instance: Int) -> [Float] {
        guard instance >= 0 && instance < layout.alphas.count else { return [] }
        let n = config.pdeScales.count * config.dModel
        return Array(UnsafeBufferPointer(start: paramBuf.ptr + layout.alphas[instance], count: n))
    }
}

public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Transformer {
    /// One parameter by flat index (gradient checks, tests).
    public func parameter(_ i: Int) -> Float { paramBuf.ptr[i] }
    public func setParameter(_ i: Int, _ v: Float) { paramBuf.ptr[i] = v; lastForward = nil; transposedWeights.removeAll() }
    public func gradient(_ i: Int) -> Float { gradBuf.ptr[i] }

    /// Loss of a forward pass in Double (no metrics gathered): what gradient checks difference.
    public func loss(_ batch: Batch) -> Double { forwardPass(batch, lossOnly: true).loss }
}
