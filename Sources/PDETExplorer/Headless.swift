// The headless frame: N training steps, then the same screen the explorer draws, with no terminal.
// `pdet-tui snapshot` and the golden tests both go through `headlessSnapshot`, so a golden file is
// byte-for-byte what the command prints.
import PDETCore
import PDETIO
import PDETRender
import PDETTasks

/// What `--metrics-json` writes: the forward pass of the displayed batch and the last training step.
public struct FrameMetrics: Codable, Equatable, Sendable {
    public var step: Int
    public var forward: ForwardMetrics?
    public var lastStep: StepMetrics?
}

/// Trains `steps` steps on `session`, selects `layer` / `head` (0-based), and returns the snapshot text.
public func headlessSnapshot(session: ExplorerSession, steps: Int, layer: Int = 0, head: Int = 0,
                             size: ScreenSize = .standard, format: SnapshotFormat = .txt,
                             colorMode: ColorMode = .c256, ascii: Bool = false) -> String {
    session.train(steps: steps)
    session.select(layer: layer, head: head)
    _ = session.render(width: size.width, height: size.height, options: RenderOptions(colorMode: colorMode, ascii: ascii))
    return snapshotText(session.state, number: nil, format: format, colorMode: colorMode, ascii: ascii)
}

extension ExplorerSession {
    /// The current frame's metrics as JSON (docs/metrics-schema.md types).
    public var frameMetricsJSON: String {
        metricsJSON(FrameMetrics(step: state.step, forward: state.metrics, lastStep: state.lastStep), pretty: true)
    }
}
