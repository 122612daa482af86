// Script replay (`--script FILE`) and asciicast recording (`--record FILE.cast`).
//
// A ScriptRunner applies a script's actions to a ComparisonSession in order: keys go through the
// explorer's normal key handling (so `key b` opens the A/B split and `key tab` moves its focus), `steps N` trains synchronously, `snapshot FILE` writes the current
// frame as plain text (never over an existing file). Headless, `wait` is skipped and a virtual clock
// advances `secondsPerAction` per action (plus each wait's duration), so the same script gives the
// same snapshots and the same recording, byte for byte. Interactive callers pass `sleep` to really wait.
import Foundation
import PDETRender
import PDETIO
import PDETScript
import PDETTasks

/// A script that cannot go on (a snapshot that cannot be written): one line.
public struct ScriptRunError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The frame as a terminal receives it for a full repaint: clear, home, then the ANSI text with
/// CR LF line ends (a raw terminal does not return the carriage on LF).
public func fullRepaint(_ grid: Grid, options: RenderOptions) -> String {
    "\u{1B}[2J\u{1B}[H" + grid.ansiText(options).replacingOccurrences(of: "\n", with: "\r\n")
}

/// Writes one full-repaint event per frame (AsciicastWriter does the format).
public final class FrameRecorder {
    private var writer: AsciicastWriter
    public let options: RenderOptions

    public init(path: String, size: ScreenSize, options: RenderOptions) throws(AsciicastError) {
        writer = try AsciicastWriter(path: path, width: size.width, height: size.height, timestamp: 0)
        self.options = options
    }

    public func record(_ grid: Grid, at time: Double) throws(AsciicastError) {
        try writer.write(fullRepaint(grid, options: options), at: max(time, writer.lastTime))
    }

    public var eventCount: Int { writer.eventCount }
    public func close() { writer.close() }
}

public final class ScriptRunner {
    public let comparison: ComparisonSession
    /// Pane A's session (the only one outside the A/B split).
    public var session: ExplorerSession { comparison.a }
    public var size: ScreenSize
    public var options: RenderOptions
    public var recorder: FrameRecorder?
    /// Seconds since the start: virtual (headless) or given by the caller (interactive).
    public private(set) var clock = 0.0
    public static let secondsPerAction = 0.1
    /// Where relative `snapshot` paths are resolved (nil: the working directory).
    public var baseDirectory: String?

    public convenience init(session: ExplorerSession, size: ScreenSize, options: RenderOptions, recorder: FrameRecorder? = nil) {
        self.init(comparison: ComparisonSession(session), size: size, options: options, recorder: recorder)
    }

    public init(comparison: ComparisonSession, size: ScreenSize, options: RenderOptions, recorder: FrameRecorder? = nil) {
        self.comparison = comparison
        self.size = size
        self.options = options
        self.recorder = recorder
    }

    /// The current frame (no caption bar).
    public func frame() -> Grid {
        comparison.render(width: size.width, height: size.height, options: options)
    }

    /// Records the current frame at the current clock (a no-op without a recorder).
    public func recordFrame() throws {
        try recorder?.record(frame(), at: clock)
    }

    /// Runs every action; stops at `quit` (returns false) or the first error. `sleep` (milliseconds)
    /// is called for `wait` in interactive mode; nil means headless (waits only move the clock).
    @discardableResult
    public func run(_ actions: [ScriptAction], sleep: ((Int) -> Void)? = nil) throws -> Bool {
        if recorder != nil && recorder!.eventCount == 0 { try recordFrame() }
        for action in actions {
            if try !perform(action, sleep: sleep) { return false }
        }
        return true
    }

    /// One action; false for `quit`. The session's part is `interpretScriptAction`'s (shared with
    /// lessons); the runner adds the clock, the frame size, snapshots and the recording.
    public func perform(_ action: ScriptAction, sleep: ((Int) -> Void)? = nil) throws -> Bool {
        switch interpretScriptAction(action, on: comparison) {
        case .quit:
            return false
        case .wait(let ms):
            sleep?(ms)
            clock += Double(ms) / 1000
            return true
        case .snapshot(let path):
            try writeScriptSnapshot(path: path)
        case .resized(let w, let h):
            size = ScreenSize(width: w, height: h)
        case .done:
            break
        }
        clock += Self.secondsPerAction
        try recordFrame()
        return true
    }

    /// The current frame as plain text (the snapshot header, then the grid), or as SVG in the run's
    /// colours and theme when `path` ends in ".svg", to `path`: creates the folder, refuses an existing file.
    func writeScriptSnapshot(path: String) throws {
        let full = path.hasPrefix("/") || baseDirectory == nil ? path : baseDirectory! + "/" + path
        _ = frame()
        let text = path.lowercased().hasSuffix(".svg")
            ? comparison.snapshotText(number: nil, format: .svg, colorMode: options.colorMode, ascii: options.ascii, theme: options.theme)
            : comparison.snapshotText(number: nil, format: .txt, colorMode: .mono, ascii: options.ascii)
        let folder = parentPath(full)
        if !isDirectory(folder) {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw ScriptRunError("snapshot \(path): cannot create folder '\(folder)'")
            }
        }
        let created: Bool
        do { created = try createFileExclusively(path: full, bytes: Array(text.utf8)) } catch {
            throw ScriptRunError("snapshot \(path): \(error.message)")
        }
        guard created else { throw ScriptRunError("snapshot \(path): file exists (snapshots never overwrite)") }
    }
}

// MARK: the one interpreter of script actions

/// What a script action needs of a session: the single view (`ExplorerSession`, lessons) and the
/// A/B pair (`ComparisonSession`, scripts and the live explorer) both provide it.
public protocol ScriptActionTarget: AnyObject {
    /// The explorer's key handling; false when the key quits.
    func handle(_ key: Key) -> Bool
    func train(steps: Int)                       // a `steps N` (both panes when split: lockstep)
    func select(layer: Int, head: Int)           // 0-based
    var selection: (layer: Int, head: Int) { get }
}

extension ExplorerSession: ScriptActionTarget {
    public var selection: (layer: Int, head: Int) { (state.layer, state.head) }
}

extension ComparisonSession: ScriptActionTarget {
    public var selection: (layer: Int, head: Int) { (focusedSession.state.layer, focusedSession.state.head) }
}

/// What is left for the caller after `interpretScriptAction`: a runner sleeps, resizes its frame,
/// writes the snapshot or stops; a lesson beat skips all of these.
public enum ScriptActionRest: Equatable, Sendable {
    case done
    case quit
    case wait(milliseconds: Int)
    case snapshot(path: String)
    case resized(width: Int, height: Int)
}

/// Applies `action`'s effect on the session, the same for lessons, scripts and the live explorer
/// (issue 22, item 14): keys through the explorer's key handling, `steps` trains, `layer`/`head` select.
@discardableResult
public func interpretScriptAction(_ action: ScriptAction, on target: some ScriptActionTarget) -> ScriptActionRest {
    switch action {
    case .quit: return .quit
    case .wait(let ms): return .wait(milliseconds: ms)
    case .snapshot(let path): return .snapshot(path: path)
    case .resize(let w, let h):
        _ = target.handle(.resize(width: w, height: h))
        return .resized(width: w, height: h)
    case .key(let key): return target.handle(key) ? .done : .quit
    case .steps(let n): target.train(steps: n)
    case .layer(let l): target.select(layer: l, head: target.selection.head)
    case .head(let h): target.select(layer: target.selection.layer, head: h)
    }
    return .done
}
