// Lessons, scripts and recordings: the beat replay and caption bar, headless script runs (same
// snapshot bytes twice, never overwriting), asciicast v2 output, and the CLI's one-line errors.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

/// The repository's assets folder (this file is Tests/PDETExplorerTests/LessonScriptTests.swift).
let repoAssets: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path + "/assets"
}()

final class LessonScriptTests: XCTestCase {
    // MARK: lessons in-process

    /// A two-beat lesson on a tiny model (fast in debug).
    static let tinyLesson = """
        title: Tiny
        summary: Two beats on a tiny model.
        preset: --task reverse --layers 2 --d-model 16 --heads 4 --d-ff 32 --seq-len 16 --batch 4 --seed 3
        beat: First beat title
        caption: Watch the Norms panel while the model trains for a few steps.
        steps 3
        beat: Second beat title
        caption: Press r to turn residuals off and look at the Drift panel again.
        key r
        steps 2
        layer 2
        """

    func tinyPlayer(beat: Int = 0) throws -> LessonPlayer {
        let lesson = try parseLesson(Self.tinyLesson, fileName: "tiny.lesson")
        return try LessonPlayer(lesson: lesson, number: 9, beat: beat)
    }

    func testBeatsReplayFromThePresetAndShowTheCaption() throws {
        let player = try tinyPlayer()
        let size = ScreenSize(width: 100, height: 32)
        let first = player.snapshotText(size: size)
        XCTAssertEqual(player.session.state.step, 3)
        XCTAssertTrue(first.contains("beat 1/2"), first)
        XCTAssertTrue(first.contains("First beat title"))
        XCTAssertTrue(first.contains("Watch the Norms panel"))
        XCTAssertTrue(try player.next())
        let second = player.snapshotText(size: size)
        XCTAssertEqual(player.session.state.step, 5)
        XCTAssertFalse(player.session.state.config.residual)
        XCTAssertEqual(player.session.state.layer, 1)
        XCTAssertTrue(second.contains("beat 2/2"))
        XCTAssertTrue(second.contains("Press r to turn residuals off"))
        XCTAssertNotEqual(first, second)
        XCTAssertFalse(try player.next(), "no beat after the last")
        // Back to beat 1: the same frame as the first time (replayed from the preset).
        XCTAssertTrue(try player.previous())
        XCTAssertEqual(player.snapshotText(size: size), first)
        // Opening beat 2 directly gives the same bytes as reaching it with →.
        XCTAssertEqual(try tinyPlayer(beat: 1).snapshotText(size: size), second)
        XCTAssertThrowsError(try tinyPlayer(beat: 5))
    }

    func testCaptionBarSitsAboveTheKeyBar() throws {
        let player = try tinyPlayer()
        let grid = player.render(width: 80, height: 30, options: RenderOptions(colorMode: .mono, ascii: false))
        let lines = grid.lines
        XCTAssertTrue(lines[29].contains("help"), "key bar stays on the last row: \(lines[29])")
        let bar = try XCTUnwrap(lines.firstIndex { $0.contains("beat 1/2 · ←/→") })
        XCTAssertGreaterThanOrEqual(bar, 30 - 5)
        XCTAssertTrue(lines[bar + 1].contains("Watch the Norms"))
        // Too short for a bar: the beat line replaces the status line, still no crash.
        let small = player.render(width: 80, height: 24, options: RenderOptions(colorMode: .mono, ascii: true))
        XCTAssertTrue(small.lines[22].contains("beat 1/2"), small.lines[22])
    }

    func testShippedLessonOneBeatsDifferAndAreDeterministic() throws {
        let lessons = try loadNumberedLessons(directory: repoAssets + "/lessons")
        let lesson = try XCTUnwrap(lessons.first { $0.number == 1 }).lesson
        let size = ScreenSize(width: 120, height: 40)
        let beat1 = try LessonPlayer(lesson: lesson, number: 1, beat: 0).snapshotText(size: size)
        let beat2 = try LessonPlayer(lesson: lesson, number: 1, beat: 1).snapshotText(size: size)
        XCTAssertNotEqual(beat1, beat2)
        XCTAssertTrue(beat1.contains("Depth is time"))
        XCTAssertTrue(beat1.contains("Each block adds a correction"), beat1)
        XCTAssertTrue(beat2.contains("Small steps, small drift"))
        XCTAssertEqual(try LessonPlayer(lesson: lesson, number: 1, beat: 0).snapshotText(size: size), beat1)
    }

    // MARK: scripts in-process

    func runScript(_ text: String, in folder: String, record: String? = nil) throws -> ScriptRunner {
        let actions = try parseScript(text, fileName: "test.script")
        let options = RenderOptions(colorMode: .c256, ascii: false)
        let size = ScreenSize(width: 90, height: 28)
        let recorder = try record.map { try FrameRecorder(path: $0, size: size, options: options) }
        let runner = ScriptRunner(session: try tinySession(), size: size, options: options, recorder: recorder)
        runner.baseDirectory = folder
        try runner.run(actions)
        recorder?.close()
        return runner
    }

    static let script = """
        steps 3
        key r
        wait 2s
        keys lp
        layer 2
        head 3
        steps 2
        snapshot out/deep/frame.txt
        quit
        steps 100
        """

