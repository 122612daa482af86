// The A/B split screen's state as a value: pane A (always there), pane B (a twin of A made by `b`,
// nil in the single view) and which pane the toggles go to. Each pane is a whole ExplorerState, so
// everything the single view knows (toggles, selection, metrics, history) is known per pane.
// The split reducer (SplitReducer.swift) changes it; ComparisonSession fills in the numbers;
// renderSplitScreen (SplitScreen.swift) draws it, and draws exactly renderScreen(a) when single.
import PDETCore
import PDETRender

public enum Pane: String, Equatable, Sendable, CaseIterable {
    case a = "A"
    case b = "B"

    public var other: Pane { self == .a ? .b : .a }
}

public struct SplitState: Equatable, Sendable {
    public var a: ExplorerState
    public var b: ExplorerState?
    /// The pane toggles and the layer/head selection go to (always .a in the single view).
    public var focus: Pane = .a
    /// The split view's status line (the single view shows `a.status`).
    public var statusLine = StatusLine()
    /// The status text; setting it makes an info message.
    public var status: String {
        get { statusLine.text }
        set { statusLine = StatusLine(newValue) }
    }
    public var snapshotsSaved = 0

    public init(a: ExplorerState, b: ExplorerState? = nil, focus: Pane = .a) {
        self.a = a
        self.b = b
        self.focus = b == nil ? .a : focus
    }

    public var isSplit: Bool { b != nil }

    /// A pane's state (B falls back to A in the single view).
    public subscript(pane: Pane) -> ExplorerState {
        get { pane == .b ? (b ?? a) : a }
        set {
            if pane == .a { a = newValue } else if b != nil { b = newValue }
        }
    }

    /// The focused pane's state.
    public var focused: ExplorerState {
        get { self[focus] }
        set { self[focus] = newValue }
    }

    public var size: ScreenSize { a.size }
    public var running: Bool { a.running }
}

/// One row of the differences table: state x_i (0 = embedding, i = output of block i) in A and B.
public struct LayerDifference: Equatable, Sendable {
    public var label: String            // "emb", "L1", …
    public var rmsA: Float
    public var rmsB: Float
    public var driftA: Float
    public var driftB: Float
    public var deltaRms: Float { rmsB - rmsA }         // B − A
    public var rmsRatio: Float { rmsB / rmsA }         // B / A (inf or nan when A's rms is 0)
    public var deltaDrift: Float { driftB - driftA }   // B − A
}

/// Per token state, B against A from the last forward passes of the displayed batch (the same
/// batch in both panes); empty while either pane has no forward pass or the depths differ.
public func layerDifferences(_ ab: SplitState) -> [LayerDifference] {
    guard let b = ab.b else { return [] }
    // Both panes simulating: compare the trajectories point by point (time instead of depth).
    if let sa = ab.a.shownSimulator?.simulation, let sb = b.shownSimulator?.simulation {
        // Pair the points at equal times (the panes may use different dt or steps).
        return sa.points.compactMap { pa -> LayerDifference? in
            guard let pb = sb.points.first(where: { abs($0.time - pa.time) <= 1e-4 * max(1, abs(pa.time)) }) else { return nil }
            return LayerDifference(label: "t" + formatCompact(Double(pa.time)), rmsA: pa.metrics.rms, rmsB: pb.metrics.rms,
                                   driftA: pa.metrics.drift, driftB: pb.metrics.drift)
        }
    }
    guard let ma = ab.a.metrics, let mb = b.metrics else { return [] }
    let n = min(ma.layers.count, mb.layers.count)
    let labels = stateLabels(max(0, n - 1))
    return (0..<n).map { i in
        LayerDifference(label: i < labels.count ? labels[i] : "?", rmsA: ma.layers[i].rms, rmsB: mb.layers[i].rms,
                        driftA: ma.layers[i].drift, driftB: mb.layers[i].drift)
    }
}

/// The toggles in which B differs from A, as "residual off (A on)"; empty when they are the same.
public func configDifferences(_ a: ModelConfig, _ b: ModelConfig, fields: ConfigFieldTable = .standard) -> [String] {
    fields.screenRows.compactMap { field in
        let va = fieldText(field.shown(a)), vb = fieldText(field.shown(b))
        return va == vb ? nil : "\(field.screen!.name) \(vb) (A \(va))"
    }
}
