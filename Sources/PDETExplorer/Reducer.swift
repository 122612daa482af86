// Keys → state changes and effects. Pure: no model, no files, no clock, so every key can be
// tested (and fuzzed) without a terminal. Effects are what only the session can do: run the model,
// build a new one, write files, quit.
import PDETCore
import PDETRender

public enum ExplorerEffect: Equatable, Sendable {
    case applyConfig            // push state.config into the model, then a fresh forward pass
    case refresh                // a fresh forward pass only (the selection changed what is probed and fitted)
    case trainSteps(Int)        // train this many steps now, then refresh
    case reset                  // new weights from state.config (seed already changed by the reducer)
    case switchTask             // a new run for state.config.task (same toggles)
    case snapshot               // write snapshots/NNNN.txt, .ansi and .svg
    case saveCheckpoint         // write snapshots/step-N.safetensors (weights, AdamW state, history)
    case simulate               // simulator mode: a fresh trajectory (and a cheap convergence study)
    case convergence            // simulator mode: the convergence study, whatever it costs
    case quit
}

/// The diffusion scale sets `m` switches between.
public let singleScale = [1]
public let multiScale = [1, 2, 4]

/// `a` / `A` move the total alpha by this much, on a grid so repeated presses never drift.
let alphaStep: Float = 0.05
let alphaLimit: Float = 2

/// Applies `key` to `state` and returns what the session must do. Keys that mean nothing leave a hint.
public func reduce(_ state: inout ExplorerState, _ key: Key) -> [ExplorerEffect] {
    if let effects = reduceSimulatorKey(&state, key) { return effects }
    switch key {
    case .resize(let w, let h):
        state.size = ScreenSize(width: max(0, w), height: max(0, h))
        return []
    case .escape:
        state.overlay = .none
        return []
    case .ctrl("c"), .char("q"):
        return [.quit]
    case .char("?"):
        state.overlay = state.overlay == .help ? .none : .help
        return []
    case .char(" "):
        state.running.toggle()
        state.status = state.running ? "running" : "paused"
        return []
    case .char("n"), .char("."):
        state.status = "one step"
        return [.trainSteps(1)]
    case .char("+"), .char("="):
        state.stepsPerFrame = nextSpeed(state.stepsPerFrame, up: true)
        state.status = "\(state.stepsPerFrame) steps per frame"
        return []
    case .char("-"), .char("_"):
        state.stepsPerFrame = nextSpeed(state.stepsPerFrame, up: false)
        state.status = "\(state.stepsPerFrame) steps per frame"
        return []
    case .char("r"):
        state.config.residual.toggle()
        return toggled(&state, "residual \(state.config.residual ? "on" : "off")")
    case .char("l"):
        state.config.norm = state.config.norm.next
        return toggled(&state, "norm \(state.config.norm.rawValue)")
    case .char("p"):
        state.config.pde = state.config.pde.next
        return toggled(&state, "diffusion site \(state.config.pde.rawValue)")
    case .char("P"):
        state.config.pde = state.config.pde.previous
        return toggled(&state, "diffusion site \(state.config.pde.rawValue)")
    case .char("m"):
        state.config.pdeScales = state.config.pdeScales == singleScale ? multiScale : singleScale
        return toggled(&state, "diffusion scales \(scalesText(state.config.pdeScales))" + unstableNote(state.config))
    case .char("a"), .char("A"):
        let up = key == .char("A")
        let grid = (state.config.pdeAlpha / alphaStep).rounded() + (up ? 1 : -1)
        state.config.pdeAlpha = min(alphaLimit, max(0, grid * alphaStep))
        return toggled(&state, "alpha \(formatCompact(Double(state.config.pdeAlpha)))" + unstableNote(state.config))
    case .char("c"):
        state.config.pdeClamp.toggle()
        return toggled(&state, "alpha clamp \(state.config.pdeClamp ? "on" : "off")")
    case .char("["), .left:
        state.layer = wrapped(state.layer - 1, state.config.layers)
        state.status = "layer \(state.layer + 1)"
        return [.refresh]
    case .char("]"), .right:
        state.layer = wrapped(state.layer + 1, state.config.layers)
        state.status = "layer \(state.layer + 1)"
        return [.refresh]
    case .char("h"), .down:
        state.head = wrapped(state.head + 1, state.config.heads)
        state.status = "head \(state.head + 1)"
        return [.refresh]
    case .char("H"), .up:
        state.head = wrapped(state.head - 1, state.config.heads)
        state.status = "head \(state.head + 1)"
        return [.refresh]
    case .char("t"):
        state.config.task = state.config.task.next
        state.status = "task \(state.config.task.rawValue)"
        return [.switchTask]
    case .char("R"):
        state.config.seed &+= 1
        state.status = "new weights, seed \(state.config.seed)"
        return [.reset]
    case .char("s"):
        return [.snapshot]
    case .char("S"):
        return [.saveCheckpoint]
    case .char(let c):
        state.status = "key '\(c)' does nothing (? lists the keys)"
        return []
    default:
        return []
    }
}

private func toggled(_ state: inout ExplorerState, _ message: String) -> [ExplorerEffect] {
    state.status = message
    // Toggling before any training (from scratch or right after loading a checkpoint) keeps the
    // reproduce line exact: the flags then describe the whole run.
    let startStep: Int
    switch state.origin {
    case .scratch: startStep = 0
    case .checkpoint(_, let step): startStep = step
    }
    if state.step > startStep { state.toggledDuringRun = true }
    return [.applyConfig]
}

private func wrapped(_ i: Int, _ n: Int) -> Int {
    guard n > 0 else { return 0 }
    return ((i % n) + n) % n
}

private func nextSpeed(_ current: Int, up: Bool) -> Int {
    let speeds = ExplorerState.speeds
    if up { return speeds.first { $0 > current } ?? speeds.last! }
    return speeds.last { $0 < current } ?? speeds.first!
}

/// "1" or "1,2,4".
public func scalesText(_ scales: [Int]) -> String {
    scales.map(String.init).joined(separator: ",")
}
