// The parameters of a BERT encoder, loaded from a Hugging Face model.safetensors (F32) and checked
// against the config, or drawn at random for tests.
// Matrices keep PyTorch's (out, in) row-major layout; BertKernelWeights packs them for the GEMM.
// Shapes: V vocab, P positions, C hidden, F intermediate.

import PDETCore
import PDETIO

/// One post-LN encoder block.
public struct BertLayerWeights: Sendable {
    public var qkv: [Float]           // (3C, C) query, key and value weights stacked: one matmul
    public var qkvBias: [Float]       // (3C)
    public var attnOut: [Float]       // (C, C) attention.output.dense
    public var attnOutBias: [Float]   // (C)
    public var attnNormGain: [Float]  // (C) attention.output.LayerNorm
    public var attnNormBias: [Float]  // (C)
    public var ffnIn: [Float]         // (F, C) intermediate.dense
    public var ffnInBias: [Float]     // (F)
    public var ffnOut: [Float]        // (C, F) output.dense
    public var ffnOutBias: [Float]    // (C)
    public var ffnNormGain: [Float]   // (C) output.LayerNorm
    public var ffnNormBias: [Float]   // (C)
}

public struct BertWeights: Sendable {
    public var wordEmbeddings: [Float]      // (V, C)
    public var positionEmbeddings: [Float]  // (P, C)
    public var tokenTypeEmbeddings: [Float] // (types, C); only type 0 is used
    public var embNormGain: [Float]         // (C)
    public var embNormBias: [Float]         // (C)
    public var layers: [BertLayerWeights]   // (L)

    /// Loads every tensor the encoder needs from a safetensors file. Names may carry a "bert."
    /// prefix (BertForX checkpoints); extra tensors (pooler, position_ids) are ignored.
    public init(file: SafeTensorsFile, config: BertConfig) throws(BertError) {
        let prefix = file.info("embeddings.word_embeddings.weight") == nil
            && file.info("bert.embeddings.word_embeddings.weight") != nil ? "bert." : ""
        let C = config.hiddenSize, F = config.intermediateSize
        func load(_ name: String, _ shape: [Int]) throws(BertError) -> [Float] {
            let full = prefix + name
            guard let info = file.info(full) else {
                throw BertError("model.safetensors has no tensor \"\(full)\"")
            }
            guard info.dtype == "F32" else {
                throw BertError("tensor \"\(full)\" has dtype \(info.dtype); only F32 is supported")
            }
            guard info.shape == shape else {
                throw BertError("tensor \"\(full)\" has shape \(info.shape) but config.json implies \(shape)")
            }
            do { return try file.floats(full) } catch { throw BertError("tensor \"\(full)\": \(error.message)") }
        }
        wordEmbeddings = try load("embeddings.word_embeddings.weight", [config.vocabSize, C])
        positionEmbeddings = try load("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, C])
        tokenTypeEmbeddings = try load("embeddings.token_type_embeddings.weight", [config.typeVocabSize, C])
        embNormGain = try load("embeddings.LayerNorm.weight", [C])
        embNormBias = try load("embeddings.LayerNorm.bias", [C])
        layers = []
        for l in 0..<config.numHiddenLayers {
            let p = "encoder.layer.\(l)."
            let q = try load(p + "attention.self.query.weight", [C, C])
            let k = try load(p + "attention.self.key.weight", [C, C])
            let v = try load(p + "attention.self.value.weight", [C, C])
            let qb = try load(p + "attention.self.query.bias", [C])
            let kb = try load(p + "attention.self.key.bias", [C])
            let vb = try load(p + "attention.self.value.bias", [C])
            layers.append(BertLayerWeights(
                qkv: q + k + v, qkvBias: qb + kb + vb,
                attnOut: try load(p + "attention.output.dense.weight", [C, C]),
                attnOutBias: try load(p + "attention.output.dense.bias", [C]),
                attnNormGain: try load(p + "attention.output.LayerNorm.weight", [C]),
                attnNormBias: try load(p + "attention.output.LayerNorm.bias", [C]),
                ffnIn: try load(p + "intermediate.dense.weight", [F, C]),
                ffnInBias: try load(p + "intermediate.dense.bias", [F]),
                ffnOut: try load(p + "output.dense.weight", [C, F]),
                ffnOutBias: try load(p + "output.dense.bias", [C]),
                ffnNormGain: try load(p + "output.LayerNorm.weight", [C]),
                ffnNormBias: try load(p + "output.LayerNorm.bias", [C])))
        }
        // Layers the file holds beyond num_hidden_layers would be dropped without a word: refuse.
        let layerPrefix = prefix + "encoder.layer."
        let fileLayers = Set(file.tensors.compactMap { t -> Int? in
            guard t.name.hasPrefix(layerPrefix) else { return nil }
            return Int(t.name.dropFirst(layerPrefix.count).prefix { $0 != "." })
        })
        if let extra = fileLayers.filter({ $0 >= config.numHiddenLayers }).min() {
            throw BertError("model.safetensors holds encoder layer \(extra) (\(fileLayers.count) layers) but config.json says num_hidden_layers \(config.numHiddenLayers)")
        }
    }

    /// Random weights, deterministic in `seed`: matrices ~ N(0, 0.02²·gain²) as BERT initialises,
    /// LayerNorm gain 1 and bias 0 plus a little noise so tests see every parameter matter.
    public static func random(config: BertConfig, seed: UInt64, gain: Float = 1) -> BertWeights {
        var rng = SplitMix64(seed: seed)
        let C = config.hiddenSize, F = config.intermediateSize
        func normal(_ n: Int, _ std: Float) -> [Float] { (0..<n).map { _ in rng.nextGaussian() * std } }
        func around(_ n: Int, _ centre: Float) -> [Float] { (0..<n).map { _ in centre + 0.05 * rng.nextGaussian() } }
        let s = 0.02 * gain
        var layers: [BertLayerWeights] = []
        for _ in 0..<config.numHiddenLayers {
            layers.append(BertLayerWeights(
                qkv: normal(3 * C * C, s * 5), qkvBias: normal(3 * C, s),
                attnOut: normal(C * C, s * 5), attnOutBias: normal(C, s),
                attnNormGain: around(C, 1), attnNormBias: around(C, 0),
                ffnIn: normal(F * C, s * 5), ffnInBias: normal(F, s),
                ffnOut: normal(C * F, s * 5), ffnOutBias: normal(C, s),
                ffnNormGain: around(C, 1), ffnNormBias: around(C, 0)))
        }
        return BertWeights(
            wordEmbeddings: normal(config.vocabSize * C, 1), positionEmbeddings: normal(config.maxPositionEmbeddings * C, 0.5),
            tokenTypeEmbeddings: normal(config.typeVocabSize * C, 0.1),
            embNormGain: around(C, 1), embNormBias: around(C, 0), layers: layers)
    }

    public init(wordEmbeddings: [Float], positionEmbeddings: [Float], tokenTypeEmbeddings: [Float],
                embNormGain: [Float], embNormBias: [Float], layers: [BertLayerWeights]) {
        self.wordEmbeddings = wordEmbeddings
        self.positionEmbeddings = positionEmbeddings
        self.tokenTypeEmbeddings = tokenTypeEmbeddings
        self.embNormGain = embNormGain
        self.embNormBias = embNormBias
        self.layers = layers
    }
}
