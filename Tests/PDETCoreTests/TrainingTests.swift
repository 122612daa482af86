import XCTest
import PDETCore

final class TrainingTests: XCTestCase {
    func run(seed: UInt64, steps: Int) throws -> (losses: [Float], params: [Float]) {
        var c = tinyConfig()
        c.initGain = 1
        c.seed = seed
        c.pde = .afterEmbedding
        c.pdeScales = [1, 2]
        let model = try Transformer(config: c, vocabSize: 5, outputs: 5, head: .perToken)
        var losses: [Float] = []
        for s in 0..<steps {
            losses.append(model.trainStep(randomBatch(B: 2, T: 6, V: 5, K: 5, head: .perToken, seed: UInt64(s))).loss)
        }
        return (losses, model.params)
    }

    func testSameSeedSameNumbersDifferentSeedDifferent() throws {
        let a = try run(seed: 1, steps: 5), b = try run(seed: 1, steps: 5), c = try run(seed: 2, steps: 5)
        XCTAssertEqual(a.losses, b.losses)
        XCTAssertEqual(a.params.map(\.bitPattern), b.params.map(\.bitPattern))
        XCTAssertNotEqual(a.params, c.params)
    }

    func testLearnsToCopyItsInput() throws {
        // Target = the token at the same position: a small model must get it quickly.
        var c = tinyConfig()
        c.initGain = 1
        c.lr = 1e-2
        c.dModel = 16
        let model = try Transformer(config: c, vocabSize: 5, outputs: 5, head: .perToken)
        var last: Float = 0
        for s in 0..<150 {
            var b = randomBatch(B: 8, T: 6, V: 5, K: 5, head: .perToken, seed: UInt64(s))
            b.targets = b.tokens
            b.batchSize = 8
            last = model.trainStep(b).accuracy
        }
        XCTAssertGreaterThan(last, 0.95)
    }

    func testTogglesKeepWeightsAndAlphasAppearAtTheirInitialValue() throws {
        var c = tinyConfig()
        let model = try Transformer(config: c, vocabSize: 5, outputs: 5, head: .perToken)
        let before = model.params
        c.residual = false
        c.norm = .post
        c.causal = true
        try model.apply(c)
        XCTAssertEqual(model.params, before)
        c.pde = .afterAttention
        c.pdeScales = [1, 2, 4]
        c.pdeAlpha = 0.3
        try model.apply(c)
        XCTAssertEqual(Array(model.params.prefix(before.count)), before)
        XCTAssertEqual(model.tensors.filter { $0.name.hasPrefix("pde.") }.count, c.layers)
        for v in model.alphas(instance: 1) { XCTAssertEqual(v, 0.1, accuracy: 1e-7) }
        // Moving between per-block sites keeps the (possibly learned) alphas.
        model.setParameter(model.tensors.last!.offset, 0.2)
        c.pde = .betweenLayers
        try model.apply(c)
        XCTAssertEqual(model.parameter(model.tensors.last!.offset), 0.2)
        // Clamp on projects onto Σ alpha ≤ 1/2.
        c.pdeClamp = false
        c.pdeAlpha = 0.9
        try model.apply(c)
        XCTAssertEqual(model.alphas(instance: 0).prefix(1).first!, 0.3, accuracy: 1e-6)
        c.pdeClamp = true
        try model.apply(c)
        XCTAssertEqual(model.alphas(instance: 0)[0] * 3, 0.5, accuracy: 1e-6)
        var bad = c
        bad.layers = 3
        XCTAssertThrowsError(try model.apply(bad))
        bad = c
        bad.heads = 3
        XCTAssertThrowsError(try model.apply(bad))
    }

    func testBadConfigIsAnErrorNotATrap() {
        var c = ModelConfig()
        c.heads = 5
        XCTAssertThrowsError(try Transformer(config: c, vocabSize: 4, outputs: 4, head: .perToken))
        let model = try? Transformer(config: tinyConfig(), vocabSize: 4, outputs: 4, head: .perToken)
        let m = model?.forward(Batch(tokens: [1, 2], targets: [], batchSize: 1, seqLen: 2))
        XCTAssertNotNil(m?.nonFinite)
        // Out-of-range token ids embed as zeros instead of reading out of bounds.
        let odd = model?.forward(Batch(tokens: [0, 99, -3, 1, 2, 3, 0, 0, 0, 0, 0, 0], targets: [], batchSize: 2, seqLen: 6))
        XCTAssertNil(odd?.nonFinite)
    }
}
