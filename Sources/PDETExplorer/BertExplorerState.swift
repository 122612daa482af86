// The explorer in pretrained-model mode (`pdet-tui --model DIR`): the state of the screen and its
// pure reducer. Nothing trains here; the keys pick a sentence and an ablation (residual, LayerNorm,
// a diffusion layer at a site), and the session reruns the forward pass after each change.
import PDETBert
import PDETCore
import PDETRender

/// Everything the MiniLM screen shows apart from the forward results.
public struct BertExplorerState: Equatable, Sendable {
    public var modelName: String          // e.g. "all-MiniLM-L6-v2" (the folder's name when unknown)
    public var layers: Int                // L blocks
    public var heads: Int                 // NH heads per block
    public var sentence: String
    public var tokens: [String] = []      // (T) word pieces of `sentence`, with [CLS] and [SEP]
    public var truncated = false
    public var residual: LayerSwitch = .on
    public var layerNorm = true
    public var site: DiffusionSite = .off
    public var alpha: Float = 0.1         // total diffusion alpha, split evenly across the scales
    public var multiScale = false         // scales {1, 2, 4} instead of {1}
    public var layer = 0                  // selected block (0-based)
    public var head = 0                   // selected head (0-based)
    public var editing: String?           // the text-input buffer while `i` is active
    public var showHelp = false
    public var attentionAutoscale = false  // z: attention colours span 0 … the map's max (default: fixed 0–1)
    public var statusLine = StatusLine()
    /// The status text; setting it makes an info message (`report` gives another severity).
    public var status: String {
        get { statusLine.text }
        set { statusLine = StatusLine(newValue) }
    }
    /// Sets the status with an explicit severity: `state.report(.error, "…")`.
    public mutating func report(_ severity: StatusSeverity, _ text: String) {
        statusLine = StatusLine(text, severity)
    }
    public var quit = false

    public init(modelName: String, layers: Int, heads: Int, sentence: String) {
        self.modelName = modelName
        self.layers = layers
        self.heads = heads
        self.sentence = sentence
    }

    public var scales: [Int] { multiScale ? [1, 2, 4] : [1] }

    /// The ablation the forward pass runs with.
    public var ablation: BertAblation {
        BertAblation(residual: residual, layerNorm: layerNorm ? .on : .off,
                     diffusion: site == .off ? .off : BertDiffusion(site: site, alpha: alpha, scales: scales))
    }

    public var isIntact: Bool { ablation == .intact }

    /// The added diffusion layer's gain ρ(M) for this sentence's T (the T → ∞ bound before the first
    /// forward): one explicit step with alpha split evenly over the scales (docs/diffusion-sites.md).
    public var diffusionGain: Double {
        let each = alpha / Float(scales.count)
        return diffusionAmplification(alphas: [Float](repeating: each, count: scales.count), scales: scales,
                                      T: tokens.isEmpty ? Int.max : tokens.count, steps: 1)
    }

    /// True when the diffusion layer is on and amplifies some mode (gain above 1).
    public var diffusionUnstable: Bool { site != .off && diffusionIsUnstable(amplification: diffusionGain) }
}

/// What the session must do after a key.
public enum BertEffect: Equatable, Sendable {
    case none
    case recompute      // the sentence or the ablation changed: run the forward again
    case snapshot       // write snapshots/NNNN.txt and .ansi
    case quit
}

public let bertTrainingDisabledMessage = "training is disabled for a pretrained model"

/// The largest total alpha `A` allows (past Σ alpha = 1/2 the gain may exceed 1: the blow-up).
public let bertMaxAlpha: Float = 2

