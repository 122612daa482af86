import XCTest
import PDETCore

/// Central differences against backward(), on a tiny model, for every residual × norm × diffusion
/// site combination (2 × 3 × 8), multi-scale, multi-step, learned positions, causal, both heads.
/// Float activations, Double loss: tolerance |analytic − numeric| ≤ 3e-3 + 5% of |numeric|.
final class GradientCheckTests: XCTestCase {
    func check(_ config: ModelConfig, head: HeadKind = .perToken, label: String,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let V = 5, K = 4
        let model = try Transformer(config: config, vocabSize: V, outputs: K, head: head)
        // Give LayerNorm gains/biases and alphas non-trivial values so their gradients are exercised.
        var rng = SplitMix64(seed: 99)
        for t in model.tensors where t.shape.count == 1 || t.name.hasPrefix("pde.") {
            for i in 0..<t.count {
                let base: Float = t.name.hasPrefix("pde.") ? 0.1 : (t.name.hasSuffix("weight") ? 1 : 0)
                model.setParameter(t.offset + i, base + 0.1 * (rng.nextUnitFloat() - 0.5))
            }
        }
        let batch = randomBatch(B: config.batch, T: config.seqLen, V: V, K: K, head: head, seed: 3)
        model.zeroGrad()
        model.forward(batch)
        model.backward()
        let eps: Float = 4e-3
        var checked = 0
        var worst: Float = 0
        defer { print("gradcheck \(label): worst relative error \(worst)") }
        for t in model.tensors {
            // Unused tensors (positions when not learned) must have zero gradient; check a few anyway.
            let samples = Set((0..<3).map { _ in t.offset + rng.nextInt(below: t.count) })
            for i in samples.sorted() {
                let orig = model.parameter(i)
                model.setParameter(i, orig + eps)
                let lp = model.loss(batch)
                model.setParameter(i, orig - eps)
                let lm = model.loss(batch)
                model.setParameter(i, orig)
                let numeric = Float((lp - lm) / Double(2 * eps))
                let analytic = model.gradient(i)
                worst = max(worst, abs(analytic - numeric) / (1e-3 + abs(numeric)))
                XCTAssert(abs(analytic - numeric) <= 1e-3 + 0.01 * abs(numeric),
                          "\(label): \(t.name)[\(i - t.offset)] analytic \(analytic) numeric \(numeric)",
                          file: file, line: line)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, model.tensors.count, file: file, line: line)
    }

    func testEveryResidualNormSiteCombination() throws {
        for residual in [true, false] {
            for norm in NormMode.allCases {
                for site in DiffusionSite.allCases {
                    var c = tinyConfig()
                    c.residual = residual
                    c.norm = norm
                    c.pde = site
                    try check(c, label: "residual=\(residual) norm=\(norm) pde=\(site.rawValue)")
                }
            }
        }
    }

    func testMultiScaleMultiStepDiffusion() throws {
        for site in DiffusionSite.allCases where site != .off {
            var c = tinyConfig()
            c.pde = site
            c.pdeScales = [1, 2, 4]
            c.pdeSteps = 2
            c.seqLen = 7
            try check(c, label: "multi-scale \(site.rawValue)")
        }
    }

    func testClassifyHeadLearnedPositionsCausal() throws {
        for norm in NormMode.allCases {
            var c = tinyConfig()
            c.norm = norm
            c.pos = .learned
            c.causal = true
            c.pde = .afterEmbedding
            try check(c, head: .classify, label: "classify causal learned \(norm)")
        }
        var c = tinyConfig()
        c.pos = .none
        c.residual = false
        try check(c, head: .classify, label: "classify no positions")
    }
}
