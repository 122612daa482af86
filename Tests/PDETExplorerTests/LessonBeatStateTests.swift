// Kept beat states (issue 22): ← / → show a copy of each beat's kept state, which must be exactly
// what a straight replay of the lesson from its preset gives; interactive beats wait for their key;
// a beat still being computed shows progress in the caption bar.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

final class LessonBeatStateTests: XCTestCase {
    static let lessonText = """
        title: Kept
        summary: Three beats, one waiting for r.
        preset: --task reverse --layers 2 --d-model 16 --heads 4 --d-ff 32 --seq-len 16 --batch 4 --seed 5
        beat: Train
        caption: A few steps.
        steps 3
        beat: Cut
        caption: Press r: residuals off.
        steps 1
        await r
        steps 2
        beat: Look
        caption: Layer 2, head 3, two more steps.
        layer 2
        head 3
        steps 2
        key l
        """
    static let size = ScreenSize(width: 100, height: 32)
    static let options = RenderOptions(colorMode: .mono, ascii: false)

    func lesson() throws -> Lesson { try parseLesson(Self.lessonText, fileName: "kept.lesson") }

    /// The state a straight replay of beats 0…k (all actions, up to `upTo` actions of beat k) gives:
    /// one session from the preset, no copies.
    func straightReplay(_ lesson: Lesson, beat k: Int, upTo: Int? = nil) throws -> ExplorerSession {
        let session = try ExplorerSession(config: try lesson.config(), status: "lesson 9: \(lesson.title)")
        _ = session.render(width: Self.size.width, height: Self.size.height, options: Self.options)
        for b in 0...k {
            let actions = lesson.beats[b].actions
            for action in actions.prefix(b == k ? (upTo ?? actions.count) : actions.count) {
                applyLessonAction(action, to: session)
            }
        }
        _ = session.render(width: Self.size.width, height: Self.size.height, options: Self.options)
        return session
    }

    func frame(_ player: LessonPlayer) -> Grid {
        player.render(width: Self.size.width, height: Self.size.height, options: Self.options)
    }

    func testEveryBeatReachedWithTheArrowsEqualsAStraightReplay() throws {
        let lesson = try lesson()
        let player = try LessonPlayer(lesson: lesson, number: 9)
        for k in 0..<lesson.beats.count {
            if k > 0 {
                XCTAssertTrue(try player.next())
                if player.waiting { XCTAssertTrue(try player.next(), "→ skips the wait") }
            }
            XCTAssertEqual(player.beat, k)
            XCTAssertFalse(player.waiting)
            _ = frame(player)
            let straight = try straightReplay(lesson, beat: k)
            XCTAssertEqual(player.session.state, straight.state, "beat \(k + 1): kept state = straight replay")
            XCTAssertEqual(frame(player), renderLessonScreen(straight.state, caption: player.caption, width: Self.size.width,
                                                             height: Self.size.height, options: Self.options))
            // Opened directly (`--beat K`): the same bytes.
            XCTAssertEqual(try LessonPlayer(lesson: lesson, number: 9, beat: k).snapshotText(size: Self.size), player.snapshotText(size: Self.size))
        }
        XCTAssertEqual(player.keptBeats, 3)
        XCTAssertFalse(player.hasWork)
        // Back again: each beat as it was, although the student may have changed the shown copy.
        player.session.handle(.char("p"))
        player.session.train(steps: 4)
        XCTAssertTrue(try player.previous())
        XCTAssertEqual(player.beat, 1)
        XCTAssertEqual(player.session.state, try straightReplay(lesson, beat: 1).state)
    }

    func testAnInteractiveBeatWaitsForItsKey() throws {
        let lesson = try lesson()
        let player = try LessonPlayer(lesson: lesson, number: 9)
        XCTAssertTrue(try player.next())
        XCTAssertEqual(player.beat, 1)
        XCTAssertTrue(player.waiting, "→ stops before the awaited key")
        XCTAssertEqual(player.session.state.status, "press r to continue (→ skips the wait)")
        XCTAssertTrue(player.session.state.config.residual, "r not pressed yet")
        XCTAssertEqual(player.session.state.step, 4, "the actions before 'await' ran")
        XCTAssertEqual(player.session.state.metrics, try straightReplay(lesson, beat: 1, upTo: 1).state.metrics)
        XCTAssertFalse(try player.pressAwaited(.char("l")), "another key is the session's")
        XCTAssertTrue(try player.pressAwaited(.char("r")))
        try player.finishPending()
        XCTAssertFalse(player.waiting)
        XCTAssertFalse(player.session.state.config.residual)
        XCTAssertEqual(player.session.state.step, 6)
        XCTAssertFalse(try player.pressAwaited(.char("r")), "done: r is the session's toggle again")
        // ← from the completed beat returns to its waiting state, then to beat 1.
        XCTAssertTrue(try player.previous())
        XCTAssertTrue(player.waiting)
        XCTAssertEqual(player.beat, 1)
        XCTAssertTrue(try player.previous())
        XCTAssertEqual(player.beat, 0)
        XCTAssertFalse(player.waiting)
    }

    func testTheScreenCompletesAWaitingBeatOnItsKey() throws {
        let screen = LessonScreen(player: try LessonPlayer(lesson: try lesson(), number: 9))
        XCTAssertEqual(try screen.handle(.right), .handled)
        XCTAssertTrue(screen.player.waiting)
        XCTAssertTrue(screen.frameText().contains("press r to continue"))
        XCTAssertEqual(try screen.handle(.char("r")), .handled)
        XCTAssertFalse(screen.player.waiting, "the tiny beat completes within the key's 0.3 s")
        XCTAssertFalse(screen.player.session.state.config.residual, "r pressed once, by the student")
        let kept = screen.player.session.state.metrics
        XCTAssertEqual(try screen.handle(.char("r")), .handled)
        screen.player.session.train(steps: 2)
        XCTAssertEqual(try screen.handle(.char("o")), .handled)
        XCTAssertEqual(screen.player.session.state.status, "reloaded beat 2")
        XCTAssertEqual(screen.player.session.state.step, 6, "o in a lesson: the beat's model, not step 0")
        XCTAssertEqual(screen.player.session.state.metrics, kept)
    }

    func testABeatStillComputingShowsProgress() throws {
        let player = try LessonPlayer(lesson: try lesson(), number: 9, beat: 2, computeNow: false)
        XCTAssertEqual(player.pending?.beat, 2)
        XCTAssertNil(player.progress, "no progress line before 0.3 s")
        usleep(350_000)
        XCTAssertEqual(player.progress, "replaying beat 3: step 0 of 8")
        let caption = frame(player).lines.first { $0.contains("beat 1/3") } ?? ""
        XCTAssertTrue(caption.contains("replaying beat 3: step 0 of 8"), caption)
        for _ in 0..<5 { try player.work(milliseconds: 0) }   // one action each: 3 steps, end of beat 1, 1 step
        XCTAssertEqual(player.progress, "replaying beat 3: step 4 of 8")
        try player.finishPending()
        XCTAssertNil(player.pending)
        XCTAssertEqual(player.beat, 2)
        XCTAssertEqual(player.session.state.step, 8)
    }
}

private extension LessonScreen {
    func frameText() -> String {
        render(width: 100, height: 32, options: RenderOptions(colorMode: .mono, ascii: false)).lines.joined(separator: "\n")
    }
}
