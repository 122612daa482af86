// docs/model.md, checked: each test pins one convention an independent implementation must match.
import XCTest
@testable import PDETCore

final class ModelCardTests: XCTestCase {
    func testSinusoidBaseTenThousandPairsShareTheEvenExponent() {
        let T = 5, C = 6
        let pe = sinusoidalPositions(T: T, C: C)
        for p in 0..<T {
            for i in stride(from: 0, to: C, by: 2) {
                let angle = Double(p) / pow(10000, Double(i) / Double(C))
                XCTAssertEqual(pe[p * C + i], Float(sin(angle)), accuracy: 1e-7)
                XCTAssertEqual(pe[p * C + i + 1], Float(cos(angle)), accuracy: 1e-7)
            }
        }
    }

    func testLayerNormBiasedVarianceEpsilonInsideTheRoot() {
        var x: [Float] = [1, 2, 3, 4], out = [Float](repeating: 0, count: 4), w: [Float] = [1, 1, 1, 1], b: [Float] = [0, 0, 0, 0]
        var mean: Float = 0, rstd: Float = 0
        layernormForward(&out, &mean, &rstd, &x, &w, &b, 1, 4)
        let expected = 1 / (1.25 + 1e-5 as Double).squareRoot()     // biased variance of 1…4 is 1.25
        XCTAssertEqual(Double(rstd), expected, accuracy: 1e-6)
        XCTAssertEqual(out[0], Float(-1.5 * expected), accuracy: 1e-6)
    }

    func testGELUIsTheTanhApproximation() {
        let xs: [Float] = (0..<64).map { Float($0) / 8 - 4 }
        var inp = xs, out = [Float](repeating: 0, count: xs.count)
        geluForward(&out, &inp, xs.count)
        var fromErf = 0.0
        for (x, y) in zip(xs, out) {
            let d = Double(x)
            let tanhForm = 0.5 * d * (1 + tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d)))
            XCTAssertEqual(Double(y), tanhForm, accuracy: 2e-6, "x = \(x)")
            fromErf = max(fromErf, abs(Double(y) - 0.5 * d * (1 + erf(d / 2.0.squareRoot()))))
        }
        XCTAssertGreaterThan(fromErf, 1e-4, "not the exact erf GELU")
    }

    func testAttentionScaleIsOneOverRootHeadSize() {
        // B 1, T 2, C 4, NH 2 (HS 2). Head 0: q·k scores; head 1: zero queries (uniform).
        let C = 4, T = 2
        var qkv = [Float](repeating: 0, count: T * 3 * C)
        qkv[0] = 1; qkv[1] = 1                                       // token 0 query, head 0: (1, 1)
        qkv[C + 0] = 2; qkv[C + 1] = 0                               // token 0 key, head 0: (2, 0)
        qkv[3 * C + C + 0] = 0; qkv[3 * C + C + 1] = 0               // token 1 key, head 0: (0, 0)
        var out = [Float](repeating: 0, count: T * C), att = [Float](repeating: 0, count: 2 * T * T)
        attentionForward(&out, &att, &qkv, 1, T, C, 2, causal: false)
        let s = 2 / 2.0.squareRoot()                                 // score (1,1)·(2,0) = 2, scaled by 1/√2
        XCTAssertEqual(Double(att[0]), exp(s) / (exp(s) + 1), accuracy: 1e-6)
        XCTAssertEqual(att[T * T], 0.5, accuracy: 1e-7, "head 1 occupies the second HS columns")
    }

    func testMeanPoolAveragesEveryPosition() {
        var inp: [Float] = [1, 2, 3, 10], out: [Float] = [0]
        meanPoolForward(&out, &inp, 1, 4, 1)
        XCTAssertEqual(out[0], 4)
    }

    func tinyModel(_ adjust: (inout ModelConfig) -> Void = { _ in }) throws -> Transformer {
        var c = ModelConfig()
        c.layers = 2; c.dModel = 32; c.heads = 4; c.dFF = 64; c.seqLen = 16; c.batch = 4; c.seed = 3
        adjust(&c)
        return try Transformer(config: c, vocabSize: 13, outputs: 10, head: .perToken)
    }

    func testInitialisation() throws {
        let m = try tinyModel { $0.pde = .afterFFN; $0.pdeScales = [1, 2, 4]; $0.pdeAlpha = 0.3; $0.initGain = 2 }
        let p = m.params
        for t in m.tensors {
            let v = Array(p[t.offset..<(t.offset + t.count)])
            if t.name.hasPrefix("pde.") {
                XCTAssertTrue(v.allSatisfy { abs($0 - 0.1) < 1e-7 }, t.name)
            } else if t.name.hasSuffix("ln1.weight") || t.name.hasSuffix("ln2.weight") || t.name == "ln_f.weight" {
                XCTAssertTrue(v.allSatisfy { $0 == 1 }, t.name)
            } else if t.shape.count == 1 {
                XCTAssertTrue(v.allSatisfy { $0 == 0 }, t.name)
            } else if t.count >= 1000 {
                let mean = v.reduce(0, +) / Float(v.count)
                let std = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(v.count)).squareRoot()
                XCTAssertEqual(std, 0.04, accuracy: 0.004, "\(t.name): 0.02 × gain 2")
            }
        }
        XCTAssertEqual(m.tensors.first?.name, "tok_emb.weight")
        XCTAssertEqual(m.tensors[1].name, "pos_emb.weight", "present with sinusoidal positions too")
    }

    func testWeightDecayMask() throws {
        let m = try tinyModel { $0.pde = .afterEmbedding }
        let decayed = Set(m.tensors.filter(\.decays).map(\.name))
        var expected: Set<String> = ["tok_emb.weight", "pos_emb.weight", "head.weight"]
        for l in 0..<2 {
            for name in ["attn.qkv", "attn.proj", "ffn.fc1", "ffn.fc2"] { expected.insert("blocks.\(l).\(name).weight") }
        }
        XCTAssertEqual(decayed, expected)
    }

    /// First AdamW step, no clipping: m̂ = g, v̂ = g², so p ← p − lr·(g/(|g| + 1e-8) + wd·p) on decayed
    /// tensors and p − lr·g/(|g| + 1e-8) elsewhere; with warm-up the step's lr is lr·1/warmup.
    func testFirstAdamWStepIsSignDescentWithDecoupledDecay() throws {
        for warmup in [0, 4] {
            let m = try tinyModel { $0.clip = 0; $0.weightDecay = 0.5; $0.lr = 0.01; $0.warmup = warmup }
            var rng = SplitMix64(seed: 8)
            let tokens = (0..<(4 * 16)).map { _ in Int32(rng.nextInt(below: 13)) }
            let targets = (0..<(4 * 16)).map { _ in Int32(rng.nextInt(below: 10)) }
            let before = m.params
            let step = m.trainStep(Batch(tokens: tokens, targets: targets, batchSize: 4, seqLen: 16))
            let lr: Float = warmup == 0 ? 0.01 : 0.01 / 4
            XCTAssertEqual(step.lr, lr, accuracy: 1e-9)
            let after = m.params, grads = m.grads
            var checked = 0
            for t in m.tensors {
                let wd: Float = t.decays ? 0.5 : 0
                for i in t.offset..<(t.offset + t.count) where abs(grads[i]) > 1e-4 {
                    let expected = before[i] - lr * (grads[i] / (abs(grads[i]) + 1e-8) + wd * before[i])
                    XCTAssertEqual(after[i], expected, accuracy: 1e-6, "\(t.name)[\(i - t.offset)]")
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 5_000)
        }
    }
}
