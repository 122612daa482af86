// `pdet-tui --model DIR` and `pdet-tui snapshot --model DIR`: the explorer on a pretrained
// BERT folder (MiniLM from scripts/fetch-minilm.sh). No training: keys change the sentence and the
// ablation, and each change reruns the forward pass (~20 ms) before the next draw.
import ArgumentParser
import Foundation
import PDETBert
import PDETCore
import PDETExplorer
import PDETRender

/// The flags that pick the pretrained model (shared by the explorer and `snapshot`).
struct BertModelOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: ArgumentHelp("Open a pretrained BERT folder (config.json, model.safetensors, vocab.txt), e.g. .cache/minilm.", valueName: "dir"))
    var directory: String?
    @Option(help: "With --model: the sentence to encode.")
    var text: String?
    @Option(name: .customLong("residual-off-layer"), help: ArgumentHelp("With --model: cut the residual of this block only (1-based).", valueName: "n"))
    var residualOffLayer: Int?
}

/// Opens the session or prints one line and exits 1.
func openBertSession(_ options: BertModelOptions, directory: String) throws -> BertExplorerSession {
    do {
        return try BertExplorerSession(modelDirectory: directory, text: options.text)
    } catch {
        FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
        throw ExitCode(1)
    }
}

/// The interactive explorer: the one terminal loop on a BertScreen (each key that changes the
/// sentence or the ablation reruns the model before the next frame), until q.
func runBertExplorer(_ options: BertModelOptions, directory: String, display: DisplayOptions) throws {
    let session = try openBertSession(options, directory: directory)     // a bad folder fails first, TTY or not
    let theme = try display.resolvedTheme(followTerminal: true)
    try requireTerminal()
    try runOnTerminal(display: display, theme: theme) { _, _ in BertScreen(session: session) }
}

/// The headless MiniLM frame: the ablation comes from --residual, --residual-off-layer, --norm none,
/// --pde, --pde-alpha and --pde-scales.
func bertSnapshot(_ options: BertModelOptions, directory: String, model: ModelOptions, layer: Int, head: Int,
                  size: ScreenSize, format: SnapshotFormat, colorMode: ColorMode, ascii: Bool, theme: Theme) throws -> String {
    let session = try openBertSession(options, directory: directory)
    let state = session.state
    guard layer <= state.layers else { throw ValidationError("--layer \(layer): the model has \(state.layers) layers") }
    guard head <= state.heads else { throw ValidationError("--head \(head): the model has \(state.heads) heads") }
    var residual: LayerSwitch = model.residual == .off ? .off : .on
    if let n = options.residualOffLayer {
        guard (1...state.layers).contains(n) else {
            throw ValidationError("--residual-off-layer \(n): the model has \(state.layers) layers")
        }
        residual = .offAtLayer(n - 1)
    }
    session.configure(residual: residual, layerNorm: model.norm != NormMode.none, site: model.pde,
                      alpha: model.pdeAlpha, multiScale: model.pdeScales.map { $0.count > 1 },
                      layer: layer - 1, head: head - 1)
    return session.snapshotText(size: size, number: nil, format: format, colorMode: colorMode, ascii: ascii, theme: theme)
}
