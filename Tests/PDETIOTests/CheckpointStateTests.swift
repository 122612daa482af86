// Optimizer state and history are checked on load like the weights (issue 23): a +Inf or negative
// second moment, a NaN first moment, more optimizer updates than steps, a history that starts after
// the step, held-out steps out of order or repeated, and more evaluations than a checkpoint keeps
// are each refused with one line naming the tensor or key; nothing of such a file is used.
import XCTest
import PDETCore
@testable import PDETIO

/// A small checkpoint with AdamW state and history, as raw safetensors parts so a test can break
/// any one of them (the encoder trims and the decoder checks, so neither can make a bad file).
struct StatefulCheckpointParts {
    var tensors: [(name: String, shape: [Int], data: [Float])]
    var metadata: [String: String]

    static func valid(step: Int = 40) -> StatefulCheckpointParts {
        var c = ModelConfig()
        c.layers = 1; c.dModel = 4; c.heads = 2; c.dFF = 8; c.seqLen = 4; c.pde = .beforeHead; c.pdeScales = [1, 2]
        let layout = documentedLayout(c, vocab: 5, outputs: 3)
        let params = (0..<layout.count).map { Float($0 % 13) * 0.05 - 0.3 }
        let m = (0..<layout.count).map { Float($0 % 7) * 0.001 - 0.003 }
        let v = (0..<layout.count).map { Float($0 % 5) * 1e-6 }
        let history = CheckpointHistory(firstStep: step - 9, loss: Array(repeating: 1.5, count: 10), accuracy: Array(repeating: 0.5, count: 10),
                                        gradNorm: Array(repeating: 0.1, count: 10), lr: Array(repeating: 1e-3, count: 10),
                                        heldOut: [.init(step: step - 20, accuracy: 0.4), .init(step: step - 10, accuracy: 0.45), .init(step: step, accuracy: 0.5)])
        let bytes = encodeCheckpoint(config: c, vocabSize: 5, outputs: 3, head: .classify, step: step, tensors: layout.views, params: params,
                                     optimizer: CheckpointOptimizer(m: m, v: v, optimizerStep: step, rewarmup: 0), history: history)
        let file = try! SafeTensorsFile(bytes: bytes)
        return StatefulCheckpointParts(tensors: file.tensors.map { ($0.name, $0.shape, try! file.floats($0.name)) }, metadata: file.metadata)
    }

    var bytes: [UInt8] { encodeSafeTensors(tensors, metadata: metadata) }

    mutating func setValue(_ value: Float, at index: Int, of name: String) {
        let i = tensors.firstIndex { $0.name == name }!
        tensors[i].data[index] = value
    }

    mutating func replace(_ name: String, with data: [Float]) {
        let i = tensors.firstIndex { $0.name == name }!
        tensors[i] = (name, [data.count], data)
    }
}

final class CheckpointStateTests: XCTestCase {
    func refusal(_ parts: StatefulCheckpointParts, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try decodeCheckpoint(bytes: parts.bytes)
            XCTFail("accepted", file: file, line: line)
            return ""
        } catch {
            XCTAssertFalse(error.message.contains("\n"), error.message, file: file, line: line)
            return error.message
        }
    }

    func testAValidStatefulCheckpointLoads() throws {
        let ck = try decodeCheckpoint(bytes: StatefulCheckpointParts.valid().bytes)
        XCTAssertEqual(ck.moments?.optimizerStep, 40)
        XCTAssertEqual(ck.history?.heldOut.map(\.step), [20, 30, 40])
        XCTAssertEqual(ck.history?.firstStep, 31)
    }

    func testMomentsMustBeFiniteAndSecondMomentsNonNegative() {
        var inf = StatefulCheckpointParts.valid()
        inf.setValue(.infinity, at: 3, of: "optim.v.head.weight")
        let a = refusal(inf)
        XCTAssertTrue(a.contains("'optim.v.head.weight'") && a.contains("inf") && a.contains("index 3"), a)

        // A negative second moment on a diffusion alpha: its update would be NaN and the clamp would zero the alpha.
        var negative = StatefulCheckpointParts.valid()
        negative.setValue(-1e-4, at: 0, of: "optim.v.pde.0.alpha")
        let b = refusal(negative)
        XCTAssertTrue(b.contains("'optim.v.pde.0.alpha'") && b.contains("negative second moment"), b)

        var nan = StatefulCheckpointParts.valid()
        nan.setValue(.nan, at: 1, of: "optim.m.tok_emb.weight")
        let c = refusal(nan)
        XCTAssertTrue(c.contains("'optim.m.tok_emb.weight'") && c.contains("finite"), c)

        // −0 is a second moment of zero, not a negative one.
        var zero = StatefulCheckpointParts.valid()
        zero.setValue(-0.0, at: 0, of: "optim.v.pde.0.alpha")
        XCTAssertNoThrow(try decodeCheckpoint(bytes: zero.bytes))
    }

    func testOptimizerStepCannotPassTheStep() {
        var parts = StatefulCheckpointParts.valid()
        parts.metadata[CheckpointKey.optimizerStep] = "41"
        let m = refusal(parts)
        XCTAssertTrue(m.contains("\"optimizerStep\" (41)") && m.contains("\"step\" (40)"), m)
    }

    func testHistoryMustAgreeWithItself() {
        let contradictions: [(key: String, value: String, needle: String)] = [
            (CheckpointKey.historyFirstStep, "41", "\"historyFirstStep\" (41) is after the checkpoint's step 40"),
            (CheckpointKey.heldOutSteps, "30,20,40", "\"heldOutSteps\" must increase (30 then 20)"),   // unsorted
            (CheckpointKey.heldOutSteps, "20,30,30", "must increase (30 then 30)"),                    // a duplicate
            (CheckpointKey.heldOutSteps, "20,30,50", "lists step 50, after the checkpoint's step 40"),
        ]
        for (key, value, needle) in contradictions {
            var parts = StatefulCheckpointParts.valid()
            parts.metadata[key] = value
            let message = refusal(parts)
            XCTAssertTrue(message.contains(needle), "\(key) = \(value): \(message)")
        }

        var huge = StatefulCheckpointParts.valid()
        huge.replace("history.heldOut", with: Array(repeating: 0.5, count: 200_000))
        huge.metadata[CheckpointKey.heldOutSteps] = (1...200_000).map { String($0 / 10_000) }.joined(separator: ",")
        let h = refusal(huge)
        XCTAssertTrue(h.contains("'history.heldOut' has 200000 evaluations") && h.contains("at most \(checkpointHistoryLimit)"), h)

        // An empty history saved at step 0 starts at step 1: that is allowed.
        var empty = StatefulCheckpointParts.valid(step: 0)
        for name in ["loss", "accuracy", "gradNorm", "lr", "heldOut"] { empty.replace("history." + name, with: []) }
        empty.metadata[CheckpointKey.historyFirstStep] = "1"
        empty.metadata[CheckpointKey.heldOutSteps] = ""
        empty.metadata[CheckpointKey.optimizerStep] = "0"
        XCTAssertNoThrow(try decodeCheckpoint(bytes: empty.bytes))
    }
}
