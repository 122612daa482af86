// Simulator mode (key M): the model's blocks read as a continuous-time system, depth as time
// (docs/simulator.md). The state keeps the simulator's options and the last results; this file's
// pure reducer handles the keys that only mean something in the mode. ExplorerSession runs
// `simulate` / `simulatorConvergence` when the options, the weights or the toggles change, never
// every frame: a simulation costs steps × stages evaluations of a block.
import PDETCore
import PDETRender

/// What the explorer shows, by name: the discrete Transformer or its continuous-time simulator.
public enum ExplorerMode: String, Equatable, Sendable {
    case discrete, simulator
}

/// The simulator's options and its last results: they exist only with the simulator.
public struct SimulatorState: Equatable, Sendable {
    public var config: SimulatorConfig
    public var simulation: SimulationView?      // the last trajectory
    public var convergence: ConvergenceView?    // the last convergence study
    public init(config: SimulatorConfig, simulation: SimulationView? = nil, convergence: ConvergenceView? = nil) {
        self.config = config
        self.simulation = simulation
        self.convergence = convergence
    }
}

/// What the explorer shows. The model view keeps the simulator as M left it (options and results,
/// nil before the first M), so that M brings it back as it was; only the simulator view draws it.
public enum ExplorerView: Equatable, Sendable {
    case model(parked: SimulatorState?)
    case simulator(SimulatorState)

    public var mode: ExplorerMode {
        switch self {
        case .model: return .discrete
        case .simulator: return .simulator
        }
    }

    /// The simulator's state, shown or parked.
    public var simulatorState: SimulatorState? {
        switch self {
        case .model(let parked): return parked
        case .simulator(let sim): return sim
        }
    }
}

extension ExplorerState {
    public var mode: ExplorerMode { view.mode }
    /// The simulator's state while it is shown (nil in the model view).
    public var shownSimulator: SimulatorState? {
        if case .simulator(let sim) = view { return sim }
        return nil
    }
    /// The simulator's options, shown or kept for the next M (nil before the first M).
    public var simulator: SimulatorConfig? { view.simulatorState?.config }
    /// The last trajectory and convergence study, shown or kept for the next M.
    public var simulation: SimulationView? { view.simulatorState?.simulation }
    public var convergence: ConvergenceView? { view.simulatorState?.convergence }

    /// Shows the simulator as it was left (on the first M: options matching the model), with `options` when given.
    public mutating func showSimulator(options: SimulatorConfig? = nil) {
        var sim = view.simulatorState ?? SimulatorState(config: initialSimulatorConfig(config))
        if let options { sim.config = options }
        view = .simulator(sim)
    }

    /// Back to the model view, the simulator parked for the next M.
    public mutating func showModel() {
        view = .model(parked: view.simulatorState)
    }

    /// Changes the shown simulator's state; nothing in the model view.
    public mutating func updateShownSimulator(_ change: (inout SimulatorState) -> Void) {
        guard case .simulator(var sim) = view else { return }
        change(&sim)
        view = .simulator(sim)
    }
}

/// One simulated trajectory as the screen needs it (the final state is dropped: it is not drawn).
public struct SimulationView: Equatable, Sendable {
    public var config: SimulatorConfig
    public var modelStep: Int                 // the model's training step the simulation ran at
    public var modelConfig: ModelConfig       // the model's toggles then (causal, positions matter)
    public var rows: Int                      // batch rows simulated (metrics average over them)
    public var points: [SimulatorPoint]       // n = 0 … steps (fewer when non-finite stopped it)
    public var nonFiniteStep: Int?
    public var evaluations: Int

    public init(config: SimulatorConfig, modelStep: Int, modelConfig: ModelConfig, rows: Int, trajectory: SimulatorTrajectory) {
        self.config = config
        self.modelStep = modelStep
        self.modelConfig = modelConfig
        self.rows = rows
        points = trajectory.points
        nonFiniteStep = trajectory.nonFiniteStep
        evaluations = trajectory.evaluations
    }
}

/// ‖x_h(T_f) − x_{h/2}(T_f)‖ / ‖x_{h/2}(T_f)‖ at one step size h.
public struct ConvergenceRow: Codable, Equatable, Sendable {
    public var dt: Float
    public var difference: Float
    public init(dt: Float, difference: Float) {
        self.dt = dt
        self.difference = difference
    }
}

