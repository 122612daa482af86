// Opening a checkpoint: weights and step restored, toggles applied, a shape change refused, the
// default checkpoint found through PDET_ASSETS, and `pdet-tui snapshot` starting from it.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETIO
import PDETTasks
import XCTest

final class CheckpointOpeningTests: XCTestCase {
    /// A tiny model trained 3 steps, saved to `folder/checkpoints/default.safetensors`.
    func savedCheckpoint(in folder: String) throws -> (path: String, run: TrainingRun) {
        let run = try TrainingRun(config: tinyConfig())
        for _ in 0..<3 { run.step() }
        try FileManager.default.createDirectory(atPath: folder + "/checkpoints", withIntermediateDirectories: true)
        let path = folder + "/" + defaultCheckpointName
        try saveCheckpoint(path: path, model: run.model)
        return (path, run)
    }

    func testOpensWeightsStepAndToggles() throws {
        let folder = try scratchFolder(self)
        let (path, original) = try savedCheckpoint(in: folder)
        let run = try openCheckpointRun(path: path)
        XCTAssertEqual(run.model.step, 3)
        XCTAssertEqual(run.model.params, original.model.params)
        let toggled = try openCheckpointRun(path: path) { c in
            var c = c
            c.residual = false
            c.pde = .afterFFN
            return c
        }
        XCTAssertFalse(toggled.config.residual)
        XCTAssertEqual(toggled.config.pde, .afterFFN)
        XCTAssertThrowsError(try openCheckpointRun(path: path) { c in
            var c = c
            c.layers = 3
            return c
        }) { error in XCTAssertTrue("\(error)".contains("--layers 3 contradicts the checkpoint, which has layers 2"), "\(error)") }
        XCTAssertThrowsError(try openCheckpointRun(path: folder + "/missing.safetensors"))
    }

    func testLocatesTheDefaultCheckpoint() throws {
        let folder = try scratchFolder(self)
        XCTAssertNil(locateDefaultCheckpoint(environment: folder, currentDirectory: folder, executable: nil))
        let (path, _) = try savedCheckpoint(in: folder)
        XCTAssertEqual(locateDefaultCheckpoint(environment: folder, currentDirectory: "/", executable: nil), path)
        // assets/ in a parent of the working directory
        let root = try scratchFolder(self)
        try FileManager.default.createDirectory(atPath: root + "/assets/checkpoints", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/deep/er", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path, toPath: root + "/assets/" + defaultCheckpointName)
        XCTAssertEqual(locateDefaultCheckpoint(environment: nil, currentDirectory: root + "/deep/er", executable: nil),
                       root + "/assets/" + defaultCheckpointName)
    }

    func testSnapshotCommandStartsFromTheDefaultCheckpoint() throws {
        let url = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw XCTSkip("pdet-tui is not built") }
        let folder = try scratchFolder(self)
        _ = try savedCheckpoint(in: folder)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", url.path, "snapshot", "--steps", "2", "--residual", "off", "--size", "80x24"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["PDET_ASSETS"] = folder
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(text.contains("# seed 1 step 5 size 80x24"), text)
        XCTAssertTrue(text.contains("--checkpoint \(folder)/checkpoints/default.safetensors --residual off"), text)
        XCTAssertTrue(text.contains("--steps 2 "), text)
        XCTAssertTrue(text.contains("opened the default checkpoint"), text)
        XCTAssertTrue(text.contains("Residual OFF"))

        // A corrupt default checkpoint: a new model and a note, not a refusal.
        try "not a checkpoint".write(toFile: folder + "/" + defaultCheckpointName, atomically: true, encoding: .utf8)
        let broken = Process()
        broken.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        broken.arguments = ["60", url.path, "snapshot", "--size", "120x40", "--residual", "on"]
        broken.currentDirectoryURL = URL(fileURLWithPath: folder)
        broken.environment = environment
        let out2 = Pipe()
        broken.standardOutput = out2
        broken.standardError = FileHandle.nullDevice
        try broken.run()
        let text2 = String(decoding: out2.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        broken.waitUntilExit()
        XCTAssertEqual(broken.terminationStatus, 0)
        XCTAssertTrue(text2.contains(" default checkpoint unusable ("), text2)
        XCTAssertTrue(text2.contains("# seed 1 step 0 "), text2)
    }
}
