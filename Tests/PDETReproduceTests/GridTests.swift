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

    func testStandardGridIsPerTaskWithFiveSeedsAndEveryVariant() {
        let g = ReproGrid.standard()
        XCTAssertEqual(g.tasks, [.listops, .digits, .pathfinder])
        XCTAssertGreaterThanOrEqual(g.seeds, 5)
        XCTAssertEqual(g.variants, Variant.all)
        XCTAssertEqual(g.cells.count, 3 * 17 * g.seeds)
        XCTAssertTrue(g.problems().isEmpty, g.problems().joined())
        XCTAssertEqual(ReproGrid.named("standard"), g)
        XCTAssertEqual(ReproGrid.named("quick"), ReproGrid.quick())
        XCTAssertNil(ReproGrid.named("huge"))
        // Each task's cells train with that task's settings.
        for t in g.tasks {
            let cell = g.cells.first { $0.task == t && $0.variant == .pde(.afterFFN, multiScale: true) }!
            let c = g.config(for: cell)
            let s = ReproGrid.standardSettings(t)
            XCTAssertEqual([c.layers, c.dModel, c.seqLen, c.warmup], [s.model.layers, s.model.dModel, s.model.seqLen, s.model.warmup])
            XCTAssertEqual(c.lr, s.model.lr)
            XCTAssertEqual(c.pos, s.model.pos)
            XCTAssertEqual(c.pde, .afterFFN)
            XCTAssertEqual(g.settings(for: t).steps, s.steps)
        }
        // Changing any one task's setting changes the grid id; the summary names every task.
        var ids = Set([g.id])
        for t in g.tasks {
            for change in [{ (s: inout TaskSettings) in s.steps += 1 }, { $0.model.lr *= 2 }, { $0.model.warmup += 1 },
                           { $0.model.pos = $0.model.pos == .learned ? .sinusoidal : .learned }, { $0.model.layers += 1 }] {
                var h = g
                var s = h.settings(for: t)
                change(&s)
                h.perTask[t] = s
                XCTAssertTrue(ids.insert(h.id).inserted, "\(t): a setting left the id unchanged")
            }
            XCTAssertTrue(g.summary.contains("\(t.rawValue) steps "), g.summary)
        }
        // An override on the command line reaches every task.
        var o = g
        o.changeEveryTask { $0.steps = 7 }
        XCTAssertEqual(g.tasks.map { o.settings(for: $0).steps }, [7, 7, 7])
    }

    func testSummaryReadsBackToTheSameGrid() throws {
        var tiny = ReproGrid.quick()
        tiny.tasks = [.pathfinder, .listops]
        tiny.variants = [.baseline, .noNorm]
        tiny.model.initGain = 0.5
        tiny.model.pdeClamp = false
        tiny.model.causal = true
        tiny.model.pos = .none
        tiny.model.norm = .post
        tiny.multiScales = [1, 3]
        for g in [ReproGrid.quick(), ReproGrid.standard(), tiny] {
            let back = try ReproGrid(summary: g.summary)
            XCTAssertEqual(back.summary, g.summary)
            XCTAssertEqual(back.id, g.id)
            XCTAssertEqual(back.cells, g.cells)
            for cell in g.cells.prefix(40) { XCTAssertEqual(back.config(for: cell), g.config(for: cell)) }
        }
        // The one-model form of the committed quick report (written before per-task settings) still reads.
        let quickLine = "tasks listops,digits,pathfinder; seeds 3; steps 100; eval 256; model L2 C16 NH2 F32 T64 B16 lr 0.005 warmup 0 clip 1.0 wd 0.01 norm pre pos sinusoidal causal false pde-alpha 0.1 pde-steps 1 multi-scales 1,2,4; variants "
            + Variant.all.map(\.name).joined(separator: ",")
        XCTAssertEqual(try ReproGrid(summary: quickLine).id, ReproGrid.quick().id)
        for bad in ["", "tasks listops", quickLine.replacingOccurrences(of: "lr 0.005", with: "lr fast"),
                    quickLine.replacingOccurrences(of: "norm pre", with: "norm sideways"),
                    quickLine.replacingOccurrences(of: "; eval 256", with: ""),
                    quickLine.replacingOccurrences(of: "pde-steps 1", with: "pde-steps 1 dropout 0.1"),
                    quickLine.replacingOccurrences(of: "lr 0.005", with: "lr 0.0050")] {
            XCTAssertThrowsError(try ReproGrid(summary: bad), bad) { e in
                XCTAssertTrue("\(e)".hasPrefix("cannot read the grid line"), "\(e)")
                XCTAssertFalse("\(e)".contains("\n"))
            }
        }
    }
}
