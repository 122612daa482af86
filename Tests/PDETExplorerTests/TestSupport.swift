// Shared helpers: a tiny model config (fast in debug and release), a session on it, a scratch folder,
// and the frame's text lines.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

/// Layers 2, d-model 16, 4 heads, d-ff 32, seq-len 16, batch 4: a model that trains in milliseconds.
func tinyConfig(task: TaskKind = .reverse, seed: UInt64 = 1) -> ModelConfig {
    var c = ModelConfig()
    c.task = task
    c.seed = seed
    c.layers = 2
    c.dModel = 16
    c.heads = 4
    c.dFF = 32
    c.seqLen = 16
    c.batch = 4
    return c
}

func tinySession(_ adjust: (inout ModelConfig) -> Void = { _ in }) throws -> ExplorerSession {
    var c = tinyConfig()
    adjust(&c)
    return try ExplorerSession(config: c)
}

/// A fresh empty folder under the temporary directory, removed at the end of the test.
func scratchFolder(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "pdet-explorer-\(getpid())-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock {
        _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        try? FileManager.default.removeItem(atPath: path)
    }
    return path
}

extension Grid {
    /// The whole frame as one string (for `contains` checks).
    var text: String { lines.joined(separator: "\n") }
}

/// A seeded generator for the fuzz test.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
