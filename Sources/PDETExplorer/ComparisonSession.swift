// The A/B split's engine: owns pane A's ExplorerSession and, while split, pane B's, and runs the
// split reducer's effects on them. B is made by copying A's TrainingRun exactly (weights, AdamW
// moments, step, history), so both panes see the same batches from then on (a batch is a function
// of the step index) and differ only by the toggles changed in one pane. Training keys and ticks
// step A then B, one step each, so both always sit at the same step.
import Foundation
import PDETCore
import PDETRender
import PDETTasks

public final class ComparisonSession {
    public private(set) var a: ExplorerSession
    public private(set) var b: ExplorerSession?
    public private(set) var focus: Pane = .a
    /// The split view's status line.
    public private(set) var statusLine = StatusLine()
    public var status: String { statusLine.text }
    public private(set) var snapshotsSaved = 0
    /// A's run before its R / t: when it is still A's run afterwards (the task could not switch), B is kept.
    private var aRunBeforeRenewal: TrainingRun?
    /// How `s` writes the split view's .svg (tests substitute one that fails).
    public var svgWriter: SnapshotFileWriter = atomicSnapshotWriter
    /// Folder `s` writes into; both panes share it.
    public var snapshotDirectory: String {
        didSet {
            a.snapshotDirectory = snapshotDirectory
            b?.snapshotDirectory = snapshotDirectory
        }
    }

    public init(_ a: ExplorerSession) {
        self.a = a
        snapshotDirectory = a.snapshotDirectory
    }

    /// Both panes as one value (what the screen draws).
    public var state: SplitState {
        var ab = SplitState(a: a.state, b: b?.state, focus: focus)
        ab.statusLine = statusLine
        ab.snapshotsSaved = snapshotsSaved
        return ab
    }

    public var isSplit: Bool { b != nil }

    /// The focused pane's session (A in the single view).
    public var focusedSession: ExplorerSession { focus == .b ? (b ?? a) : a }

    // MARK: keys and effects

