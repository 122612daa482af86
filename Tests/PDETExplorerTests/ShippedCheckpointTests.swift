// The checkpoint the explorer opens by default is what its README says: the default-size model
// trained on `reverse` (docs/learning.md), above 95% held-out token accuracy.
import XCTest
import PDETCore
import PDETExplorer

final class ShippedCheckpointTests: XCTestCase {
    func testDefaultCheckpointIsTheDefaultModelAndSolvesReverse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("assets/checkpoints/default.safetensors").path
        let run = try openCheckpointRun(path: path)
        let c = run.config
        let defaults = ModelConfig()
        XCTAssertEqual([c.layers, c.dModel, c.heads, c.dFF, c.seqLen], [defaults.layers, defaults.dModel, defaults.heads, defaults.dFF, defaults.seqLen])
        XCTAssertEqual(c.task, .reverse)
        XCTAssertEqual(run.model.step, 1000)
        let accuracy = run.evaluate(limit: 512, batchSize: 64)
        XCTAssertGreaterThan(accuracy, 0.95, "held-out token accuracy of the shipped checkpoint")
    }
}
