// The explorer's screens as InteractiveScreens: thin wrappers that hand keys to a session (which
// runs its pure reducer and executes the effects) and draw with its pure renderer.
//   ExplorerScreen      the toy model, synchronous: single view, A/B split (`b`), simulator (`M`);
//                       scripts and recordings run here (training happens between key reads)
//   LiveExplorerScreen  the same explorer with the model on a worker thread (LiveExplorer)
//   LessonScreen        a lesson played beat by beat (← / →)
//   BertScreen          the pretrained MiniLM explorer (no training)
import PDETRender
import PDETScript

/// How long a screen with nothing to compute waits for keys (only signals can arrive meanwhile).
let idleTickMilliseconds = 50

/// The toy explorer, synchronous: A/B-capable (ComparisonSession); the simulator is its `M` mode.
public final class ExplorerScreen: InteractiveScreen {
    public let comparison: ComparisonSession
    /// Runs script actions (`steps`, `snapshot`, …) at the size the screen opened with.
    private let runner: ScriptRunner

    public init(comparison: ComparisonSession, size: ScreenSize, options: RenderOptions) {
        self.comparison = comparison
        runner = ScriptRunner(comparison: comparison, size: size, options: options)
    }

    public convenience init(session: ExplorerSession, size: ScreenSize, options: RenderOptions) {
        self.init(comparison: ComparisonSession(session), size: size, options: options)
    }

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        comparison.render(width: width, height: height, options: options)
    }

    public func handle(_ key: Key) -> KeyResult { comparison.handle(key) ? .handled : .quit }

    public var tickMilliseconds: Int { comparison.a.state.running ? 0 : idleTickMilliseconds }

    /// One frame of training (lockstep in the split) while running.
    public func tick() -> Bool {
        guard comparison.a.state.running else { return false }
        comparison.tick(shouldYield: { false })
        return true
    }

    public func perform(_ action: ScriptAction, sleep: (Int) -> Void) throws -> Bool {
        try withoutActuallyEscaping(sleep) { try runner.perform(action, sleep: $0) }
    }
}

/// The toy explorer with training on a worker thread: keys show in the frame at once (the preview),
/// and a tick redraws when the worker published something.
public final class LiveExplorerScreen: InteractiveScreen {
    public let live: LiveExplorer
    private var drawnVersion = -1

    public init(live: LiveExplorer) { self.live = live }

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        let version = live.version
        let grid = live.render(width: width, height: height, options: options)
        drawnVersion = version
        return grid
    }

    public func handle(_ key: Key) -> KeyResult { live.send(key) ? .handled : .quit }

    public let tickMilliseconds = 30

    public func tick() -> Bool { live.version != drawnVersion }

    public func start() { live.start() }
    public func stop() { live.stop() }
}

/// A lesson: ← / → move between beats, an interactive beat's awaited key completes it, other keys
/// go to the session. Between keys the player computes the beats ahead (a slice per tick), so → finds
/// the next beat kept; a beat not yet kept gets up to 0.3 s at once, then shows progress until ready.
public final class LessonScreen: InteractiveScreen {
    public let player: LessonPlayer
    /// How long a beat key may compute before the frame shows progress instead.
    static let keyBudgetMilliseconds = 300
    /// One tick's slice of precomputation (keys wait at most this long, plus one training step).
    static let tickBudgetMilliseconds = 30

    public init(player: LessonPlayer) { self.player = player }

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        player.render(width: width, height: height, options: options)
    }

    public func handle(_ key: Key) throws -> KeyResult {
        switch key {
        case .left: _ = try player.requestPrevious()
        case .right: _ = try player.requestNext()
        case .char("o"): try player.reloadBeat()            // the beat's model, not the preset's step 0
        default:
            if try player.pressAwaited(key) { break }
            return player.session.handle(key) ? .handled : .quit
        }
        if player.pending != nil { try player.work(milliseconds: Self.keyBudgetMilliseconds) }
        return .handled
    }

    public var tickMilliseconds: Int {
        player.session.state.running || player.hasWork || player.pending != nil ? 0 : idleTickMilliseconds
    }

    public func tick() throws -> Bool {
        var changed = false
        if player.session.state.running {
            player.session.tick(shouldYield: { false })
            changed = true
        }
        if player.hasWork || player.pending != nil {
            changed = changed || player.pending != nil       // progress, or the beat arriving
            try player.work(milliseconds: Self.tickBudgetMilliseconds)
        }
        return changed
    }
}

/// The MiniLM explorer: each key that changes the sentence or the ablation reruns the model before
/// the next frame; nothing happens between keys.
public final class BertScreen: InteractiveScreen {
    public let session: BertExplorerSession

    public init(session: BertExplorerSession) { self.session = session }

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        session.render(width: width, height: height, options: options)
    }

    public func handle(_ key: Key) -> KeyResult { session.handle(key) ? .handled : .quit }

    public let tickMilliseconds = 100

    public func tick() -> Bool { false }
}
