// The weights as PDETCore's kernels read them, made once per model: each linear layer's matrix
// packed into the GEMM's column panels (packWeightForForward), so a forward pass streams every
// weight once in the order the register tiles want it, and the biases and LayerNorm parameters
// as raw buffers. Costs the size of the layers' matrices again (42 MB for MiniLM); packing them on
// every forward instead would copy those 42 MB once per sentence.

import PDETCore

final class BertKernelWeights: @unchecked Sendable {   // written in init only, then read-only
    /// One block's buffers; the matrices packed (packedCount floats), the vectors as they are.
    struct Layer {
        let qkv: FloatPtr, qkvBias: FloatPtr                 // (C → 3C), (3C)
        let attnOut: FloatPtr, attnOutBias: FloatPtr         // (C → C), (C)
        let attnNormGain: FloatPtr, attnNormBias: FloatPtr   // (C), (C)
        let ffnIn: FloatPtr, ffnInBias: FloatPtr             // (C → F), (F)
        let ffnOut: FloatPtr, ffnOutBias: FloatPtr           // (F → C), (C)
        let ffnNormGain: FloatPtr, ffnNormBias: FloatPtr     // (C), (C)
    }

    let embNormGain: FloatPtr, embNormBias: FloatPtr         // (C), (C)
    let layers: [Layer]
    private let storage: FloatPtr

    /// `weights` must already match `config` (BertModel.init checks every size first).
    init(_ weights: BertWeights, config: BertConfig) {
        let C = config.hiddenSize, F = config.intermediateSize
        let perLayer = packedCount(K: C, N: 3 * C) + packedCount(K: C, N: C) + packedCount(K: C, N: F)
            + packedCount(K: F, N: C) + 3 * C + 6 * C + F
        let total = 2 * C + weights.layers.count * perLayer
        storage = FloatPtr.allocate(capacity: max(total, 1))
        var next = storage
        func copy(_ values: [Float]) -> FloatPtr {
            defer { next += values.count }
            values.withUnsafeBufferPointer { next.initialize(from: $0.baseAddress!, count: values.count) }
            return next
        }
        func pack(_ w: [Float], IC: Int, OC: Int) -> FloatPtr {
            defer { next += packedCount(K: IC, N: OC) }
            w.withUnsafeBufferPointer { packWeightForForward(next, UnsafeMutablePointer(mutating: $0.baseAddress!), IC: IC, OC: OC) }
            return next
        }
        embNormGain = copy(weights.embNormGain)
        embNormBias = copy(weights.embNormBias)
        layers = weights.layers.map { w in
            Layer(qkv: pack(w.qkv, IC: C, OC: 3 * C), qkvBias: copy(w.qkvBias),
                  attnOut: pack(w.attnOut, IC: C, OC: C), attnOutBias: copy(w.attnOutBias),
                  attnNormGain: copy(w.attnNormGain), attnNormBias: copy(w.attnNormBias),
                  ffnIn: pack(w.ffnIn, IC: C, OC: F), ffnInBias: copy(w.ffnInBias),
                  ffnOut: pack(w.ffnOut, IC: F, OC: C), ffnOutBias: copy(w.ffnOutBias),
                  ffnNormGain: copy(w.ffnNormGain), ffnNormBias: copy(w.ffnNormBias))
        }
    }

    deinit { storage.deallocate() }
}
