// `pdet-tui train`: determinism down to the checkpoint bytes, and one clear line for bad input.
import Foundation
import XCTest

extension CLITests {
    var tiny: [String] { ["--layers", "2", "--d-model", "16", "--heads", "2", "--d-ff", "32", "--seq-len", "12", "--batch", "4"] }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdet-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func testTrainingTwiceWithOneSeedGivesByteIdenticalCheckpointsAndMetrics() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [(Data, Data)] = []
        for i in 0..<2 {
            let ck = dir.appendingPathComponent("m\(i).safetensors").path
            let jl = dir.appendingPathComponent("m\(i).jsonl").path
            let r = try run(["train"] + tiny + ["--pde", "after-attention", "--pde-scales", "1,2", "--steps", "6",
                                               "--save", ck, "--metrics", jl, "--eval-size", "16"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("held-out accuracy"), r.stdout)
            files.append((try Data(contentsOf: URL(fileURLWithPath: ck)), try Data(contentsOf: URL(fileURLWithPath: jl))))
        }
        XCTAssertEqual(files[0].0, files[1].0)
        XCTAssertEqual(files[0].1, files[1].1)
        XCTAssertEqual(String(decoding: files[0].1, as: UTF8.self).split(separator: "\n").count, 6)
        // A different seed gives different weights.
        let other = dir.appendingPathComponent("seed2.safetensors").path
        _ = try run(["train"] + tiny + ["--pde", "after-attention", "--pde-scales", "1,2", "--steps", "6", "--seed", "2", "--save", other, "--eval-size", "16"])
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: other)), files[0].0)
    }

    func testCheckpointResumesAndRejectsContradictionsAndCorruption() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ck = dir.appendingPathComponent("m.safetensors").path
        XCTAssertEqual(try run(["train"] + tiny + ["--steps", "3", "--save", ck, "--eval-size", "8"]).status, 0)
        // Resume with new toggles (weights kept): fine.
        let resumed = try run(["train", "--checkpoint", ck, "--residual", "off", "--pde", "before-head", "--steps", "2", "--eval-size", "8"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("steps 5"), resumed.stdout)
        // A flag that contradicts the checkpoint's shapes.
        let contradiction = try run(["train", "--checkpoint", ck, "--layers", "3", "--steps", "1"])
        XCTAssertNotEqual(contradiction.status, 0)
        XCTAssertTrue(contradiction.stderr.contains("--layers 3 contradicts the checkpoint"), contradiction.stderr)
        // Truncated and corrupt files: one line, non-zero, no trap (a trap would be status 132/134/139).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ck))
        let truncated = dir.appendingPathComponent("t.safetensors")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let garbage = dir.appendingPathComponent("g.safetensors")
        try Data((0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: garbage)
        for path in [truncated.path, garbage.path, dir.appendingPathComponent("missing.safetensors").path] {
            let r = try run(["train", "--checkpoint", path, "--steps", "1"])
            XCTAssertEqual(r.status, 1, "\(path): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
    }

    func testBadOutputsAndConfigFilesAreOneLineErrors() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try run(["train"] + tiny + ["--steps", "1", "--save", dir.appendingPathComponent("no/such/m.safetensors").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
        let config = dir.appendingPathComponent("c.json")
        try Data(#"{"layers": 2, "dmodel": 16}"#.utf8).write(to: config)
        let typo = try run(["train", "--config", config.path, "--steps", "1"])
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("dmodel"), typo.stderr)
        try Data(#"{"layers": 2, "dModel": 16, "heads": 2, "seqLen": 12, "dFF": 32, "batch": 2}"#.utf8).write(to: config)
        let good = try run(["train", "--config", config.path, "--steps", "1", "--eval-size", "4", "--seed", "3"])
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(good.stdout.contains("seed 3"), good.stdout)
        let steps = try run(["train", "--steps", "-4"])
        XCTAssertNotEqual(steps.status, 0)
    }
}