/// The convergence study for one set of options at one model step.
public struct ConvergenceView: Equatable, Sendable {
    public var config: SimulatorConfig
    public var modelStep: Int
    public var modelConfig: ModelConfig
    public var rows: [ConvergenceRow]         // h = dt, dt/2, dt/4
    public init(config: SimulatorConfig, modelStep: Int, modelConfig: ModelConfig, rows: [ConvergenceRow]) {
        self.config = config
        self.modelStep = modelStep
        self.modelConfig = modelConfig
        self.rows = rows
    }

    /// difference(h) / difference(h/2): ≈ 2^order when the integrator converges at its order.
    public var ratios: [Float] {
        zip(rows, rows.dropFirst()).map { $0.difference / $1.difference }
    }
}

/// Steps ladder for `<` / `>` and the cap on steps (a simulation must stay interactive).
let simulatorStepLadder = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256]
public let simulatorMaxSteps = 256
/// `k` / `K` move D by this much.
let simulatorDiffusionStep: Float = 0.05
let simulatorDiffusionLimit: Float = 10
/// Convergence runs by itself after a key only when it costs at most this many block evaluations
/// (15 × steps × stages on one row); beyond, `v` runs it.
public let convergenceAutoBudget = 1600

/// The options M starts from: per-layer weights, dt 1, one Euler step per block, the model's own
/// stabilisers. This is exactly the discrete residual stream read as a forward-Euler scheme.
public func initialSimulatorConfig(_ model: ModelConfig) -> SimulatorConfig {
    SimulatorConfig(matching: model, stepsPerBlock: 1)
}

let simulatorEnteredMessage = "PDE simulator: depth read as time, x += dt·F(x)  (M: back to the discrete model)"

/// Evaluations of F a convergence study costs per batch row.
public func convergenceCost(_ c: SimulatorConfig) -> Int {
    15 * c.steps * (c.residual ? c.integrator.stages : 1)
}

/// M, and in simulator mode its own keys. Returns nil for keys this mode does not take.
func reduceSimulatorKey(_ state: inout ExplorerState, _ key: Key) -> [ExplorerEffect]? {
    if key == .char("M") {
        switch state.view {
        case .model:
            state.showSimulator()
            state.status = simulatorEnteredMessage
        case .simulator:
            state.showModel()
            state.status = "discrete model"
        }
        return [.simulate]
    }
    guard var c = state.shownSimulator?.config else { return nil }
    let message: String
    switch key {
    case .char("i"):
        c.integrator = c.integrator.next
        message = "integrator \(c.integrator.rawValue) (order \(c.integrator.order))"
    case .char("w"):
        c.weightTied.toggle()
        message = c.weightTied ? "weight-tied: block 1 at every step (autonomous ODE)" : "per-layer weights"
    case .char("r"):
        c.residual.toggle()
        message = "simulator residual \(c.residual ? "on: x += dt·F(x)" : "off: x ← F(x)")"
    case .char("l"):
        c.layerNorm.toggle()
        message = "simulator LayerNorm \(c.layerNorm ? "on" : "off")"
    case .char("d"):
        // Refine: half the step, twice the steps, each block held twice as long: the same final
        // time and the same vector field, so the trajectory should barely move if it converges.
        guard c.steps * 2 <= simulatorMaxSteps else {
            state.report(.error, "cannot halve dt: it would take \(c.steps * 2) steps (at most \(simulatorMaxSteps))")
            return []
        }
        c.dt /= 2
        c.steps *= 2
        c.stepsPerBlock *= 2
        message = "dt \(formatCompact(Double(c.dt))) × \(c.steps) steps (same final time)"
    case .char("D"):
        guard c.steps % 2 == 0, c.weightTied || c.stepsPerBlock % 2 == 0 else {
            state.report(.error, "cannot double dt: \(c.steps) steps, \(c.stepsPerBlock) per block do not halve")
            return []
        }
        c.dt *= 2
        c.steps /= 2
        if c.stepsPerBlock % 2 == 0 { c.stepsPerBlock /= 2 }
        message = "dt \(formatCompact(Double(c.dt))) × \(c.steps) steps (same final time)"
    case .char("<"), .char(">"):
        let ladder = simulatorStepLadder
        c.steps = key == .char(">") ? (ladder.first { $0 > c.steps } ?? ladder.last!)
                                    : (ladder.last { $0 < c.steps } ?? ladder.first!)
        message = "\(c.steps) steps, final time \(formatCompact(Double(c.finalTime)))"
    case .char("k"), .char("K"):
        let grid = (c.diffusion / simulatorDiffusionStep).rounded() + (key == .char("K") ? 1 : -1)
        c.diffusion = min(simulatorDiffusionLimit, max(0, grid * simulatorDiffusionStep))
        let courant = c.dt * c.diffusion
        message = "D \(formatCompact(Double(c.diffusion)))  dt·D \(formatCompact(Double(courant)))"
            + (courant > c.integrator.diffusionStabilityLimit
                ? " > \(c.integrator.diffusionStabilityLimitText): \(c.integrator.displayName) is unstable"
                : " ≤ \(c.integrator.diffusionStabilityLimitText)")
    case .char("v"):
        state.status = "convergence as dt shrinks: \(convergenceCost(c)) evaluations per row"
        return [.convergence]
    default:
        return nil
    }
    if let problem = c.problems().first {
        state.report(.error, "cannot apply: \(problem)")
        return []
    }
    state.updateShownSimulator { $0.config = c }
    state.status = message
    return [.simulate]
}

