// The one terminal loop: every interactive command (the explorer live or synchronous, the A/B split,
// the simulator, lessons, scripts, recordings, MiniLM, the demo pattern) runs an InteractiveScreen
// on a TerminalBackend through `runTerminalLoop`. The ncurses TerminalScreen is one backend; the
// tests drive the same loop on a HeadlessBackend and assert on the frames it collected.
//
// Order of work: draw; replay the script's actions (one frame each); then keys are handled as
// they come (all pending ones before the next frame, so input never lags behind a slow frame, but
// one at a time while recording so a cast shows every keystroke), `tick` runs every
// `tickMilliseconds` while no key is pressed, and the screen is drawn after each batch of keys or
// a tick that changed it, at the backend's current size. A click becomes the keys its place on
// the frame on screen stands for (Grid.keys(for:)), hit-tested against that frame, so a drain stops
// at a click. A quit key or the backend's quit request (signals, the terminal gone, the headless
// input exhausted) ends the loop; the caller restores the terminal.
import Foundation
import PDETRender
import PDETScript

/// Runs `screen` on `backend` until a key quits or the backend asks to end. `script` (an interactive
/// `--script`) is performed first, `recorder` gets every drawn frame at the wall-clock time since the
/// start, `sleep` does the script's waits (tests pass a no-op). Timed by the wall clock.
public func runTerminalLoop(
    _ screen: some InteractiveScreen,
    on backend: some TerminalBackend,
    options: RenderOptions,
    script: [ScriptAction] = [],
    recorder: FrameRecorder? = nil,
    sleep: (Int) -> Void = { ms in usleep(UInt32(max(0, ms)) * 1000) }
) throws {
    try runTerminalLoop(screen, on: backend, options: options, script: script, recorder: recorder, sleep: sleep,
                        clock: ContinuousClock())
}

/// The loop with its clock injected: `clock` times the ticks and the recording's timestamps, so a
/// test (or a headless replay) can run it on a clock it moves itself.
public func runTerminalLoop(
    _ screen: some InteractiveScreen,
    on backend: some TerminalBackend,
    options: RenderOptions,
    script: [ScriptAction],
    recorder: FrameRecorder?,
    sleep: (Int) -> Void,
    clock: some Clock<Duration>
) throws {
    let start = clock.now
    let maxKeysPerFrame = recorder == nil ? 256 : 1      // a paste or key-repeat flood still lets a frame through
    var onScreen = Grid(width: 0, height: 0)

    func draw() throws {
        let size = backend.size
        onScreen = screen.render(width: size.width, height: size.height, options: options)
        backend.draw(onScreen)
        try recorder?.record(onScreen, at: seconds(start.duration(to: clock.now)))
    }
    /// A key, or the keys a click stands for; false to quit.
    func send(_ key: Key) throws -> Bool {
        guard case .mouse(let event) = key else { return try screen.handle(key) == .handled }
        for k in onScreen.keys(for: event) {
            if try screen.handle(k) == .quit { return false }
        }
        return true
    }

    screen.start()
    defer { screen.stop() }
    try draw()
    for action in script {
        if backend.quitRequested { return }
        if case .resize = action { continue }          // the real terminal decides its size
        guard try screen.perform(action, sleep: sleep) else { return }
        try draw()
    }
    var nextTick = clock.now.advanced(by: .milliseconds(screen.tickMilliseconds))
    while !backend.quitRequested {
        var changed = false
        if var key = backend.readKey(timeoutMilliseconds: milliseconds(clock.now.duration(to: nextTick))) {
            guard try send(key) else { return }
            changed = true
            var drained = 1
            while !key.isMouse, drained < maxKeysPerFrame, !backend.quitRequested,
                  let next = backend.readKey(timeoutMilliseconds: 0) {
                guard try send(next) else { return }
                drained += 1
                key = next
            }
        }
        if backend.quitRequested {
            if changed { try draw() }                    // the last keys' frame (headless input ends here)
            return
        }
        if clock.now >= nextTick {
            if try screen.tick() { changed = true }
            nextTick = clock.now.advanced(by: .milliseconds(screen.tickMilliseconds))
        }
        if changed { try draw() }
    }
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Whole milliseconds of `d`, 0 when it is already past.
private func milliseconds(_ d: Duration) -> Int {
    max(0, Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000))
}

extension Key {
    var isMouse: Bool {
        if case .mouse = self { return true }
        return false
    }
}
