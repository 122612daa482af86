import XCTest
import PDETRender
@testable import PDETScript

/// Captions never ask the student for a key the beat has already pressed: at lesson 3 beat 5,
/// "Press c" after the beat's own `key c` turned the clamp back on (issue 22). A beat either waits
/// for the key (`await c`: the caption asks, the student presses) or its caption says what it did.
final class LessonCaptionTests: XCTestCase {
    private static let lessonFolder: String = {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        return parts.dropLast(3).joined(separator: "/") + "/assets/lessons"
    }()

    /// The keys a caption asks for: the word after every "press" (any case), punctuation stripped.
    static func keysAskedFor(_ caption: String) -> [Key] {
        let words = caption.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var keys: [Key] = []
        for (i, word) in words.enumerated() where word.lowercased() == "press" && i + 1 < words.count {
            var name = words[i + 1]
            while let last = name.last, name.count > 1, ":,.;)".contains(last) { name.removeLast() }
            if let key = keyNamed(name) { keys.append(key) }
        }
        return keys
    }

    func testTheCheckerFindsTheKeysACaptionAsksFor() {
        XCTAssertEqual(Self.keysAskedFor("Press c: clamp off, then press A twice."), [.char("c"), .char("A")])
        XCTAssertEqual(Self.keysAskedFor("Press r again. The identity path returns"), [.char("r")])
        XCTAssertEqual(Self.keysAskedFor("r toggles residuals; c (on now) clamps."), [])
    }

    func testNoCaptionAsksForAKeyItsOwnBeatPressed() throws {
        let lessons = try loadLessons(directory: Self.lessonFolder)
        var offending: [String] = []
        for lesson in lessons {
            for (index, beat) in lesson.beats.enumerated() {
                let pressed = beat.keysPressedByLesson(), pressedBefore = beat.keysPressedByLesson(beforeAwait: true)
                for key in Self.keysAskedFor(beat.caption)
                where key == beat.awaitedKey ? pressedBefore.contains(key) : pressed.contains(key) {
                    offending.append("\(lesson.name) beat \(index + 1) '\(beat.title)': asks for \(key), which the beat presses itself")
                }
            }
        }
        XCTAssertEqual(offending, [], offending.joined(separator: "\n"))
    }

    func testEveryInteractiveBeatAsksForItsKey() throws {
        let lessons = try loadLessons(directory: Self.lessonFolder)
        var waiting = 0
        for lesson in lessons {
            for (index, beat) in lesson.beats.enumerated() {
                guard let key = beat.awaitedKey else { continue }
                waiting += 1
                XCTAssertTrue(Self.keysAskedFor(beat.caption).contains(key),
                              "\(lesson.name) beat \(index + 1) waits for \(key) but its caption does not say 'press' it")
            }
        }
        XCTAssertGreaterThan(waiting, 0, "the shipped lessons have interactive beats")
    }

    func testAwaitParsesIntoTheBeatsActions() throws {
        let text = """
        title: T
        summary: S
        beat: Wait for r
        caption: Press r: residuals off.
        steps 2
        await r
        steps 3
        """
        let lesson = try parseLesson(text, fileName: "x.lesson")
        let beat = lesson.beats[0]
        XCTAssertEqual(beat.actions, [.steps(2), .key(.char("r")), .steps(3)])
        XCTAssertEqual(beat.awaitIndex, 1)
        XCTAssertEqual(beat.awaitedKey, .char("r"))
        XCTAssertEqual(beat.keysPressedByLesson(), [])
        XCTAssertThrowsError(try parseLesson(text + "\nawait c", fileName: "x.lesson")) { error in
            XCTAssertEqual((error as? ScriptError)?.description, "x.lesson:8: a beat waits for one key at most ('await' given twice)")
        }
        XCTAssertThrowsError(try parseLesson(text.replacingOccurrences(of: "await r", with: "await"), fileName: "x.lesson")) { error in
            XCTAssertEqual((error as? ScriptError)?.description, "x.lesson:6: 'await' needs one key name (e.g. await r)")
        }
        XCTAssertThrowsError(try parseLesson(text.replacingOccurrences(of: "await r", with: "await f99"), fileName: "x.lesson")) { error in
            XCTAssertEqual((error as? ScriptError)?.description, "x.lesson:6: unknown key name 'f99'")
        }
    }
}
