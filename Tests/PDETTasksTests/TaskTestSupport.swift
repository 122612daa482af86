// Shared checks for every task: shapes, id ranges, determinism.

import PDETCore
@testable import PDETTasks
import XCTest

/// The repository's assets/data, found from this file's path (Tests/PDETTasksTests/<file>).
func repositoryDataDirectory(file: String = #filePath) -> String {
    parentPath(parentPath(parentPath(file))) + "/assets/data"
}

/// Any task by kind, with the repository's data directory for digits.
func task(_ kind: TaskKind, seqLen: Int = 64, seed: UInt64 = 1) throws -> any TaskDataset {
    try makeTask(kind, seqLen: seqLen, seed: seed, dataDirectory: repositoryDataDirectory())
}

/// Asserts the shape and id-range contract of one batch of `task`.
func assertWellFormed(_ batch: Batch, _ task: any TaskDataset, batchSize: Int,
                      file: StaticString = #filePath, line: UInt = #line) {
    let t = task.seqLen
    XCTAssertEqual(batch.batchSize, batchSize, file: file, line: line)
    XCTAssertEqual(batch.seqLen, t, file: file, line: line)
    XCTAssertEqual(batch.tokens.count, batchSize * t, file: file, line: line)
    let targetsPerRow = task.head == .perToken ? t : 1
    XCTAssertEqual(batch.targets.count, batchSize * targetsPerRow, file: file, line: line)
    XCTAssertTrue(batch.tokens.allSatisfy { $0 >= 0 && Int($0) < task.vocabSize },
                  "token outside 0..<V", file: file, line: line)
    XCTAssertTrue(batch.targets.allSatisfy { ($0 >= 0 && Int($0) < task.outputs) || $0 == Batch.ignore },
                  "target outside 0..<K", file: file, line: line)
    if task.head == .classify {
        XCTAssertFalse(batch.targets.contains(Batch.ignore), "classify targets are never ignored",
                       file: file, line: line)
    }
}

/// Rows of a batch: (tokens (T), targets (T or 1)).
func rows(_ batch: Batch) -> [(tokens: [Int32], targets: [Int32])] {
    let t = batch.seqLen
    let k = batch.targets.count / max(batch.batchSize, 1)
    return (0..<batch.batchSize).map { b in
        (Array(batch.tokens[(b * t)..<((b + 1) * t)]), Array(batch.targets[(b * k)..<((b + 1) * k)]))
    }
}

/// Connected components of non-empty cells (4-neighbour), by flood fill; independent of the BFS under test.
func pathComponents(_ g: [Int32], side: Int) -> [Int] {
    var label = [Int](repeating: -1, count: side * side)
    var next = 0
    for start in 0..<(side * side) where g[start] != PathfinderVocab.empty && label[start] < 0 {
        var stack = [start]
        label[start] = next
        while let c = stack.popLast() {
            let r = c / side, col = c % side
            for (dr, dc) in [(0, 1), (1, 0), (0, -1), (-1, 0)] {
                let rr = r + dr, cc = col + dc
                guard rr >= 0, rr < side, cc >= 0, cc < side else { continue }
                let n = rr * side + cc
                if g[n] != PathfinderVocab.empty && label[n] < 0 { label[n] = next; stack.append(n) }
            }
        }
        next += 1
    }
    return label
}

/// Every example of train batch 0 and held-out batch 0 (64 each) of a pathfinder task: PAD after the
/// grid, two endpoints, two snakes, and the label equal to flood-fill connectivity (and to the BFS
/// under test); exactly half connected.
func assertLabelledByConnectivity(_ t: any TaskDataset, side: Int, file: StaticString = #filePath, line: UInt = #line) {
    var positives = 0
    let all = rows(t.trainBatch(index: 0, batchSize: 64)) + rows(t.testBatch(index: 0, batchSize: 64))
    for row in all {
        let g = Array(row.tokens[0..<(side * side)])
        XCTAssertTrue(row.tokens[(side * side)...].allSatisfy { $0 == PathfinderVocab.pad }, file: file, line: line)
        let ends = g.indices.filter { g[$0] == PathfinderVocab.endpoint }
        XCTAssertEqual(ends.count, 2, file: file, line: line)
        let comp = pathComponents(g, side: side)
        XCTAssertEqual(Set(comp.filter { $0 >= 0 }).count, 2, "two snakes", file: file, line: line)
        let connected = comp[ends[0]] == comp[ends[1]]
        XCTAssertEqual(row.targets[0], connected ? 1 : 0, "\(t.kind) T \(t.seqLen)", file: file, line: line)
        XCTAssertEqual(Pathfinder.endpointsConnected(row.tokens, side: side), connected, file: file, line: line)
        if connected { positives += 1 }
    }
    XCTAssertEqual(positives, all.count / 2, "balanced: \(t.kind) T \(t.seqLen)", file: file, line: line)
}
