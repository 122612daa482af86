// The "PDE simulator without stabilisers" mode: depth read as time. The token states x (B,T,C)
// follow the ODE (a semi-discrete PDE along the sequence)
//
//   dx/dt = F(x),   F(x) = Attn(LN1(x)) + FFN(LN2(x)) + D·Δx      (LayerNorm on; off: LN = identity)
//   Δx[i] = x[max(i−1, 0)] − 2·x[i] + x[min(i+1, T−1)]   per channel (Neumann boundary)
//
// integrated from x(0) = the model's embedding output by explicit Euler, Heun or classical RK4 with
// step dt. Both sublayers see the same x (a parallel block). With `residual` off the step is no
// longer an integrator: x_{n+1} = F(x_n) replaces the state. Weight-tied: every step uses block 0
// (an autonomous ODE); per-layer: step n uses block ⌊n / stepsPerBlock⌋ mod L (a vector field that
// is piecewise constant in time). docs/simulator.md explains what each option shows.

/// The time integrator of the simulator (ignored when `residual` is off).
public enum SimulatorIntegrator: String, CaseIterable, Codable, Sendable {
    case euler, heun, rk4

    /// Evaluations of F per step.
    public var stages: Int {
        switch self {
        case .euler: return 1
        case .heun: return 2
        case .rk4: return 4
        }
    }

    /// Global order of accuracy: the error at a fixed final time scales like dt^order.
    public var order: Int {
        switch self {
        case .euler: return 1
        case .heun: return 2
        case .rk4: return 4
        }
    }

    /// The largest dt·D at which this integrator keeps the diffusion term D·Δx alone stable. Δ's
    /// eigenvalues lie in (−4, 0], so z = dt·λ ∈ (−4·dt·D, 0], and a one-step method is stable
    /// where its amplification |R(z)| ≤ 1: Euler R = 1 + z and Heun R = 1 + z + z²/2 are stable
    /// for z ≥ −2 (dt·D ≤ 1/2, the diffusion layer's Σα ≤ 1/2 again); classic RK4 R = Σ zᵏ/k!
    /// (k ≤ 4) for z ≥ −2.785 29 (dt·D ≤ 0.696 32).
    public var diffusionStabilityLimit: Float {
        switch self {
        case .euler, .heun: return 0.5
        case .rk4: return 0.696_32
        }
    }

    /// The limit as the screens print it: "1/2" or "0.696".
    public var diffusionStabilityLimitText: String {
        self == .rk4 ? "0.696" : "1/2"
    }

    /// How the screens name the method: "explicit Euler", "Heun", "RK4".
    public var displayName: String {
        switch self {
        case .euler: return "explicit Euler"
        case .heun: return "Heun"
        case .rk4: return "RK4"
        }
    }

