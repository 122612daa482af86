// The explorer's benchmark runs only with PDET_BENCH=1 (it prints, it does not time-fail); the
// always-on test checks that the measurement itself works on a tiny model.
import Foundation
@testable import PDETExplorer
import PDETCore
import XCTest

final class BenchmarkTests: XCTestCase {
    func testMeasurementRunsOnATinyModel() throws {
        let t = try measureExplorer(config: tinyConfig(), size: ScreenSize(width: 100, height: 30), repeats: 2, warmSteps: 1)
        XCTAssertGreaterThan(t.composeMilliseconds, 0)
        XCTAssertGreaterThan(t.keyToFrameMilliseconds, 0)
        XCTAssertTrue(t.description.contains("compose 100x30"))
    }

    func testDefaultModelBenchmark() throws {
        guard ProcessInfo.processInfo.environment["PDET_BENCH"] == "1" else { throw XCTSkip("set PDET_BENCH=1 to run") }
        let t = try measureExplorer()
        print("explorer benchmark (default model): \(t)")
    }
}
