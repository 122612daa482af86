// Timings for docs/performance.md (a benchmark, not a timed test): composing a frame, a key press
// to a new frame (toggle → model.apply → forward of the displayed batch → compose), a training step.
import PDETCore
import PDETRender

public struct ExplorerTimings: Equatable, Sendable, CustomStringConvertible {
    public var composeMilliseconds: Double      // renderScreen at the given size (median)
    public var exportMilliseconds: Double       // the same grid as ANSI text (a stand-in for painting it)
    public var keyToPreviewMilliseconds: Double // `r` through the reducer and the 120×40 frame composed (what
                                                // the interactive explorer shows at once, LiveExplorer)
    public var keyToFrameMilliseconds: Double   // `r` applied to the model, a fresh forward pass, the frame composed
    public var trainStepMilliseconds: Double    // one training step with its display forward (median)
    public var size: ScreenSize

    public var description: String {
        func f(_ v: Double) -> String { formatCompact(v) }
        return "compose \(size.width)x\(size.height): \(f(composeMilliseconds)) ms, ansi export: \(f(exportMilliseconds)) ms, "
            + "key to preview frame: \(f(keyToPreviewMilliseconds)) ms, key to recomputed frame: \(f(keyToFrameMilliseconds)) ms, "
            + "training step: \(f(trainStepMilliseconds)) ms"
    }
}

/// Medians over `repeats` runs on a model of `config` after `warmSteps` training steps.
public func measureExplorer(config: ModelConfig = ModelConfig(), size: ScreenSize = ScreenSize(width: 200, height: 60),
                            repeats: Int = 15, warmSteps: Int = 3) throws -> ExplorerTimings {
    let session = try ExplorerSession(config: config)
    let clock = ContinuousClock()
    func median(_ body: () -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<max(1, repeats) {
            let t = clock.measure(body)
            samples.append(Double(t.components.seconds) * 1000 + Double(t.components.attoseconds) / 1e15)
        }
        return samples.sorted()[samples.count / 2]
    }
    var stepTimes: [Double] = []
    for _ in 0..<max(1, warmSteps) {
        let t = clock.measure { session.train(steps: 1) }
        stepTimes.append(Double(t.components.seconds) * 1000 + Double(t.components.attoseconds) / 1e15)
    }
    let options = RenderOptions.standard
    var grid = Grid(width: 0, height: 0)
    let compose = median { grid = renderScreen(session.state, width: size.width, height: size.height, options: options) }
    let export = median { _ = grid.ansiText(options) }
    let preview = median {
        var state = session.state
        _ = reduce(&state, .char("r"))
        _ = renderScreen(state, width: 120, height: 40, options: options)
    }
    let key = median {
        session.handle(.char("r"))
        _ = session.render(width: 120, height: 40, options: options)
    }
    return ExplorerTimings(composeMilliseconds: compose, exportMilliseconds: export,
                           keyToPreviewMilliseconds: preview, keyToFrameMilliseconds: key,
                           trainStepMilliseconds: stepTimes.sorted()[stepTimes.count / 2], size: size)
}
