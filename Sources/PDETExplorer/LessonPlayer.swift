// Lesson mode: a lesson (PDETScript's Lesson) played beat by beat. The beats' states are computed
// once from the lesson's preset, in order, and kept, so ← / → show a beat at once and a beat always
// shows the same frame however the teacher got there (← / →, `--beat K`, a headless snapshot).
// The caption bar (2–4 rows above the key bar) shows "beat k/n · ←/→", the beat's title and its
// caption, and "replaying beat k: step i of n" while a beat asked for is still being computed.
import Foundation
import PDETCore
import PDETRender
import PDETScript
import PDETTasks

/// A lesson error with a one-line message (bad number, missing folder, a session that cannot start).
public struct LessonError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The number a lesson is opened by: its file's `NN-` prefix (e.g. 1 for 01-residuals), else its index.
public func lessonNumber(_ lesson: Lesson, index: Int) -> Int {
    let digits = lesson.name.prefix(while: { $0.isASCII && $0.isNumber })
    return Int(digits) ?? index
}

/// The shipped lessons folder, found by PDETTasks' one asset locator ($PDET_ASSETS/lessons, then
/// assets/lessons under the working directory or its parents, then beside the executable).
public func locateLessonDirectory(environment: String? = environmentValue("PDET_ASSETS"),
                                  currentDirectory: String? = currentDirectoryPath(),
                                  executable: String? = executablePath()) -> String? {
    locateAsset("lessons", folder: true, environment: environment, currentDirectory: currentDirectory, executable: executable)
}

/// Loads the lessons of `directory` (or the located folder) with their numbers, in file order.
public func loadNumberedLessons(directory: String? = nil) throws -> [(number: Int, lesson: Lesson)] {
    guard let folder = directory ?? locateLessonDirectory() else {
        throw LessonError("no lessons folder found (assets/lessons; set PDET_ASSETS to the assets folder)")
    }
    let lessons = try loadLessons(directory: folder)
    return lessons.enumerated().map { (lessonNumber($0.element, index: $0.offset), $0.element) }
}

/// One lesson being played. Each beat's end state is computed once, in order, and kept (an
/// interactive beat also keeps its state before the awaited key); showing a beat shows a copy of
/// the kept state, so the student's own keys never spoil it and ← / → cost a copy and a forward
/// pass once the beat is kept. The chain past the last kept beat is computed by `work` in small
/// slices (the terminal loop's ticks, or all at once headless): a beat shows the same frame
/// whether reached with ← / →, opened with `--beat K`, or replayed in one go from the preset.
public final class LessonPlayer {
    public let lesson: Lesson
    public let number: Int
    public private(set) var beat = 0                   // 0-based
    /// True on an interactive beat before its key: the state before the `await` line.
    public private(set) var waiting = false
    /// The session on screen (a copy of a kept state; the student may change it freely).
    public private(set) var session: ExplorerSession
    /// A beat asked for that is not computed yet (the old beat stays on screen, the caption bar
    /// shows progress), and when it was asked for.
    public private(set) var pending: (beat: Int, waiting: Bool)?
    private var pendingSince = ContinuousClock.now
    private var pendingSteps = 0                        // steps between the chain and `pending` when asked
    private var ends: [ExplorerSession] = []           // kept: the state at the end of beat i
    private var entries: [Int: ExplorerSession] = [:]  // kept: interactive beat i before its key
    private var chain: Chain                           // computes beat ends.count from the last kept state

    /// Where the computation of the next beats stands: beat `beat`, action `action`, `stepsDone`
    /// steps into a `steps N` action.
    private struct Chain {
        var session: ExplorerSession
        var beat = 0
        var action = 0
        var stepsDone = 0
    }

