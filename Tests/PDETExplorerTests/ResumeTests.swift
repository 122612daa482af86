// Exact resume: N steps, save, reopen, M more steps gives the checkpoint (and the frame) that N + M
// steps straight give; a checkpoint without optimizer state resumes without the 2.5 × lr jump.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETIO
import PDETRender
import PDETTasks
import XCTest

final class ResumeTests: XCTestCase {
    /// A tiny model with warm-up, so that the schedule position matters too.
    func config() -> ModelConfig {
        var c = tinyConfig()
        c.warmup = 5
        c.lr = 3e-3
        return c
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = try scratchFolder(self) + "/" + name
        try writeFileAtomically(path: path, bytes: bytes)
        return path
    }

    func testTrainNThenMEqualsNPlusMStraight() throws {
        for (n, m) in [(3, 4), (1, 6), (7, 1)] {
            let straight = try TrainingRun(config: config())
            for k in 1...(n + m) {
                straight.step()
                if k % 3 == 0 { straight.evaluate(limit: 16) }
            }
            let first = try TrainingRun(config: config())
            for k in 1...n {
                first.step()
                if k % 3 == 0 { first.evaluate(limit: 16) }
            }
            let path = try write(encodeCheckpoint(first.model, history: CheckpointHistory(run: first)), "n.safetensors")
            let resumed = try openCheckpointRun(path: path)
            XCTAssertTrue(resumed.notes.isEmpty, "\(resumed.notes)")
            for _ in 1...m {
                resumed.step()
                if resumed.model.step % 3 == 0 { resumed.evaluate(limit: 16) }
            }
            let a = encodeCheckpoint(straight.model, history: CheckpointHistory(run: straight))
            let b = encodeCheckpoint(resumed.model, history: CheckpointHistory(run: resumed))
            XCTAssertEqual(a.count, b.count, "N \(n) + M \(m)")
            XCTAssertTrue(a == b, "N \(n) + M \(m): the resumed checkpoint differs from the straight one")
        }
    }

    func testExplorerSessionResumesToTheSameCheckpointAndFrame() throws {
        let size = ScreenSize.standard
        let straight = try ExplorerSession(config: config())
        straight.train(steps: 9)
        let first = try ExplorerSession(config: config())
        first.train(steps: 5)
        let path = try write(first.checkpointBytes, "explorer.safetensors")
        let resumed = ExplorerSession(run: try openCheckpointRun(path: path), origin: .scratch)
        resumed.train(steps: 4)
        XCTAssertTrue(straight.checkpointBytes == resumed.checkpointBytes, "the explorer's resumed checkpoint differs")
        // The frames: identical but for the status line, which says where the run came from.
        straight.state.status = ""
        resumed.state.status = ""
        let a = straight.render(width: size.width, height: size.height, options: .standard).lines
        let b = resumed.render(width: size.width, height: size.height, options: .standard).lines
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.joined().contains("step 9"))
    }

    func testAWeightsOnlyCheckpointResumesWithoutALossSpike() throws {
        var c = config()
        c.warmup = 0
        let run = try TrainingRun(config: c)
        for _ in 0..<60 { run.step() }
        let before = run.model.loss(run.nextBatch)
        let path = try write(encodeCheckpoint(run.model, weightsOnly: true), "w.safetensors")
        let ck = try loadCheckpoint(path: path)
        XCTAssertFalse(ck.hasOptimizerState)
        XCTAssertNil(ck.history)
        let resumed = try openCheckpointRun(path: path)
        XCTAssertEqual(resumed.notes.count, 1)
        XCTAssertTrue(resumed.notes[0].contains("no optimizer state"), resumed.notes[0])
        XCTAssertEqual(resumed.model.step, 60)
        XCTAssertEqual(resumed.model.optimizerStep, 0, "a fresh bias-correction count")
        XCTAssertEqual(resumed.model.rewarmup, weightsOnlyRewarmup)
        XCTAssertEqual(resumed.model.loss(resumed.nextBatch), before, accuracy: 1e-6)
        for _ in 0..<3 { resumed.step() }
        let after = resumed.model.loss(resumed.nextBatch)
        XCTAssertLessThanOrEqual(after, 2 * before, "loss after 3 resumed steps \(after) against \(before) before")
        // Without the fix (zero moments with the count of a long run, as the shipped checkpoint at step
        // 1000 had, no warm-up) the first update is ~2.5 lr per weight:
        let broken = try openCheckpointRun(path: path)
        try broken.model.loadOptimizerState(m: [Float](repeating: 0, count: broken.model.params.count),
                                            v: [Float](repeating: 0, count: broken.model.params.count),
                                            optimizerStep: 1000, rewarmup: 0)
        let p0 = broken.model.params
        broken.step()
        let jump = zip(broken.model.params, p0).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(jump, 2 * c.lr, "the broken resume this guards against")
        let q0 = try openCheckpointRun(path: path)
        let p1 = q0.model.params
        q0.step()
        let small = zip(q0.model.params, p1).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(small, 1.1 * c.lr / Float(weightsOnlyRewarmup) + 1e-6)
    }

    func testTheShippedCheckpointKeepsItsAccuracyAfterThreeMoreSteps() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let run = try openCheckpointRun(path: root.appendingPathComponent("assets/checkpoints/default.safetensors").path)
        XCTAssertTrue(run.notes.isEmpty, "the shipped checkpoint must carry its optimizer state: \(run.notes)")
        XCTAssertEqual(run.model.optimizerStep, 1000)
        for _ in 0..<3 { run.step() }
        XCTAssertLessThan(run.history.last!.loss, 0.01)
        XCTAssertGreaterThanOrEqual(run.evaluate(limit: 512, batchSize: 64), 0.99)
    }
}
