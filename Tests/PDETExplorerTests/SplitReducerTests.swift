// The pure A/B reducer: which keys go to which pane, and a short fuzz of random keys and sizes
// through the ComparisonSession and the split renderer (no crash, panes always on the same step).
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class SplitReducerTests: XCTestCase {
    func split() -> SplitState {
        var ab = SplitState(a: ExplorerState(config: tinyConfig()))
        XCTAssertEqual(reduceSplit(&ab, .char("b")), [.openB])
        return ab
    }

    func testSingleViewDelegatesToReduce() {
        var ab = SplitState(a: ExplorerState(config: tinyConfig()))
        var plain = ExplorerState(config: tinyConfig())
        for key: Key in [.char("r"), .char("n"), .char("s"), .char("]"), .char("R"), .char("?"), .resize(width: 90, height: 30)] {
            let expected = reduce(&plain, key).map { SplitEffect.pane(.a, $0) }
            XCTAssertEqual(reduceSplit(&ab, key), expected, "\(key)")
            XCTAssertEqual(ab.a, plain)
            XCTAssertNil(ab.b)
        }
        XCTAssertEqual(reduceSplit(&ab, .char("q")), [.quit])
        XCTAssertEqual(reduceSplit(&ab, .tab), [])
        XCTAssertNil(ab.b)
    }

    func testSplitRoutesKeys() {
        var ab = split()
        XCTAssertEqual(ab.focus, .b)
        XCTAssertEqual(ab.b, ab.a, "B's state starts as A's")
        XCTAssertEqual(reduceSplit(&ab, .char("r")), [.pane(.b, .applyConfig)])
        XCTAssertFalse(ab.b!.config.residual)
        XCTAssertTrue(ab.a.config.residual)
        XCTAssertEqual(reduceSplit(&ab, .char("n")), [.pane(.a, .trainSteps(1)), .pane(.b, .trainSteps(1))])
        XCTAssertEqual(reduceSplit(&ab, .char(" ")), [])
        XCTAssertTrue(ab.a.running && ab.b!.running)
        XCTAssertEqual(reduceSplit(&ab, .char("+")), [])
        XCTAssertEqual(ab.a.stepsPerFrame, ab.b!.stepsPerFrame)
        XCTAssertEqual(reduceSplit(&ab, .char("s")), [.snapshot])
        XCTAssertEqual(reduceSplit(&ab, .char("R")), [.pane(.a, .reset), .resyncB])
        XCTAssertEqual(ab.b!.config.seed, ab.a.config.seed)
        XCTAssertEqual(reduceSplit(&ab, .tab), [])
        XCTAssertEqual(ab.focus, .a)
        XCTAssertEqual(reduceSplit(&ab, .char("h")), [.pane(.a, .refresh)])
        XCTAssertEqual(ab.a.head, 1)
        XCTAssertEqual(ab.b!.head, 0)
        XCTAssertEqual(reduceSplit(&ab, .resize(width: 100, height: 30)), [])
        XCTAssertEqual(ab.b!.size, ScreenSize(width: 100, height: 30))
        XCTAssertEqual(reduceSplit(&ab, .char("b")), [.closeB])
        XCTAssertNil(ab.b)
        XCTAssertEqual(ab.focus, .a)
    }

    func testConfigDifferences() {
        var b = tinyConfig()
        XCTAssertEqual(configDifferences(tinyConfig(), b), [])
        b.residual = false
        b.pdeAlpha = 0.15000001
        XCTAssertEqual(configDifferences(tinyConfig(), b), ["residual off (A on)", "alpha 0.15 (A 0.1)"])
    }

    func testRandomKeysThroughTheSplitNeverCrashAndKeepLockstep() throws {
        let c = ComparisonSession(try tinySession())
        c.snapshotDirectory = try scratchFolder(self)
        var random = TestRandom(seed: 7)
        let keys: [Key] = [.char("b"), .tab, .backTab, .char("r"), .char("l"), .char("p"), .char("P"), .char("m"),
                           .char("a"), .char("A"), .char("c"), .char("["), .char("]"), .char("h"), .char("H"),
                           .char("?"), .escape, .char("+"), .char("-"), .char("x"), .left, .down, .enter]
        var trained = 0, resets = 0
        for i in 0..<1500 {
            var key = keys[random.int(0...(keys.count - 1))]
            if i % 50 == 0 { key = [.char("n"), .char("s"), .char("R"), .char("t")][random.int(0...3)] }
            if key == .char("n") { trained += 1 }
            if key == .char("R") || key == .char("t") { resets += 1 }
            if i % 97 == 0 { key = .resize(width: random.int(1...200), height: random.int(1...60)) }
            XCTAssertTrue(c.handle(key))
            if let b = c.b { XCTAssertEqual(b.state.step, c.a.state.step, "lockstep after \(key)") }
            if i % 5 == 0 {
                let w = random.int(60...160), h = random.int(20...50)
                let grid = c.render(width: w, height: h, options: i % 2 == 0 ? .plain : .standard)
                XCTAssertEqual(grid.width, w)
            }
        }
        XCTAssertGreaterThan(trained + resets, 0)
    }
}
