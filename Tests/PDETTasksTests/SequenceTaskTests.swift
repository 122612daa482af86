// reverse, sort, copy: targets recomputed from the tokens alone.

import PDETCore
@testable import PDETTasks
import XCTest

final class SequenceTaskTests: XCTestCase {
    /// The symbol run x[0..<n] of a reverse/sort/copy row: tokens before the first non-symbol.
    private func symbols(_ tokens: [Int32]) -> [Int32] {
        Array(tokens.prefix { $0 < Int32(SequenceVocab.symbols) })
    }

    func testReverseIsOneFixedMirrorOfTheCentredSymbols() throws {
        for seqLen in [4, 5, 64] {
            let t = try task(.reverse, seqLen: seqLen)
            var lengths = Set<Int>()
            for row in rows(t.trainBatch(index: 2, batchSize: 32)) + rows(t.testBatch(index: 0, batchSize: 8)) {
                let symbolAt = row.tokens.indices.filter { row.tokens[$0] < Int32(SequenceVocab.symbols) }
                let n = symbolAt.count
                lengths.insert(n)
                XCTAssertTrue((seqLen + 1) / 2...seqLen ~= n, "n = \(n) at T = \(seqLen)")
                XCTAssertEqual(symbolAt, Array(((seqLen - n) / 2)..<((seqLen + n) / 2)), "centred run")
                let x = symbolAt.map { row.tokens[$0] }
                XCTAssertEqual(symbolAt.map { row.targets[$0] }, x.reversed(), "target = x[n-1-i]")
                for p in 0..<seqLen {
                    if symbolAt.contains(p) {
                        XCTAssertEqual(row.targets[p], row.tokens[seqLen - 1 - p], "mirror")
                    } else {
                        XCTAssertEqual(row.tokens[p], SequenceVocab.pad)
                        XCTAssertEqual(row.targets[p], Batch.ignore)
                    }
                }
            }
            if seqLen == 64 { XCTAssertGreaterThan(lengths.count, 8, "lengths vary") }
        }
    }

    func testSortTargetsAreTheSymbolsSorted() throws {
        let t = try task(.sort, seqLen: 64)
        var lengths = Set<Int>()
        for row in rows(t.trainBatch(index: 0, batchSize: 64)) {
            let x = symbols(row.tokens)
            lengths.insert(x.count)
            XCTAssertGreaterThanOrEqual(x.count, 32)
            XCTAssertEqual(Array(row.targets[0..<x.count]), x.sorted())
            XCTAssertTrue(row.tokens[x.count...].allSatisfy { $0 == SequenceVocab.pad })
            XCTAssertTrue(row.targets[x.count...].allSatisfy { $0 == Batch.ignore })
        }
        XCTAssertGreaterThan(lengths.count, 10, "lengths vary, so the model must find the end")
    }

    func testCopyShiftsTheSourceByHalfTheSequence() throws {
        for seqLen in [4, 5, 7, 64] {
            let t = try task(.copy, seqLen: seqLen)
            let h = seqLen / 2
            for row in rows(t.trainBatch(index: 1, batchSize: 32)) {
                let x = symbols(row.tokens)
                let n = x.count
                XCTAssertTrue(1...(h - 1) ~= n, "n = \(n) at T = \(seqLen)")
                XCTAssertTrue(row.tokens[n..<(h - 1)].allSatisfy { $0 == SequenceVocab.pad })
                XCTAssertEqual(row.tokens[h - 1], SequenceVocab.separator)
                XCTAssertEqual(Array(row.tokens[h..<(h + n)]), [Int32](repeating: SequenceVocab.blank, count: n))
                XCTAssertTrue(row.tokens[(h + n)...].allSatisfy { $0 == SequenceVocab.pad })
                for p in 0..<seqLen {
                    let expected = (h..<(h + n)).contains(p) ? row.tokens[p - h] : Batch.ignore
                    XCTAssertEqual(row.targets[p], expected, "target[\(p)] at T = \(seqLen)")
                }
            }
        }
    }

    func testLayoutOfTheDocumentedExamples() {
        let x: [Int32] = [3, 1, 2]
        let r = SequenceTask.layout(.reverse, symbols: x, seqLen: 5)
        XCTAssertEqual(r.tokens, [10, 3, 1, 2, 10])
        XCTAssertEqual(r.targets, [-1, 2, 1, 3, -1])
        let s = SequenceTask.layout(.sort, symbols: x, seqLen: 5)
        XCTAssertEqual(s.tokens, [3, 1, 2, 10, 10])
        XCTAssertEqual(s.targets, [1, 2, 3, -1, -1])
        let c = SequenceTask.layout(.copy, symbols: x, seqLen: 10)
        XCTAssertEqual(c.tokens, [3, 1, 2, 10, 11, 12, 12, 12, 10, 10])
        XCTAssertEqual(c.targets, [-1, -1, -1, -1, -1, 3, 1, 2, -1, -1])
    }

    func testSymbolsAreRoughlyUniform() throws {
        let t = try task(.reverse)
        var counts = [Int](repeating: 0, count: SequenceVocab.symbols)
        for token in t.trainBatch(index: 0, batchSize: 64).tokens where token < 10 { counts[Int(token)] += 1 }
        let total = counts.reduce(0, +)
        for c in counts { XCTAssertEqual(Double(c) / Double(total), 0.1, accuracy: 0.03) }
    }
}
