// The contract every task keeps: shapes, ranges, determinism, held-out split, labels, errors.

import PDETCore
@testable import PDETTasks
import XCTest

final class TaskContractTests: XCTestCase {
    func testEveryTaskGivesWellFormedBatchesAtSeveralLengths() throws {
        for kind in TaskKind.allCases {
            for seqLen in [64, 100] {
                let t = try task(kind, seqLen: seqLen)
                XCTAssertEqual(t.kind, kind)
                XCTAssertEqual(t.seqLen, seqLen)
                for index in [0, 1, 7] {
                    assertWellFormed(t.trainBatch(index: index, batchSize: 8), t, batchSize: 8)
                }
                assertWellFormed(t.testBatch(index: 0, batchSize: 8), t, batchSize: 8)
            }
        }
    }

    func testHeadsAndSizes() throws {
        let expected: [TaskKind: (HeadKind, Int, Int)] = [   // head, V at T = 64, K
            .reverse: (.perToken, 13, 10), .sort: (.perToken, 13, 10), .copy: (.perToken, 13, 10),
            .listops: (.classify, 16, 10), .digits: (.classify, 17, 10), .pathfinder: (.classify, 3, 2),
            .pathfinderMatched: (.classify, 3, 2),
        ]
        for kind in TaskKind.allCases {
            let t = try task(kind)
            let (head, v, k) = expected[kind]!
            XCTAssertEqual(t.head, head, "\(kind)")
            XCTAssertEqual(t.vocabSize, v, "\(kind)")
            XCTAssertEqual(t.outputs, k, "\(kind)")
        }
        // Longer sequences add a PAD token where the content has a fixed size.
        XCTAssertEqual(try task(.digits, seqLen: 65).vocabSize, 18)
        XCTAssertEqual(try task(.pathfinder, seqLen: 65).vocabSize, 4)
    }

    func testSameSeedSameBatchesDifferentSeedDifferentBatches() throws {
        for kind in TaskKind.allCases {
            let a = try task(kind, seed: 5), b = try task(kind, seed: 5), c = try task(kind, seed: 6)
            XCTAssertEqual(a.trainBatch(index: 3, batchSize: 16), b.trainBatch(index: 3, batchSize: 16), "\(kind)")
            XCTAssertEqual(a.testBatch(index: 1, batchSize: 16), b.testBatch(index: 1, batchSize: 16), "\(kind)")
            XCTAssertNotEqual(a.trainBatch(index: 3, batchSize: 16), c.trainBatch(index: 3, batchSize: 16), "\(kind)")
            XCTAssertNotEqual(a.trainBatch(index: 3, batchSize: 16), a.trainBatch(index: 4, batchSize: 16), "\(kind)")
        }
    }

    func testHeldOutDiffersFromTrainingAndDoesNotDependOnBatchSize() throws {
        for kind in TaskKind.allCases {
            let t = try task(kind)
            let train = Set(rows(t.trainBatch(index: 0, batchSize: 64)).map(\.tokens))
            let test = rows(t.testBatch(index: 0, batchSize: 64)).map(\.tokens)
            // A fresh stream (or other rows): repeats are possible but must be rare.
            XCTAssertLessThan(test.filter(train.contains).count, 3, "\(kind)")
            let whole = t.testBatch(index: 0, batchSize: 16)
            let halves = [t.testBatch(index: 0, batchSize: 8), t.testBatch(index: 1, batchSize: 8)]
            XCTAssertEqual(whole.tokens, halves[0].tokens + halves[1].tokens, "\(kind)")
            XCTAssertEqual(whole.targets, halves[0].targets + halves[1].targets, "\(kind)")
        }
    }

    func testAFullHeldOutPassCoversTestSizeExamplesThenWraps() throws {
        let t = try task(.sort)
        XCTAssertEqual(t.testSize, 512)
        XCTAssertEqual(t.testBatch(index: 10, batchSize: 50).batchSize, 12)   // 512 = 10·50 + 12
        XCTAssertEqual(t.testBatch(index: 11, batchSize: 50), t.testBatch(index: 0, batchSize: 50))
        XCTAssertEqual(t.testBatch(index: -1, batchSize: 50), t.testBatch(index: 10, batchSize: 50))
        XCTAssertEqual(heldOutSlots(index: 0, batchSize: 0, testSize: 512), 0..<0)
        XCTAssertEqual(t.trainBatch(index: 0, batchSize: 0).tokens, [])
    }

    func testTokenLabelsAreShortAndDefinedForEveryId() throws {
        for kind in TaskKind.allCases {
            let t = try task(kind, seqLen: 100)
            for id in 0..<t.vocabSize {
                let s = t.tokenLabel(Int32(id))
                XCTAssertTrue((1...3).contains(s.count), "\(kind) id \(id) label '\(s)'")
                XCTAssertNotEqual(s, "?", "\(kind) id \(id)")
            }
            XCTAssertEqual(t.tokenLabel(Int32(t.vocabSize)), "?")
            XCTAssertEqual(t.tokenLabel(-1), "?")
        }
    }

    func testSequenceTooShortIsAClearError() {
        let minimum: [TaskKind: Int] = [.reverse: 4, .sort: 4, .copy: 4, .listops: 4, .digits: 64, .pathfinder: 25,
                                        .pathfinderMatched: 25]
        for kind in TaskKind.allCases {
            let m = minimum[kind]!
            XCTAssertThrowsError(try task(kind, seqLen: m - 1)) { error in
                XCTAssertEqual(error as? TaskError, .seqLenTooShort(task: kind, seqLen: m - 1, minimum: m))
                XCTAssertTrue("\(error)".contains("seq-len ≥ \(m)"), "\(error)")
            }
            XCTAssertNoThrow(try task(kind, seqLen: m), "\(kind)")
        }
    }
}
