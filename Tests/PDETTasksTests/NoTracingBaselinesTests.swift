// No-tracing baselines: each rule on hand-made data, the logistic regression's gradient against
// central differences, and the baselines of the real tasks against what the tasks are built to give away.

import PDETCore
@testable import PDETTasks
import XCTest

final class NoTracingBaselinesTests: XCTestCase {
    func testMajorityAndDistanceRuleOnHandMadeData() {
        XCTAssertEqual(majorityLabel([0, 2, 2, 1], classes: 3), 2)
        XCTAssertEqual(majorityLabel([1, 0], classes: 2), 0, "ties go to the smallest label")
        let rule = DistanceRule(distances: [2, 2, 2, 5, 5, 7], labels: [1, 1, 0, 0, 0, 1], classes: 2)
        XCTAssertEqual(rule.predict(2), 1)
        XCTAssertEqual(rule.predict(5), 0)
        XCTAssertEqual(rule.predict(7), 1)
        XCTAssertEqual(rule.predict(9), 0, "unseen distance: the majority label (3 of each: the smallest)")
        // Endpoints at (0,0) and (2,3) on a 5×5 grid: 2 + 3.
        var g = [Int32](repeating: PathfinderVocab.empty, count: 25)
        g[0] = PathfinderVocab.endpoint
        g[13] = PathfinderVocab.endpoint
        XCTAssertEqual(endpointDistance(g, side: 5), 5)
        XCTAssertEqual(endpointDistance([Int32](repeating: 0, count: 25), side: 5), -1)
        XCTAssertEqual(BagOfTokens(vocabSize: 3).features([0, 2, 2, 9]), [0.25, 0, 0.5])
    }

    /// ∂loss/∂(W, b) against central differences of the loss, with λ > 0 in play.
    func testSoftmaxRegressionGradientMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 11)
        let xs = (0..<20).map { _ in (0..<4).map { _ in Double(rng.nextInt(below: 1000)) / 500 - 1 } }
        let ys = (0..<20).map { _ in Int32(rng.nextInt(below: 3)) }
        var model = SoftmaxRegression.fit(features: xs, labels: ys, classes: 3, iterations: 3)
        model.parameters = model.parameters.enumerated().map { $0.element + 0.1 * Double($0.offset % 5) - 0.2 }
        let zs = xs.map(model.standardised)
        let g = model.gradient(standardised: zs, labels: ys)
        let h = 1e-6
        for i in model.parameters.indices {
            var plus = model, minus = model
            plus.parameters[i] += h
            minus.parameters[i] -= h
            let numeric = (plus.loss(standardised: zs, labels: ys) - minus.loss(standardised: zs, labels: ys)) / (2 * h)
            XCTAssertEqual(g[i], numeric, accuracy: 1e-7 + 1e-5 * abs(numeric), "parameter \(i)")
        }
    }

    /// Three classes, each marked by which feature is largest: gradient descent lowers the loss from
    /// ln 3 and learns the rule; the gradient at the end is small.
    func testSoftmaxRegressionLearnsASeparableRule() {
        var rng = SplitMix64(seed: 5)
        var xs: [[Double]] = [], ys: [Int32] = []
        for n in 0..<300 {
            let y = n % 3
            var x = (0..<3).map { _ in Double(rng.nextInt(below: 100)) / 100 }
            x[y] += 1
            xs.append(x)
            ys.append(Int32(y))
        }
        let model = SoftmaxRegression.fit(features: xs, labels: ys, classes: 3)
        let zs = xs.map(model.standardised)
        XCTAssertLessThan(model.loss(standardised: zs, labels: ys), 0.3 * log(3.0))
        let correct = zip(xs, ys).filter { model.predict($0.0) == $0.1 }.count
        XCTAssertGreaterThanOrEqual(correct, 290)
        let norm = model.gradient(standardised: zs, labels: ys).reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertLessThan(norm, 0.05)
    }

    func testBaselinesOfTheTasks() throws {
        func baselines(_ kind: TaskKind, seqLen: Int) throws -> [String: Double] {
            let t = try task(kind, seqLen: seqLen, seed: 1)
            return Dictionary(uniqueKeysWithValues: try noTracingBaselines(task: t).map { ($0.name, $0.accuracy) })
        }
        let plain = try baselines(.pathfinder, seqLen: 25)
        XCTAssertEqual(plain["majority"], 0.5, "the held-out set is exactly balanced")
        XCTAssertGreaterThan(plain["distance rule"]!, 0.72, "the 5×5 shortcut")
        XCTAssertLessThan(plain["bag of tokens"]!, 0.58, "counts say nothing about the label")
        let matched = try baselines(.pathfinderMatched, seqLen: 25)
        XCTAssertEqual(matched["majority"], 0.5)
        XCTAssertLessThan(matched["distance rule"]!, 0.58)
        XCTAssertLessThan(matched["bag of tokens"]!, 0.58)
        let listops = try baselines(.listops, seqLen: 64)
        XCTAssertNil(listops["distance rule"])
        XCTAssertGreaterThan(listops["bag of tokens"]!, listops["majority"]! + 0.03, "operator counts carry signal")
        XCTAssertThrowsError(try noTracingBaselines(task: try task(.sort))) { error in
            XCTAssertEqual(error as? NoTracingError, .perTokenTask(.sort))
        }
    }

    /// The baselines are scored on the cells' held-out set: held-out examples 0..<n, whatever the batch.
    func testHeldOutExamplesAreTheEvaluationSet() throws {
        for kind in [TaskKind.pathfinderMatched, .digits] {
            let t = try task(kind, seqLen: kind == .digits ? 64 : 25, seed: 3)
            let n = min(100, t.testSize)
            let mine = classifyExamples(t, count: n, heldOut: true)
            let whole = rows(t.testBatch(index: 0, batchSize: n))
            XCTAssertEqual(mine.map(\.tokens), whole.map(\.tokens))
            XCTAssertEqual(mine.map(\.label), whole.map { $0.targets[0] })
        }
    }
}
