// Shared helpers: where the repo, the downloaded MiniLM and the reference JSON are, and a tiny
// random BERT written as a real model folder for the loading tests.

import Foundation
import PDETBert
import PDETIO
import XCTest

enum Paths {
    /// The repository root, from this file's path (Tests/PDETBertTests/TestSupport.swift).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let minilm = root + "/.cache/minilm"
    static let reference = root + "/Tests/PDETBertTests/Resources/minilm-reference.json"
}

/// The real MiniLM, loaded once for all tests (nil when not downloaded).
enum MiniLM {
    static let loaded: Result<SentenceEncoder, BertError>? = {
        guard FileManager.default.fileExists(atPath: Paths.minilm + "/model.safetensors") else { return nil }
        return Result { () throws(BertError) in try SentenceEncoder(modelDirectory: Paths.minilm) }
    }()

    /// The whole model. Debug builds skip: a debug forward of 36 sentences takes many minutes.
    static func encoder() throws -> SentenceEncoder {
        guard FileManager.default.fileExists(atPath: Paths.minilm + "/model.safetensors") else {
            throw XCTSkip("MiniLM not downloaded: run scripts/fetch-minilm.sh")
        }
        #if DEBUG
        throw XCTSkip("MiniLM forward tests run in release: swift test -c release --filter PDETBertTests")
        #else
        return try loaded!.get()
        #endif
    }

    /// Only the vocabulary (fast in debug too) and the model's positions.
    static func tokenizer() throws -> (WordPieceTokenizer, maxLength: Int) {
        guard FileManager.default.fileExists(atPath: Paths.minilm + "/model.safetensors") else {
            throw XCTSkip("MiniLM not downloaded: run scripts/fetch-minilm.sh")
        }
        let config = try BertConfig.load(path: Paths.minilm + "/config.json")
        return (try WordPieceTokenizer(vocabFile: Paths.minilm + "/vocab.txt"), config.maxPositionEmbeddings)
    }
}

/// minilm-reference.json, written by scripts/minilm-reference.py.
struct Reference: Decodable {
    struct Layer: Decodable { var rms: Float; var drift: Float }
    struct Sentence: Decodable {
        var text: String
        var tokens: [String]
        var ids: [Int]
        var truncated: Bool
        var embedding: [Float]
        var layers: [Layer]
    }
    struct Attention: Decodable { var sentence: Int; var layer: Int; var head: Int; var rows: [[Float]] }
    var sentences: [Sentence]
    var attention: Attention

    static func load() throws -> Reference {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.reference))
        return try JSONDecoder().decode(Reference.self, from: data)
    }
}

