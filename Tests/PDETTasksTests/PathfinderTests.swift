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
            assertLabelledByConnectivity(t, side: side)
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