/// Header items in simulator mode: what is integrated, how, and which stabilisers are on.
func simulatorHeaderItems(_ state: ExplorerState, _ sim: SimulatorState) -> [HeaderItem] {
    let c = sim.config
    let alarm = Style(fg: Palette.alarm, bold: true)
    let courant = c.dt * c.diffusion
    var items = [
        HeaderItem(text: "PDE SIMULATOR", style: Style(bold: true, reverse: true)),
        HeaderItem(text: "\(c.integrator.rawValue)"),
        HeaderItem(text: "dt \(formatCompact(Double(c.dt))) × \(c.steps) = t \(formatCompact(Double(c.finalTime)))"),
        HeaderItem(text: c.weightTied ? "weight-tied" : "per-layer" + (c.stepsPerBlock > 1 ? " ×\(c.stepsPerBlock)" : "")),
        HeaderItem(text: "Residual \(c.residual ? "ON" : "OFF")", style: c.residual ? .plain : Style(bold: true)),
        HeaderItem(text: "LN \(c.layerNorm ? "on" : "OFF")", style: c.layerNorm ? .plain : Style(bold: true)),
        HeaderItem(text: "D \(formatCompact(Double(c.diffusion)))", style: courant > c.integrator.diffusionStabilityLimit ? alarm : .plain),
    ]
    if let simulation = sim.simulation, simulation.modelStep != state.step {
        items.append(HeaderItem(text: "simulated @ step \(simulation.modelStep)", style: Style(dim: true)))
    }
    return items
}

/// How B's view differs from A's in mode and simulator options, as "sim residual off (A on)".
public func simulatorDifferences(_ a: ExplorerState, _ b: ExplorerState) -> [String] {
    if a.mode != b.mode { return ["view \(b.mode.rawValue) (A \(a.mode.rawValue))"] }
    guard let ca = a.shownSimulator?.config, let cb = b.shownSimulator?.config else { return [] }
    var out: [String] = []
    func add(_ name: String, _ va: String, _ vb: String) {
        if va != vb { out.append("sim \(name) \(vb) (A \(va))") }
    }
    add("integrator", ca.integrator.rawValue, cb.integrator.rawValue)
    add("dt", formatCompact(Double(ca.dt)), formatCompact(Double(cb.dt)))
    add("steps", "\(ca.steps)", "\(cb.steps)")
    add("weights", ca.weightTied ? "tied" : "per-layer", cb.weightTied ? "tied" : "per-layer")
    add("residual", ca.residual ? "on" : "off", cb.residual ? "on" : "off")
    add("LN", ca.layerNorm ? "on" : "off", cb.layerNorm ? "on" : "off")
    add("D", formatCompact(Double(ca.diffusion)), formatCompact(Double(cb.diffusion)))
    return out
}
