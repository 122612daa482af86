// The one screen protocol: what the terminal loop (TerminalLoop.swift) needs from anything it shows.
// The toy explorer (single, A/B split, simulator mode), its live threaded form, a lesson and the
// MiniLM explorer each wrap their own pure state, reducer and renderer in this (InteractiveScreens.swift);
// the loop knows nothing else about them.
import PDETRender
import PDETScript

/// What a key did to a screen.
public enum KeyResult: Equatable, Sendable {
    case handled
    case quit
}

public protocol InteractiveScreen: AnyObject {
    /// The frame at `width`×`height` (also what the screen's `s` snapshot will write at that size).
    func render(width: Int, height: Int, options: RenderOptions) -> Grid
    /// One key: reduce, run the effects; `.quit` ends the loop.
    func handle(_ key: Key) throws -> KeyResult
    /// How long the loop waits for keys before calling `tick` (0: tick as often as possible).
    var tickMilliseconds: Int { get }
    /// Time passing with no key: training, playback, a worker's news. True when the frame changed.
    func tick() throws -> Bool
    /// One action of an interactive `--script` before the keys take over; false to quit.
    /// `sleep(ms)` really waits (`wait` lines).
    func perform(_ action: ScriptAction, sleep: (Int) -> Void) throws -> Bool
    /// The loop is about to start / has ended (a background worker starts and stops here).
    func start()
    func stop()
}

extension InteractiveScreen {
    /// Keys and waits only: steps, selections and snapshots need a model session (ExplorerScreen).
    public func perform(_ action: ScriptAction, sleep: (Int) -> Void) throws -> Bool {
        switch action {
        case .key(let key): return try handle(key) == .handled
        case .resize(let width, let height): return try handle(.resize(width: width, height: height)) == .handled
        case .wait(let ms): sleep(ms)
        case .quit: return false
        case .steps, .layer, .head, .snapshot: break
        }
        return true
    }

    public func start() {}
    public func stop() {}
}

/// The terminal inputs a script stands for (keys, resizes, waits as idle reads) for a HeadlessBackend;
/// input ends at `quit`. Steps, layer/head selections and snapshots are no terminal input: they are
/// rejected with a one-line message (give them to the loop's `script:` instead).
public func headlessInputs(_ actions: [ScriptAction]) throws(ScriptRunError) -> [HeadlessInput] {
    var inputs: [HeadlessInput] = []
    for action in actions {
        switch action {
        case .key(let key): inputs.append(.key(key))
        case .resize(let width, let height): inputs.append(.resize(width: width, height: height))
        case .wait: inputs.append(.idle)
        case .quit: return inputs
        case .steps, .layer, .head, .snapshot:
            throw ScriptRunError("\(action) is not terminal input (keys, resize, wait, quit)")
        }
    }
    return inputs
}