    /// `makeSession` builds the preset's fresh session (same weights every call: the seed is fixed).
    /// Beat `beat` (0-based) is computed before init returns, or with `computeNow` false left
    /// pending (the preset's model shows with progress until `work` has computed it).
    public init(lesson: Lesson, number: Int, beat: Int = 0, computeNow: Bool = true,
                makeSession: () throws -> ExplorerSession) throws {
        guard !lesson.beats.isEmpty else { throw LessonError("\(lesson.fileName): the lesson has no beats") }
        guard (0..<lesson.beats.count).contains(beat) else {
            throw LessonError("beat \(beat + 1) does not exist (lesson \(number) has \(lesson.beats.count) beats, 1...\(lesson.beats.count))")
        }
        self.lesson = lesson
        self.number = number
        let fresh = try makeSession()
        session = fresh
        chain = Chain(session: try fresh.copy())
        try request(beat: beat, waiting: false)
        if computeNow { try finishPending() }
    }

    /// A player whose sessions start fresh from the lesson's preset (no checkpoint).
    public convenience init(lesson: Lesson, number: Int, beat: Int = 0, computeNow: Bool = true) throws {
        let config: ModelConfig
        do { config = try lesson.config(base: ModelConfig()) } catch {
            throw LessonError("\(lesson.fileName): preset: \(error.message)")
        }
        try self.init(lesson: lesson, number: number, beat: beat, computeNow: computeNow) {
            try ExplorerSession(config: config, running: false, status: "lesson \(number): \(lesson.title)")
        }
    }

    public var beatCount: Int { lesson.beats.count }
    public var currentBeat: LessonBeat { lesson.beats[beat] }
    /// Beats whose end state is kept (they show at once).
    public var keptBeats: Int { ends.count }
    /// True while beats remain to be computed (the loop keeps calling `work`).
    public var hasWork: Bool { chain.beat < beatCount }

    /// Shows beat k complete (every action run), computing it now if needed: `--beat K`, snapshots.
    public func enter(beat k: Int) throws {
        guard (0..<beatCount).contains(k) else {
            throw LessonError("beat \(k + 1) does not exist (lesson \(number) has \(beatCount) beats, 1...\(beatCount))")
        }
        try request(beat: k, waiting: false)
        try finishPending()
    }

    /// → (computed now): an interactive beat before its key completes it, else the next beat
    /// (before its key when it waits). False at the end.
    @discardableResult
    public func next() throws -> Bool {
        guard try requestNext() else { return false }
        try finishPending()
        return true
    }

    /// ← (computed now): a completed interactive beat goes back to before its key, else the
    /// previous beat, complete. False at the first.
    @discardableResult
    public func previous() throws -> Bool {
        guard try requestPrevious() else { return false }
        try finishPending()
        return true
    }

    /// → without waiting: shows the next beat when kept, else makes it pending. False at the end.
    public func requestNext() throws -> Bool {
        let (k, w) = pending ?? (beat, waiting)
        if w { try request(beat: k, waiting: false); return true }
        guard k + 1 < beatCount else { return false }
        try request(beat: k + 1, waiting: lesson.beats[k + 1].awaitIndex != nil)
        return true
    }

    /// ← without waiting.
    public func requestPrevious() throws -> Bool {
        let (k, w) = pending ?? (beat, waiting)
        if !w && lesson.beats[k].awaitIndex != nil { try request(beat: k, waiting: true); return true }
        guard k > 0 else { return false }
        try request(beat: k - 1, waiting: false)
        return true
    }

    /// The student pressed `key`: on an interactive beat before its key, the awaited key completes
    /// the beat (true); any other key is for the session (false).
    public func pressAwaited(_ key: Key) throws -> Bool {
        guard pending == nil, waiting, key == currentBeat.awaitedKey else { return false }
        try request(beat: beat, waiting: false)
        return true
    }

    /// `o` in a lesson: the current beat's kept state again (what the student changed is undone).
    public func reloadBeat() throws {
        guard pending == nil else { return }
        let (k, w) = (beat, waiting)
        if try showIfKept(k, waiting: w), !w { session.state.status = "reloaded beat \(k + 1)" }
    }

    /// Computes until `pending` is shown (headless, tests).
    public func finishPending() throws {
        while pending != nil { try work(milliseconds: 1000) }
    }

