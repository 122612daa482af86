// SVG from scripts and lessons, for a teacher's slides: a script's `snapshot FILE.svg` writes the frame
// as a picture in the run's theme, and a lesson beat renders as SVG headless, the same bytes twice.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

final class ScriptLessonSVGTests: XCTestCase {
    func runScript(_ text: String, in folder: String, theme: Theme) throws -> ScriptRunner {
        let actions = try parseScript(text, fileName: "t.script")
        let runner = ScriptRunner(session: try tinySession(), size: ScreenSize(width: 90, height: 28),
                                  options: RenderOptions(colorMode: .c256, theme: theme), recorder: nil)
        runner.baseDirectory = folder
        try runner.run(actions)
        return runner
    }

    func testScriptSnapshotAsSVG() throws {
        let script = "steps 2\nkey r\nsnapshot slides/frame.svg\nsnapshot slides/frame.txt\n"
        let a = try scratchFolder(self), b = try scratchFolder(self)
        _ = try runScript(script, in: a, theme: .light)
        _ = try runScript(script, in: b, theme: .light)
        let svg = try String(contentsOfFile: a + "/slides/frame.svg", encoding: .utf8)
        XCTAssertEqual(svg, try String(contentsOfFile: b + "/slides/frame.svg", encoding: .utf8), "same script, same bytes")
        let parsed = parseXML(svg)
        XCTAssertTrue(parsed.ok, "well-formed XML")
        XCTAssertTrue(parsed.desc.contains("step 2"), parsed.desc)
        XCTAssertTrue(svg.contains("<rect width=\"720\" height=\"448\" fill=\"#ffffff\"/>"), "90×28 cells, the light page")
        XCTAssertTrue(svg.contains(">Residual OFF<") || svg.contains("Residual OFF "), "the frame's header")
        let txt = try String(contentsOfFile: a + "/slides/frame.txt", encoding: .utf8)
        XCTAssertFalse(txt.contains("<svg"), ".txt stays plain text")
    }

    func testLessonBeatAsSVG() throws {
        let lesson = try parseLesson("""
            title: Tiny
            summary: One beat on a tiny model.
            preset: --task reverse --layers 2 --d-model 16 --heads 4 --d-ff 32 --seq-len 16 --batch 4 --seed 3
            beat: First beat title
            caption: Watch the Norms panel.
            steps 1
            """, fileName: "tiny.lesson")
        let player = try LessonPlayer(lesson: lesson, number: 9, beat: 0)
        let size = ScreenSize(width: 100, height: 32)
        let svg = player.snapshotText(size: size, format: .svg, colorMode: .c256, theme: .dark)
        XCTAssertTrue(parseXML(svg).ok)
        XCTAssertTrue(parseXML(svg).desc.contains("lesson 9 beat 1/1: Tiny"), parseXML(svg).desc)
        XCTAssertEqual(svg, try LessonPlayer(lesson: lesson, number: 9, beat: 0).snapshotText(size: size, format: .svg, colorMode: .c256))
        XCTAssertTrue(player.snapshotText(size: size).hasPrefix("# pdet-tui"), "txt by default, as before")
    }
}
