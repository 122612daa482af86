// The pretrained-model explorer session: a SentenceEncoder, the screen state, and the latest
// forward results. One forward of MiniLM on a short sentence is ~20 ms, so every key that changes
// the sentence or the ablation reruns it synchronously. The intact run is cached per sentence.
import Foundation
import PDETBert
import PDETCore
import PDETRender
import PDETText

/// The two forward passes a frame shows: the model as trained and the ablated one.
public struct BertFrame: Sendable {
    public var intact: BertForwardResult      // capture .none (layers and embedding only)
    public var ablated: BertForwardResult     // attention captured for every layer and head
    public var cosine: Float                  // cos(ablated embedding, intact embedding)
    public var error: String?                 // the ablation's forward failed (e.g. a bad diffusion)
}

public final class BertExplorerSession {
    public private(set) var state: BertExplorerState
    public private(set) var frame: BertFrame?
    public let modelDirectory: String
    private let encoder: SentenceEncoder
    private var intactCache: (sentence: String, result: BertForwardResult)?
    /// Where `s` writes NNNN.txt / NNNN.ansi (relative to the working folder).
    public var snapshotDirectory = "snapshots"
    /// The size last drawn: `s` saves the frame the user sees.
    public private(set) var lastSize = ScreenSize.standard

    public static let defaultSentence = "The quick brown fox jumps over the lazy dog."

    /// Opens `modelDirectory` (throws BertError with a one-line message for a bad folder).
    public init(modelDirectory: String, text: String? = nil) throws(BertError) {
        let encoder = try SentenceEncoder(modelDirectory: modelDirectory)
        self.encoder = encoder
        self.modelDirectory = modelDirectory
        let config = encoder.model.config
        state = BertExplorerState(modelName: bertModelName(directory: modelDirectory),
                                  layers: config.numHiddenLayers, heads: config.numAttentionHeads,
                                  sentence: (text ?? Self.defaultSentence).trimmingSpaces)
        if state.sentence.isEmpty { throw BertError("--text: give at least one word") }
        state.status = "opened \(modelDirectory): i edits the sentence, r/l/p ablate, ? help"
        recompute()
    }

    /// Applies a key; reruns the model when the sentence or the ablation changed. False once quit.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        switch reduceBert(&state, key) {
        case .none: break
        case .recompute: recompute()
        case .snapshot: writeSnapshot()
        case .quit: return false
        }
        return true
    }

    /// Sets the ablation directly (the headless `snapshot --model` flags) and recomputes.
    public func configure(residual: LayerSwitch? = nil, layerNorm: Bool? = nil, site: DiffusionSite? = nil,
                          alpha: Float? = nil, multiScale: Bool? = nil, layer: Int? = nil, head: Int? = nil) {
        if let residual { state.residual = residual }
        if let layerNorm { state.layerNorm = layerNorm }
        if let site { state.site = site }
        if let alpha { state.alpha = alpha }
        if let multiScale { state.multiScale = multiScale }
        if let layer { state.layer = min(max(layer, 0), state.layers - 1) }
        if let head { state.head = min(max(head, 0), state.heads - 1) }
        recompute()
    }

    public func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        if width >= ScreenSize.minimum.width, height >= ScreenSize.minimum.height {
            lastSize = ScreenSize(width: width, height: height)
        }
        return renderBertScreen(state, frame: frame, width: width, height: height, options: options)
    }

    /// Runs the intact model (cached per sentence) and the ablated one.
    func recompute() {
        let tokens = encoder.encode(state.sentence)
        state.tokens = tokens.tokens
        state.truncated = tokens.truncated
        do {
            let intact: BertForwardResult
            if let cached = intactCache, cached.sentence == state.sentence {
                intact = cached.result
            } else {
                intact = try encoder.model.forward(ids: tokens.ids, capture: .none)
                intactCache = (state.sentence, intact)
            }
            do {
                let ablated = try encoder.model.forward(ids: tokens.ids, ablation: state.ablation, capture: .all)
                frame = BertFrame(intact: intact, ablated: ablated, cosine: cosine(ablated.embedding, intact.embedding))
            } catch {
                frame = BertFrame(intact: intact, ablated: intact, cosine: .nan, error: error.message)
                state.report(.error, "error: \(error.message)")
            }
        } catch {
            frame = nil
            state.report(.error, "error: \(error.message)")
        }
    }

    /// The frame as snapshot text: a header saying how to redraw it, then the grid.
    public func snapshotText(size: ScreenSize, number: Int?, format: SnapshotFormat,
                             colorMode: ColorMode = .c256, ascii: Bool = false, theme: Theme = .dark) -> String {
        let options = snapshotOptions(format, colorMode: colorMode, ascii: ascii, theme: theme)
        let grid = render(width: size.width, height: size.height, options: options)
        return snapshotFile(grid, header: bertSnapshotHeader(size: size, number: number), format: format, options: options)
    }

    func bertSnapshotHeader(size: ScreenSize, number: Int?) -> String {
        let title = "# pdet-tui \(explorerVersion) snapshot" + (number.map { " " + fourDigits($0) } ?? "")
        return [title, "# model \(state.modelName) layer \(state.layer + 1) head \(state.head + 1) size \(size.width)x\(size.height)",
                "# reproduce: \(bertReproduceCommand(size: size))"].joined(separator: "\n") + "\n"
    }

    /// The `pdet-tui snapshot --model` command that draws this frame again.
    public func bertReproduceCommand(size: ScreenSize) -> String {
        var args = ["pdet-tui", "snapshot", "--model", shellQuoted(modelDirectory), "--text", shellQuoted(state.sentence)]
        switch state.residual {
        case .on: break
        case .off: args += ["--residual", "off"]
        case .offAtLayer(let l): args += ["--residual-off-layer", "\(l + 1)"]
        }
        if !state.layerNorm { args += ["--norm", "none"] }
        if state.site != .off {
            args += ["--pde", state.site.rawValue, "--pde-alpha", "\(state.alpha)", "--pde-scales", scalesText(state.scales)]
        }
        args += ["--layer", "\(state.layer + 1)", "--head", "\(state.head + 1)", "--size", "\(size.width)x\(size.height)"]
        return args.joined(separator: " ")
    }

    private func writeSnapshot() {
        let size = lastSize
        do {
            let written = try writeSnapshotPair(directory: snapshotDirectory, reserving: ["svg"]) { n in
                (snapshotText(size: size, number: n, format: .txt), snapshotText(size: size, number: n, format: .ansi))
            }
            state.status = "snapshot \(written.txt) and \(written.ansi)"
            let svg = snapshotText(size: size, number: written.number, format: .svg)
            if let failure = writeSnapshotSVG(directory: snapshotDirectory, number: written.number, text: svg, writer: atomicSnapshotWriter) {
                state.report(.warning, state.status + "; svg: \(failure)")
            } else {
                state.status += " and .svg"
            }
        } catch {
            state.report(.error, "cannot save snapshot: \(error.message)")
        }
    }
}

/// "all-MiniLM-L6-v2" for the fetched MiniLM folder (.cache/minilm holds its README), else the folder name.
func bertModelName(directory: String) -> String {
    let readme = (try? String(contentsOfFile: directory + "/README.md", encoding: .utf8)) ?? ""
    if readme.contains("all-MiniLM-L6-v2") { return "MiniLM all-MiniLM-L6-v2" }
    let name = directory.split(separator: "/").last(where: { $0 != "." }).map(String.init) ?? directory
    return name
}
