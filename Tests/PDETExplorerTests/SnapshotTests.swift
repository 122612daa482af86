// Snapshot files: header, numbering, never overwriting, failures in the status line.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class SnapshotTests: XCTestCase {
    func testSWritesNumberedTxtAndAnsiWithAReproducibleHeader() throws {
        let dir = try scratchFolder(self) + "/snapshots"     // created on demand
        let s = try tinySession()
        s.snapshotDirectory = dir
        s.train(steps: 2)
        _ = s.render(width: 100, height: 30, options: RenderOptions(colorMode: .c256))
        s.handle(.char("s"))
        XCTAssertEqual(s.state.status, "snapshot saved: \(dir)/0001.txt")
        let txt = try String(contentsOfFile: dir + "/0001.txt", encoding: .utf8)
        let ansi = try String(contentsOfFile: dir + "/0001.ansi", encoding: .utf8)
        let header = txt.split(separator: "\n").prefix(4).map(String.init)
        XCTAssertEqual(header[0], "# pdet-tui \(explorerVersion) snapshot 0001")
        XCTAssertEqual(header[1], "# seed 1 step 2 size 100x30 layer 1 head 1")
        XCTAssertTrue(header[2].hasPrefix("# config {\"batch\":4,"), header[2])
        XCTAssertTrue(header[3].hasPrefix("# reproduce: pdet-tui snapshot --task reverse --seed 1 --layers 2"), header[3])
        XCTAssertTrue(header[3].contains("--steps 2 --layer 1 --head 1 --size 100x30"), header[3])
        XCTAssertFalse(txt.contains("\u{1B}"), "plain text has no escape codes")
        XCTAssertTrue(ansi.contains("\u{1B}[0;38;5;"), "the .ansi file has 256-colour codes")
        XCTAssertTrue(txt.contains("Attention") && txt.contains("Training"))
        XCTAssertEqual(txt.split(separator: "\n", omittingEmptySubsequences: false).count, 4 + 30 + 1)

        s.handle(.char("s"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/0002.ansi"))
        XCTAssertEqual(try String(contentsOfFile: dir + "/0001.txt", encoding: .utf8), txt, "never overwritten")
    }

    func testNumberingSkipsExistingFiles() throws {
        let dir = try scratchFolder(self)
        try "mine".write(toFile: dir + "/0007.ansi", atomically: true, encoding: .utf8)
        let saved = try writeSnapshotPair(directory: dir) { n in ("t\(n)", "a\(n)") }
        XCTAssertEqual(saved.number, 8)
        XCTAssertEqual(try String(contentsOfFile: dir + "/0008.txt", encoding: .utf8), "t8")
        XCTAssertEqual(try String(contentsOfFile: dir + "/0007.ansi", encoding: .utf8), "mine")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(names, ["0007.ansi", "0008.ansi", "0008.txt"], "no temporary files left")
    }

    func testAFailureIsShownAndTheSessionGoesOn() throws {
        let dir = try scratchFolder(self)
        try "not a folder".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let s = try tinySession()
        s.snapshotDirectory = dir + "/file"
        XCTAssertTrue(s.handle(.char("s")))
        XCTAssertTrue(s.state.status.hasPrefix("cannot save snapshot:"), s.state.status)
        XCTAssertTrue(s.state.status.contains("not a folder"), s.state.status)
        s.snapshotDirectory = dir + "/missing/deeper"
        s.handle(.char("s"))
        XCTAssertTrue(s.state.status.hasPrefix("cannot save snapshot: cannot create folder"), s.state.status)
        s.handle(.char("n"))
        XCTAssertEqual(s.state.step, 1)
    }

    func testReadOnlyFolderIsReported() throws {
        guard getuid() != 0 else { throw XCTSkip("root ignores folder permissions") }
        let dir = try scratchFolder(self)
        XCTAssertEqual(chmod(dir, 0o555), 0)
        let s = try tinySession()
        s.snapshotDirectory = dir
        s.handle(.char("s"))
        XCTAssertTrue(s.state.status.hasPrefix("cannot save snapshot: cannot write"), s.state.status)
    }

    func testReproduceLineForACheckpointAndAfterToggles() {
        var st = ExplorerState(config: tinyConfig())
        st.origin = .checkpoint(path: "assets/checkpoints/default.safetensors", step: 300)
        st.step = 320
        st.size = ScreenSize(width: 120, height: 40)
        let line = reproduceCommand(st)
        XCTAssertTrue(line.hasPrefix("pdet-tui snapshot --checkpoint assets/checkpoints/default.safetensors --residual on"), line)
        XCTAssertTrue(line.contains("--steps 20 "), line)
        XCTAssertFalse(line.contains("approximate"))
        st.toggledDuringRun = true
        XCTAssertTrue(reproduceCommand(st).hasSuffix("(approximate: toggles changed during the run)"))
    }
}
