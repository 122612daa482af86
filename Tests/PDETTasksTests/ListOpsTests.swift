// listops: the evaluator on hand-written expressions, and every generated row against it.

import PDETCore
@testable import PDETTasks
import XCTest

final class ListOpsTests: XCTestCase {
    private func value(_ text: String) -> Int? {
        guard let tokens = ListOps.tokens(text) else { XCTFail("bad word in \(text)"); return nil }
        return ListOps.evaluate(tokens)
    }

    func testEvaluatorOnHandWrittenExpressions() {
        XCTAssertEqual(value("[MAX 2 9 [MIN 4 7 ] 0 ]"), 9)
        XCTAssertEqual(value("[MIN 5 3 8 ]"), 3)
        XCTAssertEqual(value("[SM 7 8 9 ]"), 4)                       // 24 mod 10
        XCTAssertEqual(value("[MED 1 9 4 ]"), 4)
        XCTAssertEqual(value("[MED 1 8 ]"), 4)                        // floor((1 + 8) / 2)
        XCTAssertEqual(value("[MED 2 7 3 6 ]"), 4)                    // floor((3 + 6) / 2)
        XCTAssertEqual(value("[SM [MAX 1 2 ] [MIN 9 8 ] [MED 5 5 5 ] ]"), 5)   // 2 + 8 + 5 = 15
        XCTAssertEqual(value("[MIN [MAX [SM 9 9 ] 3 ] 6 ]"), 6)       // MIN(MAX(8, 3), 6)
        XCTAssertEqual(value("7"), 7)
        XCTAssertEqual(value("[MAX 1 2 ] PAD PAD"), 2)
    }

    func testEvaluatorRejectsMalformedExpressions() {
        XCTAssertNil(value("[MAX 1 2"))                   // unclosed
        XCTAssertNil(value("[MAX 1 2 ] ]"))               // extra close
        XCTAssertNil(value("[MAX ]"))                     // empty list
        XCTAssertNil(value("[MAX 1 2 ] 3"))               // trailing token
        XCTAssertNil(value("[MAX 1 PAD 2 ]"))             // PAD inside
        XCTAssertNil(value(""))
        XCTAssertNil(ListOps.evaluate([99]))
        XCTAssertNil(ListOps.tokens("[MAX 1 x ]"))
    }

    func testTextRoundTrip() {
        let text = "[MAX 2 9 [MIN 4 7 ] 0 ]"
        XCTAssertEqual(ListOps.text(ListOps.tokens(text)! + [ListOpsVocab.pad]), text)
    }

    func testEveryGeneratedRowFitsAndEvaluatesToItsLabel() throws {
        for seqLen in [4, 5, 9, 64, 256] {
            let t = try task(.listops, seqLen: seqLen)
            let batches = [t.trainBatch(index: 0, batchSize: 64), t.trainBatch(index: 1, batchSize: 64),
                           t.testBatch(index: 0, batchSize: 64)]
            for row in batches.flatMap(rows) {
                XCTAssertEqual(row.tokens.count, seqLen)
                XCTAssertTrue(ListOpsVocab.max...ListOpsVocab.sumMod ~= row.tokens[0], "root is a list")
                XCTAssertEqual(ListOps.evaluate(row.tokens), Int(row.targets[0]), ListOps.text(row.tokens))
            }
        }
    }

    func testLabelsAreBalancedAndTreesAreNested() throws {
        let t = try task(.listops, seqLen: 64)
        var counts = [Int](repeating: 0, count: 10)
        var nested = 0, lengths = 0
        let train = rows(t.trainBatch(index: 0, batchSize: 500))
        for row in train {
            counts[Int(row.targets[0])] += 1
            let opens = row.tokens.filter { ListOpsVocab.max...ListOpsVocab.sumMod ~= $0 }.count
            if opens > 1 { nested += 1 }
            lengths += row.tokens.filter { $0 != ListOpsVocab.pad }.count
        }
        XCTAssertTrue(counts.allSatisfy { (25...75).contains($0) }, "\(counts)")
        XCTAssertGreaterThan(nested, 350, "most expressions nest lists")
        XCTAssertGreaterThan(lengths / train.count, 15, "mean length")
        let test = rows(t.testBatch(index: 0, batchSize: 512))
        for k in 0..<10 {
            XCTAssertTrue((50...52).contains(test.filter { $0.targets[0] == Int32(k) }.count), "label \(k)")
        }
    }
}
