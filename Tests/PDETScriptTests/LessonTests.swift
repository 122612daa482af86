import XCTest
import PDETCore
import PDETRender
@testable import PDETScript

final class LessonTests: XCTestCase {
    private static let lessonFolder: String = {
        // Tests/PDETScriptTests/LessonTests.swift → repository root.
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        return parts.dropLast(3).joined(separator: "/") + "/assets/lessons"
    }()

    private let sample = """
    # a sample lesson
    title: Sample
    summary: A short lesson
    summary: over two lines.
    preset: --task sort --layers 3 --residual off --causal --pde-scales 1,2

    beat: First
    caption: Line one
    caption: and line two.
    steps 5
    keys rl

    beat: Second
    caption: Only one line.
    layer 3
    head 4
    key space
    """

    func testParsesSampleLesson() throws {
        let lesson = try parseLesson(sample, fileName: "assets/lessons/03-sample.lesson")
        XCTAssertEqual(lesson.title, "Sample")
        XCTAssertEqual(lesson.summary, "A short lesson over two lines.")
        XCTAssertEqual(lesson.name, "03-sample")
        XCTAssertEqual(lesson.preset, [
            PresetFlag(flag: "--task", value: "sort"), PresetFlag(flag: "--layers", value: "3"),
            PresetFlag(flag: "--residual", value: "off"), PresetFlag(flag: "--causal", value: nil),
            PresetFlag(flag: "--pde-scales", value: "1,2"),
        ])
        XCTAssertEqual(lesson.beats.count, 2)
        XCTAssertEqual(lesson.beats[0], LessonBeat(title: "First", caption: "Line one and line two.",
                                                   actions: [.steps(5), .key(.char("r")), .key(.char("l"))], line: 7))
        XCTAssertEqual(lesson.beats[1].actions, [.layer(2), .head(3), .key(.char(" "))])
        XCTAssertEqual(lesson.beats[1].line, 13)
        let config = try lesson.config()
        XCTAssertEqual(config.task, .sort)
        XCTAssertEqual(config.layers, 3)
        XCTAssertFalse(config.residual)
        XCTAssertTrue(config.causal)
        XCTAssertEqual(config.pdeScales, [1, 2])
    }

    /// Replaces line `n` (1-based) of the sample, or inserts before it, and expects an error there.
    private func expectError(replacing n: Int, with text: String?, insert: Bool = false,
                             line expectedLine: Int, _ message: String, file: StaticString = #filePath, lineNo: UInt = #line) {
        var lines = sample.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if insert { lines.insert(text ?? "", at: n - 1) } else if let text { lines[n - 1] = text } else { lines.remove(at: n - 1) }
        XCTAssertThrowsError(try parseLesson(lines.joined(separator: "\n"), fileName: "x.lesson"), file: file, line: lineNo) { error in
            guard let e = error as? ScriptError else { return XCTFail("not a ScriptError", file: file, line: lineNo) }
            XCTAssertEqual(e.line, expectedLine, e.description, file: file, line: lineNo)
            XCTAssertTrue(e.description.hasPrefix("x.lesson:\(expectedLine): " + message) || expectedLine == 0,
                          e.description, file: file, line: lineNo)
            if expectedLine == 0 { XCTAssertEqual(e.description, "x.lesson: " + message, file: file, line: lineNo) }
        }
    }

    func testLessonErrorsHaveLineNumbers() {
        expectError(replacing: 2, with: "title: Sample again", insert: true, line: 3, "'title:' given twice")
        expectError(replacing: 2, with: nil, line: 6, "missing 'title:' before the first beat")
        expectError(replacing: 5, with: "preset: --task sort --bogus 3", line: 5, "unknown preset flag '--bogus'")
        expectError(replacing: 5, with: "preset: --task", line: 5, "preset flag '--task' needs a value")
        expectError(replacing: 5, with: "preset: task sort", line: 5, "unexpected 'task'")
        expectError(replacing: 5, with: "preset: --layers 2 --layers 3", line: 5, "preset flag '--layers' given twice")
        expectError(replacing: 5, with: "preset: --task shuffle", line: 5, "preset: --task: expected one of reverse, sort")
        expectError(replacing: 5, with: "preset: --heads 5", line: 5, "preset: d-model (64) must be divisible by heads (5)")
        expectError(replacing: 5, with: "preset: --residual maybe", line: 5, "preset: --residual: expected on or off")
        expectError(replacing: 8, with: "caption: " + String(repeating: "x", count: 201), line: 8, "caption line is 201 characters")
        expectError(replacing: 8, with: "caption:", line: 8, "empty caption line")
        expectError(replacing: 10, with: "steps many", line: 10, "'steps' needs a step count")
        expectError(replacing: 10, with: "colour: red", line: 10, "unknown field 'colour:'")
        expectError(replacing: 10, with: "summary: late", line: 10, "'summary:' belongs in the header")
        expectError(replacing: 6, with: "key r", line: 6, "action before the first 'beat:' line")
        expectError(replacing: 7, with: "beat:", line: 7, "'beat:' needs a title")
        expectError(replacing: 15, with: "layer 9", line: 15, "layer 9 does not exist (the preset has 3 layers")
        expectError(replacing: 16, with: "head 5", line: 16, "head 5 does not exist (the preset has 4 heads, 1...4)")
        // A beat without caption lines is reported at its `beat:` line.
        expectError(replacing: 14, with: nil, line: 13, "beat 'Second' has no 'caption:' line")
    }

