// The interactive explorer's threading: model work (toggles, forward passes, training) runs on one
// background thread so that keys and redraws never wait for a training step, however slow the model.
//
// The UI thread hands each key over (`send`) and draws `preview()`: the state the worker last
// published with the keys it has not finished yet applied by the pure reducer, so a toggle shows in
// the header at once and its numbers follow when the step in flight ends. The worker applies keys
// to the ComparisonSession in order, then, while running, trains frames of `stepsPerFrame` steps
// (one frame per `frameMilliseconds` at most: the speed keys set steps per frame) and publishes its
// state after every key batch and every step. The sessions are touched by the worker thread only.
// The same holds in the A/B split (`b`): the preview reduces keys with `reduceSplit`, and a frame's
// steps are lockstep steps of both panes.
import Foundation
import PDETRender

public final class LiveExplorer: @unchecked Sendable {
    private let condition = NSCondition()        // guards every field below
    private var pending: [Key] = []              // sent, not yet taken by the worker
    private var inFlight: [Key] = []             // taken, not yet reflected in `published`
    private var published: SplitState
    private var publishedVersion = 0
    private var stopped = false
    private var finished = false
    private let comparison: ComparisonSession
    public let frameMilliseconds: Int

    /// `options` are what `s` writes the .ansi snapshot with; `size` the terminal's size at start.
    public convenience init(session: ExplorerSession, options: RenderOptions, size: ScreenSize, frameMilliseconds: Int = 50) {
        self.init(comparison: ComparisonSession(session), options: options, size: size, frameMilliseconds: frameMilliseconds)
    }

    /// Drives a ComparisonSession (single view until `b`, or already split).
    public init(comparison: ComparisonSession, options: RenderOptions, size: ScreenSize, frameMilliseconds: Int = 50) {
        comparison.setDisplay(options: options, size: size)
        self.comparison = comparison
        self.frameMilliseconds = frameMilliseconds
        published = comparison.state
    }

    /// Starts the worker thread (once).
    public func start() {
        let thread = Thread { [self] in work() }
        thread.name = "pdet-explorer-model"
        thread.start()
    }

    /// Queues `key` for the worker. Returns false for a quit key (q, Ctrl-C), which is not queued.
    @discardableResult
    public func send(_ key: Key) -> Bool {
        condition.lock()
        var scratch = published
        condition.unlock()
        if reduceSplit(&scratch, key).contains(.quit) { return false }
        condition.lock()
        pending.append(key)
        condition.signal()
        condition.unlock()
        return true
    }

    /// Increases whenever the worker publishes: the UI redraws when it changed.
    public var version: Int {
        condition.lock()
        defer { condition.unlock() }
        return publishedVersion
    }

    /// The focused pane of `previewSplit()` (pane A in the single view).
    public func preview() -> ExplorerState {
        previewSplit().focused
    }

    /// The last published state with the keys still in the worker's hands applied by the reducer.
    public func previewSplit() -> SplitState {
        condition.lock()
        var state = published
        let keys = inFlight + pending
        condition.unlock()
        for key in keys { _ = reduceSplit(&state, key) }
        return state
    }

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        renderSplitScreen(previewSplit(), width: width, height: height, options: options)
    }

    /// Asks the worker to stop and waits up to `timeoutSeconds` for the step in flight to end.
    public func stop(timeoutSeconds: Double = 0.25) {
        condition.lock()
        stopped = true
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        while !finished && condition.wait(until: deadline) {}
        condition.unlock()
    }

    /// True once the worker has published `n` versions or more (tests wait on this).
    public func waitForVersion(atLeast n: Int, timeoutSeconds: Double = 10) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        while publishedVersion < n {
            if !condition.wait(until: deadline) { return publishedVersion >= n }
        }
        return true
    }

    /// True when no key waits for the worker (tests wait on this).
    public var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return pending.isEmpty && inFlight.isEmpty
    }

    // MARK: worker thread

    private func work() {
        var frameStart = ContinuousClock.now
        while true {
            condition.lock()
            // Sleep until a key arrives, or until the next frame is due while running.
            while pending.isEmpty && !stopped {
                if comparison.a.state.running {
                    let due = frameStart.advanced(by: .milliseconds(frameMilliseconds))
                    let wait = ContinuousClock.now.duration(to: due)
                    if wait <= .zero { break }
                    let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                    _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                } else {
                    condition.wait()
                }
            }
            if stopped {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let keys = pending
            pending = []
            inFlight = keys
            condition.unlock()

            for key in keys { comparison.handle(key) }
            if !keys.isEmpty { publish(clearingInFlight: true) }
            guard comparison.a.state.running, keys.isEmpty else { continue }
            frameStart = ContinuousClock.now
            var taken = 0
            while taken < comparison.a.state.stepsPerFrame && !hasPendingWork() {
                _ = comparison.tick(shouldYield: { true })   // one step (of both panes when split)
                taken += 1
                publish(clearingInFlight: false)
            }
        }
    }

    private func hasPendingWork() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return !pending.isEmpty || stopped
    }

    private func publish(clearingInFlight: Bool) {
        let state = comparison.state
        condition.lock()
        published = state
        publishedVersion += 1
        if clearingInFlight { inFlight = [] }
        condition.broadcast()
        condition.unlock()
    }
}
