// The pretrained-model explorer: the pure reducer (every key), and, when .cache/minilm exists
// (scripts/fetch-minilm.sh), the rendered MiniLM frame and the damage it reports.
import Foundation
import PDETBert
import PDETCore
import PDETRender
import XCTest
@testable import PDETExplorer

final class BertExplorerTests: XCTestCase {
    private func fresh() -> BertExplorerState {
        var s = BertExplorerState(modelName: "test", layers: 6, heads: 12, sentence: "hello world")
        s.tokens = ["[CLS]", "hello", "world", "[SEP]"]
        return s
    }

    private func type(_ text: String, into state: inout BertExplorerState) {
        for c in text { _ = reduceBert(&state, .char(c)) }
    }

    // MARK: reducer

    func testResidualCyclesOnOffOffAtSelectedLayer() {
        var s = fresh()
        _ = reduceBert(&s, .char("]"))
        _ = reduceBert(&s, .char("]"))
        XCTAssertEqual(reduceBert(&s, .char("r")), .recompute)
        XCTAssertEqual(s.residual, .off)
        XCTAssertEqual(reduceBert(&s, .char("r")), .recompute)
        XCTAssertEqual(s.residual, .offAtLayer(2))
        // The single cut layer follows the selection.
        XCTAssertEqual(reduceBert(&s, .char("[")), .recompute)
        XCTAssertEqual(s.residual, .offAtLayer(1))
        XCTAssertEqual(reduceBert(&s, .char("r")), .recompute)
        XCTAssertEqual(s.residual, .on)
        XCTAssertEqual(s.ablation, .intact)
    }

    func testNormSiteAlphaScales() {
        var s = fresh()
        XCTAssertEqual(reduceBert(&s, .char("l")), .recompute)
        XCTAssertFalse(s.layerNorm)
        XCTAssertEqual(s.ablation.layerNorm, .off)
        // alpha and scales do nothing to the model while the site is off.
        XCTAssertEqual(reduceBert(&s, .char("A")), .none)
        XCTAssertEqual(s.alpha, 0.15, accuracy: 1e-6)
        XCTAssertEqual(reduceBert(&s, .char("p")), .recompute)
        XCTAssertEqual(s.site, DiffusionSite.allCases[1])
        XCTAssertEqual(reduceBert(&s, .char("P")), .recompute)
        XCTAssertEqual(s.site, .off)
        _ = reduceBert(&s, .char("P"))
        XCTAssertEqual(s.site, DiffusionSite.allCases.last)
        XCTAssertEqual(reduceBert(&s, .char("a")), .recompute)
        XCTAssertEqual(s.alpha, 0.1, accuracy: 1e-6)
        for _ in 0..<10 { _ = reduceBert(&s, .char("a")) }
        XCTAssertEqual(s.alpha, 0)
        XCTAssertEqual(reduceBert(&s, .char("m")), .recompute)
        XCTAssertEqual(s.scales, [1, 2, 4])
        XCTAssertEqual(s.ablation.diffusion.scales, [1, 2, 4])
        XCTAssertEqual(s.ablation.diffusion.site, DiffusionSite.allCases.last)
    }

    func testLayerAndHeadWrap() {
        var s = fresh()
        XCTAssertEqual(reduceBert(&s, .char("[")), .none)
        XCTAssertEqual(s.layer, 5)
        _ = reduceBert(&s, .right)
        XCTAssertEqual(s.layer, 0)
        _ = reduceBert(&s, .char("H"))
        XCTAssertEqual(s.head, 11)
        _ = reduceBert(&s, .char("h"))
        XCTAssertEqual(s.head, 0)
    }

    func testTrainingKeysAreDisabledWithAMessage() {
        for key in [" ", "n", "t", "R", "+", "-"] {
            var s = fresh()
            XCTAssertEqual(reduceBert(&s, .char(Character(key))), .none, key)
            XCTAssertEqual(s.status, bertTrainingDisabledMessage, key)
            XCTAssertEqual(s.ablation, .intact)
        }
    }