    public var next: SimulatorIntegrator {
        let all = SimulatorIntegrator.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// Options of one simulation. Independent of the model's own toggles (norm, residual, diffusion
/// site); only the weights, positional encoding and causal mask come from the model.
public struct SimulatorConfig: Equatable, Sendable {
    public var weightTied: Bool = false               // true: block 0 at every step (autonomous ODE)
    public var dt: Float = 0.25                       // time step
    public var steps: Int = 24                        // number of steps; final time = steps · dt
    public var integrator: SimulatorIntegrator = .euler
    public var residual: Bool = true                  // false: x_{n+1} = F(x_n) (no integrator)
    public var layerNorm: Bool = true                 // F uses the block's LN1 / LN2 (pre-LN style)
    public var diffusion: Float = 0                   // D ≥ 0; explicit Euler is stable for dt·D ≤ 1/2
    public var stepsPerBlock: Int = 1                 // per-layer mode: steps each block is held for

    public init() {}

    public init(weightTied: Bool = false, dt: Float = 0.25, steps: Int = 24,
                integrator: SimulatorIntegrator = .euler, residual: Bool = true, layerNorm: Bool = true,
                diffusion: Float = 0, stepsPerBlock: Int = 1) {
        self.weightTied = weightTied
        self.dt = dt
        self.steps = steps
        self.integrator = integrator
        self.residual = residual
        self.layerNorm = layerNorm
        self.diffusion = diffusion
        self.stepsPerBlock = stepsPerBlock
    }

    /// The ODE the discrete model approximates: per-layer weights, each block held for time 1
    /// (`stepsPerBlock` steps of dt = 1 / stepsPerBlock), final time L, with the model's residual
    /// and norm toggles. stepsPerBlock = 1 is one Euler step per block (a parallel-block Transformer).
    public init(matching model: ModelConfig, stepsPerBlock: Int = 1) {
        let k = max(1, stepsPerBlock)
        self.init(weightTied: false, dt: 1 / Float(k), steps: model.layers * k, integrator: .euler,
                  residual: model.residual, layerNorm: model.norm != .none, diffusion: 0, stepsPerBlock: k)
    }

    public var finalTime: Float { dt * Float(steps) }

    /// One line for the explorer's header, e.g. "simulator rk4 dt 0.25 × 24 per-layer residual LN D 0".
    public var summary: String {
        let weights = weightTied ? "tied" : (stepsPerBlock == 1 ? "per-layer" : "per-layer/\(stepsPerBlock)")
        let update = residual ? "\(integrator.rawValue) dt \(dt) × \(steps)" : "x←F(x) × \(steps)"
        return "simulator \(update) \(weights) \(residual ? "residual" : "no-residual") \(layerNorm ? "LN" : "no-LN") D \(diffusion)"
    }

    /// The block whose weights step n (0-based, from x_n to x_{n+1}) uses, for a model of L blocks.
    public func block(step n: Int, layers L: Int) -> Int {
        weightTied ? 0 : (n / max(1, stepsPerBlock)) % max(1, L)
    }

    /// Problems with these options, one line each; empty when valid.
    public func problems() -> [String] {
        var out: [String] = []
        if !(dt.isFinite && dt > 0 && dt <= 100) { out.append("simulator dt must be in (0, 100] (got \(dt))") }
        if steps < 0 || steps > 100_000 { out.append("simulator steps must be in 0...100000 (got \(steps))") }
        if !(diffusion.isFinite && diffusion >= 0 && diffusion <= 1000) {
            out.append("simulator diffusion D must be in 0...1000 (got \(diffusion))")
        }
        if stepsPerBlock < 1 || stepsPerBlock > 100_000 {
            out.append("simulator steps-per-block must be in 1...100000 (got \(stepsPerBlock))")
        }
        return out
    }
}

/// The state's dynamics at one time step.
public struct SimulatorPoint: Equatable, Sendable {
    public var step: Int             // n
    public var time: Float           // n · dt
    public var metrics: LayerMetrics // x_n against x_0 (drift) and x_{n−1} (update ratio; 0 at n = 0)
    /// (T) rms over channels of each token of batch row 0: the state along the sequence at time n,
    /// one row of the space-time picture a PDE simulation is drawn as.
    public var tokenRms: [Float]

    public init(step: Int, time: Float, metrics: LayerMetrics, tokenRms: [Float] = []) {
        self.step = step
        self.time = time
        self.metrics = metrics
        self.tokenRms = tokenRms
    }
}

/// One simulated trajectory, n = 0 … steps (fewer when a non-finite state stopped it).
public struct SimulatorTrajectory: Equatable, Sendable {
    public var config: SimulatorConfig
    public var points: [SimulatorPoint]   // (last + 1), points[n].step == n
    public var nonFiniteStep: Int?        // first n whose state holds NaN/Inf; integration stopped there
    public var finalState: [Float]        // (B, T, C) x at the last point
    public var batchSize: Int             // B
    public var seqLen: Int                // T
    public var dModel: Int                // C
    public var evaluations: Int           // evaluations of F (the cost)

    public init(config: SimulatorConfig, points: [SimulatorPoint], nonFiniteStep: Int?, finalState: [Float],
                batchSize: Int, seqLen: Int, dModel: Int, evaluations: Int) {
        self.config = config
        self.points = points
        self.nonFiniteStep = nonFiniteStep
        self.finalState = finalState
        self.batchSize = batchSize
        self.seqLen = seqLen
        self.dModel = dModel
        self.evaluations = evaluations
    }

    public var times: [Float] { points.map(\.time) }
    public var rms: [Float] { points.map(\.metrics.rms) }
    public var drift: [Float] { points.map(\.metrics.drift) }
    /// The metrics in time order, shaped like ForwardMetrics.layers (index n instead of layer l),
    /// so the layer panels can show the trajectory unchanged.
    public var layers: [LayerMetrics] { points.map(\.metrics) }
}

/// Simulates the model's blocks as a continuous-time system from the embedding of `tokens`
/// (all B rows). Throws on invalid options or a batch whose shape does not fit the model;
/// NaN/Inf never trap: they stop the integration and are reported in `nonFiniteStep`.
public func simulate(_ model: Transformer, tokens: Batch, config: SimulatorConfig) throws(ConfigError) -> SimulatorTrajectory {
    try checkSimulatorInput(model, tokens, config)
    let w = SimulatorWorkspace(model, B: tokens.batchSize)
    let run = model.runSimulator(tokens, config, w, metrics: true)
    return SimulatorTrajectory(config: config, points: run.points, nonFiniteStep: run.nonFiniteStep,
                               finalState: Array(UnsafeBufferPointer(start: w.x, count: w.BTC)),
                               batchSize: w.B, seqLen: w.T, dModel: w.C, evaluations: run.evaluations)
}

/// Convergence as dt shrinks: for h = dt, dt/2, dt/4 the relative L2 difference
/// ‖x_h(T_f) − x_{h/2}(T_f)‖ / ‖x_{h/2}(T_f)‖ at the same final time T_f = steps · dt (the finer run
/// takes twice the steps; in per-layer mode it also holds each block for twice the steps, so all
/// runs integrate the same vector field). For an order-p integrator each difference is ≈ 2^p times
/// the next. With `residual` off there is no continuous limit and the differences do not shrink.
/// A run that turns non-finite gives a NaN difference.
public func simulatorConvergence(_ model: Transformer, tokens: Batch,
                                 config: SimulatorConfig) throws(ConfigError) -> [(dt: Float, difference: Float)] {
    try checkSimulatorInput(model, tokens, config)
    guard config.steps <= 12_500 else {
        throw ConfigError("simulator convergence needs steps ≤ 12500: its finest run takes 8 × steps (got \(config.steps))")
    }
    let w = SimulatorWorkspace(model, B: tokens.batchSize)
    var finals: [[Float]?] = []
    for k in [1, 2, 4, 8] {
        var c = config
        c.dt = config.dt / Float(k)
        c.steps = config.steps * k
        c.stepsPerBlock = config.stepsPerBlock * k
        let run = model.runSimulator(tokens, c, w, metrics: false)
        finals.append(run.nonFiniteStep == nil ? Array(UnsafeBufferPointer(start: w.x, count: w.BTC)) : nil)
    }
    return (0..<3).map { i in
        let h = config.dt / Float(1 << i)
        guard let a = finals[i], let b = finals[i + 1] else { return (dt: h, difference: .nan) }
        return (dt: h, difference: relativeDifference(a, b))
    }
}

/// ‖a − b‖ / ‖b‖ in Double (0 when both are zero).
func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    var d = 0.0, n = 0.0
    for i in 0..<min(a.count, b.count) {
        let e = Double(a[i]) - Double(b[i])
        d += e * e
        n += Double(b[i]) * Double(b[i])
    }
    if n == 0 { return d == 0 ? 0 : .infinity }
    return Float((d / n).squareRoot())
}

func checkSimulatorInput(_ model: Transformer, _ tokens: Batch, _ config: SimulatorConfig) throws(ConfigError) {
    if let first = config.problems().first { throw ConfigError(first) }
    let T = model.config.seqLen
    guard tokens.batchSize >= 1, tokens.batchSize <= 4096, tokens.seqLen == T,
          tokens.tokens.count == tokens.batchSize * T else {
        throw ConfigError("simulator tokens must be (B, \(T)) with 1 ≤ B ≤ 4096 (got B \(tokens.batchSize), T \(tokens.seqLen), \(tokens.tokens.count) tokens)")
    }
}
