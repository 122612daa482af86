import XCTest
import PDETCore
@testable import PDETIO

func sampleForward(diffusion: Bool) -> ForwardMetrics {
    let layer = LayerMetrics(rms: 1.5, drift: 0, updateRatio: .nan, uniformity: -0.25, rankCollapse: .infinity)
    let probe = DiffusionProbe(site: .afterFFN, instance: 1, channel: 3, before: [1, 2, 3, 4], after: [1.5, 2, 3, 3.5],
                               spectrumBefore: [0, 1, 2], spectrumAfter: [0, 0.5, 1], response: [1, 0.8, -.infinity],
                               alphaSum: 0.6, alphas: [0.4, 0.2], meanAlphaSum: 0.55)
    return ForwardMetrics(loss: 2.25, accuracy: 0.5, layers: [layer, layer], attention: [[[0.5, 0.5, 1, 0]]],
                          attentionEntropy: [[0.3466]], diffusion: diffusion ? probe : nil,
                          nonFinite: NonFinite(step: 7, layer: -1, tensor: "attn.out"))
}

func sampleStep(_ step: Int) -> StepMetrics {
    StepMetrics(step: step, loss: step == 2 ? .nan : 1.25, accuracy: 0.75, gradNorm: .infinity,
                layerGradNorms: [0.5, -.infinity], alphas: [[0.05, 0.05]], nonFinite: nil, lr: 1e-3)
}

final class MetricsJSONTests: XCTestCase {
    func testStepMetricsExactTextWithNonFiniteStrings() {
        XCTAssertEqual(metricsJSON(sampleStep(2)),
                       #"{"accuracy":0.75,"alphas":[[0.05,0.05]],"gradNorm":"Infinity","layerGradNorms":[0.5,"-Infinity"],"loss":"NaN","lr":0.001,"step":2}"#)
    }

    func testForwardMetricsRoundTripAndDeterminism() throws {
        for withProbe in [true, false] {
            let m = sampleForward(diffusion: withProbe)
            let text = metricsJSON(m)
            XCTAssertEqual(text, metricsJSON(m))
            XCTAssertFalse(text.contains("\n"))
            XCTAssertEqual(text.contains("\"diffusion\""), withProbe)  // nil optionals are left out
            let back = try decodeMetrics(ForwardMetrics.self, from: text)
            // NaN != NaN, so compare through the text form.
            XCTAssertEqual(metricsJSON(back), text)
            XCTAssertTrue(back.layers[0].updateRatio.isNaN)
            XCTAssertEqual(back.layers[0].rankCollapse, .infinity)
            XCTAssertEqual(back.nonFinite, NonFinite(step: 7, layer: -1, tensor: "attn.out"))
        }
        XCTAssertTrue(metricsJSON(sampleForward(diffusion: true), pretty: true).contains("\"site\" : \"after-ffn\""))
    }

    func testEncodingFailureIsAnErrorObjectNotACrash() {
        struct Throws: Encodable {
            func encode(to encoder: any Encoder) throws { throw EncodingError.invalidValue(1, .init(codingPath: [], debugDescription: "no")) }
        }
        XCTAssertEqual(metricsJSON(Throws()), #"{"error":"cannot encode Throws as JSON"}"#)
    }

    func testJSONLinesWriterWritesOneObjectPerLine() throws {
        let dir = try makeTempFolder("jsonl")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.jsonl"
        try "stale content\n".write(toFile: path, atomically: false, encoding: .utf8)
        let writer = try JSONLinesWriter(path: path)  // truncates
        for s in 1...3 { try writer.append(sampleStep(s)) }
        XCTAssertEqual(writer.linesWritten, 3)
        writer.close()
        writer.close()
        XCTAssertThrowsError(try writer.append(sampleStep(4)))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[3], "")
        for (i, line) in lines.prefix(3).enumerated() {
            XCTAssertEqual(try decodeMetrics(StepMetrics.self, from: String(line)).step, i + 1)
            XCTAssertEqual(String(line), metricsJSON(sampleStep(i + 1)))
        }
    }

    func testJSONLinesWriterRejectsMissingFolder() throws {
        XCTAssertThrowsError(try JSONLinesWriter(path: "/nonexistent-pdet/run.jsonl")) { e in
            XCTAssertEqual((e as? FileWriteError)?.message, "cannot write '/nonexistent-pdet/run.jsonl': folder '/nonexistent-pdet' does not exist")
        }
        let dir = try makeTempFolder("jsonl-dir")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try JSONLinesWriter(path: dir)) { e in
            XCTAssertTrue((e as? FileWriteError)?.message.hasPrefix("cannot write '\(dir)': ") == true)
        }
    }
}
