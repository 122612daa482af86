// `pdet-tui dataset`'s lines, read back and matched against what training and evaluation draw.
import Foundation
import PDETCore
@testable import PDETTasks
import XCTest

final class DatasetExportTests: XCTestCase {
    struct Line: Decodable, Equatable {
        var index: Int
        var split: String
        var batch: Int
        var row: Int
        var tokens: [Int32]
        var targets: [Int32]
    }

    func readBack(_ bytes: [UInt8]) throws -> [Line] {
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    func testTrainLinesAreTheTrainingBatchesRowByRow() throws {
        for kind in TaskKind.allCases {
            let data = try task(kind, seqLen: kind == .pathfinder ? 36 : 64, seed: 4)
            let B = 8, count = 37                     // 4 full batches and 5 rows of the fifth
            let lines = try readBack(try datasetJSONLines(task: data, split: .train, count: count, batchSize: B))
            XCTAssertEqual(lines.count, count, "\(kind)")
            for k in 0...(count / B) {
                let expected = rows(data.trainBatch(index: k, batchSize: B))
                for (r, row) in expected.enumerated() where k * B + r < count {
                    let line = lines[k * B + r]
                    XCTAssertEqual(line.index, k * B + r)
                    XCTAssertEqual(line.split, "train")
                    XCTAssertEqual(line.batch, k)
                    XCTAssertEqual(line.row, r)
                    XCTAssertEqual(line.tokens, row.tokens, "\(kind) batch \(k) row \(r)")
                    XCTAssertEqual(line.targets, row.targets, "\(kind) batch \(k) row \(r)")
                }
            }
        }
    }

    /// The trainer itself: TrainingRun.step() trains on batch `model.step`, which is what the lines hold.
    func testTrainingRunConsumesTheExportedBatchesInOrder() throws {
        var config = ModelConfig()
        config.task = .listops
        config.layers = 1; config.dModel = 8; config.heads = 2; config.dFF = 8; config.seqLen = 32
        config.batch = 4; config.seed = 9
        let run = try TrainingRun(config: config)
        let lines = try readBack(try datasetJSONLines(task: run.task, split: .train, count: 12, batchSize: 4))
        for step in 0..<3 {
            let batch = run.nextBatch
            let mine = lines.filter { $0.batch == step }
            XCTAssertEqual(mine.flatMap(\.tokens), batch.tokens, "step \(step + 1)")
            XCTAssertEqual(mine.flatMap(\.targets), batch.targets, "step \(step + 1)")
            run.step()
        }
    }

    func testHeldOutLinesAreTheHeldOutSetWhateverTheBatch() throws {
        for kind in [TaskKind.sort, .listops, .digits] {
            let data = try task(kind, seed: 2)
            let a = try readBack(try datasetJSONLines(task: data, split: .heldout, count: 50, batchSize: 7))
            let b = try readBack(try datasetJSONLines(task: data, split: .heldout, count: 50, batchSize: 64))
            XCTAssertEqual(a.map(\.tokens), b.map(\.tokens), "\(kind): held-out example i does not depend on B")
            let all = rows(data.testBatch(index: 0, batchSize: 50))
            XCTAssertEqual(a.map(\.tokens), all.map(\.tokens))
            XCTAssertEqual(a.map(\.targets), all.map(\.targets))
            XCTAssertEqual(a[10].batch, 1)
            XCTAssertEqual(a[10].row, 3)
            XCTAssertTrue(a.allSatisfy { $0.split == "heldout" })
        }
        let whole = try task(.digits)
        XCTAssertEqual(try readBack(try datasetJSONLines(task: whole, split: .heldout, count: whole.testSize, batchSize: 32)).count, 359)
    }

    func testSameSeedSameBytesAndBoundsAreOneLineErrors() throws {
        let data = try task(.copy, seed: 11)
        XCTAssertEqual(try datasetJSONLines(task: data, split: .train, count: 9, batchSize: 4),
                       try datasetJSONLines(task: try task(.copy, seed: 11), split: .train, count: 9, batchSize: 4))
        XCTAssertNotEqual(try datasetJSONLines(task: data, split: .train, count: 9, batchSize: 4),
                          try datasetJSONLines(task: try task(.copy, seed: 12), split: .train, count: 9, batchSize: 4))
        let first = String(decoding: try datasetJSONLines(task: try task(.reverse, seqLen: 4, seed: 1), split: .train, count: 1,
                                                         batchSize: 1), as: UTF8.self)
        XCTAssertTrue(first.hasPrefix("{\"index\":0,\"split\":\"train\",\"batch\":0,\"row\":0,\"tokens\":["), first)
        XCTAssertThrowsError(try datasetJSONLines(task: data, split: .train, count: 0, batchSize: 4)) {
            XCTAssertEqual("\($0)", "--count must be in 1...100000 (got 0)")
        }
        XCTAssertThrowsError(try datasetJSONLines(task: data, split: .train, count: datasetExportLimit + 1, batchSize: 4))
        XCTAssertThrowsError(try datasetJSONLines(task: data, split: .heldout, count: 513, batchSize: 4)) {
            XCTAssertEqual("\($0)", "--count 513 is larger than the held-out split of copy (512 examples)")
        }
    }
}
