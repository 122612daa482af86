// Parity with Hugging Face on the real all-MiniLM-L6-v2 (scripts/minilm-reference.py wrote the
// reference). Skipped when .cache/minilm is absent (scripts/fetch-minilm.sh). Run in release:
//   swift test -c release --filter PDETBertTests

import Foundation
import PDETBert
import PDETCore
import XCTest

final class MiniLMParityTests: XCTestCase {
    func testTokenIdsMatchHuggingFaceOnEverySentence() throws {
        let (tokenizer, maxLength) = try MiniLM.tokenizer()
        let reference = try Reference.load()
        XCTAssertGreaterThanOrEqual(reference.sentences.count, 30)
        for s in reference.sentences {
            let tokens = tokenizer.encode(s.text, maxLength: maxLength)
            XCTAssertEqual(tokens.ids, s.ids, "ids of \(s.text.debugDescription.prefix(60))")
            XCTAssertEqual(tokens.tokens, s.tokens, "tokens of \(s.text.debugDescription.prefix(60))")
            XCTAssertEqual(tokens.truncated, s.truncated, "truncated flag of \(s.text.prefix(40))")
        }
    }

    func testEmbeddingsAndLayerRmsMatchHuggingFace() throws {
        let encoder = try MiniLM.encoder()
        let reference = try Reference.load()
        var worst: Float = 1
        for s in reference.sentences {
            let result = try encoder.model.forward(ids: s.ids, capture: .none)
            let cos = cosine(result.embedding, s.embedding)
            worst = min(worst, cos)
            XCTAssertGreaterThanOrEqual(cos, 0.9999, "embedding of \(s.text.debugDescription.prefix(60))")
            XCTAssertEqual(result.layers.count, s.layers.count)
            for (l, (mine, theirs)) in zip(result.layers, s.layers).enumerated() {
                XCTAssertEqual(mine.rms, theirs.rms, accuracy: 1e-3 * theirs.rms, "rms of layer \(l), \(s.text.prefix(40))")
                XCTAssertEqual(mine.drift, theirs.drift, accuracy: 1e-3, "drift of layer \(l), \(s.text.prefix(40))")
            }
        }
        XCTAssertGreaterThan(worst, 0.99999, "worst embedding cosine")
    }

    func testAttentionMatrixMatchesHuggingFace() throws {
        let encoder = try MiniLM.encoder()
        let reference = try Reference.load()
        let a = reference.attention
        let report = try encoder.inspectReport(text: reference.sentences[a.sentence].text, layer: a.layer, head: a.head)
        XCTAssertEqual(report.attention.count, a.rows.count)
        for (i, (mine, theirs)) in zip(report.attention, a.rows).enumerated() {
            XCTAssertEqual(mine.count, theirs.count)
            for (j, (p, q)) in zip(mine, theirs).enumerated() { XCTAssertEqual(p, q, accuracy: 1e-4, "attention [\(i)][\(j)]") }
        }
    }

    func testInspectReportOfATooLongTextIsTruncatedWithTheFlag() throws {
        let encoder = try MiniLM.encoder()
        let report = try encoder.inspectReport(text: String(repeating: "tokens ", count: 700), layer: 5, head: 11)
        XCTAssertTrue(report.truncated)
        XCTAssertEqual(report.tokenIds.count, 512)
        XCTAssertEqual(report.tokens.last, "[SEP]")
        XCTAssertEqual(report.attention.count, 512)
        XCTAssertEqual(report.layers.count, 7)
        let short = try inspectReport(modelDirectory: Paths.minilm, text: "A short text.", layer: 0, head: 0)
        XCTAssertFalse(short.truncated)
        XCTAssertEqual(short.meanPooledNormalized.count, 384)
        assertBertError(try encoder.inspectReport(text: "x", layer: 6, head: 0), contains: ["--layer 6"])
        assertBertError(try encoder.inspectReport(text: "x", layer: 0, head: 12), contains: ["--head 12"])
    }

    func testAblationsMoveThePretrainedEmbedding() throws {
        let encoder = try MiniLM.encoder()
        let text = "The quick brown fox jumps over the lazy dog."
        let intact = try encoder.embed(text)
        let noResidual = try encoder.embed(text, ablation: BertAblation(residual: .off))
        XCTAssertLessThan(cosine(noResidual, intact), 0.9, "cutting every skip path should wreck the embedding")
        let oneLayer = try encoder.embed(text, ablation: BertAblation(residual: .offAtLayer(3)))
        XCTAssertLessThan(cosine(oneLayer, intact), 0.999)
        XCTAssertGreaterThan(cosine(oneLayer, intact), cosine(noResidual, intact))
        let zeroDiffusion = try encoder.embed(text, ablation: BertAblation(diffusion: BertDiffusion(site: .betweenLayers, alpha: 0)))
        XCTAssertEqual(zeroDiffusion, intact)
        let diffused = try encoder.embed(text, ablation: BertAblation(diffusion: BertDiffusion(site: .betweenLayers, alpha: 0.4)))
        XCTAssertLessThan(cosine(diffused, intact), 0.9999)
        let noNorm = try encoder.embed(text, ablation: BertAblation(layerNorm: .off))
        XCTAssertLessThan(cosine(noNorm, intact), 0.99)
    }

    /// Prints the median forward time; bench/minilm_bench.py sets MINILM_BENCH_ITERATIONS and
    /// reads the MINILM_SWIFT_MS (2 threads) and MINILM_SWIFT_MS_1T figures.
    func testForwardTiming() throws {
        let encoder = try MiniLM.encoder()
        let text = "The quick brown fox jumps over the lazy dog."
        XCTAssertEqual(encoder.encode(text).ids.count, 12)
        let iterations = ProcessInfo.processInfo.environment["MINILM_BENCH_ITERATIONS"].flatMap { Int($0) } ?? 10
        let ms = try encoder.benchmarkForward(text: text, iterations: iterations, threads: 2)
        let ms1 = try encoder.benchmarkForward(text: text, iterations: iterations, threads: 1)
        print("MINILM_SWIFT_MS=\(ms) MINILM_SWIFT_MS_1T=\(ms1) (12 tokens, median of \(iterations))")
        XCTAssertGreaterThan(ms, 0)
        XCTAssertGreaterThan(ms1, 0)
    }
}