    /// Handles one key; false means quit.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        var ab = state
        let effects = reduceSplit(&ab, key)
        adopt(ab)
        for effect in effects {
            if !execute(effect) { return false }
        }
        return true
    }

    /// Takes the reduced pane states, focus and status (B's state only while B exists: `openB` makes it).
    private func adopt(_ ab: SplitState) {
        a.state = ab.a
        if let b, let bState = ab.b { b.state = bState }
        focus = ab.focus            // after `b` in the single view: .b, and openB follows
        statusLine = ab.statusLine
    }

    /// Runs one effect; false for `.quit`.
    @discardableResult
    public func execute(_ effect: SplitEffect) -> Bool {
        switch effect {
        case .quit:
            return false
        case .pane(let pane, let e):
            guard let session = pane == .a ? a : b else { return true }
            if pane == .a && (e == .reset || e == .switchTask) { aRunBeforeRenewal = a.run }
            let before = session.state.status
            if !session.execute(e) { return false }
            if isSplit, session.state.status != before {
                statusLine = StatusLine("\(pane.rawValue): \(session.state.status)", session.state.statusLine.severity)
            }
        case .openB:
            openB()
        case .closeB:
            b = nil
            focus = .a
        case .resyncB:
            resyncB()
        case .snapshot:
            saveSnapshot()
        }
        return true
    }

    /// B := an exact copy of A (run and state), focused.
    private func openB() {
        do {
            let twin = try twinSession(of: a, state: a.state)
            b = twin
            focus = .b
            statusLine = StatusLine(splitOpenedStatus)
        } catch {
            b = nil
            focus = .a
            a.state.report(.error, "cannot open B: \(describe(error))")
        }
    }

    /// After A got new weights or a new task: B := a copy of A's new run with B's own toggles.
    private func resyncB() {
        guard let old = b else { return }
        defer { aRunBeforeRenewal = nil }
        let ac = a.state.config
        if let previous = aRunBeforeRenewal, previous === a.run {
            // A kept its run (no new weights or task): B keeps its own, and its seed and task stay A's.
            old.state.config.seed = ac.seed
            old.state.config.task = ac.task
            return
        }
        var bConfig = old.state.config
        bConfig.seed = ac.seed
        bConfig.task = ac.task
        do {
            var state = a.state
            state.layer = min(old.state.layer, ac.layers - 1)
            state.head = min(old.state.head, ac.heads - 1)
            state.config = bConfig
            let twin = try twinSession(of: a, state: state)
            b = twin
            _ = twin.execute(.applyConfig)           // B's toggles onto the copied weights
            if twin.state.statusLine.severity == .error { statusLine = StatusLine("B: \(twin.state.status)", .error) }
        } catch {
            b = nil
            focus = .a
            statusLine = StatusLine("cannot copy A into B: \(describe(error)); back to the single view", .error)
            a.state.statusLine = statusLine
        }
    }

    /// A session on a copy of `source`'s run, showing `state` (its numbers refreshed).
    private func twinSession(of source: ExplorerSession, state: ExplorerState) throws -> ExplorerSession {
        let twin = try source.copy(state: state)
        twin.snapshotDirectory = snapshotDirectory
        twin.setDisplay(options: source.lastOptions, size: source.state.size)
        return twin
    }

    // MARK: training (lockstep)

    /// Trains both panes `steps` steps, one step of A then one of B.
    public func train(steps: Int) {
        for _ in 0..<max(0, steps) {
            a.train(steps: 1)
            b?.train(steps: 1)
        }
    }

    /// While running: up to `stepsPerFrame` lockstep steps, asking `shouldYield` between them.
    @discardableResult
    public func tick(shouldYield: () -> Bool = { false }) -> Int {
        guard a.state.running else { return 0 }
        var taken = 0
        while taken < a.state.stepsPerFrame {
            train(steps: 1)
            taken += 1
            if shouldYield() { break }
        }
        return taken
    }

    /// Selects a layer and head in the focused pane (the script and lesson `layer` / `head`).
    public func select(layer: Int, head: Int) {
        focusedSession.select(layer: layer, head: head)
    }

    // MARK: rendering and snapshots

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        let size = ScreenSize(width: width, height: height)
        a.setDisplay(options: options, size: size)
        b?.setDisplay(options: options, size: size)
        return renderSplitScreen(state, width: width, height: height, options: options)
    }

    public func setDisplay(options: RenderOptions, size: ScreenSize) {
        a.setDisplay(options: options, size: size)
        b?.setDisplay(options: options, size: size)
    }

    /// The frame with its snapshot header (the single view's exactly as ExplorerSession writes it).
    public func snapshotText(number: Int?, format: SnapshotFormat, colorMode: ColorMode, ascii: Bool, theme: Theme = .dark) -> String {
        splitSnapshotText(state, number: number, format: format, colorMode: colorMode, ascii: ascii, theme: theme)
    }

    /// `s` in the split view: the split frame as snapshots/NNNN.txt, .ansi and .svg (never overwriting).
    private func saveSnapshot() {
        let options = a.lastOptions
        let ab = state
        do {
            let saved = try writeSnapshotPair(directory: snapshotDirectory, reserving: ["svg"]) { number in
                (splitSnapshotText(ab, number: number, format: .txt, colorMode: .mono, ascii: options.ascii),
                 splitSnapshotText(ab, number: number, format: .ansi, colorMode: options.colorMode, ascii: options.ascii,
                                   theme: options.theme))
            }
            snapshotsSaved += 1
            statusLine = StatusLine("snapshot saved: \(saved.txt)")
            let svg = splitSnapshotText(ab, number: saved.number, format: .svg, colorMode: options.colorMode, ascii: options.ascii,
                                        theme: options.theme)
            if let failure = writeSnapshotSVG(directory: snapshotDirectory, number: saved.number, text: svg, writer: svgWriter) {
                statusLine = StatusLine(status + "; svg: \(failure)", .warning)
            }
        } catch {
            statusLine = StatusLine("cannot save snapshot: \(error.message)", .error)
        }
    }
}