    /// Computes the lesson's next beats for about `milliseconds` (at least one action or training
    /// step), then shows the pending beat if it is ready. The loop calls this on every tick until
    /// every beat is kept, so → finds the next beat ready while the class reads the caption.
    public func work(milliseconds: Int) throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(milliseconds))
        repeat {
            if let p = pending, try showIfKept(p.beat, waiting: p.waiting) { return }
            guard hasWork else { return }
            try advanceChain()
        } while clock.now < deadline
        if let p = pending { _ = try showIfKept(p.beat, waiting: p.waiting) }
    }

    /// Shows beat k (before its key when `waiting`) at once when kept, else makes it pending.
    private func request(beat k: Int, waiting w: Bool) throws {
        if try showIfKept(k, waiting: w) { return }
        if pending.map({ $0.beat != k || $0.waiting != w }) ?? true {
            pending = (k, w)
            pendingSince = ContinuousClock.now
            pendingSteps = stepsToCompute(beat: k, waiting: w)
        }
    }

    private func showIfKept(_ k: Int, waiting w: Bool) throws -> Bool {
        guard let kept = w ? entries[k] : (k < ends.count ? ends[k] : nil) else { return false }
        let shown = try copy(kept)
        _ = shown.render(width: session.state.size.width, height: session.state.size.height, options: session.lastOptions)
        if w, let key = lesson.beats[k].awaitedKey {
            shown.state.status = "press \(scriptName(of: key) ?? "the key") to continue (→ skips the wait)"
        }
        session = shown
        beat = k
        waiting = w
        pending = nil
        return true
    }

    private func copy(_ kept: ExplorerSession) throws -> ExplorerSession {
        do { return try kept.copy() } catch { throw LessonError("cannot copy the beat's model: \(error.message)") }
    }

    /// One action of the chain (one step of a `steps N`); keeps the states it passes.
    private func advanceChain() throws {
        let b = lesson.beats[chain.beat]
        if chain.action == b.awaitIndex, chain.stepsDone == 0, entries[chain.beat] == nil {
            entries[chain.beat] = try copy(chain.session)
        }
        guard chain.action < b.actions.count else {
            ends.append(try copy(chain.session))
            chain.beat += 1
            chain.action = 0
            return
        }
        if case .steps(let n) = b.actions[chain.action] {
            chain.session.train(steps: 1)
            chain.stepsDone += 1
            if chain.stepsDone < n { return }
        } else {
            applyLessonAction(b.actions[chain.action], to: chain.session)
        }
        chain.action += 1
        chain.stepsDone = 0
    }

    /// Training steps between the chain's position and beat k's end (or its awaited key).
    private func stepsToCompute(beat k: Int, waiting w: Bool) -> Int {
        guard chain.beat <= k else { return 0 }
        var total = 0
        for b in chain.beat...k {
            let actions = lesson.beats[b].actions
            let first = b == chain.beat ? chain.action : 0
            let last = b == k && w ? (lesson.beats[b].awaitIndex ?? actions.count) : actions.count
            guard first < last else { continue }
            for action in actions[first..<last] { if case .steps(let n) = action { total += n } }
            if b == chain.beat, first < last, case .steps = actions[first] { total -= chain.stepsDone }
        }
        return total
    }

    /// "replaying beat 4: step 120 of 230" once a pending beat has taken longer than 0.3 s, else nil.
    public var progress: String? {
        guard let p = pending, pendingSince.duration(to: .now) > .milliseconds(300) else { return nil }
        let left = stepsToCompute(beat: p.beat, waiting: p.waiting)
        return "replaying beat \(p.beat + 1): step \(max(0, pendingSteps - left)) of \(pendingSteps)"
    }

    public var caption: LessonCaption {
        LessonCaption(beat: beat + 1, beats: beatCount, title: currentBeat.title, text: currentBeat.caption,
                      progress: progress)
    }

    /// The frame with the caption bar.
    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        _ = session.render(width: width, height: height, options: options)
        return renderLessonScreen(session.state, caption: caption, width: width, height: height, options: options)
    }

    /// The headless snapshot text: the usual header, a lesson line, then the frame (plain text by default).
    public func snapshotText(size: ScreenSize, format: SnapshotFormat = .txt, colorMode: ColorMode = .c256,
                             ascii: Bool = false, theme: Theme = .dark) -> String {
        let options = snapshotOptions(format, colorMode: colorMode, ascii: ascii, theme: theme)
        let grid = render(width: size.width, height: size.height, options: options)
        let header = snapshotHeader(session.state, number: nil) + "# lesson \(number) beat \(beat + 1)/\(beatCount): \(lesson.title)\n"
        return snapshotFile(grid, header: header, format: format, options: options)
    }
}

