// No-tracing baselines (issue 21): what a classify task's held-out accuracy is without any model
// that follows structure. Every report shows them beside the Transformer baseline, so "the model
// reached 0.87" can be read against "the endpoints' distance alone reaches 0.80".
//
//   majority        the most frequent training label, predicted for every held-out example
//   distance rule   pathfinder(-matched): the most frequent training label at each endpoint
//                   Manhattan distance (unseen distance: the majority label)
//   bag of tokens   multinomial logistic regression on the token counts (V features, order ignored),
//                   trained by full-batch gradient descent on the training stream
//
// Fitted on the first `trainExamples` examples of the training stream (batches of 64), scored on the
// first min(evalSize, testSize) held-out examples: the set `reproduce` scores a cell on (the same
// seed, T and eval size give the same examples, whatever the batch size).

import PDETCore

public struct NoTracingBaseline: Equatable, Sendable {
    public var name: String             // "majority", "distance rule", "bag of tokens"
    public var accuracy: Double         // held-out accuracy (fraction)
}

public enum NoTracingError: Error, Equatable, Sendable, CustomStringConvertible {
    case perTokenTask(TaskKind)

    public var description: String {
        switch self {
        case let .perTokenTask(kind):
            return "no-tracing baselines are defined for the classify tasks (listops, digits, pathfinder, "
                + "pathfinder-matched), not \(kind.rawValue)"
        }
    }
}

/// Examples of the training stream the baselines are fitted on.
public let noTracingTrainExamples = 4096

/// The baselines of `task`, fitted on its training stream and scored on its held-out set.
public func noTracingBaselines(task: any TaskDataset, evalSize: Int = 512,
                               trainExamples: Int = noTracingTrainExamples) throws(NoTracingError) -> [NoTracingBaseline] {
    guard task.head == .classify else { throw .perTokenTask(task.kind) }
    let train = classifyExamples(task, count: trainExamples, heldOut: false)
    let test = classifyExamples(task, count: min(max(evalSize, 1), task.testSize), heldOut: true)
    func accuracy(_ predict: ([Int32]) -> Int32) -> Double {
        Double(test.filter { predict($0.tokens) == $0.label }.count) / Double(max(test.count, 1))
    }
    let majority = majorityLabel(train.map(\.label), classes: task.outputs)
    var out = [NoTracingBaseline(name: "majority", accuracy: accuracy { _ in majority })]
    if task.kind == .pathfinder || task.kind == .pathfinderMatched {
        let side = (task as? PathfinderTask)?.side ?? (task as! PathfinderMatchedTask).side
        let d = { (tokens: [Int32]) in endpointDistance(tokens, side: side) }
        let rule = DistanceRule(distances: train.map { d($0.tokens) }, labels: train.map(\.label), classes: task.outputs)
        out.append(NoTracingBaseline(name: "distance rule", accuracy: accuracy { rule.predict(d($0)) }))
    }
    let bag = BagOfTokens(vocabSize: task.vocabSize)
    let model = SoftmaxRegression.fit(features: train.map { bag.features($0.tokens) }, labels: train.map(\.label),
                                      classes: task.outputs)
    out.append(NoTracingBaseline(name: "bag of tokens", accuracy: accuracy { model.predict(bag.features($0)) }))
    return out
}

/// (tokens (T), label) of the first `count` training examples (batches of 64) or held-out examples
/// 0..<count (one batch: held-out batch k of size B starts at k·B, so a shorter last batch drawn
/// with a running index would repeat earlier examples instead of reaching the end).
func classifyExamples(_ task: any TaskDataset, count: Int, heldOut: Bool) -> [(tokens: [Int32], label: Int32)] {
    func examples(_ b: Batch) -> [(tokens: [Int32], label: Int32)] {
        (0..<b.batchSize).map { r in (Array(b.tokens[(r * b.seqLen)..<((r + 1) * b.seqLen)]), b.targets[r]) }
    }
    if heldOut { return examples(task.testBatch(index: 0, batchSize: min(count, task.testSize))) }
    var out: [(tokens: [Int32], label: Int32)] = []
    var index = 0
    while out.count < count {
        out += examples(task.trainBatch(index: index, batchSize: 64)).prefix(count - out.count)
        index += 1
    }
    return out
}

/// The most frequent label in 0..<classes (ties: the smallest).
public func majorityLabel(_ labels: [Int32], classes: Int) -> Int32 {
    var counts = [Int](repeating: 0, count: max(classes, 1))
    for y in labels where y >= 0 && Int(y) < counts.count { counts[Int(y)] += 1 }
    return Int32(counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }!)
}

/// Manhattan distance between a pathfinder grid's two endpoints; -1 without two endpoints.
public func endpointDistance(_ tokens: [Int32], side: Int) -> Int {
    guard let (a, b) = Pathfinder.endpoints(tokens, side: side) else { return -1 }
    return Pathfinder.manhattan(a, b, side: side)
}

/// The best distance → label map on the training data: at each distance, its most frequent label.
public struct DistanceRule: Sendable {
    public let labels: [Int: Int32]
    public let fallback: Int32          // for a distance never seen in training: the majority label

    public init(distances: [Int], labels ys: [Int32], classes: Int) {
        var byDistance: [Int: [Int32]] = [:]
        for (d, y) in zip(distances, ys) { byDistance[d, default: []].append(y) }
        labels = byDistance.mapValues { majorityLabel($0, classes: classes) }
        fallback = majorityLabel(ys, classes: classes)
    }

    public func predict(_ distance: Int) -> Int32 { labels[distance] ?? fallback }
}

/// Token counts divided by T: V features that ignore order.
public struct BagOfTokens: Sendable {
    public let vocabSize: Int
    public init(vocabSize: Int) { self.vocabSize = vocabSize }

    public func features(_ tokens: [Int32]) -> [Double] {
        var x = [Double](repeating: 0, count: vocabSize)
        for t in tokens where t >= 0 && Int(t) < vocabSize { x[Int(t)] += 1 }
        let n = Double(max(tokens.count, 1))
        return x.map { $0 / n }
    }
}