    func testScriptSnapshotIsWrittenAndIdenticalTwice() throws {
        let a = try scratchFolder(self), b = try scratchFolder(self)
        let runner = try runScript(Self.script, in: a)
        _ = try runScript(Self.script, in: b)
        XCTAssertEqual(runner.session.state.step, 5, "quit stops the script")
        let first = try String(contentsOfFile: a + "/out/deep/frame.txt", encoding: .utf8)
        let second = try String(contentsOfFile: b + "/out/deep/frame.txt", encoding: .utf8)
        XCTAssertEqual(first, second)
        XCTAssertTrue(first.contains("step 5"))
        XCTAssertTrue(first.contains("Residual OFF"), first)
        XCTAssertFalse(first.contains("\u{1B}["), "plain text")
        // Never overwrite: a second run into the same folder fails with a one-line message.
        XCTAssertThrowsError(try runScript(Self.script, in: a)) { error in
            XCTAssertTrue("\(error)".contains("file exists"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertEqual(try String(contentsOfFile: a + "/out/deep/frame.txt", encoding: .utf8), first)
    }

    func testHeadlessRecordingIsValidAsciicastV2() throws {
        let folder = try scratchFolder(self)
        let cast = folder + "/run.cast"
        let runner = try runScript("steps 2\nkey r\nwait 1500ms\nresize 100x30\nsteps 1\n", in: folder, record: cast)
        XCTAssertEqual(runner.clock, 0.1 * 4 + 1.5, accuracy: 1e-9)
        let text = try String(contentsOfFile: cast, encoding: .utf8)
        try assertValidCast(text, width: 90, height: 28, events: 5)
        _ = try runScript("steps 2\nkey r\nwait 1500ms\nresize 100x30\nsteps 1\n", in: folder, record: folder + "/again.cast")
        XCTAssertEqual(try String(contentsOfFile: folder + "/again.cast", encoding: .utf8), text, "deterministic")
    }

    // MARK: the command line

    func testCLIListsLessonsAndRendersBeatsAndScripts() throws {
        let list = try pdet(["lessons"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("1  Why residual connections"), list.stdout)
        XCTAssertTrue(list.stdout.contains("Read depth as time"))

        let bad = try pdet(["snapshot", "--lesson", "42"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("Error: lesson 42 does not exist"), bad.stderr)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1)

        let folder = try scratchFolder(self)
        try "steps 1\njump 3\n".write(toFile: folder + "/bad.script", atomically: true, encoding: .utf8)
        let badScript = try pdet(["snapshot", "--script", folder + "/bad.script"])
        XCTAssertEqual(badScript.status, 1)
        XCTAssertEqual(badScript.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(badScript.stderr.hasPrefix(folder + "/bad.script:2: unknown command 'jump'"), badScript.stderr)

        let tiny = ["--layers", "2", "--d-model", "16", "--heads", "4", "--d-ff", "32", "--seq-len", "16", "--batch", "4"]
        try "steps 2\nkey r\nsnapshot shots/a.txt\n".write(toFile: folder + "/ok.script", atomically: true, encoding: .utf8)
        let run1 = try pdet(["snapshot", "--script", "ok.script", "--record", "one.cast", "--size", "80x24"] + tiny, in: folder)
        XCTAssertEqual(run1.status, 0, run1.stderr)
        XCTAssertTrue(run1.stdout.contains("Residual OFF"))
        try assertValidCast(try String(contentsOfFile: folder + "/one.cast", encoding: .utf8), width: 80, height: 24, events: 4)
        let again = try pdet(["snapshot", "--script", "ok.script", "--size", "80x24"] + tiny, in: folder)
        XCTAssertEqual(again.status, 1, "the snapshot file exists now")
        XCTAssertTrue(again.stderr.contains("shots/a.txt: file exists"), again.stderr)
    }

    func testCLIRendersLessonBeats() throws {
        let one = try pdet(["snapshot", "--lesson", "0", "--beat", "1", "--size", "100x32"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stdout.contains("beat 1/"), one.stdout)
        let again = try pdet(["snapshot", "--lesson", "0", "--beat", "1", "--size", "100x32"])
        XCTAssertEqual(again.stdout, one.stdout)
        let tooFar = try pdet(["snapshot", "--lesson", "0", "--beat", "99"])
        XCTAssertEqual(tooFar.status, 1)
        XCTAssertTrue(tooFar.stderr.contains("beat 99 does not exist"), tooFar.stderr)
    }

    // MARK: helpers

    func assertValidCast(_ text: String, width: Int, height: Int, events: Int,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + events, file: file, line: line)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(header["version"] as? Int, 2, file: file, line: line)
        XCTAssertEqual(header["width"] as? Int, width, file: file, line: line)
        XCTAssertEqual(header["height"] as? Int, height, file: file, line: line)
        var last = -1.0
        for event in lines.dropFirst() {
            let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(event.utf8)) as? [Any], file: file, line: line)
            XCTAssertEqual(array.count, 3, file: file, line: line)
            let time = try XCTUnwrap(array[0] as? Double, file: file, line: line)
            XCTAssertGreaterThanOrEqual(time, last, file: file, line: line)
            last = time
            XCTAssertEqual(array[1] as? String, "o", file: file, line: line)
            let data = try XCTUnwrap(array[2] as? String, file: file, line: line)
            XCTAssertTrue(data.hasPrefix("\u{1B}[2J\u{1B}[H"), file: file, line: line)
        }
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func pdet(_ arguments: [String], in directory: String? = nil) throws -> Outcome {
        let url = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw XCTSkip("pdet-tui is not built at \(url.path); run `swift build --product pdet-tui` first")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["120", url.path] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var environment = ProcessInfo.processInfo.environment
        environment["PDET_ASSETS"] = repoAssets
        process.environment = environment
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }
}
