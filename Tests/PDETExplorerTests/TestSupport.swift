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

/// The fuzz tests' seeded generator: the core's SplitMix64 with an inclusive-range helper.
typealias TestRandom = SplitMix64

extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
