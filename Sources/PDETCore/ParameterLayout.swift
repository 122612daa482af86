// Where every parameter lives in the one flat buffer (llm.c's ParameterTensors): named views with
// shapes, in a fixed order that is also the checkpoint order (docs/checkpoint.md). Weights are
// stored (out, in) like PyTorch's nn.Linear.

/// Offsets of one block's tensors.
struct BlockOffsets {
    var ln1w = 0, ln1b = 0        // (C), (C)
    var qkvw = 0, qkvb = 0        // (3C, C), (3C)
    var projw = 0, projb = 0      // (C, C), (C)
    var ln2w = 0, ln2b = 0        // (C), (C)
    var fc1w = 0, fc1b = 0        // (F, C), (F)
    var fc2w = 0, fc2b = 0        // (C, F), (C)
    var range = 0..<0             // the block's whole span (for per-layer gradient norms)
}

struct ParameterLayout {
    var tensors: [TensorView] = []
    var tokEmb = 0                // (V, C)
    var posEmb = 0                // (T, C), used only with learned positions
    var blocks: [BlockOffsets] = []
    var lnfw = 0, lnfb = 0        // (C), (C)
    var headw = 0, headb = 0      // (K, C), (K)
    var alphas: [Int] = []        // per diffusion instance: (S, C)
    var count = 0

    init(config: ModelConfig, vocabSize V: Int, outputs K: Int) {
        let C = config.dModel, F = config.dFF, T = config.seqLen
        func add(_ name: String, _ shape: [Int]) -> Int {
            let off = count
            tensors.append(TensorView(name: name, shape: shape, offset: off))
            count += shape.reduce(1, *)
            return off
        }
        tokEmb = add("tok_emb.weight", [V, C])
        posEmb = add("pos_emb.weight", [T, C])
        for l in 0..<config.layers {
            var b = BlockOffsets()
            let start = count
            b.ln1w = add("blocks.\(l).ln1.weight", [C])
            b.ln1b = add("blocks.\(l).ln1.bias", [C])
            b.qkvw = add("blocks.\(l).attn.qkv.weight", [3 * C, C])
            b.qkvb = add("blocks.\(l).attn.qkv.bias", [3 * C])
            b.projw = add("blocks.\(l).attn.proj.weight", [C, C])
            b.projb = add("blocks.\(l).attn.proj.bias", [C])
            b.ln2w = add("blocks.\(l).ln2.weight", [C])
            b.ln2b = add("blocks.\(l).ln2.bias", [C])
            b.fc1w = add("blocks.\(l).ffn.fc1.weight", [F, C])
            b.fc1b = add("blocks.\(l).ffn.fc1.bias", [F])
            b.fc2w = add("blocks.\(l).ffn.fc2.weight", [C, F])
            b.fc2b = add("blocks.\(l).ffn.fc2.bias", [C])
            b.range = start..<count
            blocks.append(b)
        }
        lnfw = add("ln_f.weight", [C])
        lnfb = add("ln_f.bias", [C])
        headw = add("head.weight", [K, C])
        headb = add("head.bias", [K])
        for i in 0..<config.pde.instanceCount(layers: config.layers) {
            alphas.append(add("pde.\(i).alpha", [config.pdeScales.count, C]))
        }
    }
}

extension TensorView {
    /// Matrices and embeddings decay under AdamW; biases, LayerNorm gains and alphas do not.
    var decays: Bool { shape.count == 2 && name.hasSuffix(".weight") }
    var isLayerNormGain: Bool { name.hasSuffix("ln1.weight") || name.hasSuffix("ln2.weight") || name == "ln_f.weight" }
    var isAlpha: Bool { name.hasPrefix("pde.") }
}

/// A zero-initialised Float allocation owned by a class (so kernels get stable pointers).
final class FloatBuffer {
    let ptr: FloatPtr
    let count: Int

    init(count: Int) {
        self.count = count
        ptr = FloatPtr.allocate(capacity: max(count, 1))
        ptr.initialize(repeating: 0, count: max(count, 1))
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { ptr.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { ptr.deallocate() }

    var array: [Float] { Array(UnsafeBufferPointer(start: ptr, count: count)) }
    func zeroAll() { zero(ptr, count) }
}
