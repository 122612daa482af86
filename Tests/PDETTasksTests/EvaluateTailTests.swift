// The held-out evaluation's last, shorter batch: with `exactTail` it holds the examples not yet scored;
// without it (the committed grids' evaluation) it repeats earlier ones. Digits (359 held-out rows,
// batches of 64) is the case where the two differ.
import PDETCore
@testable import PDETTasks
import XCTest

final class EvaluateTailTests: XCTestCase {
    func run(_ fold: Int) throws -> TrainingRun {
        var c = ModelConfig()
        c.task = .digits; c.seqLen = 64; c.layers = 1; c.dModel = 8; c.heads = 2; c.dFF = 8; c.batch = 4
        let t = try makeTask(.digits, seqLen: 64, seed: 1, dataDirectory: repositoryDataDirectory(), digitsHeldOutFold: fold)
        return TrainingRun(task: t, model: try Transformer(config: c, vocabSize: t.vocabSize, outputs: t.outputs, head: t.head))
    }

    func testTheExactTailHoldsTheRowsNotYetScored() throws {
        for fold in [4, 0] {
            let r = try run(fold)
            let n = r.task.testSize                          // 359 (fold 4) or 360 (fold 0)
            let all = r.task.testBatch(index: 0, batchSize: n)   // every held-out row once, in order
            let T = 64, start = 320
            XCTAssertEqual(r.heldOutExamples(start..<n).tokens, Array(all.tokens[(start * T)...]), "fold \(fold)")
            XCTAssertEqual(r.heldOutExamples(start..<n).targets, Array(all.targets[start...]), "fold \(fold)")
            // The old tail request: examples 5·(n−320) ..< 6·(n−320), rows already scored in batches 0-4.
            let old = r.task.testBatch(index: 5, batchSize: n - start)
            XCTAssertEqual(old.tokens, Array(all.tokens[(5 * (n - start) * T)..<(6 * (n - start) * T)]), "fold \(fold)")
            XCTAssertNotEqual(old.tokens, r.heldOutExamples(start..<n).tokens, "fold \(fold)")
        }
    }

    func testExactTailScoresEveryRowOnceAndTheDefaultIsUnchanged() throws {
        let r = try run(4)
        let n = r.task.testSize
        // The same model scored on one batch of all rows, and in batches of 64 with the exact tail: the
        // same rows, so the same count of correct answers (accuracy × n) up to float rounding.
        let whole = r.evaluate(limit: n, batchSize: n, record: false)
        let exact = r.evaluate(limit: n, batchSize: 64, record: false, exactTail: true)
        XCTAssertEqual(Double(whole) * Double(n), Double(exact) * Double(n), accuracy: 1e-3)
        // The default keeps the committed evaluation: batches 0-4, then examples 195..<234 again.
        let old = r.evaluate(limit: n, batchSize: 64, record: false)
        let byParts = [r.task.testBatch(index: 0, batchSize: 320), r.task.testBatch(index: 5, batchSize: 39)]
        var correct = 0.0
        for b in byParts { correct += Double(r.model.forwardLoss(b).accuracy) * Double(b.batchSize) }
        XCTAssertEqual(Double(old) * Double(n), correct, accuracy: 1e-3)
    }
}
