// The forward pass on a tiny random BERT: kernels against naive loops, attention and masking
// invariants, and the ablations (residual, LayerNorm, diffusion).

@testable import PDETBert
@testable import PDETCore
import XCTest

final class BertForwardTests: XCTestCase {
    func model(seed: UInt64 = 3) throws -> BertModel {
        let config = try TinyBert.config()
        return try BertModel(config: config, weights: .random(config: config, seed: seed))
    }

    func testPackedWeightsGiveTheSameLinearAsTheArrays() throws {
        // BertKernelWeights packs each matrix once; the packed GEMM must equal PDETCore's
        // matmulForward on the (out, in) array, bit for bit, for every matrix of a block.
        let m = try model()
        let C = m.config.hiddenSize, F = m.config.intermediateSize
        let T = 7
        var rng = SplitMix64(seed: 11)
        let x = (0..<(T * F)).map { _ in rng.nextGaussian() }     // wide enough for either input size
        let lw = m.weights.layers[1], kw = m.kernelWeights.layers[1]
        for (name, w, bias, packed, IC, OC) in [("qkv", lw.qkv, lw.qkvBias, kw.qkv, C, 3 * C),
                                                ("attnOut", lw.attnOut, lw.attnOutBias, kw.attnOut, C, C),
                                                ("ffnIn", lw.ffnIn, lw.ffnInBias, kw.ffnIn, C, F),
                                                ("ffnOut", lw.ffnOut, lw.ffnOutBias, kw.ffnOut, F, C)] {
            var fromArrays = [Float](repeating: .nan, count: T * OC)
            var fromPacked = [Float](repeating: .nan, count: T * OC)
            var xs = x, ws = w, bs = bias
            xs.withUnsafeMutableBufferPointer { xp in
                ws.withUnsafeMutableBufferPointer { wp in
                    bs.withUnsafeMutableBufferPointer { bp in
                        fromArrays.withUnsafeMutableBufferPointer {
                            matmulForward($0.baseAddress!, xp.baseAddress!, wp.baseAddress!, bp.baseAddress!, T, IC, OC)
                        }
                        fromPacked.withUnsafeMutableBufferPointer {
                            matmulForwardPacked($0.baseAddress!, xp.baseAddress!, packed, bp.baseAddress!, T, IC, OC)
                        }
                    }
                }
            }
            XCTAssertEqual(fromPacked.map(\.bitPattern), fromArrays.map(\.bitPattern), name)
            // and it is the linear layer: out = bias + x·Wᵀ
            for t in 0..<T {
                for o in 0..<OC {
                    var expected = Double(bias[o])
                    for k in 0..<IC { expected += Double(x[t * IC + k]) * Double(w[o * IC + k]) }
                    XCTAssertEqual(Double(fromPacked[t * OC + o]), expected, accuracy: 1e-4 * Double(IC), "\(name) [\(t),\(o)]")
                }
            }
        }
    }

    func testGeluIsTheExactErfForm() {
        var values: [Float] = [-3, -1, -0.5, 0, 0.5, 1, 3]
        values.withUnsafeMutableBufferPointer { geluForward($0.baseAddress!, $0.baseAddress!, $0.count, variant: .erf) }
        // 0.5·x·(1 + erf(x/√2)) from a table of Φ: Φ(1) = 0.8413447, Φ(3) = 0.9986501, Φ(0.5) = 0.6914625.
        let expected: [Float] = [-3 * (1 - 0.9986501), -(1 - 0.8413447), -0.5 * (1 - 0.6914625), 0,
                                 0.5 * 0.6914625, 0.8413447, 3 * 0.9986501]
        for (v, e) in zip(values, expected) { XCTAssertEqual(v, e, accuracy: 2e-6) }
    }

