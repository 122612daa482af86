// The default subcommand: the interactive explorer. Opens the model (a --checkpoint, the flags, or
// the shipped default checkpoint), then runs the key/train/draw loop on the ncurses screen until q.
import ArgumentParser
import Foundation
import PDETCore
import PDETExplorer
import PDETIO
import PDETRender
import PDETTasks
import PDETTerminal

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a small Transformer and take it apart while it runs (the default)."
    )

    @OptionGroup(title: "Model")
    var model: ModelOptions
    @OptionGroup(title: "Display")
    var display: DisplayOptions
    @OptionGroup(title: "Pretrained model")
    var bert: BertModelOptions
    @OptionGroup(title: "Lessons, scripts, recording")
    var lessonScript: LessonScriptOptions
    @OptionGroup(title: "PDE simulator")
    var simulator: SimulatorOptions

    func run() throws {
        try checkFlagsApply(model: model, bert: bert, lessonScript: lessonScript, simulator: simulator)
        try checkOutputs([lessonScript.record])
        if let directory = bert.directory { return try runBertExplorer(bert, directory: directory, display: display) }
        if lessonScript.isActive { return try runInteractiveLessonOrScript(lessonScript, model: model, display: display) }
        let theme = try display.resolvedTheme(followTerminal: true)
        try requireTerminal()
        let session = try openSession(model, running: true)
        try simulator.apply(to: session)
        let screen: TerminalScreen
        do {
            screen = try TerminalScreen(noColor: display.noColor, mouse: !display.noMouse)
        } catch {
            FileHandle.standardError.write(Data((error.message + "\n").utf8))
            throw ExitCode(1)
        }
        defer { screen.shutdown() }
        let options = RenderOptions(colorMode: colorMode(screen.colors), ascii: display.ascii || !screen.unicode, theme: theme)
        runExplorerLoop(session: session, screen: screen, options: options)
    }
}

/// The UI thread: reads keys and hands them to the model thread (LiveExplorer), redraws when the
/// model thread published something or a key changed the preview. A key never waits for training.
/// A mouse event becomes the keys its place on the frame on screen stands for (Grid.keys(for:)).
func runExplorerLoop(session: ExplorerSession, screen: TerminalScreen, options: RenderOptions) {
    let start = screen.size
    let live = LiveExplorer(session: session, options: options, size: ScreenSize(width: start.width, height: start.height))
    live.start()
    defer { live.stop() }
    var drawnVersion = -1
    var dirty = true
    var onScreen = Grid(width: 0, height: 0)
    /// Sends a key (or the keys a click stands for); false to quit.
    func send(_ key: Key) -> Bool {
        guard case .mouse(let event) = key else {
            dirty = true
            return live.send(key)
        }
        for k in onScreen.keys(for: event) {
            dirty = true
            guard live.send(k) else { return false }
        }
        return true
    }
    while !screen.quitRequested {
        let version = live.version
        if dirty || version != drawnVersion {
            let size = screen.size
            onScreen = live.render(width: size.width, height: size.height, options: options)
            screen.draw(onScreen)
            drawnVersion = version
            dirty = false
        }
        guard let key = screen.readKey(timeoutMilliseconds: 30) else { continue }
        guard send(key) else { return }
        var drained = 1
        // Keys are drained before the next draw; a click is hit-tested against the frame it was aimed at,
        // so the drain stops at one (the next click waits for the frame this one changed).
        if case .mouse = key { continue }
        while drained < 256, !screen.quitRequested, let next = screen.readKey(timeoutMilliseconds: 0) {
            guard send(next) else { return }
            drained += 1
            if case .mouse = next { break }
        }
    }
}

func colorMode(_ colors: TerminalColors) -> ColorMode {
    switch colors {
    case .none: return .mono
    case .c16: return .c16
    case .c256: return .c256
    }
}

/// The session the explorer and `snapshot` start from:
/// - `--checkpoint FILE`: its weights, with the toggle flags applied;
/// - no shape, task, seed or --config flag, and assets/checkpoints/default.safetensors exists: that
///   checkpoint, with the toggle flags applied;
/// - otherwise a fresh model from the defaults, --config and the flags.
/// Errors print one line and exit 1.
func openSession(_ model: ModelOptions, running: Bool) throws -> ExplorerSession {
    do {
        if let path = model.checkpoint {
            let run = try model.makeRun()
            return ExplorerSession(run: run, origin: .checkpoint(path: path, step: run.model.step), running: running,
                                   status: "opened \(path) at step \(run.model.step)")
        }
        let picksModel = model.task != nil || model.seed != nil || model.layers != nil || model.dModel != nil
            || model.heads != nil || model.dFF != nil || model.seqLen != nil || model.configFile != nil
        var note = picksModel ? "new model" : "no default checkpoint (assets/\(defaultCheckpointName)): new model"
        if !picksModel, let path = locateDefaultCheckpoint() {
            do {
                let run = try openCheckpointRun(path: path) { try model.overlay($0) }
                return ExplorerSession(run: run, origin: .checkpoint(path: path, step: run.model.step), running: running,
                                       status: "opened the default checkpoint \(path) at step \(run.model.step) (R: start from scratch)")
            } catch let error as OpenError {
                // A broken or unusable shipped checkpoint must not keep the explorer from starting.
                note = "default checkpoint unusable (\(error.message)): new model"
            }
        }
        let run = try model.makeRun()
        return ExplorerSession(run: run, origin: .scratch, running: running, status: note)
    } catch let error as ValidationError {
        throw error
    } catch {
        FileHandle.standardError.write(Data(("Error: \(String(describing: error))\n").utf8))
        throw ExitCode(1)
    }
}

/// Exits with status 1 and the one-line refusal when stdin or stdout is not a TTY.
func requireTerminal() throws {
    guard isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 else {
        FileHandle.standardError.write(Data((TerminalError.notATerminalMessage + "\n").utf8))
        throw ExitCode(1)
    }
}
