import XCTest
@testable import PDETCore

/// The phenomena the explorer teaches, as tests with margins, on the default-size model at init.
final class DynamicsTests: XCTestCase {
    func metrics(_ change: (inout ModelConfig) -> Void) throws -> ForwardMetrics {
        var c = ModelConfig()
        c.batch = 4
        change(&c)
        let model = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken)
        return model.forward(randomBatch(B: c.batch, T: c.seqLen, V: 16, K: 16, head: .perToken, seed: 1))
    }

    func testResidualOffDriftsAndCollapsesRank() throws {
        let on = try metrics { _ in }
        let off = try metrics { $0.residual = false }
        XCTAssertEqual(on.layers.count, 7)
        XCTAssertLessThan(on.layers[6].drift, 0.2)
        XCTAssertGreaterThan(off.layers[6].drift, on.layers[6].drift + 0.5)
        XCTAssertGreaterThan(on.layers[6].rankCollapse, 0.5)
        XCTAssertLessThan(off.layers[6].rankCollapse, on.layers[6].rankCollapse * 0.5)
        XCTAssertGreaterThan(off.layers[6].uniformity, on.layers[6].uniformity)
    }

    func testWithoutNormTheSignalExplodesWithDepth() throws {
        let pre = try metrics { $0.initGain = 8 }
        let none = try metrics { $0.initGain = 8; $0.norm = .none }
        let growthPre = pre.layers[6].rms / pre.layers[0].rms
        let growthNone = none.layers[6].rms / none.layers[0].rms
        print("rms growth over 6 layers: pre-LN \(growthPre), no norm \(growthNone)")
        XCTAssertGreaterThan(growthNone, 10 * growthPre)
    }

    func testUnclampedDiffusionPastTheLimitBlowsUpWhileClampedNeverDoes() throws {
        let unstable = try metrics { $0.pde = .afterEmbedding; $0.pdeAlpha = 0.9; $0.pdeClamp = false; $0.pdeSteps = 30 }
        let clamped = try metrics { $0.pde = .afterEmbedding; $0.pdeAlpha = 0.9; $0.pdeClamp = true; $0.pdeSteps = 30 }
        let off = try metrics { _ in }
        let probe = try XCTUnwrap(unstable.diffusion)
        XCTAssertEqual(probe.alphaSum, 0.9, accuracy: 1e-6)
        XCTAssertGreaterThan(probe.after.map(abs).max()!, 100 * probe.before.map(abs).max()!)
        XCTAssertGreaterThan(unstable.layers[0].rms, 100 * off.layers[0].rms)
        let c = try XCTUnwrap(clamped.diffusion)
        XCTAssertEqual(c.alphaSum, 0.5, accuracy: 1e-6)
        XCTAssertLessThanOrEqual(c.after.map(abs).max()!, c.before.map(abs).max()! * 1.0001)
        XCTAssertLessThanOrEqual(clamped.layers[0].rms, off.layers[0].rms)
    }

    func testNonFiniteValuesAreReportedNotTrapped() throws {
        let m = try metrics { $0.pde = .afterEmbedding; $0.pdeAlpha = 10; $0.pdeClamp = false; $0.pdeSteps = 64 }
        let nf = try XCTUnwrap(m.nonFinite)
        XCTAssertEqual(nf.layer, -1)
        XCTAssertEqual(nf.tensor, "diffusion")
        XCTAssertTrue(m.loss.isNaN || m.loss.isInfinite)
    }

    /// Training and evaluation skip the explorer's metrics (forwardLoss): the loss, accuracy and
    /// first non-finite activation must be exactly the full forward's, finite or not.
    func testLightForwardAndTrainStepReportWhatTheFullForwardReports() throws {
        let configs: [(inout ModelConfig) -> Void] = [
            { _ in },
            { $0.pde = .afterEmbedding; $0.pdeAlpha = 10; $0.pdeClamp = false; $0.pdeSteps = 64 },   // NaN at the embedding
            { $0.norm = .none; $0.initGain = 400 },                                                 // blows up in a block
        ]
        var sawNonFinite = 0
        for change in configs {
            var c = ModelConfig()
            c.batch = 4
            change(&c)
            let batch = randomBatch(B: c.batch, T: c.seqLen, V: 16, K: 16, head: .perToken, seed: 1)
            let full = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken).forward(batch)
            let light = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken).forwardLoss(batch)
            XCTAssertEqual(light.loss.bitPattern, full.loss.bitPattern)
            XCTAssertEqual(light.accuracy.bitPattern, full.accuracy.bitPattern)
            XCTAssertEqual(light.nonFinite, full.nonFinite)
            XCTAssertTrue(light.layers.isEmpty && light.attention.isEmpty && light.diffusion == nil)
            let step = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken).trainStep(batch)
            XCTAssertEqual(step.loss.bitPattern, full.loss.bitPattern)
            if let nf = full.nonFinite { XCTAssertEqual(step.nonFinite, nf); sawNonFinite += 1 }
        }
        XCTAssertEqual(sawNonFinite, 2, "both blow-up configurations must go non-finite for this test to mean anything")
    }

    /// loss() keeps only what the loss needs (attention's probabilities dropped, GELU in place);
    /// a backward() right after it must still give the gradients of a full forward, bit for bit,
    /// and the next full forward must find every tensor in place again. At the default T = 64 this
    /// also compares the two attention layouts end to end: backward() after loss() runs a training
    /// forward, which keeps Pᵀ, while forward() keeps P.
    func testBackwardAfterALossOnlyForwardIsTheBackwardOfAFullForward() throws {
        var c = ModelConfig()
        c.batch = 3; c.layers = 2; c.pde = .afterFFN; c.norm = .post
        let batch = randomBatch(B: c.batch, T: c.seqLen, V: 16, K: 16, head: .perToken, seed: 2)
        let full = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken)
        let lean = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken)
        full.zeroGrad(); lean.zeroGrad()
        let reference = full.forward(batch)
        let loss = lean.loss(batch)
        XCTAssertEqual(Float(loss).bitPattern, reference.loss.bitPattern)
        full.backward()
        lean.backward()
        let differing = zip(full.grads, lean.grads).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        XCTAssertEqual(differing, 0, "gradients after loss() + backward() that differ from a full forward's")
        XCTAssertFalse(full.grads.allSatisfy { $0 == 0 }, "the gradients must not be trivially zero")
        // After a loss-only forward, a full forward shows the same attention maps as a fresh model's.
        _ = lean.loss(batch)
        let again = lean.forward(batch)
        XCTAssertEqual(again.attention, reference.attention)
    }

    /// A training forward keeps attention's probabilities transposed (Pᵀ, at T = 64); the metrics
    /// read after it must still show the maps a display forward shows.
    func testMetricsAfterATrainingForwardShowTheSameAttentionMaps() throws {
        var c = ModelConfig()
        c.batch = 2; c.layers = 2
        let batch = randomBatch(B: c.batch, T: c.seqLen, V: 16, K: 16, head: .perToken, seed: 3)
        let display = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken).forward(batch)
        let trained = try Transformer(config: c, vocabSize: 16, outputs: 16, head: .perToken)
        let r = trained.forwardLoss(batch, scanAlways: false, training: true)
        XCTAssertTrue(trained.acts?.attTransposed ?? false, "T = 64 keeps Pᵀ, or this test means nothing")
        let m = trained.collectForwardMetrics(loss: Double(r.loss), correct: 0, counted: 0, probeChannel: 0, probeInstance: 0)
        XCTAssertEqual(m.attention, display.attention)
        XCTAssertFalse(display.attention.isEmpty)
    }

    /// A loss-only forward runs its blocks on two sets of buffers in turn, so after it block 0's
    /// tensors are block 2's: the non-finite scan must still name the layer where the overflow
    /// starts (here block 1's fc1, with block 0 finite and block 2 non-finite after it).
    func testTheLightForwardNamesTheLayerWhereAnOverflowStarts() throws {
        var c = ModelConfig()
        c.layers = 3; c.dModel = 8; c.heads = 2; c.dFF = 16; c.seqLen = 4; c.batch = 2; c.norm = .none
        func model() throws -> Transformer {
            let m = try Transformer(config: c, vocabSize: 4, outputs: 4, head: .perToken)
            for t in m.tensors where t.name == "blocks.1.ffn.fc1.weight" {
                for i in t.offset..<(t.offset + t.count) { m.setParameter(i, 1e38) }
            }
            return m
        }
        let batch = Batch(tokens: [0, 1, 2, 3, 3, 2, 1, 0], targets: [1, 2, 0, 3, 0, 1, 2, 3], batchSize: 2, seqLen: 4)
        let full = try model().forward(batch)
        XCTAssertEqual(full.nonFinite?.layer, 1)
        XCTAssertEqual(full.nonFinite?.tensor, "ffn.h")
        let lean = try model()
        XCTAssertFalse(lean.loss(batch).isFinite, "the overflow reaches the loss")
        XCTAssertEqual(lean.forwardLoss(batch).nonFinite, full.nonFinite)
        XCTAssertEqual(try model().trainStep(batch).nonFinite, full.nonFinite)
    }

    /// A value that overflows only in the logits of a row whose target is ignored reaches neither
    /// the loss nor the gradients (0 · 1e20 is 0): the light forward and the training step must still
    /// report it, as the full forward's scan does.
    func testAnOverflowOnlyInAnIgnoredRowsLogitsIsStillReported() throws {
        var c = ModelConfig()
        c.layers = 1; c.dModel = 8; c.heads = 2; c.dFF = 8; c.seqLen = 4; c.batch = 1; c.norm = .none
        func model() throws -> Transformer {
            let m = try Transformer(config: c, vocabSize: 4, outputs: 4, head: .perToken)
            for t in m.tensors {
                for i in t.offset..<(t.offset + t.count) {
                    if t.name.hasPrefix("blocks.") { m.setParameter(i, 0) }          // blocks pass the stream through
                    if t.name == "head.weight" { m.setParameter(i, 1e20) }
                }
                if t.name == "tok_emb.weight" {                                     // token 3: 1e20 in every channel
                    for i in 0..<c.dModel { m.setParameter(t.offset + 3 * c.dModel + i, 1e20) }
                }
            }
            return m
        }
        let batch = Batch(tokens: [0, 1, 2, 3], targets: [1, 2, 0, Batch.ignore], batchSize: 1, seqLen: 4)
        let full = try model().forward(batch)
        XCTAssertTrue(full.loss.isFinite, "the overflow must stay out of the loss for this test to mean anything")
        XCTAssertEqual(full.nonFinite?.tensor, "logits")
        XCTAssertEqual(try model().forwardLoss(batch).nonFinite, full.nonFinite)
        let step = try model().trainStep(batch)
        XCTAssertTrue(step.gradNorm.isFinite, "the overflow must stay out of the gradients for this test to mean anything")
        XCTAssertEqual(step.nonFinite, full.nonFinite)
    }

    func testAttentionRowsAreDistributionsAndCausalMaskHolds() throws {
        let m = try metrics { $0.causal = true }
        XCTAssertEqual(m.attention.count, 6)
        XCTAssertEqual(m.attention[0].count, 4)
        let T = 64
        for map in m.attention[2] {
            for q in 0..<T {
                let row = map[(q * T)..<(q * T + T)]
                XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-4)
                for k in (q + 1)..<max(q + 1, T) where k < T { XCTAssertEqual(row[q * T + k], 0) }
            }
        }
        for e in m.attentionEntropy.flatMap({ $0 }) { XCTAssertGreaterThan(e, 0); XCTAssertLessThan(e, log(Float(T)) + 1e-3) }
    }
}
