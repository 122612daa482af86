// The app loop: keys are handled as they come (all pending ones before each render, so input never
// lags behind a slow frame), `tick` runs every frame interval while no key is pressed (training),
// and the screen is re-rendered after each batch of keys or tick at the terminal's current size.
import PDETRender

/// Runs until `handle` returns false for a key or a quit signal arrives (SIGINT/SIGTERM/SIGHUP).
/// `render(width, height)` draws the whole screen; `.resize` keys are passed to `handle` too.
public func runTerminalLoop(
    screen: TerminalScreen,
    frameIntervalMilliseconds: Int,
    tick: () -> Void,
    render: (Int, Int) -> Grid,
    handle: (Key) -> Bool
) {
    let clock = ContinuousClock()
    let interval = Duration.milliseconds(max(1, frameIntervalMilliseconds))
    let maxKeysPerFrame = 256   // a paste or key-repeat flood still lets a frame through
    var nextTick = clock.now.advanced(by: interval)

    func redraw() {
        let size = screen.size
        screen.draw(render(size.width, size.height))
    }

    redraw()
    while !screen.quitRequested {
        let wait = clock.now.duration(to: nextTick)
        let waitMilliseconds = max(0, Int(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000))
        var changed = false
        if let first = screen.readKey(timeoutMilliseconds: waitMilliseconds) {
            guard handle(first) else { return }
            changed = true
            var drained = 1
            while drained < maxKeysPerFrame, !screen.quitRequested, let key = screen.readKey(timeoutMilliseconds: 0) {
                guard handle(key) else { return }
                drained += 1
            }
        }
        if screen.quitRequested { return }
        if clock.now >= nextTick {
            tick()
            changed = true
            nextTick = clock.now.advanced(by: interval)
        }
        if changed { redraw() }
    }
}