    func testTextInputEditing() {
        var s = fresh()
        XCTAssertEqual(reduceBert(&s, .char("i")), .none)
        XCTAssertEqual(s.editing, "hello world")
        for _ in 0..<5 { _ = reduceBert(&s, .backspace) }
        type("there q", into: &s)       // q types, it does not quit
        XCTAssertFalse(s.quit)
        XCTAssertEqual(s.editing, "hello there q")
        XCTAssertEqual(reduceBert(&s, .enter), .recompute)
        XCTAssertNil(s.editing)
        XCTAssertEqual(s.sentence, "hello there q")
        // Esc keeps the old sentence; an empty one is refused.
        _ = reduceBert(&s, .char("i"))
        type("xyz", into: &s)
        XCTAssertEqual(reduceBert(&s, .escape), .none)
        XCTAssertEqual(s.sentence, "hello there q")
        _ = reduceBert(&s, .char("i"))
        for _ in 0..<40 { _ = reduceBert(&s, .backspace) }
        type("  ", into: &s)
        XCTAssertEqual(reduceBert(&s, .enter), .none)
        XCTAssertNotNil(s.editing)
        XCTAssertEqual(reduceBert(&s, .ctrl("c")), .quit)
    }

    func testHelpQuitAndSnapshotKeys() {
        var s = fresh()
        _ = reduceBert(&s, .char("?"))
        XCTAssertTrue(s.showHelp)
        XCTAssertEqual(reduceBert(&s, .char("r")), .none)     // the overlay takes the keys
        XCTAssertEqual(s.residual, .on)
        _ = reduceBert(&s, .escape)
        XCTAssertFalse(s.showHelp)
        XCTAssertEqual(reduceBert(&s, .char("s")), .snapshot)
        XCTAssertEqual(reduceBert(&s, .char("q")), .quit)
        XCTAssertTrue(s.quit)
    }

    // MARK: with the model

