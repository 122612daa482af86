// The explorer's engine: owns the TrainingRun, turns the reducer's effects into model work, and
// keeps ExplorerState's numbers fresh. Every toggle is followed by a forward pass of the displayed
// batch (held-out batch 0, 4 rows), so the screen changes at once without a training step; every
// training step is followed by one too, which makes the history of the largest rms dense and the
// frame after N steps the same however the steps were grouped into frames.
import PDETCore
import PDETIO
#if canImport(Glibc)
import Glibc
#endif
import PDETRender
import PDETTasks

public final class ExplorerSession {
    public internal(set) var state: ExplorerState     // internal set: ComparisonSession adopts reduced states
    public private(set) var run: TrainingRun
    private var displayBatch: Batch
    /// Folder `s` writes into (relative to the working directory).
    public var snapshotDirectory = "snapshots"
    /// The options of the last interactive render (what `s` writes as .ansi and .svg).
    public private(set) var lastOptions = RenderOptions.standard
    /// How `s` writes the .svg (PDETIO's atomic writer; tests substitute one that fails).
    public var svgWriter: SnapshotFileWriter = atomicSnapshotWriter
    /// `o`: the run and state the session opened with (the shipped checkpoint, `--checkpoint`, or
    /// fresh weights), never trained itself: reloading copies it. Shared with copies of the session.
    private var opening: (run: TrainingRun, state: ExplorerState)?

    /// Held-out accuracy is measured every `evaluateEvery` steps on `evaluateLimit` examples.
    public static let evaluateEvery = 100
    public static let evaluateLimit = 256
    public static let displayRows = 4
    /// Simulator mode: batch rows the trajectory runs on (its cost is linear in them; the
    /// convergence study uses the first row only) and how often training refreshes it.
    public static let simulationRows = 2
    public static let simulateEvery = 10

    public init(run: TrainingRun, origin: RunOrigin = .scratch, running: Bool = false, status: String = "") {
        self.run = run
        displayBatch = run.displayBatch(rows: Self.displayRows)
        state = ExplorerState(config: run.config)
        state.origin = origin
        state.running = running
        state.status = run.notes.isEmpty ? status : ([status] + run.notes).filter { !$0.isEmpty }.joined(separator: "; ")
        state.step = run.model.step
        state.history = TrainingHistory(restoring: run)
        refresh()
        opening = (try? run.copy()).map { ($0, state) }
    }

    /// A fresh model for `config` (its task's data must be available).
    public convenience init(config: ModelConfig, running: Bool = false, status: String = "") throws {
        self.init(run: try TrainingRun(config: config), origin: .scratch, running: running, status: status)
    }

    /// A session adopting `run` and `state` as they are (no forward pass yet): `copy(state:)`.
    private init(adopting run: TrainingRun, state: ExplorerState) {
        self.run = run
        displayBatch = run.displayBatch(rows: Self.displayRows)
        self.state = state
    }

    /// An exact, independent twin: a copy of the run (weights, AdamW state, step, history) showing
    /// `state` (default: this session's), its numbers refreshed. Training both gives the same bits.
    /// The A/B split starts pane B so; a lesson keeps each beat's end so (LessonPlayer).
    public func copy(state: ExplorerState? = nil) throws(ConfigError) -> ExplorerSession {
        let twin = ExplorerSession(adopting: try run.copy(), state: state ?? self.state)
        twin.snapshotDirectory = snapshotDirectory
        twin.svgWriter = svgWriter
        twin.lastOptions = lastOptions
        twin.opening = opening
        twin.refresh()
        return twin
    }

    // MARK: keys and effects