/// A fresh empty temporary folder.
func makeTemporaryDirectory(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdetbert-\(name)-\(getpid())").path
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A tiny BERT (C 16, 2 heads, 2 layers, F 24, 24 positions) written as config.json,
/// model.safetensors and vocab.txt, exactly as transformers names things.
enum TinyBert {
    static let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat",
                        "un", "##aff", "##able", ".", ",", "!", "a", "##b", "##c", "dog"]
    static func config() throws -> BertConfig {
        try BertConfig(hiddenSize: 16, numAttentionHeads: 2, numHiddenLayers: 2, intermediateSize: 24,
                       layerNormEps: 1e-12, vocabSize: vocab.count, maxPositionEmbeddings: 24)
    }

    static func configJSON(_ c: BertConfig, overrides: [String: String] = [:]) -> String {
        var fields: [(String, String)] = [
            ("architectures", "[\"BertModel\"]"), ("hidden_act", "\"\(c.hiddenAct)\""),
            ("hidden_size", "\(c.hiddenSize)"), ("intermediate_size", "\(c.intermediateSize)"),
            ("layer_norm_eps", "1e-12"), ("max_position_embeddings", "\(c.maxPositionEmbeddings)"),
            ("model_type", "\"bert\""), ("num_attention_heads", "\(c.numAttentionHeads)"),
            ("num_hidden_layers", "\(c.numHiddenLayers)"), ("type_vocab_size", "\(c.typeVocabSize)"),
            ("vocab_size", "\(c.vocabSize)"),
        ]
        for (key, value) in overrides {
            fields.removeAll { $0.0 == key }
            if value != "<remove>" { fields.append((key, value)) }
        }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The named tensors of `weights`, as a checkpoint of HF's BertModel has them.
    static func tensors(_ w: BertWeights, _ c: BertConfig, prefix: String = "") -> [(name: String, shape: [Int], data: [Float])] {
        let C = c.hiddenSize, F = c.intermediateSize
        var out: [(name: String, shape: [Int], data: [Float])] = [
            ("embeddings.word_embeddings.weight", [c.vocabSize, C], w.wordEmbeddings),
            ("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, C], w.positionEmbeddings),
            ("embeddings.token_type_embeddings.weight", [c.typeVocabSize, C], w.tokenTypeEmbeddings),
            ("embeddings.LayerNorm.weight", [C], w.embNormGain), ("embeddings.LayerNorm.bias", [C], w.embNormBias),
            ("pooler.dense.weight", [C, C], [Float](repeating: 0, count: C * C)),
        ]
        for (l, lw) in w.layers.enumerated() {
            let p = "encoder.layer.\(l)."
            for (i, part) in ["query", "key", "value"].enumerated() {
                out.append((p + "attention.self.\(part).weight", [C, C], Array(lw.qkv[(i * C * C)..<((i + 1) * C * C)])))
                out.append((p + "attention.self.\(part).bias", [C], Array(lw.qkvBias[(i * C)..<((i + 1) * C)])))
            }
            out += [
                (p + "attention.output.dense.weight", [C, C], lw.attnOut), (p + "attention.output.dense.bias", [C], lw.attnOutBias),
                (p + "attention.output.LayerNorm.weight", [C], lw.attnNormGain), (p + "attention.output.LayerNorm.bias", [C], lw.attnNormBias),
                (p + "intermediate.dense.weight", [F, C], lw.ffnIn), (p + "intermediate.dense.bias", [F], lw.ffnInBias),
                (p + "output.dense.weight", [C, F], lw.ffnOut), (p + "output.dense.bias", [C], lw.ffnOutBias),
                (p + "output.LayerNorm.weight", [C], lw.ffnNormGain), (p + "output.LayerNorm.bias", [C], lw.ffnNormBias),
            ]
        }
        return out.map { (prefix + $0.name, $0.shape, $0.data) }
    }

    /// Writes a complete model folder and returns its path and the weights in it.
    @discardableResult
    static func writeFolder(_ name: String, seed: UInt64 = 7, prefix: String = "") throws -> (dir: String, weights: BertWeights) {
        let dir = try makeTemporaryDirectory(name)
        let c = try config()
        let w = BertWeights.random(config: c, seed: seed)
        try configJSON(c).write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        try (vocab.joined(separator: "\n") + "\n").write(toFile: dir + "/vocab.txt", atomically: true, encoding: .utf8)
        let bytes = encodeSafeTensors(tensors(w, c, prefix: prefix), metadata: ["format": "pt"])
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        return (dir, w)
    }
}

/// Asserts that `body` throws a BertError whose message contains every one of `parts`.
func assertBertError<T>(_ body: @autoclosure () throws -> T, contains parts: [String],
                        file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error containing \(parts)", file: file, line: line)
    } catch let error as BertError {
        for part in parts where !error.message.contains(part) {
            XCTFail("error \"\(error.message)\" does not mention \"\(part)\"", file: file, line: line)
        }
        XCTAssertFalse(error.message.contains("\n"), "error is not one line: \(error.message)", file: file, line: line)
    } catch {
        XCTFail("expected a BertError, got \(error)", file: file, line: line)
    }
}
