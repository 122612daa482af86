// The fields of a Hugging Face BERT config.json that the forward pass needs.
// Shapes: C = hiddenSize, NH = numAttentionHeads, HS = C / NH, F = intermediateSize,
// L = numHiddenLayers, V = vocabSize, P = maxPositionEmbeddings.

import Foundation
import PDETIO

public struct BertConfig: Equatable, Sendable, Codable {
    public var hiddenSize: Int            // C
    public var numAttentionHeads: Int     // NH
    public var numHiddenLayers: Int       // L
    public var intermediateSize: Int      // F
    public var layerNormEps: Float
    public var vocabSize: Int             // V
    public var maxPositionEmbeddings: Int // P, the longest input including [CLS] and [SEP]
    public var typeVocabSize: Int
    public var hiddenAct: String          // only "gelu" (exact erf GELU) is supported

    public var headSize: Int { hiddenSize / numAttentionHeads }

    public init(hiddenSize: Int, numAttentionHeads: Int, numHiddenLayers: Int, intermediateSize: Int,
                layerNormEps: Float = 1e-12, vocabSize: Int, maxPositionEmbeddings: Int,
                typeVocabSize: Int = 2, hiddenAct: String = "gelu") throws(BertError) {
        self.hiddenSize = hiddenSize
        self.numAttentionHeads = numAttentionHeads
        self.numHiddenLayers = numHiddenLayers
        self.intermediateSize = intermediateSize
        self.layerNormEps = layerNormEps
        self.vocabSize = vocabSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.hiddenAct = hiddenAct
        try validate()
    }

    /// Reads `config.json` of a model folder.
    public static func load(path: String) throws(BertError) -> BertConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BertError("\(path): cannot read the model config (missing file?)")
        }
        return try parse(data, source: path)
    }

    /// Parses config.json bytes; `source` names the file in errors.
    public static func parse(_ data: Data, source: String = "config.json") throws(BertError) -> BertConfig {
        let fields: RawFields
        if let problem = strictJSONProblem([UInt8](data)) { throw BertError("\(source): not valid JSON: \(problem)") }
        do { fields = try JSONDecoder().decode(RawFields.self, from: data) } catch {
            throw BertError("\(source): \(describe(error))")
        }
        func need<T>(_ value: T?, _ key: String) throws(BertError) -> T {
            guard let value else { throw BertError("\(source): missing field \"\(key)\"") }
            return value
        }
        do {
            return try BertConfig(
                hiddenSize: need(fields.hidden_size, "hidden_size"),
                numAttentionHeads: need(fields.num_attention_heads, "num_attention_heads"),
                numHiddenLayers: need(fields.num_hidden_layers, "num_hidden_layers"),
                intermediateSize: need(fields.intermediate_size, "intermediate_size"),
                layerNormEps: fields.layer_norm_eps ?? 1e-12,
                vocabSize: need(fields.vocab_size, "vocab_size"),
                maxPositionEmbeddings: need(fields.max_position_embeddings, "max_position_embeddings"),
                typeVocabSize: fields.type_vocab_size ?? 2,
                hiddenAct: fields.hidden_act ?? "gelu")
        } catch {
            throw BertError(error.message.hasPrefix(source) ? error.message : "\(source): \(error.message)")
        }
    }

    /// The JSON as written by transformers (snake_case); unknown keys are ignored.
    private struct RawFields: Decodable {
        var hidden_size: Int?
        var num_attention_heads: Int?
        var num_hidden_layers: Int?
        var intermediate_size: Int?
        var layer_norm_eps: Float?
        var vocab_size: Int?
        var max_position_embeddings: Int?
        var type_vocab_size: Int?
        var hidden_act: String?
    }

    /// One line for a DecodingError: which field has which problem.
    private static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error as? DecodingError {
        case .typeMismatch(let type, let context)?:
            return "field \"\(path(context.codingPath))\" has the wrong type (expected \(type))"
        case .valueNotFound(let type, let context)?:
            return "field \"\(path(context.codingPath))\" is null (expected \(type))"
        case .dataCorrupted(let context)?:
            let at = context.codingPath.isEmpty ? "" : " at \"\(path(context.codingPath))\""
            return "not a valid JSON config\(at)"
        case .keyNotFound(let key, _)?:
            return "missing field \"\(key.stringValue)\""
        default:
            return "not a valid JSON config"
        }
    }

    /// Throws the first problem with the shape fields.
    public func validate() throws(BertError) {
        func positive(_ value: Int, _ key: String, max: Int = 1 << 20) throws(BertError) {
            if value < 1 || value > max { throw BertError("field \"\(key)\" must be in 1...\(max) (got \(value))") }
        }
        try positive(hiddenSize, "hidden_size", max: 16384)
        try positive(numAttentionHeads, "num_attention_heads", max: 1024)
        try positive(numHiddenLayers, "num_hidden_layers", max: 256)
        try positive(intermediateSize, "intermediate_size", max: 65536)
        try positive(vocabSize, "vocab_size", max: 1 << 22)
        try positive(maxPositionEmbeddings, "max_position_embeddings", max: 1 << 16)
        try positive(typeVocabSize, "type_vocab_size", max: 1024)
        if hiddenSize % numAttentionHeads != 0 {
            throw BertError("hidden_size (\(hiddenSize)) must be divisible by num_attention_heads (\(numAttentionHeads))")
        }
        if maxPositionEmbeddings < 2 {
            throw BertError("field \"max_position_embeddings\" must be at least 2 (room for [CLS] and [SEP])")
        }
        if !(layerNormEps.isFinite && layerNormEps >= 0 && layerNormEps < 1) {
            throw BertError("field \"layer_norm_eps\" must be in [0, 1) (got \(layerNormEps))")
        }
        if hiddenAct != "gelu" {
            throw BertError("field \"hidden_act\" is \"\(hiddenAct)\": only \"gelu\" (exact erf GELU) is supported")
        }
    }
}