    func testLessonWithoutBeatsOrHeader() {
        XCTAssertThrowsError(try parseLesson("title: T\nsummary: S\n", fileName: "x.lesson")) { error in
            XCTAssertEqual((error as? ScriptError)?.description, "x.lesson: a lesson needs at least one 'beat:'")
        }
        XCTAssertThrowsError(try parseLesson("# nothing\n", fileName: "x.lesson")) { error in
            XCTAssertEqual((error as? ScriptError)?.description, "x.lesson: missing 'title:' and 'summary:' header")
        }
        let long = "title: T\nsummary: S\nbeat: B\n" + String(repeating: "caption: " + String(repeating: "y", count: 150) + "\n", count: 4)
        XCTAssertThrowsError(try parseLesson(long, fileName: "x.lesson")) { error in
            XCTAssertEqual((error as? ScriptError)?.line, 3)
        }
    }

    func testPresetApplication() throws {
        var base = ModelConfig()
        base.seed = 99
        let flags = try parsePreset("--task digits --seed 5 --layers 2 --d-model 32 --heads 2 --d-ff 64 --seq-len 16 "
            + "--batch 8 --lr 0.003 --warmup 10 --clip 0.5 --residual off --norm post --pos learned --pde after-ffn "
            + "--pde-scales 1,2,4 --pde-alpha 0.3 --pde-steps 2 --pde-clamp off --init-gain 1.5 --causal on --checkpoint a.ckpt")
        XCTAssertEqual(flags.count, presetFlagNames.count)   // every flag is accepted
        let c = try presetConfig(flags, base: base)
        XCTAssertEqual(c.task, .digits)
        XCTAssertEqual(c.seed, 5)
        XCTAssertEqual([c.layers, c.dModel, c.heads, c.dFF, c.seqLen, c.batch, c.warmup, c.pdeSteps], [2, 32, 2, 64, 16, 8, 10, 2])
        XCTAssertEqual([c.lr, c.clip, c.pdeAlpha, c.initGain], [0.003, 0.5, 0.3, 1.5])
        XCTAssertEqual(c.residual, false)
        XCTAssertEqual(c.norm, .post)
        XCTAssertEqual(c.pos, .learned)
        XCTAssertEqual(c.pde, .afterFFN)
        XCTAssertEqual(c.pdeScales, [1, 2, 4])
        XCTAssertEqual(c.pdeClamp, false)
        XCTAssertEqual(c.causal, true)
        // Untouched fields keep the base's values; an empty preset is the base.
        XCTAssertEqual(try presetConfig([PresetFlag](), base: base), base)
        XCTAssertEqual(try presetConfig([(flag: "--layers", value: "3")], base: base).layers, 3)

        XCTAssertThrowsError(try presetConfig(parsePreset("--pde-scales 1,x"), base: base)) { error in
            XCTAssertEqual((error as? PresetError)?.message, "--pde-scales: expected a comma-separated list of integers, e.g. 1,2,4, got '1,x'")
        }
        XCTAssertThrowsError(try presetConfig(parsePreset("--seq-len 8 --pde-scales 1,8"), base: base)) { error in
            XCTAssertEqual((error as? PresetError)?.message, "pde-scales: scale 8 must be in 1...7")
        }
        XCTAssertThrowsError(try presetConfig(parsePreset("--lr fast"), base: base)) { error in
            XCTAssertEqual((error as? PresetError)?.message, "--lr: expected a number, got 'fast'")
        }
    }

    func testShippedLessonsLoadAndHaveValidPresets() throws {
        let lessons = try loadLessons(directory: Self.lessonFolder)
        XCTAssertGreaterThanOrEqual(lessons.count, 8)
        XCTAssertEqual(lessons.map(\.name), lessons.map(\.name).sorted())
        XCTAssertTrue(lessons[0].name.hasPrefix("00-"))
        XCTAssertTrue(lessons.contains { $0.name == "07-simulator-dt" })
        for lesson in lessons {
            let config = try lesson.config()
            XCTAssertEqual(config.problems(), [], lesson.name)
            XCTAssertGreaterThanOrEqual(lesson.beats.count, 4, lesson.name)
            for beat in lesson.beats { XCTAssertFalse(beat.caption.isEmpty, "\(lesson.name): \(beat.title)") }
        }
    }

    func testLoadLessonsErrors() throws {
        XCTAssertThrowsError(try loadLessons(directory: "/nonexistent-folder")) { error in
            XCTAssertEqual((error as? ScriptError)?.description, "/nonexistent-folder: cannot list lesson folder")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdet-lessons-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try loadLessons(directory: dir)) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "no .lesson files")
        }
        try "title: B\nsummary: s\nbeat: x\ncaption: c\n".write(toFile: dir + "/02-b.lesson", atomically: true, encoding: .utf8)
        try "title: A\nsummary: s\nbeat: x\ncaption: c\n".write(toFile: dir + "/01-a.lesson", atomically: true, encoding: .utf8)
        try "not a lesson".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(try loadLessons(directory: dir).map(\.title), ["A", "B"])
        try "title: C\nsummary: s\nbeat: x\nkey f99\n".write(toFile: dir + "/03-c.lesson", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try loadLessons(directory: dir)) { error in
            XCTAssertEqual((error as? ScriptError)?.description, dir + "/03-c.lesson:4: unknown key name 'f99'")
        }
    }
}