    func testForwardShapesAndAttentionRowsSumToOne() throws {
        let m = try model()
        let r = try m.forward(ids: [2, 5, 6, 7, 8, 5, 9, 3])
        XCTAssertEqual(r.hidden.count, 3)
        XCTAssertEqual(r.layers.count, 3)
        XCTAssertEqual(r.hidden[2].count, 8 * 16)
        XCTAssertEqual(r.embedding.count, 16)
        XCTAssertEqual(r.layers[0].drift, 0, accuracy: 1e-6)
        XCTAssertGreaterThan(r.layers[2].drift, 0.01)
        var norm: Float = 0
        for v in r.embedding { norm += v * v }
        XCTAssertEqual(norm, 1, accuracy: 1e-5)
        XCTAssertEqual(r.attention.count, 2)
        for layer in r.attention {
            XCTAssertEqual(layer.count, 2)
            for probs in layer {
                XCTAssertEqual(probs.count, 64)
                for i in 0..<8 { XCTAssertEqual(probs[(i * 8)..<(i * 8 + 8)].reduce(0, +), 1, accuracy: 1e-5) }
            }
        }
        // Post-LN: every block output row has mean ≈ bias mean and is finite.
        XCTAssertTrue(r.hidden.allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    func testCaptureOneHeadKeepsOnlyThatHead() throws {
        let m = try model()
        let all = try m.forward(ids: [2, 5, 6, 3])
        let one = try m.forward(ids: [2, 5, 6, 3], capture: .head(layer: 1, head: 0))
        XCTAssertEqual(one.attention[1][0], all.attention[1][0])
        XCTAssertTrue(one.attention[0][0].isEmpty && one.attention[1][1].isEmpty)
        XCTAssertEqual(one.embedding, all.embedding)
        XCTAssertTrue(try m.forward(ids: [2, 3], capture: .none).attention.allSatisfy { $0.allSatisfy(\.isEmpty) })
    }

    func testPaddingMaskedOutGivesTheUnpaddedEmbedding() throws {
        let m = try model()
        let plain = try m.forward(ids: [2, 5, 6, 7, 3])
        let padded = try m.forward(ids: [2, 5, 6, 7, 3, 0, 0], keyMask: [true, true, true, true, true, false, false])
        for (a, b) in zip(plain.embedding, padded.embedding) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // No query attends to padding: its probabilities are exactly 0, as in HF (exp underflows).
        for heads in padded.attention {
            for probs in heads { for i in 0..<7 { XCTAssertEqual(probs[i * 7 + 5], 0); XCTAssertEqual(probs[i * 7 + 6], 0) } }
        }
        // Without the mask the padding changes the result.
        let unmasked = try m.forward(ids: [2, 5, 6, 7, 3, 0, 0])
        XCTAssertLessThan(cosine(unmasked.embedding, plain.embedding), 0.9999)
    }

    func testDiffusionWithAlphaZeroIsIdentityAtEverySite() throws {
        let m = try model()
        let ids = [2, 5, 6, 7, 8, 9, 3]
        let intact = try m.forward(ids: ids)
        for site in DiffusionSite.allCases {
            let zero = try m.forward(ids: ids, ablation: BertAblation(diffusion: BertDiffusion(site: site, alpha: 0, scales: [1, 2])))
            XCTAssertEqual(zero.embedding, intact.embedding, "site \(site.rawValue)")
            let strong = try m.forward(ids: ids, ablation: BertAblation(diffusion: BertDiffusion(site: site, alpha: 0.4)))
            switch site {
            case .off:
                XCTAssertEqual(strong.embedding, intact.embedding)
            case .beforeHead:
                // At scale 1 the Neumann step conserves the sum over tokens, so the mean-pooled
                // embedding cannot see it (docs/minilm.md).
                for (a, b) in zip(strong.embedding, intact.embedding) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            default:
                XCTAssertLessThan(cosine(strong.embedding, intact.embedding), 0.999999, "site \(site.rawValue) had no effect")
            }
        }
    }

    func testDiffusionStepIsTheNeumannLaplacian() {
        // T 4, C 1: u = [0, 1, 0, 4], alpha 0.25 at scale 1.
        var u: [Float] = [0, 1, 0, 4]
        var scratch = [Float](repeating: 0, count: 4)
        u.withUnsafeMutableBufferPointer { up in
            scratch.withUnsafeMutableBufferPointer {
                diffusionForward(up.baseAddress!, $0.baseAddress!, 4, 1, BertDiffusion(site: .afterFFN, alpha: 0.25))
            }
        }
        // u0 + .25(u0 − 2u0 + u1) = .25; u1 + .25(0 − 2 + 0) = .5; u2 + .25(1 − 0 + 4) = 1.25; u3 + .25(0 − 8 + 4) = 3
        XCTAssertEqual(u, [0.25, 0.5, 1.25, 3])
        XCTAssertEqual(u.reduce(0, +), 5)  // at scale 1, Neumann boundaries conserve the sum
        // Two steps at scales [1, 2] (alpha 0.1 each) from a spike, against the formula by hand.
        var v: [Float] = [0, 0, 1, 0, 0]
        var scratch5 = [Float](repeating: 0, count: 5)
        let d = BertDiffusion(site: .afterFFN, alpha: 0.2, scales: [1, 2], steps: 2)
        var expected = v
        for _ in 0..<2 {
            let old = expected
            for i in 0..<5 {
                for s in [1, 2] { expected[i] += 0.1 * (old[max(i - s, 0)] - 2 * old[i] + old[min(i + s, 4)]) }
            }
        }
        v.withUnsafeMutableBufferPointer { vp in
            scratch5.withUnsafeMutableBufferPointer { diffusionForward(vp.baseAddress!, $0.baseAddress!, 5, 1, d) }
        }
        for (a, b) in zip(v, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testResidualAndLayerNormSwitches() throws {
        let m = try model()
        let ids = [2, 5, 6, 7, 8, 9, 3]
        let intact = try m.forward(ids: ids).embedding
        for ablation in [BertAblation(residual: .off), BertAblation(residual: .offAtLayer(0)),
                         BertAblation(layerNorm: .off), BertAblation(layerNorm: .offAtLayer(1))] {
            let changed = try m.forward(ids: ids, ablation: ablation)
            XCTAssertLessThan(cosine(changed.embedding, intact), 0.9999, "\(ablation)")
            XCTAssertTrue(changed.embedding.allSatisfy(\.isFinite))
        }
        // offAtLayer beyond the model is the intact model.
        XCTAssertEqual(try m.forward(ids: ids, ablation: BertAblation(residual: .offAtLayer(9))).embedding, intact)
    }

    func testBadInputsAreErrors() throws {
        let m = try model()
        assertBertError(try m.forward(ids: []), contains: ["no tokens"])
        assertBertError(try m.forward(ids: [2, 99, 3]), contains: ["99", "vocabulary"])
        assertBertError(try m.forward(ids: Array(repeating: 5, count: 25)), contains: ["25 tokens", "24 positions"])
        assertBertError(try m.forward(ids: [2, 3], keyMask: [true]), contains: ["mask"])
        assertBertError(try m.forward(ids: [2, 3], capture: .head(layer: 2, head: 0)), contains: ["layer 2"])
        assertBertError(try m.forward(ids: [2, 3], ablation: BertAblation(diffusion: BertDiffusion(site: .afterFFN, scales: [1, 2], alphas: [0.1]))),
                        contains: ["2 scales"])
        XCTAssertTrue(cosine([1, 2], [1]).isNaN)
    }
}
