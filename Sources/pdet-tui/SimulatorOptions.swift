// `--simulator` and its options: open the explorer (or draw a snapshot) in PDE simulator mode.
// Unset options start from the mode's default for the model (per-layer, Euler, dt 1, one step per
// block, the model's stabilisers); the snapshot's reproduce line writes them all out.
import ArgumentParser
import PDETCore
import PDETExplorer

extension SimulatorIntegrator: ExpressibleByArgument {}

struct SimulatorOptions: ParsableArguments {
    @Flag(name: .customLong("simulator"), help: "Open in PDE simulator mode (key M): depth read as time.")
    var enabled = false
    @Option(name: .customLong("sim-integrator"), help: "euler, heun or rk4. (default: euler)")
    var integrator: SimulatorIntegrator?
    @Option(name: .customLong("sim-dt"), help: "Time step, (0, 100]. (default: 1)")
    var dt: Float?
    @Option(name: .customLong("sim-steps"), help: "Number of steps, 0...\(simulatorMaxSteps). (default: layers)")
    var steps: Int?
    @Option(name: .customLong("sim-steps-per-block"), help: "Per-layer weights: steps each block is held for. (default: 1)")
    var stepsPerBlock: Int?
    @Option(name: .customLong("sim-weights"), help: "tied (block 1 at every step) or per-layer. (default: per-layer)")
    var weights: SimulatorWeights?
    @Option(name: .customLong("sim-residual"), help: "on: x += dt·F(x); off: x ← F(x). (default: the model's)")
    var residual: OnOff?
    @Option(name: .customLong("sim-layernorm"), help: "LayerNorm inside F, on or off. (default: on unless --norm none)")
    var layerNorm: OnOff?
    @Option(name: .customLong("sim-diffusion"), help: "Diffusion coefficient D ≥ 0 of D·Δx. (default: 0)")
    var diffusion: Float?

    var anySet: Bool {
        integrator != nil || dt != nil || steps != nil || stepsPerBlock != nil || weights != nil || residual != nil
            || layerNorm != nil || diffusion != nil
    }

    func validate() throws {
        if anySet && !enabled { throw ValidationError("the --sim-* options need --simulator") }
        if let steps, steps > simulatorMaxSteps {
            throw ValidationError("--sim-steps must be at most \(simulatorMaxSteps) (got \(steps))")
        }
    }

    /// The options over the mode's default for `model`; a one-line error for invalid ones.
    func config(for model: ModelConfig) throws -> SimulatorConfig {
        var c = initialSimulatorConfig(model)
        if let integrator { c.integrator = integrator }
        if let dt { c.dt = dt }
        if let steps { c.steps = steps }
        if let stepsPerBlock { c.stepsPerBlock = stepsPerBlock }
        if let weights { c.weightTied = weights == .tied }
        if let residual { c.residual = residual.isOn }
        if let layerNorm { c.layerNorm = layerNorm.isOn }
        if let diffusion { c.diffusion = diffusion }
        if let problem = c.problems().first { throw ValidationError(problem) }
        return c
    }

    /// Puts `session` in simulator mode when --simulator was given.
    func apply(to session: ExplorerSession) throws {
        guard enabled else { return }
        try session.enterSimulator(config(for: session.state.config))
    }
}

enum SimulatorWeights: String, CaseIterable, ExpressibleByArgument {
    case tied
    case perLayer = "per-layer"
}
