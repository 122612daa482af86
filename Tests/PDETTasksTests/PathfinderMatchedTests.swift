// pathfinder-matched: labels are still connectivity (checked by an independent flood fill), and the
// endpoints' distance (alone, or with the number of path cells) no longer predicts the label.

import PDETCore
@testable import PDETTasks
import XCTest

final class PathfinderMatchedTests: XCTestCase {
    /// The first `count` training examples at batch 32 (what `pdet-tui dataset --count N` exports).
    private func trainRows(_ t: any TaskDataset, count: Int) -> [(tokens: [Int32], targets: [Int32])] {
        var out: [(tokens: [Int32], targets: [Int32])] = []
        var k = 0
        while out.count < count {
            out += rows(t.trainBatch(index: k, batchSize: 32)).prefix(count - out.count)
            k += 1
        }
        return out
    }

    /// In-sample accuracy of the best map key → label (the Bayes rule on the data itself: an upper
    /// bound on any rule that sees only the key), as scripts/shortcut-check.py computes it.
    private func bestRuleAccuracy<K: Hashable>(_ data: [(key: K, label: Int32)]) -> Double {
        var counts: [K: [Int]] = [:]
        for (k, y) in data { counts[k, default: [0, 0]][Int(y)] += 1 }
        return Double(counts.values.map { $0.max()! }.reduce(0, +)) / Double(data.count)
    }

    private func shortcutAccuracies(_ t: any TaskDataset, side: Int) -> (distance: Double, withCells: Double) {
        let data = trainRows(t, count: 4000).map { row in
            (d: endpointDistance(row.tokens, side: side),
             cells: row.tokens.filter { $0 == PathfinderVocab.path }.count, y: row.targets[0])
        }
        return (bestRuleAccuracy(data.map { ($0.d, $0.y) }),
                bestRuleAccuracy(data.map { ("\($0.d)/\($0.cells)", $0.y) }))
    }

    func testLabelsAreConnectivityAndClassesBalanced() throws {
        for seqLen in [25, 36, 64, 70] {
            let t = try task(.pathfinderMatched, seqLen: seqLen) as! PathfinderMatchedTask
            assertLabelledByConnectivity(t, side: t.side)
        }
    }

    /// The shortcut the issue measured (distance rule 0.795 on 5×5, 0.655 on 8×8 for pathfinder) is
    /// gone: ≤ 0.58 on 4000 examples, also when the rule sees the number of path cells. The same
    /// check on plain pathfinder fails, so it can tell the two generators apart.
    func testEndpointDistanceNoLongerPredictsTheLabel() throws {
        for seqLen in [25, 64] {
            let matched = try task(.pathfinderMatched, seqLen: seqLen, seed: 7) as! PathfinderMatchedTask
            let m = shortcutAccuracies(matched, side: matched.side)
            XCTAssertLessThanOrEqual(m.distance, 0.58, "matched T \(seqLen)")
            XCTAssertLessThanOrEqual(m.withCells, 0.58, "matched T \(seqLen), distance and path cells")
            let plain = try task(.pathfinder, seqLen: seqLen, seed: 7) as! PathfinderTask
            XCTAssertGreaterThan(shortcutAccuracies(plain, side: plain.side).distance, seqLen == 25 ? 0.75 : 0.62,
                                 "plain pathfinder keeps its shortcut at T \(seqLen)")
        }
    }

    func testNegativesNeverNeedTheFallbackGrid() throws {
        let t = try task(.pathfinderMatched, seqLen: 25, seed: 3) as! PathfinderMatchedTask
        let fallback = t.base.fallbackGrid(connected: false)
        let grids = rows(t.trainBatch(index: 0, batchSize: 512)).map { Array($0.tokens[0..<25]) }
        XCTAssertFalse(grids.contains(fallback))
    }

    func testDifferentStreamFromPathfinderAndTooShortIsAClearError() throws {
        let a = try task(.pathfinderMatched, seqLen: 25, seed: 2), b = try task(.pathfinder, seqLen: 25, seed: 2)
        XCTAssertNotEqual(a.testBatch(index: 0, batchSize: 16), b.testBatch(index: 0, batchSize: 16))
        XCTAssertThrowsError(try task(.pathfinderMatched, seqLen: 24)) { error in
            XCTAssertEqual(error as? TaskError, .seqLenTooShort(task: .pathfinderMatched, seqLen: 24, minimum: 25))
        }
    }
}
