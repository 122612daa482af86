// pathfinder-matched: pathfinder whose negatives have the positives' endpoint distances.
//
// On plain pathfinder the two endpoints of a positive are the ends of one short snake, so they lie
// close together, while a negative's endpoints sit on two separate snakes and are usually farther
// apart: the Manhattan distance between the endpoints alone predicts the label 80 % of the time on
// the 5×5 board and 65.5 % on 8×8 (issue 21; scripts/shortcut-check.py). Here every negative first
// draws a reference positive (two snakes, the distance d between the ends of the first) and then
// draws snake pairs until one end of snake A and one end of snake B lie exactly d apart and the two
// snakes have the reference's total length, so (distance, number of path cells) has the same joint
// distribution in both classes. Matching d alone left a leak: on 4000 exported 5×5 examples the
// best rule on (d, path cells) scored 0.62 while d alone scored 0.52 (scripts/shortcut-check.py).
// Positives, the snake generator, the vocabulary and connectivity (BFS) are pathfinder's
// (Pathfinder.swift). Shapes: tokens (T) = side² cells then PAD up to T; targets (1).

import PDETCore

public struct PathfinderMatchedTask: TaskDataset {
    let base: PathfinderTask                // the generator, its stream salted as pathfinder-matched

    /// Reference positives drawn per negative before giving up, and snake pairs per reference.
    /// On 5×5 and 8×8 a matching pair takes a few draws (the shortcut test counts fallbacks: none).
    static let references = 50
    static let pairsPerReference = 400

    init(seqLen: Int, seed: UInt64) throws(TaskError) {
        base = try PathfinderTask(seqLen: seqLen, seed: seed, streamKind: .pathfinderMatched)
    }

    public var kind: TaskKind { .pathfinderMatched }
    public var seqLen: Int { base.seqLen }
    public var side: Int { base.side }
    public var vocabSize: Int { base.vocabSize }
    public var outputs: Int { 2 }
    public var head: HeadKind { .classify }
    public var testSize: Int { generatedTestSize }

    /// Balanced exactly like pathfinder: labels alternate within a batch from a random start.
    public func trainBatch(index: Int, batchSize: Int) -> Batch {
        var first = -1
        return base.stream.trainBatch(index: index, batchSize: batchSize) { rng, slot, _ in
            if first < 0 { first = rng.nextInt(below: 2) }
            return example(&rng, connected: (slot + first) % 2 == 1)
        }
    }

    /// The held-out set alternates labels (slot % 2): exactly half of it is connected.
    public func testBatch(index: Int, batchSize: Int) -> Batch {
        base.stream.testBatch(index: index, batchSize: batchSize) { rng, slot, _ in
            example(&rng, connected: slot % 2 == 1)
        }
    }

    public func tokenLabel(_ id: Int32) -> String { base.tokenLabel(id) }

    func example(_ rng: inout SplitMix64, connected: Bool) -> Example {
        let grid = connected ? base.makeGrid(&rng, connected: true) : matchedNegative(&rng)
        var tokens = grid
        tokens += [Int32](repeating: PathfinderVocab.pad, count: seqLen - grid.count)
        return Example(tokens: tokens, targets: [connected ? 1 : 0])
    }

    /// A grid whose endpoints (one end of snake A, one of snake B) are not joined and lie at the
    /// distance of a freshly drawn positive's endpoints, its two snakes as long as that positive's.
    func matchedNegative(_ rng: inout SplitMix64) -> [Int32] {
        let side = base.side
        for _ in 0..<Self.references {
            guard let reference = base.growSnakePair(&rng) else { continue }
            let d = Pathfinder.manhattan(reference.a.first!, reference.a.last!, side: side)
            let cells = reference.a.count + reference.b.count
            for _ in 0..<Self.pairsPerReference {
                guard let pair = base.growSnakePair(&rng), pair.a.count + pair.b.count == cells else { continue }
                // The four (end of A, end of B) choices at distance d; one of them at random.
                let options = [pair.a.first!, pair.a.last!].flatMap { e in
                    [pair.b.first!, pair.b.last!].map { (e, $0) }
                }.filter { Pathfinder.manhattan($0.0, $0.1, side: side) == d }
                if options.isEmpty { continue }
                let ends = options[rng.nextInt(below: options.count)]
                var grid = pair.grid
                grid[ends.0] = PathfinderVocab.endpoint
                grid[ends.1] = PathfinderVocab.endpoint
                if !Pathfinder.endpointsConnected(grid, side: side) { return grid }
            }
        }
        return base.fallbackGrid(connected: false)
    }
}
