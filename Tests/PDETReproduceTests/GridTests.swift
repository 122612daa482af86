// The grid: enumeration, sharding, the grid id and bad input.
import PDETCore
@testable import PDETReproduce
import XCTest

final class GridTests: XCTestCase {
    func testQuickGridHasEverySiteBothScalesAndTheStabilisers() {
        let grid = ReproGrid.quick()
        XCTAssertEqual(grid.tasks, [.listops, .digits, .pathfinder])
        XCTAssertGreaterThanOrEqual(grid.seeds, 3)
        XCTAssertEqual(grid.variants.count, 1 + 7 * 2 + 2)
        XCTAssertEqual(Set(grid.variants.map(\.name)).count, grid.variants.count)
        XCTAssertTrue(grid.problems().isEmpty, grid.problems().joined())
        // Cell order: task-major, then variant, then seed; configs follow the cell.
        let cells = grid.cells
        XCTAssertEqual(cells.count, 3 * 17 * 3)
        XCTAssertEqual(cells[0].task, .listops)
        XCTAssertEqual(cells[0].variant, .baseline)
        XCTAssertEqual(cells.map(\.seed).prefix(4), [1, 2, 3, 1])
        let c = grid.config(for: cells.first { $0.variant == .pde(.afterFFN, multiScale: true) && $0.task == .digits && $0.seed == 2 }!)
        XCTAssertEqual(c.pde, .afterFFN)
        XCTAssertEqual(c.pdeScales, [1, 2, 4])
        XCTAssertEqual(c.task, .digits)
        XCTAssertEqual(c.seed, 2)
        XCTAssertFalse(grid.config(for: cells.first { $0.variant == .noResidual }!).residual)
        XCTAssertEqual(grid.config(for: cells.first { $0.variant == .noNorm }!).norm, NormMode.none)
        XCTAssertEqual(grid.config(for: cells.first { $0.variant == .pde(.beforeHead, multiScale: false) }!).pdeScales, [1])
    }

    func testShardsAreDisjointAndCoverTheGrid() throws {
        let grid = ReproGrid.quick()
        let all = grid.cells.map(\.index)
        XCTAssertEqual(all, Array(0..<(3 * 17 * 3)))
        for n in [1, 2, 3, 7, 200] {
            var union: [Int] = []
            for k in 1...n {
                let part = grid.cells(in: try Shard(index: k, count: n)).map(\.index)
                XCTAssertTrue(part.allSatisfy { $0 % n == k - 1 })
                union += part
            }
            XCTAssertEqual(union.sorted(), all, "n = \(n)")
            XCTAssertEqual(Set(union).count, union.count, "n = \(n): a cell in two shards")
        }
    }

    func testBadShardsAndTasksAreOneLineErrors() {
        for text in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", ""] {
            XCTAssertThrowsError(try Shard(parsing: text), text) { e in
                XCTAssertTrue("\(e)".contains("--shard"), "\(e)")
                XCTAssertFalse("\(e)".contains("\n"))
            }
        }
        XCTAssertEqual(try Shard(parsing: "2/8"), try Shard(index: 2, count: 8))
        XCTAssertThrowsError(try parseTasks("listops,cifar")) { XCTAssertTrue("\($0)".contains("unknown task \"cifar\""), "\($0)") }
        XCTAssertEqual(try parseTasks("digits, pathfinder"), [.digits, .pathfinder])
    }

    func testGridIdChangesWithEverySettingThatChangesNumbers() {
        let a = ReproGrid.quick()
        XCTAssertEqual(a.id, ReproGrid.quick().id)
        XCTAssertEqual(a.id.count, 16)
        var b = a; b.steps += 1
        var c = a; c.model.lr = 1e-3
        var d = a; d.tasks = [.listops]
        var e = a; e.seeds = 4
        XCTAssertEqual(Set([a.id, b.id, c.id, d.id, e.id]).count, 5)
    }

    func testGridProblemsNameTheFlag() {
        var g = ReproGrid.quick()
        g.seeds = 0
        g.model.seqLen = 32
        let p = g.problems().joined(separator: "; ")
        XCTAssertTrue(p.contains("--seeds"), p)
        XCTAssertTrue(p.contains("digits needs seq-len"), p)
    }

    func testVariantNamesRoundTrip() {
        for v in Variant.all { XCTAssertEqual(Variant(name: v.name), v) }
        XCTAssertNil(Variant(name: "after-embedding/s3"))
    }
}