/// One action of a lesson beat, run synchronously on `session` by the scripts' interpreter;
/// `wait`, `snapshot` and `quit` inside a beat are skipped (the rest is the runner's, not a beat's).
func applyLessonAction(_ action: ScriptAction, to session: ExplorerSession) {
    interpretScriptAction(action, on: session)
}

// MARK: caption bar

public struct LessonCaption: Equatable, Sendable {
    public var beat: Int            // 1-based
    public var beats: Int
    public var title: String
    public var text: String
    public var progress: String?    // "replaying beat 4: step 120 of 230" while a beat is computed
    public init(beat: Int, beats: Int, title: String, text: String, progress: String? = nil) {
        self.beat = beat
        self.beats = beats
        self.title = title
        self.text = text
        self.progress = progress
    }
}

/// The caption bar's rows: "beat k/n · ←/→  TITLE", then the caption wrapped, at most 3 rows
/// (the last ends in "…" when the caption is longer).
func captionLines(_ caption: LessonCaption, width: Int, ascii: Bool) -> [String] {
    let head = "beat \(caption.beat)/\(caption.beats) · ←/→  \(caption.title)" + (caption.progress.map { "  · \($0)" } ?? "")
    var body = wrap(caption.text, width: max(1, width - 2))
    if body.count > 3 {
        body = Array(body.prefix(3))
        body[2] = truncate(body[2] + " …", width: max(1, width - 2), ellipsis: true, ascii: ascii)
    }
    return [head] + body
}

/// The explorer's screen with the caption bar between the status line and the key bar. When the
/// terminal is too short for both, the panels keep their minimum and the caption shrinks to one row.
public func renderLessonScreen(_ state: ExplorerState, caption: LessonCaption, width: Int, height: Int,
                               options: RenderOptions) -> Grid {
    let lines = captionLines(caption, width: width, ascii: options.ascii)
    let rows = min(lines.count, max(0, height - ScreenSize.minimum.height))
    guard rows > 0, width >= ScreenSize.minimum.width else {
        var grid = renderScreen(state, width: width, height: height, options: options)
        if width >= ScreenSize.minimum.width, height >= ScreenSize.minimum.height {
            // No room for a bar: the beat line replaces the status line.
            grid.fill(Rect(x: 0, y: height - 2, width: width, height: 1), with: Cell())
            grid.put(displayText(" " + lines[0], options), x: 0, y: height - 2, style: Style(bold: true))
        }
        return grid
    }
    let base = renderScreen(state, width: width, height: height - rows, options: options)
    var grid = Grid(width: width, height: height)
    for y in 0..<(base.height - 1) {
        for x in 0..<width { grid[x, y] = base[x, y] }
    }
    let top = base.height - 1
    let titleStyle = Style(bold: true, reverse: true).downgraded(to: options.colorMode)
    grid.fill(Rect(x: 0, y: top, width: width, height: 1), with: Cell(" ", titleStyle))
    grid.put(displayText(" " + lines[0], options), x: 0, y: top, style: titleStyle)
    for (i, line) in lines.dropFirst().prefix(rows - 1).enumerated() {
        grid.put(displayText(line, options), x: 1, y: top + 1 + i)
    }
    for x in 0..<width { grid[x, height - 1] = base[x, base.height - 1] }
    return grid
}
