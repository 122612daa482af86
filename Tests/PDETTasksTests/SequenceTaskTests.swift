// reverse, sort, copy: targets recomputed from the tokens alone.

import PDETCore
@testable import PDETTasks
import XCTest

final class SequenceTaskTests: XCTestCase {
    /// The symbol run x[0..<n] of a reverse/sort/copy row: tokens before the first non-symbol.
    private func symbols(_ tokens: [Int32]) -> [Int32] {
        Array(tokens.prefix { $0 < Int32(SequenceVocab.symbols) })
    }

    func testReverseTargetsAreTheSymbolsReversed() throws {
        for seqLen in [4, 5, 64] {
            let t = try task(.reverse, seqLen: seqLen)
            for row in rows(t.trainBatch(index: 2, batchSize: 32)) + rows(t.testBatch(index: 0, batchSize: 8)) {
                let x = symbols(row.tokens)
                let n = x.count
                XCTAssertTrue((seqLen + 1) / 2...seqLen ~= n, "n = \(n) at T = \(seqLen)")
                XCTAssertEqual(Array(row.targets[0..<n]), x.reversed())
                XCTAssertTrue(row.tokens[n...].allSatisfy { $0 == SequenceVocab.pad })
                XCTAssertTrue(row.targets[n...].allSatisfy { $0 == Batch.ignore })
            }
        }
    }

    func testSortTargetsAreTheSymbolsSorted() throws {
        let t = try task(.sort, seqLen: 64)
        var lengths = Set<Int>()
        for row in rows(t.trainBatch(index: 0, batchSize: 64)) {
            let x = symbols(row.tokens)
            lengths.insert(x.count)
            XCTAssertEqual(Array(row.targets[0..<x.count]), x.sorted())
            XCTAssertTrue(row.targets[x.count...].allSatisfy { $0 == Batch.ignore })
        }
        XCTAssertGreaterThan(lengths.count, 10, "lengths vary, so the model must find the end")
    }

    func testCopyTargetsRepeatTheSourceAfterTheSeparator() throws {
        for seqLen in [4, 7, 64] {
            let t = try task(.copy, seqLen: seqLen)
            for row in rows(t.trainBatch(index: 1, batchSize: 32)) {
                let x = symbols(row.tokens)
                let n = x.count
                XCTAssertGreaterThanOrEqual(n, 1)
                XCTAssertLessThanOrEqual(2 * n + 1, seqLen)
                XCTAssertEqual(row.tokens[n], SequenceVocab.separator)
                XCTAssertEqual(Array(row.tokens[(n + 1)..<(2 * n + 1)]), [Int32](repeating: SequenceVocab.blank, count: n))
                XCTAssertEqual(Array(row.targets[(n + 1)..<(2 * n + 1)]), x)
                XCTAssertTrue(row.targets[0...n].allSatisfy { $0 == Batch.ignore }, "source carries no target")
                XCTAssertTrue(row.tokens[(2 * n + 1)...].allSatisfy { $0 == SequenceVocab.pad })
                XCTAssertTrue(row.targets[(2 * n + 1)...].allSatisfy { $0 == Batch.ignore })
            }
        }
    }

    func testLayoutOfTheDocumentedExamples() {
        let x: [Int32] = [3, 1, 2]
        let r = SequenceTask.layout(.reverse, symbols: x, seqLen: 5)
        XCTAssertEqual(r.tokens, [3, 1, 2, 10, 10])
        XCTAssertEqual(r.targets, [2, 1, 3, -1, -1])
        let s = SequenceTask.layout(.sort, symbols: x, seqLen: 5)
        XCTAssertEqual(s.targets, [1, 2, 3, -1, -1])
        let c = SequenceTask.layout(.copy, symbols: x, seqLen: 8)
        XCTAssertEqual(c.tokens, [3, 1, 2, 11, 12, 12, 12, 10])
        XCTAssertEqual(c.targets, [-1, -1, -1, -1, 3, 1, 2, -1])
    }

    func testSymbolsAreRoughlyUniform() throws {
        let t = try task(.reverse)
        var counts = [Int](repeating: 0, count: SequenceVocab.symbols)
        for token in t.trainBatch(index: 0, batchSize: 64).tokens where token < 10 { counts[Int(token)] += 1 }
        let total = counts.reduce(0, +)
        for c in counts { XCTAssertEqual(Double(c) / Double(total), 0.1, accuracy: 0.03) }
    }
}
