// pathfinder-matched: pathfinder whose two classes put their endpoints on the same cells.
//
// On plain pathfinder the two endpoints of a positive are the ends of one short snake, so they lie
// close together, while a negative's endpoints sit on two separate snakes and are usually farther
// apart: the Manhattan distance between the endpoints alone predicts the label 80 % of the time on
// the 5×5 board and 65.5 % on 8×8 (issue 21; scripts/shortcut-check.py). Here every negative first
// example draws a reference positive (two snakes; its endpoints are the two ends of the first, at
// cells p and q; n = the two snakes' total length) and keeps it only if a negative can take the
// same cells: snake A grown from p and snake B from q (which gets A: random) with total length n.
// A positive example is the reference; a negative is that A-and-B grid. So where the endpoints are
// (hence their distance, their offset, their nearness to the border) and how many path cells there
// are have the same joint distribution in both classes: only following the path tells them apart.
// Two weaker versions left cues: matching the distance d alone, the best rule on (d, path cells)
// scored 0.62 on 5×5; matching (d, path cells), the endpoint offset (|Δrow|, |Δcol|) alone scored
// 0.65 on 5×5 and 0.60 on 6×6 (4000 exported examples each).
// Positives, the snake generator, the vocabulary and connectivity (BFS) are pathfinder's
// (Pathfinder.swift). Shapes: tokens (T) = side² cells then PAD up to T; targets (1).

import PDETCore

public struct PathfinderMatchedTask: TaskDataset {
    let base: PathfinderTask                // the generator, its stream salted as pathfinder-matched

    /// Snake pairs grown per reference before it counts as one no negative can realise, and
    /// references drawn per example before the fallback grid (never observed).
    static let pairsPerReference = 400
    static let references = 1000

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
        var tokens = matchedGrid(&rng, connected: connected)
        tokens += [Int32](repeating: PathfinderVocab.pad, count: seqLen - tokens.count)
        return Example(tokens: tokens, targets: [connected ? 1 : 0])
    }

    /// Draws reference positives until one whose endpoint cells and total length a negative can
    /// also take (`negative` finds one within `pairsPerReference` draws), then returns that positive
    /// or that negative. Both classes pass the same test, so their (endpoint cells, path cells)
    /// follow the same distribution. (Testing only the negatives' references favoured endpoint cells
    /// that are easy to reach: on 5×5, d = 2 in 955 of 2000 negatives against 1063 positives.)
    func matchedGrid(_ rng: inout SplitMix64, connected: Bool) -> [Int32] {
        for _ in 0..<Self.references {
            guard let reference = base.growSnakePair(&rng) else { continue }
            let ends = (reference.a.first!, reference.a.last!)
            guard let negative = negative(&rng, ends: ends, cells: reference.a.count + reference.b.count)
            else { continue }
            if !connected { return negative }
            var grid = reference.grid
            grid[ends.0] = PathfinderVocab.endpoint
            grid[ends.1] = PathfinderVocab.endpoint
            if Pathfinder.endpointsConnected(grid, side: base.side) { return grid }
        }
        return base.fallbackGrid(connected: connected)
    }

    /// A grid whose snakes A and B (`cells` cells together) start at the two `ends` (which gets A:
    /// random), marked as endpoints and not joined; nil when none fits within `pairsPerReference` draws.
    func negative(_ rng: inout SplitMix64, ends: (Int, Int), cells: Int) -> [Int32]? {
        for _ in 0..<Self.pairsPerReference {
            let starts = rng.nextInt(below: 2) == 0 ? ends : (ends.1, ends.0)
            guard let pair = base.growSnakePair(&rng, starts: starts), pair.a.count + pair.b.count == cells
            else { continue }
            var grid = pair.grid
            grid[starts.0] = PathfinderVocab.endpoint
            grid[starts.1] = PathfinderVocab.endpoint
            if !Pathfinder.endpointsConnected(grid, side: base.side) { return grid }
        }
        return nil
    }
}