    private func minilm() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let dir = root + "/.cache/minilm"
        guard FileManager.default.fileExists(atPath: dir + "/model.safetensors") else {
            throw XCTSkip("no \(dir) (run scripts/fetch-minilm.sh)")
        }
        return dir
    }

    private func text(_ session: BertExplorerSession, _ w: Int, _ h: Int) -> String {
        session.render(width: w, height: h, options: RenderOptions(colorMode: .mono, ascii: false)).plainText()
    }

    func testFrameShowsPanelsAndWordPieces() throws {
        let session = try BertExplorerSession(modelDirectory: try minilm(), text: "The cafés were closed.")
        XCTAssertEqual(session.state.tokens, ["[CLS]", "the", "cafes", "were", "closed", ".", "[SEP]"])
        for (w, h) in [(120, 40), (80, 24)] {
            let frame = text(session, w, h)
            for title in [PanelTitle.attention, PanelTitle.norms, PanelTitle.drift, PanelTitle.damage] {
                XCTAssertTrue(frame.contains(title), "\(title) at \(w)x\(h)")
            }
            XCTAssertTrue(frame.contains("cafes"), "word piece at \(w)x\(h)")
            XCTAssertTrue(frame.contains("[CLS]"), "\(w)x\(h)")
            XCTAssertTrue(frame.contains("Residual ON"), "\(w)x\(h)")
            XCTAssertTrue(frame.contains("cos(ablated, intact) = 1.0000"), "\(w)x\(h)")
        }
        XCTAssertTrue(text(session, 120, 40).contains("MiniLM all-MiniLM-L6-v2"))
    }

    func testResidualOffLowersTheCosine() throws {
        let session = try BertExplorerSession(modelDirectory: try minilm(), text: "A man is playing a guitar.")
        XCTAssertEqual(session.frame?.cosine ?? 0, 1, accuracy: 1e-5)
        session.handle(.char("r"))
        let off = try XCTUnwrap(session.frame?.cosine)
        XCTAssertLessThan(off, 0.5)       // MiniLM does not survive without its skip paths (≈ 0)
        XCTAssertTrue(text(session, 120, 40).contains("Residual OFF"))
        XCTAssertTrue(text(session, 120, 40).contains("cos(ablated, intact) = " + tableNumber(off, digits: 4)))
        session.handle(.char("r"))     // off at layer 1 only: a different ablation, still ruinous in post-LN BERT
        let one = try XCTUnwrap(session.frame?.cosine)
        XCTAssertNotEqual(one, off)
        XCTAssertLessThan(one, 0.5)
        XCTAssertTrue(text(session, 120, 40).contains("OFF@L1"))
        session.handle(.char("r"))
        session.handle(.char("p"))     // a diffusion layer also moves the embedding
        XCTAssertLessThan(try XCTUnwrap(session.frame?.cosine), 1)
    }

    func testTypingANewSentenceRecomputes() throws {
        let session = try BertExplorerSession(modelDirectory: try minilm(), text: "hello")
        session.handle(.char("i"))
        for _ in 0..<5 { session.handle(.backspace) }
        for c in "good morning" { session.handle(.char(c)) }
        XCTAssertTrue(text(session, 120, 40).contains("sentence> good morning_"))
        session.handle(.enter)
        XCTAssertEqual(session.state.tokens, ["[CLS]", "good", "morning", "[SEP]"])
        XCTAssertEqual(session.frame?.ablated.attention.first?.first?.count, 16)
        session.handle(.char(" "))
        XCTAssertTrue(text(session, 120, 40).contains(bertTrainingDisabledMessage))
    }

    func testHeadlessSnapshotIsDeterministic() throws {
        let dir = try minilm()
        func make() throws -> String {
            let session = try BertExplorerSession(modelDirectory: dir, text: "Deterministic frames, please.")
            session.configure(residual: .off, layer: 2, head: 3)
            return session.snapshotText(size: .standard, number: nil, format: .txt)
        }
        let a = try make(), b = try make()
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.contains("--residual off"))
        XCTAssertTrue(a.contains("L3 H4"))
    }

    func testBadModelFolderThrowsOneLine() {
        XCTAssertThrowsError(try BertExplorerSession(modelDirectory: "/nonexistent/model")) { error in
            let message = (error as? BertError)?.message ?? ""
            XCTAssertTrue(message.contains("/nonexistent/model"))
            XCTAssertFalse(message.contains("\n"))
        }
    }

    // MARK: the command, as a user runs it

    /// `pdet-tui snapshot <arguments>` (the built binary next to this bundle) under a 60 s timeout.
    private func snapshotCommand(_ arguments: [String]) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        let binary = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("pdet-tui is not built at \(binary.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", binary.path, "snapshot"] + arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, Array(stdout), String(decoding: stderr, as: UTF8.self))
    }

    func testSnapshotCommandDrawsMiniLMTheSameTwice() throws {
        let args = ["--model", try minilm(), "--text", "The cafés were closed.", "--size", "120x40",
                    "--residual-off-layer", "2", "--layer", "2"]
        let a = try snapshotCommand(args)
        XCTAssertEqual(a.status, 0, a.stderr)
        let text = String(decoding: a.stdout, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("# pdet-tui 0.1.0 snapshot\n# model MiniLM all-MiniLM-L6-v2 layer 2"), text)
        XCTAssertEqual(text.filter { $0 == "\n" }.count, 3 + 40, "3 header lines and 40 screen rows")
        for needle in ["Attention", "Damage", "cafes", "Residual OFF@L2", "--residual-off-layer 2"] {
            XCTAssertTrue(text.contains(needle), needle)
        }
        let b = try snapshotCommand(args)
        XCTAssertEqual(a.stdout, b.stdout, "same inputs, same bytes")
    }

    func testSnapshotCommandRefusesABadModelFolder() throws {
        let r = try snapshotCommand(["--model", "/nonexistent/minilm", "--text", "hi"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "Error: /nonexistent/minilm: no such model folder (run scripts/fetch-minilm.sh for MiniLM)\n")
        XCTAssertTrue(r.stdout.isEmpty)
        let steps = try snapshotCommand(["--model", "/nonexistent/minilm", "--steps", "3"])
        XCTAssertNotEqual(steps.status, 0)
        XCTAssertTrue(steps.stderr.contains("--steps does not apply with --model"), steps.stderr)
    }

    func testSKeyWritesTheFrameAtTheDrawnSize() throws {
        let session = try BertExplorerSession(modelDirectory: try minilm(), text: "snap this")
        let dir = NSTemporaryDirectory() + "bertx-snap-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        session.snapshotDirectory = dir
        _ = session.render(width: 100, height: 30, options: RenderOptions(colorMode: .mono))
        session.handle(.char("l"))
        session.handle(.char("s"))
        XCTAssertTrue(session.state.status.hasPrefix("snapshot \(dir)/0001.txt"), session.state.status)
        let text = try String(contentsOfFile: dir + "/0001.txt", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("# pdet-tui 0.1.0 snapshot 0001\n"), text)
        XCTAssertTrue(text.contains("--norm none"))
        XCTAssertTrue(text.contains("Norm off"))
        XCTAssertEqual(text.split(separator: "\n", omittingEmptySubsequences: false).count, 3 + 30 + 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/0001.ansi"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/0001.svg"), "the MiniLM view writes the SVG frame too")
    }
}
