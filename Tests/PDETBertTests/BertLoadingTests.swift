// Opening a model folder: config parsing, tensor names and shapes, and every way a file can be
// wrong giving one clear error. Uses a tiny random BERT written as a real folder.

@testable import PDETBert
import Foundation
import PDETIO
import XCTest

final class BertLoadingTests: XCTestCase {
    func testTinyFolderLoadsAndMatchesItsWeights() throws {
        let (dir, weights) = try TinyBert.writeFolder("ok")
        let encoder = try SentenceEncoder(modelDirectory: dir)
        XCTAssertEqual(encoder.model.config, try TinyBert.config())
        XCTAssertEqual(encoder.model.weights.layers[1].qkv, weights.layers[1].qkv)
        XCTAssertEqual(encoder.model.weights.wordEmbeddings, weights.wordEmbeddings)
        let direct = try BertModel(config: TinyBert.config(), weights: weights)
        let (tokens, result) = try encoder.run("The cat sat on the mat.")
        XCTAssertEqual(tokens.tokens, ["[CLS]", "the", "cat", "sat", "on", "the", "mat", ".", "[SEP]"])
        XCTAssertEqual(result.embedding, try direct.forward(ids: tokens.ids).embedding)
    }

    func testBertPrefixIsAccepted() throws {
        let (dir, weights) = try TinyBert.writeFolder("prefix", prefix: "bert.")
        XCTAssertEqual(try SentenceEncoder(modelDirectory: dir).model.weights.layers[0].ffnOut, weights.layers[0].ffnOut)
    }

    func testConfigErrors() throws {
        let c = try TinyBert.config()
        func parse(_ overrides: [String: String]) throws -> BertConfig {
            try BertConfig.parse(Data(TinyBert.configJSON(c, overrides: overrides).utf8), source: "cfg.json")
        }
        XCTAssertEqual(try parse([:]), c)
        assertBertError(try parse(["hidden_size": "<remove>"]), contains: ["cfg.json", "missing", "hidden_size"])
        assertBertError(try parse(["num_attention_heads": "\"two\""]), contains: ["num_attention_heads", "type"])
        assertBertError(try parse(["num_attention_heads": "3"]), contains: ["divisible"])
        assertBertError(try parse(["hidden_act": "\"relu\""]), contains: ["hidden_act", "gelu"])
        assertBertError(try parse(["num_hidden_layers": "0"]), contains: ["num_hidden_layers"])
        assertBertError(try BertConfig.parse(Data("{not json".utf8)), contains: ["config.json"])
        assertBertError(try BertConfig.parse(Data("[1, 2]".utf8)), contains: ["config.json"])
        assertBertError(try BertConfig.load(path: "/nonexistent/config.json"), contains: ["/nonexistent/config.json"])
    }

    func testMissingFolderAndFiles() throws {
        assertBertError(try SentenceEncoder(modelDirectory: "/nonexistent/minilm"), contains: ["/nonexistent/minilm", "fetch-minilm"])
        let (dir, _) = try TinyBert.writeFolder("nofile")
        try FileManager.default.removeItem(atPath: dir + "/model.safetensors")
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["model.safetensors"])
        try FileManager.default.removeItem(atPath: dir + "/vocab.txt")
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["vocab.txt"])
        try FileManager.default.removeItem(atPath: dir + "/config.json")
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["config.json"])
        assertBertError(try SentenceEncoder(modelDirectory: dir + "/config.json"), contains: ["no such model folder"])
    }

    func testTruncatedSafetensorsIsAnError() throws {
        let (dir, _) = try TinyBert.writeFolder("truncated")
        let path = dir + "/model.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: path))
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["model.safetensors"])
        try bytes.prefix(5).write(to: URL(fileURLWithPath: path))
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["model.safetensors"])
    }

    func testHeaderOffsetsOutsideTheFileAreAnError() throws {
        let (dir, _) = try TinyBert.writeFolder("offsets")
        let path = dir + "/model.safetensors"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Rewrite the header so the last tensor ends far beyond the data (same header length).
        let n = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        var header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        let dataLength = bytes.count - 8 - n
        let end = "\(dataLength)]"
        XCTAssertTrue(header.contains(end))
        header = header.replacingOccurrences(of: end, with: String(repeating: "9", count: end.count - 1) + "]")
        bytes.replaceSubrange(8..<(8 + n), with: Array(header.utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["model.safetensors", "offset"])
    }

    func testConfigThatDoesNotMatchTheTensorsNamesTheTensor() throws {
        let (dir, _) = try TinyBert.writeFolder("mismatch")
        let c = try TinyBert.config()
        try TinyBert.configJSON(c, overrides: ["intermediate_size": "32"]).write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["encoder.layer.0.intermediate.dense.weight", "shape"])
        try TinyBert.configJSON(c, overrides: ["num_hidden_layers": "3"]).write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["encoder.layer.2.", "no tensor"])
        // Fewer layers than the file holds: a layer would be dropped without a word.
        try TinyBert.configJSON(c, overrides: ["num_hidden_layers": "1"]).write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["holds encoder layer 1", "num_hidden_layers 1"])
        // Lenient JSON (a duplicate key, a trailing comma) is refused, not read as its last value.
        try (TinyBert.configJSON(c).dropLast(1) + ", \"vocab_size\": 1}").write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["duplicate key"])
        try TinyBert.configJSON(c, overrides: ["vocab_size": "21"]).write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        assertBertError(try SentenceEncoder(modelDirectory: dir), contains: ["vocab.txt", "21"])
    }

    func testWrongDtypeNamesTheTensor() throws {
        let c = try TinyBert.config()
        var tensors = TinyBert.tensors(.random(config: c, seed: 1), c)
        let i = tensors.firstIndex { $0.name == "embeddings.LayerNorm.bias" }!
        tensors[i].name = "embeddings.LayerNorm.bia_"   // then patch the header: F32 → I32 for that entry
        var bytes = encodeSafeTensors(tensors, metadata: [:])
        let n = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        var header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        let entry = header.range(of: "\"embeddings.LayerNorm.bia_\":{\"dtype\":\"F32\"")!
        header.replaceSubrange(entry, with: "\"embeddings.LayerNorm.bias\":{\"dtype\":\"I32\"")
        bytes.replaceSubrange(8..<(8 + n), with: Array(header.utf8))
        let file = try SafeTensorsFile(bytes: bytes)
        assertBertError(try BertWeights(file: file, config: c), contains: ["embeddings.LayerNorm.bias", "I32"])
    }
}
