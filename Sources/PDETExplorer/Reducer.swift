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
    case evaluate               // the held-out evaluation now
    case reloadOpening          // back to the model the explorer opened with (weights, AdamW state, toggles)
    case simulate               // simulator mode: a fresh trajectory (and a cheap convergence study)
    case convergence            // simulator mode: the convergence study, whatever it costs
    case quit
}

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
    case .char("g"):
        state.overlay = state.overlay == .glossary ? .none : .glossary
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
    case .char("z"):
        state.attentionAutoscale.toggle()
        state.status = state.attentionAutoscale ? "attention colours autoscaled to the map's max (z: fixed 0–1)"
                                                : "attention colours on the fixed 0–1 scale (z: autoscale)"
        return []
    case .char("s"):
        return [.snapshot]
    case .char("S"):
        return [.saveCheckpoint]
    case .char("e"):
        return [.evaluate]
    case .char("o"):
        return [.reloadOpening]
    case .char("w"):  // "window"; `z` is the attention map's autoscale (issue 22, item 4)
        state.chartWindow = state.chartWindow == .whole ? .recent : .whole
        state.status = state.chartWindow == .whole ? "charts: whole history" : "charts: " + (state.chartRange().label ?? "recent")
        return []
    case .char(let c):
        if let toggle = state.fields.toggle(for: c) { return toggled(&state, toggle.field, forward: toggle.forward) }
        state.status = "key '\(c)' does nothing (? lists the keys)"
        return []
    default:
        return []
    }
}

/// A toggle key (the field table's): the field moves one step, the status says to what.
private func toggled(_ state: inout ExplorerState, _ field: ConfigField, forward: Bool) -> [ExplorerEffect] {
    field.step(&state.config, forward: forward)
    let screen = field.screen!
    state.status = "\(screen.status) \(fieldText(field.shown(state.config)))"
        + (screen.notesStability ? unstableNote(state.config) : "")
    // Toggling before any training (from scratch or right after loading a checkpoint) keeps the
    // reproduce line exact: the flags then describe the whole run.
    let startStep: Int
    switch state.origin {
    case .scratch: startStep = 0
    case .checkpoint(_, let step): startStep = step
    }
    if state.step > startStep { state.toggledDuringRun = true }
    // What the last step and evaluation measured was another model: stale until recomputed.
    if !state.history.loss.isEmpty { state.trainingFiguresStale = true }
    if !state.history.heldOut.isEmpty { state.heldOutStale = true }
    state.lastToggleStep = state.step
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

/// A field's value as every screen spells it: on/off, names, compact numbers, "1,2,4".
public func fieldText(_ value: FieldValue) -> String {
    switch value {
    case .onOff(let on): return on ? "on" : "off"
    case .text(let text): return text
    case .number(let x): return formatCompact(x)
    case .list(let values): return scalesText(values)
    }
}
