// The explorer's state as a value: what the screen shows (config, selection, run state, the last
// forward pass of the displayed batch, the training history) and nothing that owns a model.
// The reducer (Reducer.swift) changes it for each key; ExplorerSession fills in the numbers;
// renderScreen (Screen.swift) draws it. Tests build states by hand.
import PDETCore
import PDETTasks

/// The version printed in snapshot headers (kept equal to the CLI's `--version`).
public let explorerVersion = "0.1.0"

/// A terminal size in cells.
public struct ScreenSize: Equatable, Hashable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public static let standard = ScreenSize(width: 120, height: 40)
    /// Below this the screen shows "Terminal too small".
    public static let minimum = ScreenSize(width: 80, height: 24)
}

/// How much a status message matters: errors and warnings are drawn in the alarm colour.
public enum StatusSeverity: Equatable, Sendable {
    case info       // what a key did
    case warning    // done, but only in part (the snapshot was written, its .svg was not)
    case error      // refused or failed: nothing changed
}

/// The status line of every screen: its text and, said explicitly, how much it matters.
public struct StatusLine: Equatable, Sendable {
    public var text: String
    public var severity: StatusSeverity
    public init(_ text: String = "", _ severity: StatusSeverity = .info) {
        self.text = text
        self.severity = severity
    }
}

/// What the Training charts span (`z` switches).
public enum ChartWindow: Equatable, Sendable {
    case whole
    case recent
}

public enum Overlay: Equatable, Sendable {
    case none
    case help
    case glossary   // `g`: one line per figure (Glossary.swift)
}

/// Where the weights of the current run came from (the snapshot's reproduce line needs it).
public enum RunOrigin: Equatable, Sendable {
    case scratch
    case checkpoint(path: String, step: Int)
}

/// The per-step series the charts draw. `firstStep` is the step of index 0; at most `capacity` kept.
public struct TrainingHistory: Equatable, Sendable {
    public static let capacity = 2000
    public var firstStep: Int = 1
    public var loss: [Float] = []
    public var accuracy: [Float] = []
    public var gradNorm: [Float] = []
    public var maxRms: [Float] = []             // largest layer rms of the displayed batch after each step
    public var heldOut: [HeldOutPoint] = []

    public init() {}

    /// The history a run carried over from its checkpoint (empty for a fresh run).
    public init(restoring run: TrainingRun) {
        let steps = run.history.suffix(Self.capacity)
        firstStep = steps.first?.step ?? 1
        loss = steps.map(\.loss)
        accuracy = steps.map(\.accuracy)
        gradNorm = steps.map(\.gradNorm)
        maxRms = Array(run.carriedMaxRms.suffix(Self.capacity))
        heldOut = run.heldOut.map { HeldOutPoint(step: $0.step, accuracy: $0.accuracy) }
    }

    public mutating func append(_ m: StepMetrics, maxRms rms: Float) {
        if loss.isEmpty { firstStep = m.step }
        loss.append(m.loss)
        accuracy.append(m.accuracy)
        gradNorm.append(m.gradNorm)
        maxRms.append(rms)
        if loss.count > Self.capacity {
            let drop = loss.count - Self.capacity
            loss.removeFirst(drop)
            accuracy.removeFirst(drop)
            gradNorm.removeFirst(drop)
            if maxRms.count > Self.capacity { maxRms.removeFirst(maxRms.count - Self.capacity) }
            firstStep += drop
        }
    }
}

/// How well a heat kernel exp(−(i−j)²/4κ) explains one head's attention (docs/attention-fit.md).
public struct AttentionFitResult: Equatable, Sendable {
    public var layer: Int
    public var head: Int
    public var fit: DiffusionFit
    public init(layer: Int, head: Int, fit: DiffusionFit) {
        self.layer = layer
        self.head = head
        self.fit = fit
    }
}

public struct HeldOutPoint: Equatable, Sendable {
    public var step: Int
    public var accuracy: Float
    public init(step: Int, accuracy: Float) {
        self.step = step
        self.accuracy = accuracy
    }
}

public struct ExplorerState: Equatable, Sendable {
    /// The toggles the model runs with (the reducer edits a copy; the session applies or reverts it).
    public var config: ModelConfig
    /// The fields the keys toggle and the screen shows (tests add rows; the CLI ships `.standard`).
    public var fields: ConfigFieldTable = .standard
    public var layer: Int = 0                   // selected block, 0..<L (shown 1-based)
    public var head: Int = 0                    // selected head, 0..<NH (shown 1-based)
    public var running: Bool = false
    public var stepsPerFrame: Int = 1
    public var overlay: Overlay = .none
    public var statusLine = StatusLine()
    /// The status text; setting it makes an info message (`report` gives another severity).
    public var status: String {
        get { statusLine.text }
        set { statusLine = StatusLine(newValue) }
    }
    public var size: ScreenSize = .standard
    public var step: Int = 0                    // updates applied to the model
    public var origin: RunOrigin = .scratch
    /// True once a toggle changed after training started: the snapshot's reproduce line is then approximate.
    public var toggledDuringRun = false
    public var metrics: ForwardMetrics?         // last forward pass of the displayed batch
    public var lastStep: StepMetrics?
    public var history = TrainingHistory()
    public var firstNonFinite: NonFinite?       // the first non-finite value seen in this run
    public var tokenLabels: [String] = []       // (T) labels of the displayed batch's row 0
    public var attentionFit: AttentionFitResult?   // heat-kernel fit of the selected head (AttentionFit.swift)
    public var attentionAutoscale = false       // z: attention colours span 0 … the map's max (default: fixed 0–1)
    public var snapshotsSaved = 0
    /// Loss, accuracy and grad norms are from before a toggle: drawn as stale until a step.
    public var trainingFiguresStale = false
    /// The held-out accuracy is from before a toggle (or weights changed since): stale until `e` or
    /// the next scheduled evaluation.
    public var heldOutStale = false
    /// The step of the last toggle (nil: none since this run started): the recent chart window.
    public var lastToggleStep: Int?
    /// `z`: the Training charts show the whole history or the recent window (`recentSteps`).
    public var chartWindow: ChartWindow = .whole
    /// M: the discrete model or its continuous-time simulator, whose state lives in its case (SimulatorMode.swift).
    public var view: ExplorerView = .model(parked: nil)

    public init(config: ModelConfig) {
        self.config = config
    }

    /// Sets the status with an explicit severity: `state.report(.error, "cannot …")`.
    public mutating func report(_ severity: StatusSeverity, _ text: String) {
        statusLine = StatusLine(text, severity)
    }

    /// The steps the Training charts show: `.whole` history, or `.recent`, i.e. since the last
    /// toggle when that was within the last `recentSteps` steps, else the last `recentSteps`.
    public func chartRange() -> (first: Int, label: String?) {
        let first = history.firstStep
        guard chartWindow == .recent else { return (first, nil) }
        if let t = lastToggleStep, step - t < Self.recentSteps { return (max(first, t + 1), "since toggle @\(t)") }
        return (max(first, step - Self.recentSteps + 1), "last \(Self.recentSteps) steps")
    }
    public static let recentSteps = 200

    /// The ladder `+` / `-` move along.
    public static let speeds = [1, 2, 5, 10, 20, 50, 100]
}