/// Applies one key to the state (pure: no model, no files).
public func reduceBert(_ state: inout BertExplorerState, _ key: Key) -> BertEffect {
    if key == .ctrl("c") {
        state.quit = true
        return .quit
    }
    if state.editing != nil { return reduceTextInput(&state, key) }
    if state.showHelp {
        switch key {
        case .escape, .char("?"), .char("q"): state.showHelp = false
        default: break
        }
        return .none
    }
    switch key {
    case .char("q"):
        state.quit = true
        return .quit
    case .char("?"):
        state.showHelp = true
        return .none
    case .char("i"):
        state.editing = state.sentence
        state.status = "type a sentence, Enter runs it, Esc cancels"
        return .none
    case .char("r"):
        switch state.residual {
        case .on: state.residual = .off
        case .off: state.residual = .offAtLayer(state.layer)
        case .offAtLayer: state.residual = .on
        }
        state.status = "residual \(residualText(state.residual))"
        return .recompute
    case .char("l"):
        state.layerNorm.toggle()
        state.status = "LayerNorm \(state.layerNorm ? "on" : "off")"
        return .recompute
    case .char("p"), .char("P"):
        let all = DiffusionSite.allCases
        let i = all.firstIndex(of: state.site) ?? 0
        let step = key == .char("p") ? 1 : all.count - 1
        state.site = all[(i + step) % all.count]
        state.status = "diffusion site \(state.site.rawValue)"
        return .recompute
    case .char("a"), .char("A"):
        let delta: Float = key == .char("a") ? -0.05 : 0.05
        state.alpha = min(bertMaxAlpha, max(0, ((state.alpha + delta) * 100).rounded() / 100))
        let gain = state.diffusionGain
        state.status = "diffusion alpha \(formatCompact(Double(state.alpha)))"
            + (diffusionIsUnstable(amplification: gain) ? " (gain \(formatCompact(gain)) > 1: unstable)" : "")
        return state.site == .off ? .none : .recompute
    case .char("m"):
        state.multiScale.toggle()
        state.status = "diffusion scales \(scalesText(state.scales))"
        return state.site == .off ? .none : .recompute
    case .char("["), .left, .char("]"), .right:
        let forward = key == .char("]") || key == .right
        state.layer = (state.layer + (forward ? 1 : state.layers - 1)) % state.layers
        if case .offAtLayer = state.residual {
            state.residual = .offAtLayer(state.layer)     // "off at the selected layer" follows the selection
            return .recompute
        }
        return .none
    case .char("h"), .down, .char("H"), .up:
        let forward = key == .char("h") || key == .down
        state.head = (state.head + (forward ? 1 : state.heads - 1)) % state.heads
        return .none
    case .char("z"):
        state.attentionAutoscale.toggle()
        state.status = state.attentionAutoscale ? "attention colours autoscaled to the map's max (z: fixed 0–1)"
                                                : "attention colours on the fixed 0–1 scale (z: autoscale)"
        return .none
    case .char("s"):
        return .snapshot
    case .char("o"), .char("e"):
        state.report(.error, "\(key == .char("o") ? "o (reload)" : "e (held-out)"): the MiniLM view has no trained model of its own: its weights are pretrained and fixed")
        return .none
    case .char("g"):
        state.report(.info, "g: the glossary belongs to the toy model's view; MiniLM's figures are explained in docs/minilm.md")
        return .none
    case .char(" "), .char("n"), .char("."), .char("t"), .char("R"), .char("+"), .char("-"), .char("c"):
        state.report(.error, bertTrainingDisabledMessage)
        return .none
    case .resize, .unknown:
        return .none
    default:
        return .none
    }
}

/// Keys while the sentence is being typed: printable characters append, Backspace deletes,
/// Enter commits (an empty sentence is refused), Esc cancels.
private func reduceTextInput(_ state: inout BertExplorerState, _ key: Key) -> BertEffect {
    guard var buffer = state.editing else { return .none }
    switch key {
    case .char(let c):
        if buffer.count < 500 { buffer.append(c) }
        state.editing = buffer
    case .backspace:
        if !buffer.isEmpty { buffer.removeLast() }
        state.editing = buffer
    case .escape:
        state.editing = nil
        state.status = "sentence unchanged"
    case .enter:
        let trimmed = buffer.trimmingSpaces
        guard !trimmed.isEmpty else {
            state.status = "type at least one word (Esc cancels)"
            return .none
        }
        state.editing = nil
        state.sentence = trimmed
        state.status = "sentence set"
        return .recompute
    default:
        break
    }
    return .none
}

func residualText(_ s: LayerSwitch) -> String {
    switch s {
    case .on: return "ON"
    case .off: return "OFF"
    case .offAtLayer(let l): return "OFF@L\(l + 1)"
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