    /// Handles one key; false means quit.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        let effects = reduce(&state, key)
        for effect in effects {
            if !execute(effect) { return false }
        }
        // A key is a moment to bring the simulator up to date (pausing after a run, say); it is
        // a no-op when nothing it depends on changed.
        updateSimulation(convergence: .ifCheap)
        return true
    }

    /// Runs one effect; false for `.quit`.
    @discardableResult
    public func execute(_ effect: ExplorerEffect) -> Bool {
        switch effect {
        case .quit:
            return false
        case .applyConfig:
            do {
                try run.apply(state.config)
            } catch {
                state.report(.error, "cannot apply: \(error.message)")
            }
            state.config = run.config
            refresh()
        case .refresh:
            refresh()
        case .trainSteps(let n):
            train(steps: n)
        case .reset:
            replaceRun(config: state.config, message: "new weights, seed \(state.config.seed)")
        case .switchTask:
            switchTask()
        case .snapshot:
            saveSnapshot()
        case .saveCheckpoint:
            saveCheckpointFile()
        case .evaluate:
            let accuracy = evaluateNow()
            state.status = "held-out accuracy \(formatCompact(Double(accuracy))) at step \(state.step) (\(Self.evaluateLimit) examples)"
        case .reloadOpening:
            reloadOpening()
        case .simulate:
            updateSimulation(convergence: .ifCheap)
        case .convergence:
            updateSimulation(convergence: .always)
        }
        return true
    }

    // MARK: training

    /// Trains `steps` steps (each followed by a forward pass of the displayed batch).
    public func train(steps: Int) {
        for _ in 0..<max(0, steps) {
            if !trainOneStep() { break }
        }
        updateSimulation(convergence: .never)
    }

    /// While running: trains up to `stepsPerFrame` steps, asking `shouldYield` between steps so that
    /// a slow model never holds up the keys. Returns the number of steps taken.
    @discardableResult
    public func tick(shouldYield: () -> Bool = { false }) -> Int {
        guard state.running else { return 0 }
        var taken = 0
        while taken < state.stepsPerFrame {
            let healthy = trainOneStep()
            taken += 1
            if !healthy || shouldYield() { break }
        }
        return taken
    }

    /// One step; false when it diverged (a non-finite loss or gradient: the update was skipped and the
    /// same batch would fail again), which pauses the run with a message. The frames stay: NaN is data.
    @discardableResult
    private func trainOneStep() -> Bool {
        let m = run.step()
        state.lastStep = m
        state.step = run.model.step
        if state.firstNonFinite == nil, let nf = m.nonFinite { state.firstNonFinite = nf }
        if let nf = m.nonFinite {
            state.running = false
            let place = nf.layer < 0 ? "the embedding" : (nf.layer >= state.config.layers ? "the head" : "layer \(nf.layer + 1)")
            state.status = "training diverged at step \(run.model.step + 1): non-finite \(nf.tensor) in \(place); paused (R starts again)"
            refresh()
            state.history.append(m, maxRms: largestRms(state.metrics))
            return false
        }
        state.trainingFiguresStale = false
        if state.step % Self.evaluateEvery == 0 { _ = evaluateNow() }
        refresh()
        state.history.append(m, maxRms: largestRms(state.metrics))
        if state.step % Self.simulateEvery == 0 { updateSimulation(convergence: .never) }
        return true
    }

    /// A fresh forward pass of the displayed batch with the current toggles and selection.
    public func refresh() {
        let instance = state.config.pde.isPerBlock ? state.layer : 0
        let m = run.model.forward(displayBatch, probeChannel: 0, probeInstance: instance)
        state.metrics = m
        if state.firstNonFinite == nil, let nf = m.nonFinite { state.firstNonFinite = nf }
        let T = displayBatch.seqLen
        state.tokenLabels = displayBatch.tokens.prefix(T).map { run.task.tokenLabel($0) }
        state.attentionFit = nil
        if state.layer < m.attention.count, state.head < m.attention[state.layer].count {
            let fit = fitDiffusionKernel(attention: m.attention[state.layer][state.head], T: T, causal: state.config.causal)
            state.attentionFit = AttentionFitResult(layer: state.layer, head: state.head, fit: fit)
        }
    }

    // MARK: simulator mode

    public enum ConvergencePolicy { case never, ifCheap, always }

    /// Switches to simulator mode with `config` (the CLI's --simulator); throws its first problem.
    public func enterSimulator(_ config: SimulatorConfig) throws(ConfigError) {
        if let problem = config.problems().first { throw ConfigError(problem) }
        state.showSimulator(options: config)
        state.status = simulatorEnteredMessage
        updateSimulation(convergence: .ifCheap)
    }

    /// Simulator view (a no-op in the model view): a fresh trajectory when the simulator's options, the weights (step) or the
    /// model's toggles changed since the last one; the convergence study too when `policy` allows
    /// (`ifCheap`: at most `convergenceAutoBudget` evaluations). Errors go to the status line.
    public func updateSimulation(convergence policy: ConvergencePolicy) {
        guard let c = state.shownSimulator?.config else { return }
        let modelConfig = run.config
        if state.shownSimulator?.simulation.map({ $0.config != c || $0.modelStep != state.step || $0.modelConfig != modelConfig }) ?? true {
            let rows = min(Self.simulationRows, displayBatch.batchSize)
            do {
                let trajectory = try simulate(run.model, tokens: displayBatch.firstRows(rows), config: c)
                let view = SimulationView(config: c, modelStep: state.step, modelConfig: modelConfig, rows: rows, trajectory: trajectory)
                state.updateShownSimulator { $0.simulation = view }
            } catch {
                state.updateShownSimulator { $0.simulation = nil }
                state.report(.error, "cannot simulate: \(error.message)")
                return
            }
        }
        let stale = state.shownSimulator?.convergence.map { $0.config != c || $0.modelStep != state.step || $0.modelConfig != modelConfig } ?? true
        guard stale, policy == .always || (policy == .ifCheap && convergenceCost(c) <= convergenceAutoBudget) else { return }
        do {
            let rows = try simulatorConvergence(run.model, tokens: displayBatch.firstRows(1), config: c)
            let view = ConvergenceView(config: c, modelStep: state.step, modelConfig: modelConfig,
                                       rows: rows.map { ConvergenceRow(dt: $0.dt, difference: $0.difference) })
            state.updateShownSimulator { $0.convergence = view }
        } catch {
            state.report(.error, "cannot study convergence: \(error.message)")
        }
    }

    /// Selects a layer and head (clamped), then refreshes: the headless `--layer` / `--head`.
    public func select(layer: Int, head: Int) {
        state.layer = min(max(0, layer), state.config.layers - 1)
        state.head = min(max(0, head), state.config.heads - 1)
        refresh()
    }

    /// The held-out accuracy of the model as it is now (`e`, and every `evaluateEvery` steps).
    private func evaluateNow() -> Float {
        let accuracy = run.evaluate(limit: Self.evaluateLimit, batchSize: 64)
        state.history.heldOut = run.heldOut.map { HeldOutPoint(step: $0.step, accuracy: $0.accuracy) }
        state.heldOutStale = false
        return accuracy
    }

    /// `o`: the opening model again, optimizer state and toggles included; the view, size,
    /// speed and selection stay.
    private func reloadOpening() {
        guard let opening, let fresh = try? opening.run.copy() else {
            state.report(.error, "no opening model to reload here")
            return
        }
        let window = state.chartWindow
        install(fresh, origin: opening.state.origin, from: opening.state)
        state.chartWindow = window
        state.status = "reloaded the opening model: step \(state.step), optimizer state and toggles as opened"
    }

    // MARK: new runs

    private func replaceRun(config: ModelConfig, message: String) {
        do {
            let fresh = try TrainingRun(config: config)
            install(fresh, origin: .scratch)
            state.status = message
        } catch {
            state.config = run.config
            state.report(.error, "cannot start: \(describe(error))")
        }
    }

    /// The next task that can be built at this seq-len (digits needs its data file and T ≥ 64).
    private func switchTask() {
        var config = state.config
        var skipped: [String] = []
        for _ in 0..<TaskKind.allCases.count {
            if config.task == run.config.task { break }
            do {
                let fresh = try TrainingRun(config: config)
                install(fresh, origin: .scratch)
                // Tasks skipped on the way (they could not start) make it a warning.
                state.report(skipped.isEmpty ? .info : .warning, "task \(config.task.rawValue)"
                    + (skipped.isEmpty ? "" : " (skipped \(skipped.joined(separator: "; ")))"))
                return
            } catch {
                skipped.append("\(config.task.rawValue): \(describe(error))")
                config.task = config.task.next
            }
        }
        state.config = run.config
        state.report(.error, "cannot switch task: " + skipped.joined(separator: "; "))
    }

    /// `fresh` on screen with a new state (`base`: the state it opened with, for `o`); the speed,
    /// overlay, size, selection, field table and view stay.
    private func install(_ fresh: TrainingRun, origin: RunOrigin, from base: ExplorerState? = nil) {
        run = fresh
        displayBatch = fresh.displayBatch(rows: Self.displayRows)
        let keep = state
        state = base ?? ExplorerState(config: fresh.config)
        state.origin = origin
        state.running = keep.running
        state.stepsPerFrame = keep.stepsPerFrame
        state.overlay = keep.overlay
        state.size = keep.size
        state.snapshotsSaved = keep.snapshotsSaved
        state.layer = min(keep.layer, fresh.config.layers - 1)
        state.head = min(keep.head, fresh.config.heads - 1)
        state.step = fresh.model.step
        state.fields = keep.fields
        // The view and the simulator's options stay; its results belonged to the old run.
        switch keep.view {
        case .model(let parked): state.view = .model(parked: parked.map { SimulatorState(config: $0.config) })
        case .simulator(let sim): state.view = .simulator(SimulatorState(config: sim.config))
        }
        refresh()
        updateSimulation(convergence: .ifCheap)
    }

    // MARK: rendering and snapshots

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        state.size = ScreenSize(width: width, height: height)
        lastOptions = options
        return renderScreen(state, width: width, height: height, options: options)
    }

    /// What the terminal shows, for snapshots when rendering happens elsewhere (LiveExplorer).
    public func setDisplay(options: RenderOptions, size: ScreenSize) {
        lastOptions = options
        state.size = size
    }

    /// `s`: writes the current frame as snapshots/NNNN.txt, .ansi and .svg; the outcome goes to the status line.
    private func saveSnapshot() {
        let o = lastOptions
        do {
            let saved = try writeSnapshotPair(directory: snapshotDirectory, reserving: ["svg"]) { number in
                (snapshotText(state, number: number, format: .txt, colorMode: .mono, ascii: o.ascii),
                 snapshotText(state, number: number, format: .ansi, colorMode: o.colorMode, ascii: o.ascii, theme: o.theme))
            }
            state.snapshotsSaved += 1
            state.status = "snapshot saved: \(saved.txt)"
            let svg = snapshotText(state, number: saved.number, format: .svg, colorMode: o.colorMode, ascii: o.ascii, theme: o.theme)
            if let failure = writeSnapshotSVG(directory: snapshotDirectory, number: saved.number, text: svg, writer: svgWriter) {
                state.report(.warning, state.status + "; svg: \(failure)")
            }
        } catch {
            state.report(.error, "cannot save snapshot: \(error.message)")
        }
    }

    /// The checkpoint `S` writes: the weights, AdamW's state and the history the charts show, so
    /// that opening it (`--checkpoint`) and training on gives the frames a straight run gives.
    public var checkpointBytes: [UInt8] {
        encodeCheckpoint(run.model, history: CheckpointHistory(run: run, maxRms: state.history.maxRms))
    }

    /// `S`: writes `snapshots/step-N.safetensors` through the one writer; errors go to the status line.
    private func saveCheckpointFile() {
        let path = snapshotDirectory + "/step-\(run.model.step).safetensors"
        do {
            if !isDirectory(snapshotDirectory) {
                guard mkdir(snapshotDirectory, 0o755) == 0 || errno == EEXIST else {
                    state.report(.error, "cannot save checkpoint: cannot create folder '\(snapshotDirectory)'")
                    return
                }
            }
            try writeFileAtomically(path: path, bytes: checkpointBytes)
            state.status = "checkpoint saved: \(path) (weights, optimizer state, history; --checkpoint resumes it)"
        } catch {
            state.report(.error, "cannot save checkpoint: \(error.message)")
        }
    }
}

/// The largest layer rms of a forward pass (a non-finite one wins: it is the news).
func largestRms(_ m: ForwardMetrics?) -> Float {
    guard let layers = m?.layers, !layers.isEmpty else { return .nan }
    if let bad = layers.first(where: { !$0.rms.isFinite }) { return bad.rms }
    return layers.map(\.rms).max() ?? .nan
}

/// One line for any error we show in the status line.
func describe(_ error: any Error) -> String {
    String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
}
