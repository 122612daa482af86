// Lesson mode: a lesson (PDETScript's Lesson) played beat by beat. Entering beat k rebuilds the
// session from the lesson's preset and replays the actions of beats 1…k synchronously, so a beat
// always shows the same frame however the teacher got there (← / → or `--beat K`). The caption
// bar (2–4 rows above the key bar) shows "beat k/n · ←/→", the beat's title and its caption.
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

/// One lesson being played: the session of the current beat, rebuilt on every beat change.
public final class LessonPlayer {
    public let lesson: Lesson
    public let number: Int
    public private(set) var beat = 0                   // 0-based
    public private(set) var session: ExplorerSession
    private let makeSession: () throws -> ExplorerSession

    /// `makeSession` builds the preset's fresh session (same weights every call: the seed is fixed).
    public init(lesson: Lesson, number: Int, beat: Int = 0, makeSession: @escaping () throws -> ExplorerSession) throws {
        guard !lesson.beats.isEmpty else { throw LessonError("\(lesson.fileName): the lesson has no beats") }
        self.lesson = lesson
        self.number = number
        self.makeSession = makeSession
        session = try makeSession()
        try enter(beat: beat)
    }

    /// A player whose sessions start fresh from the lesson's preset (no checkpoint).
    public convenience init(lesson: Lesson, number: Int, beat: Int = 0) throws {
        let config: ModelConfig
        do { config = try lesson.config(base: ModelConfig()) } catch {
            throw LessonError("\(lesson.fileName): preset: \(error.message)")
        }
        try self.init(lesson: lesson, number: number, beat: beat) {
            try ExplorerSession(config: config, running: false, status: "lesson \(number): \(lesson.title)")
        }
    }

    public var beatCount: Int { lesson.beats.count }
    public var currentBeat: LessonBeat { lesson.beats[beat] }

    /// Replays the preset through beats 0…k (clamped). Waits, snapshots and quits are skipped: a
    /// beat's frame depends only on its steps, keys and selections.
    public func enter(beat k: Int) throws {
        guard (0..<beatCount).contains(k) else {
            throw LessonError("beat \(k + 1) does not exist (lesson \(number) has \(beatCount) beats, 1...\(beatCount))")
        }
        let size = session.state.size
        let fresh = try makeSession()
        _ = fresh.render(width: size.width, height: size.height, options: session.lastOptions)
        for b in 0...k {
            for action in lesson.beats[b].actions { applyLessonAction(action, to: fresh) }
        }
        session = fresh
        beat = k
    }

    /// → : the next beat (false at the last one).
    @discardableResult
    public func next() throws -> Bool {
        guard beat + 1 < beatCount else { return false }
        try enter(beat: beat + 1)
        return true
    }

    /// ← : the previous beat (false at the first one).
    @discardableResult
    public func previous() throws -> Bool {
        guard beat > 0 else { return false }
        try enter(beat: beat - 1)
        return true
    }

    public var caption: LessonCaption {
        LessonCaption(beat: beat + 1, beats: beatCount, title: currentBeat.title, text: currentBeat.caption)
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

/// One action of a lesson beat, run synchronously on `session`.
func applyLessonAction(_ action: ScriptAction, to session: ExplorerSession) {
    switch action {
    case .key(let key): session.handle(key)
    case .steps(let n): session.train(steps: n)
    case .layer(let l): session.select(layer: l, head: session.state.head)
    case .head(let h): session.select(layer: session.state.layer, head: h)
    case .resize(let w, let h): session.handle(.resize(width: w, height: h))
    case .wait, .snapshot, .quit: break
    }
}

// MARK: caption bar

public struct LessonCaption: Equatable, Sendable {
    public var beat: Int            // 1-based
    public var beats: Int
    public var title: String
    public var text: String
    public init(beat: Int, beats: Int, title: String, text: String) {
        self.beat = beat
        self.beats = beats
        self.title = title
        self.text = text
    }
}

/// The caption bar's rows: "beat k/n · ←/→  TITLE", then the caption wrapped, at most 3 rows
/// (the last ends in "…" when the caption is longer).
func captionLines(_ caption: LessonCaption, width: Int, ascii: Bool) -> [String] {
    let head = "beat \(caption.beat)/\(caption.beats) · ←/→  \(caption.title)"
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
