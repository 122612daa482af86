// digits: parsing the real file, the fixed split, batches from rows, and data errors.

import Foundation
import PDETCore
@testable import PDETTasks
import XCTest

final class DigitsTests: XCTestCase {
    private var temporary: URL!

    override func setUpWithError() throws {
        temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("pdet-tasks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: temporary)
    }

    /// Writes `bytes` as digits.csv.gz in the temporary directory.
    private func writeDataFile(_ bytes: [UInt8]) throws {
        try Data(bytes).write(to: temporary.appendingPathComponent("digits.csv.gz"))
    }

    private func makeDigits(_ directory: String) throws -> any TaskDataset {
        try makeTask(.digits, seqLen: 64, seed: 1, dataDirectory: directory)
    }

    func testTheFileParsesTo1797RowsWithEveryLabel() throws {
        let data = try DigitsData.load(path: repositoryDataDirectory() + "/digits.csv.gz")
        XCTAssertEqual(data.count, 1797)
        XCTAssertEqual(data.pixels.count, 1797 * 64)
        XCTAssertEqual(Set(data.labels), Set(0...9))
        XCTAssertTrue(data.pixels.allSatisfy { $0 <= 16 })
        // First row of the file: 0,0,5,13,9,1,0,0,… label 0.
        XCTAssertEqual(Array(data.pixels[0..<8]), [0, 0, 5, 13, 9, 1, 0, 0])
        XCTAssertEqual(data.labels[0], 0)
        XCTAssertEqual(data.labels[1796], 8)
    }

    func testSplitIsFixedDisjointAndComplete() throws {
        let (train, test) = DigitsTask.split(rows: 1797)
        XCTAssertEqual(test.count, 359)
        XCTAssertEqual(train.count, 1438)
        XCTAssertTrue(Set(train).isDisjoint(with: test))
        XCTAssertEqual(Set(train).union(test), Set(0..<1797))
        XCTAssertTrue(test.allSatisfy { $0 % 5 == 4 })
        let a = try task(.digits, seed: 1), b = try task(.digits, seed: 2)
        XCTAssertEqual(a.testSize, 359)
        XCTAssertEqual(a.testBatch(index: 0, batchSize: 359), b.testBatch(index: 0, batchSize: 359),
                       "the held-out rows do not depend on the seed")
    }

    func testBatchesHoldTheImagesOfTheirRows() throws {
        let t = try makeTask(.digits, seqLen: 70, seed: 3, dataDirectory: repositoryDataDirectory()) as! DigitsTask
        let testRows = rows(t.testBatch(index: 0, batchSize: 4))
        for (i, row) in testRows.enumerated() {
            let r = t.testRows[i]
            XCTAssertEqual(Array(row.tokens[0..<64]), t.data.pixels[(r * 64)..<((r + 1) * 64)].map { Int32($0) })
            XCTAssertEqual(Array(row.tokens[64...]), [Int32](repeating: 17, count: 6))
            XCTAssertEqual(row.targets, [Int32(t.data.labels[r])])
        }
        // Every training image is one of the training rows, with that row's label.
        var trainLabels: [[UInt8]: Set<UInt8>] = [:]
        for r in t.trainRows { trainLabels[Array(t.data.pixels[(r * 64)..<((r + 1) * 64)]), default: []].insert(t.data.labels[r]) }
        let train = rows(t.trainBatch(index: 0, batchSize: 64))
        for row in train {
            let image = row.tokens[0..<64].map { UInt8($0) }
            XCTAssertTrue(trainLabels[image]?.contains(UInt8(row.targets[0])) ?? false, "not a training row")
        }
        XCTAssertGreaterThan(Set(train.map(\.tokens)).count, 50, "rows are sampled, not repeated")
    }

    func testMissingDataDirectoryOrFileIsAClearError() throws {
        XCTAssertThrowsError(try makeDigits(temporary.path)) { error in
            guard case .missingFile(let path)? = error as? TaskError else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("digits.csv.gz"))
            XCTAssertTrue("\(error)".hasPrefix("data file not found: "))
        }
        XCTAssertThrowsError(try makeDigits(temporary.path + "/nowhere")) { error in
            XCTAssertEqual(error as? TaskError, .dataDirectoryNotFound(searched: [temporary.path + "/nowhere"]))
            XCTAssertTrue("\(error)".hasPrefix("data directory assets/data not found"), "\(error)")
        }
    }

    func testCorruptFilesAreClearErrors() throws {
        let good = try Data(contentsOf: URL(fileURLWithPath: repositoryDataDirectory() + "/digits.csv.gz"))
        let cases: [(String, [UInt8])] = [
            ("garbage", Array("this is not gzip\n".utf8)),
            ("truncated", Array(good.prefix(good.count / 2))),
            ("empty", []),
        ]
        for (name, bytes) in cases {
            try writeDataFile(bytes)
            XCTAssertThrowsError(try makeDigits(temporary.path), name) { error in
                guard case .corruptData? = error as? TaskError else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue("\(error)".contains("is corrupt"), "\(name): \(error)")
                XCTAssertFalse("\(error)".contains("\n"), "one line")
            }
        }
    }

    func testParserRejectsBadRows() {
        let row = (0..<64).map { _ in "1" }.joined(separator: ",")
        let goodRows = [String](repeating: row + ",3", count: 5).joined(separator: "\n")
        XCTAssertEqual(try DigitsData.parse(Array(goodRows.utf8), path: "x").count, 5)
        XCTAssertEqual(try DigitsData.parse(Array((goodRows + "\r\n\n").utf8), path: "x").count, 5)
        let bad = [
            goodRows + "\n" + row,                   // 64 values, no label
            goodRows + "\n" + row + ",10",           // label 10
            goodRows + "\n17" + row.dropFirst() + ",1",  // pixel 17
            goodRows + "\n" + row + ",,1",           // empty field
            goodRows + "\n" + row + ",-1",           // sign
            row + ",1",                              // too few rows
        ]
        for text in bad {
            XCTAssertThrowsError(try DigitsData.parse(Array(text.utf8), path: "x")) { error in
                guard case .corruptData? = error as? TaskError else { return XCTFail("\(error)") }
            }
        }
    }
}
