// The model thread: keys show in the preview at once, reach the session in order, training runs
// while running and stops on pause, quit keys are not queued, stop() ends the worker.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class LiveExplorerTests: XCTestCase {
    func live() throws -> LiveExplorer {
        LiveExplorer(session: try tinySession(), options: .plain, size: ScreenSize(width: 100, height: 30), frameMilliseconds: 5)
    }

    func waitIdle(_ l: LiveExplorer, _ file: StaticString = #filePath, _ line: UInt = #line) {
        let deadline = Date(timeIntervalSinceNow: 20)
        while !l.isIdle && Date() < deadline { usleep(2000) }
        XCTAssertTrue(l.isIdle, "worker did not catch up", file: file, line: line)
    }

    func testKeysReachTheModelInOrderAndPreviewAtOnce() throws {
        let l = try live()
        XCTAssertTrue(l.send(.char("r")))          // not started yet: the preview shows it anyway
        XCTAssertFalse(l.preview().config.residual)
        XCTAssertTrue(l.render(width: 100, height: 30, options: .plain).text.contains("Residual OFF"))
        l.start()
        defer { l.stop() }
        l.send(.char("l"))
        l.send(.char("l"))
        waitIdle(l)
        let s = l.preview()
        XCTAssertFalse(s.config.residual)
        XCTAssertEqual(s.config.norm, NormMode.none)
        XCTAssertEqual(s.step, 0, "toggles alone never train")
    }

    func testRunsWhileRunningAndStopsOnPause() throws {
        let l = try live()
        l.start()
        defer { l.stop() }
        l.send(.char(" "))
        let deadline = Date(timeIntervalSinceNow: 20)
        while l.preview().step < 3 && Date() < deadline { usleep(2000) }
        XCTAssertGreaterThanOrEqual(l.preview().step, 3)
        l.send(.char(" "))
        waitIdle(l)
        let paused = l.preview().step
        usleep(50_000)
        XCTAssertEqual(l.preview().step, paused, "no training while paused")
        XCTAssertFalse(l.preview().running)
    }

    func testQuitKeysAreNotQueuedAndStopEndsTheWorker() throws {
        let l = try live()
        l.start()
        XCTAssertFalse(l.send(.char("q")))
        XCTAssertFalse(l.send(.ctrl("c")))
        XCTAssertTrue(l.isIdle)
        l.send(.char("n"))
        XCTAssertTrue(l.waitForVersion(atLeast: 1))
        l.stop()
        let v = l.version
        l.send(.char("n"))
        usleep(50_000)
        XCTAssertEqual(l.version, v, "a stopped worker publishes nothing")
    }
}
