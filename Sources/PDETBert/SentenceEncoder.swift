// A model folder (config.json, model.safetensors, vocab.txt) opened as one value: the tokenizer
// and the encoder, plus the two entry points the CLI uses (`inspect`, the benchmark).

import Foundation
import PDETCore
import PDETIO

public struct SentenceEncoder: Sendable {
    public var model: BertModel
    public let tokenizer: WordPieceTokenizer

    /// Opens a Hugging Face BERT folder such as .cache/minilm (scripts/fetch-minilm.sh).
    public init(modelDirectory dir: String) throws(BertError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BertError("\(dir): no such model folder (run scripts/fetch-minilm.sh for MiniLM)")
        }
        let config = try BertConfig.load(path: dir + "/config.json")
        let tokenizer = try WordPieceTokenizer(vocabFile: dir + "/vocab.txt")
        if tokenizer.vocabSize != config.vocabSize {
            throw BertError("\(dir)/vocab.txt has \(tokenizer.vocabSize) tokens but config.json says vocab_size \(config.vocabSize)")
        }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(path: dir + "/model.safetensors") } catch { throw BertError(error.message) }
        let weights = try BertWeights(file: file, config: config)
        self.model = try BertModel(config: config, weights: weights)
        self.tokenizer = tokenizer
    }

    public init(model: BertModel, tokenizer: WordPieceTokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// `[CLS] … [SEP]` cut to the model's positions (`truncated` tells when it was cut).
    public func encode(_ text: String) -> TokenizedText {
        tokenizer.encode(text, maxLength: model.config.maxPositionEmbeddings)
    }

    /// Tokenizes and encodes `text`.
    public func run(_ text: String, ablation: BertAblation = .intact,
                    capture: AttentionCapture = .all) throws(BertError) -> (TokenizedText, BertForwardResult) {
        let tokens = encode(text)
        return (tokens, try model.forward(ids: tokens.ids, ablation: ablation, capture: capture))
    }

    /// The sentence embedding of `text` (mean pooling, L2-normalised).
    public func embed(_ text: String, ablation: BertAblation = .intact) throws(BertError) -> [Float] {
        try run(text, ablation: ablation, capture: .none).1.embedding
    }
}

/// What `pdet-tui inspect` writes with --metrics-json.
public struct InspectReport: Codable, Equatable, Sendable {
    public var tokens: [String]                // (T) including [CLS] and [SEP]
    public var tokenIds: [Int]                 // (T)
    public var layers: [BertLayerStats]        // (L + 1) embedding output, then each block
    public var meanPooledNormalized: [Float]   // (C) the sentence embedding
    public var layer: Int                      // the attention shown
    public var head: Int
    public var attention: [[Float]]            // (T, T) rows [query][key] of that layer and head
    public var truncated: Bool                 // the text had more tokens than the model's positions
    public var attentionFit: [[DiffusionFit]]  // (L, NH) heat-kernel fit of every head (docs/attention-fit.md)
}

/// Tokenizes `text`, runs the model of `modelDirectory` and reports the dynamics and one
/// attention map. Throws `BertError` for a bad folder, file or layer/head.
public func inspectReport(modelDirectory: String, text: String, layer: Int, head: Int) throws -> InspectReport {
    try SentenceEncoder(modelDirectory: modelDirectory).inspectReport(text: text, layer: layer, head: head)
}

extension SentenceEncoder {
    public func inspectReport(text: String, layer: Int, head: Int,
                              ablation: BertAblation = .intact) throws(BertError) -> InspectReport {
        let config = model.config
        guard (0..<config.numHiddenLayers).contains(layer) else {
            throw BertError("--layer \(layer) is outside 0..<\(config.numHiddenLayers)")
        }
        guard (0..<config.numAttentionHeads).contains(head) else {
            throw BertError("--head \(head) is outside 0..<\(config.numAttentionHeads)")
        }
        let (tokens, result) = try run(text, ablation: ablation, capture: .all)
        let T = tokens.ids.count
        let probs = result.attention[layer][head]
        return InspectReport(
            tokens: tokens.tokens, tokenIds: tokens.ids, layers: result.layers,
            meanPooledNormalized: result.embedding, layer: layer, head: head,
            attention: (0..<T).map { Array(probs[($0 * T)..<(($0 + 1) * T)]) },
            truncated: tokens.truncated,
            attentionFit: result.attention.map { heads in heads.map { fitDiffusionKernel(attention: $0, T: T) } })
    }

    /// Median milliseconds of one forward pass of `text` (tokenizing excluded, no attention kept),
    /// after 3 warm-up passes, with PDETCore's kernels on `threads` threads (nil: as they are,
    /// PDET_THREADS or the cores; set for the measurement only, results do not depend on it).
    public func benchmarkForward(text: String, iterations: Int, threads: Int? = nil) throws(BertError) -> Double {
        let ids = encode(text).ids
        let before = KernelBench.threads
        if let threads { KernelBench.setThreads(threads) }
        defer { KernelBench.setThreads(before) }
        for _ in 0..<3 { _ = try model.forward(ids: ids, capture: .none) }
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<max(iterations, 1) {
            let start = clock.now
            _ = try model.forward(ids: ids, capture: .none)
            let elapsed = clock.now - start
            times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
        }
        times.sort()
        return times[times.count / 2]
    }
}

/// Median milliseconds per forward pass of `text` with the model of `modelDirectory`.
public func benchmarkForward(modelDirectory: String, text: String, iterations: Int, threads: Int? = nil) throws -> Double {
    try SentenceEncoder(modelDirectory: modelDirectory).benchmarkForward(text: text, iterations: iterations, threads: threads)
}
