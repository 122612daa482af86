// pathfinder: BFS on hand-drawn grids, and generated grids checked by an independent BFS.

import PDETCore
@testable import PDETTasks
import XCTest

final class PathfinderTests: XCTestCase {
    /// A grid from rows of text: "." empty, "#" path, "@" endpoint.
    private func grid(_ lines: [String]) -> [Int32] {
        lines.joined().map { $0 == "#" ? PathfinderVocab.path : ($0 == "@" ? PathfinderVocab.endpoint : PathfinderVocab.empty) }
    }

    func testBFSOnHandDrawnGrids() {
        let joined = grid(["@##..",
                           "..#..",
                           "..##@",
                           ".....",
                           "....."])
        XCTAssertTrue(Pathfinder.endpointsConnected(joined, side: 5))
        let diagonalOnly = grid(["@#...",
                                 "..#@.",
                                 ".....",
                                 ".....",
                                 "....."])
        XCTAssertFalse(Pathfinder.endpointsConnected(diagonalOnly, side: 5), "diagonal steps do not connect")
        let wraps = grid(["....@",
                          "@....",
                          ".....",
                          ".....",
                          "....."])
        XCTAssertFalse(Pathfinder.endpointsConnected(wraps, side: 5), "row ends do not wrap")
        XCTAssertFalse(Pathfinder.endpointsConnected(grid(["@####"] + [String](repeating: ".....", count: 4)), side: 5),
                       "one endpoint")
    }

    func testGeneratedGridsAreLabelledByConnectivity() throws {
        for seqLen in [25, 64, 70, 256] {
            let t = try task(.pathfinder, seqLen: seqLen) as! PathfinderTask
            let side = t.side
            XCTAssertLessThanOrEqual(side * side, seqLen)
            XCTAssertGreaterThan((side + 1) * (side + 1), seqLen)
            var positives = 0
            let all = rows(t.trainBatch(index: 0, batchSize: 64)) + rows(t.testBatch(index: 0, batchSize: 64))
            for row in all {
                let g = Array(row.tokens[0..<(side * side)])
                XCTAssertTrue(row.tokens[(side * side)...].allSatisfy { $0 == PathfinderVocab.pad })
                let ends = g.indices.filter { g[$0] == PathfinderVocab.endpoint }
                XCTAssertEqual(ends.count, 2)
                let comp = pathComponents(g, side: side)
                XCTAssertEqual(Set(comp.filter { $0 >= 0 }).count, 2, "two snakes")
                let connected = comp[ends[0]] == comp[ends[1]]
                XCTAssertEqual(row.targets[0], connected ? 1 : 0)
                XCTAssertEqual(Pathfinder.endpointsConnected(row.tokens, side: side), connected)
                if connected { positives += 1 }
            }
            XCTAssertEqual(positives, all.count / 2, "balanced at T = \(seqLen)")
        }
    }

    func testPathCellCountsDoNotGiveTheLabelAway() throws {
        let t = try task(.pathfinder, seqLen: 64)
        var cells: [Int32: [Int]] = [0: [], 1: []]
        for row in rows(t.trainBatch(index: 5, batchSize: 400)) {
            cells[row.targets[0]]!.append(row.tokens.filter { $0 != PathfinderVocab.empty }.count)
        }
        let mean = { (xs: [Int]) in Double(xs.reduce(0, +)) / Double(xs.count) }
        XCTAssertEqual(mean(cells[0]!), mean(cells[1]!), accuracy: 1.0)
    }
}
