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
    public var simulation: SimulationMetrics?      // simulator mode only
}

/// Simulator mode's numbers as JSON (docs/metrics-schema.md, "SimulationMetrics").
public struct SimulationMetrics: Codable, Equatable, Sendable {
    public var integrator: SimulatorIntegrator
    public var dt: Float
    public var steps: Int
    public var stepsPerBlock: Int
    public var weightTied: Bool
    public var residual: Bool
    public var layerNorm: Bool
    public var diffusion: Float
    public var modelStep: Int                       // the training step the trajectory was simulated at
    public var rows: Int                            // batch rows simulated
    public var evaluations: Int
    public var times: [Float]                       // (N + 1) n·dt
    public var layers: [LayerMetrics]               // (N + 1) the state at each time, as ForwardMetrics.layers
    public var tokenRms: [[Float]]                  // (N + 1, T) rms of each token of batch row 0
    public var nonFiniteStep: Int?
    public var convergence: [ConvergenceRow]?       // h = dt, dt/2, dt/4 (absent until studied for these options)

    public init(_ sim: SimulationView, convergence: ConvergenceView?) {
        let c = sim.config
        integrator = c.integrator
        dt = c.dt
        steps = c.steps
        stepsPerBlock = c.stepsPerBlock
        weightTied = c.weightTied
        residual = c.residual
        layerNorm = c.layerNorm
        diffusion = c.diffusion
        modelStep = sim.modelStep
        rows = sim.rows
        evaluations = sim.evaluations
        times = sim.points.map(\.time)
        layers = sim.points.map(\.metrics)
        tokenRms = sim.points.map(\.tokenRms)
        nonFiniteStep = sim.nonFiniteStep
        self.convergence = convergence.flatMap { $0.config == c && $0.modelStep == sim.modelStep ? $0.rows : nil }
    }
}

/// Trains `steps` steps on `session`, selects `layer` / `head` (0-based), and returns the snapshot text.
public func headlessSnapshot(session: ExplorerSession, steps: Int, layer: Int = 0, head: Int = 0,
                             size: ScreenSize = .standard, format: SnapshotFormat = .txt,
                             colorMode: ColorMode = .c256, ascii: Bool = false, theme: Theme = .dark) -> String {
    session.train(steps: steps)
    session.select(layer: layer, head: head)
    _ = session.render(width: size.width, height: size.height, options: RenderOptions(colorMode: colorMode, ascii: ascii, theme: theme))
    return snapshotText(session.state, number: nil, format: format, colorMode: colorMode, ascii: ascii, theme: theme)
}

extension ExplorerSession {
    /// The current frame's metrics as JSON (docs/metrics-schema.md types).
    public var frameMetricsJSON: String {
        let simulation = state.shownSimulator.flatMap { sim in sim.simulation.map { SimulationMetrics($0, convergence: sim.convergence) } }
        return metricsJSON(FrameMetrics(step: state.step, forward: state.metrics, lastStep: state.lastStep, simulation: simulation),
                           pretty: true)
    }
}
