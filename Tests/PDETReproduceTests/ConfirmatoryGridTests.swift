// The confirmatory grid of docs/results/confirmatory-plan.md: fresh seeds, digits' other held-out
// fold, the plan's hash in the grid's identity, and the refusals of a CSV that names the plan but is
// not its grid.
import Foundation
import PDETCore
@testable import PDETReproduce
import PDETTasks
import XCTest

final class ConfirmatoryGridTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testThePlanHashIsTheCommittedPlansBytes() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent(ConfirmatoryPlan.path))
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        XCTAssertEqual(String(format: "%016llx", h), ConfirmatoryPlan.hash,
                       "the plan file changed after it was registered: a deviation goes in its Deviations section of the report, not in the plan")
    }

    func testTheGridIsThePlans() throws {
        let g = ReproGrid.confirmatory()
        XCTAssertTrue(g.problems().isEmpty, g.problems().joined())
        XCTAssertEqual(g.cells.count, 2 * 6 * 20)
        XCTAssertEqual(Set(g.cells.map(\.seed)), Set((101...120).map(UInt64.init)))
        // Disjoint from the standard grid's seeds and the pathfinder-matched calibration's (901-903).
        XCTAssertTrue(Set(g.cells.map(\.seed)).isDisjoint(with: Set(ReproGrid.standard().cells.map(\.seed))))
        XCTAssertTrue(g.cells.allSatisfy { $0.seed < 901 })
        XCTAssertEqual(g.variants.map(\.name), ["baseline", "after-embedding/s1", "after-embedding/s124",
                                                "before-attention/s1", "after-attention/s1", "between-layers/s1"])
        XCTAssertEqual(g.settings(for: .listops), ReproGrid.standardSettings(.listops))
        XCTAssertEqual(g.settings(for: .digits), ReproGrid.standardSettings(.digits))
        XCTAssertTrue(g.summary.contains("seeds 20 from 101; digits-heldout-fold 0; "), g.summary)
        XCTAssertTrue(g.summary.hasSuffix("; plan \(ConfirmatoryPlan.hash)"), g.summary)
        // Each of the 12 parts holds 10 listops and 10 digits cells.
        for k in 1...12 {
            let part = g.cells(in: try Shard(index: k, count: 12))
            XCTAssertEqual(part.filter { $0.task == .listops }.count, 10)
            XCTAssertEqual(part.filter { $0.task == .digits }.count, 10)
        }
        XCTAssertEqual(try ReproGrid(summary: g.summary), g)
    }

    func testTheStandardGridKeepsItsIdentity() {
        // The committed standard.csv's grid id: the new summary parts are written only when set.
        XCTAssertEqual(ReproGrid.standard().id, "79b13a5d3111f809")
    }

    func testACSVNamingThePlanWithOtherSeedsOrAnotherPlanIsRefused() {
        var g = ReproGrid.confirmatory()
        g.firstSeed = 1
        XCTAssertThrowsError(try ReproGrid(summary: g.summary)) { e in
            let m = (e as! ReproError).message
            XCTAssertTrue(m.contains("is not its grid") && m.contains("seeds 1-20, the plan's 101-120"), m)
        }
        var h = ReproGrid.confirmatory()
        h.digitsHeldOutFold = 4
        XCTAssertThrowsError(try ReproGrid(summary: h.summary)) { e in
            XCTAssertTrue((e as! ReproError).message.contains("digits held-out fold 4"), (e as! ReproError).message)
        }
        var other = ReproGrid.confirmatory()
        other.plan = "0123456789abcdef"
        XCTAssertThrowsError(try ReproGrid(summary: other.summary)) { e in
            XCTAssertTrue((e as! ReproError).message.contains("another plan"), (e as! ReproError).message)
        }
    }

    func testMergeRefusesAPartThatNamesThePlanButIsNotItsGrid() {
        var g = ReproGrid.confirmatory()
        g.seeds = 3
        let part = ResultsFile(gridID: g.id, gridSummary: g.summary, gridCells: g.cells.count, shard: "all",
                               computeSeconds: 0, rows: [])
        XCTAssertThrowsError(try mergeResults([("a.csv", part)]))
    }

    func testDigitsFoldZeroHoldsOutRowsTheStandardSplitTrainedOn() throws {
        let (train0, test0) = DigitsTask.split(rows: 1797, fold: 0)
        let (_, test4) = DigitsTask.split(rows: 1797)
        XCTAssertEqual(test0.count, 360)
        XCTAssertTrue(Set(test0).isDisjoint(with: test4))
        XCTAssertTrue(Set(train0).isDisjoint(with: test0))
        XCTAssertEqual(Set(train0).union(test0), Set(0..<1797))
        XCTAssertTrue(test0.allSatisfy { $0 % 5 == 0 })
    }
}
