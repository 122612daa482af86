// The default subcommand: the interactive explorer. Opens the model (a --checkpoint, the flags, or
// the shipped default checkpoint), then runs the one terminal loop on the ncurses screen until q.
import ArgumentParser
import Foundation
import PDETCore
import PDETExplorer
import PDETIO
import PDETRender
import PDETScript
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
        // Opens paused: a teacher talks about the first frame before it moves (Space runs).
        let session = try openSession(model, running: false)
        try simulator.apply(to: session)
        try runOnTerminal(display: display, theme: theme, mouse: !display.noMouse) { options, size in
            LiveExplorerScreen(live: LiveExplorer(session: session, options: options, size: size))
        }
    }
}

/// Opens the ncurses screen (or prints its one-line refusal and exits 1), makes the screen to show
/// for the terminal's size and colours, and runs the one loop (PDETExplorer's runTerminalLoop) on
/// it, recording to `record` when given. The terminal is restored on every path; an error inside
/// the session is printed after that ("Error: …", exit 1).
func runOnTerminal(display: DisplayOptions, theme: Theme, mouse: Bool = false, record: String? = nil,
                   script: [ScriptAction] = [],
                   makeScreen: (RenderOptions, ScreenSize) throws -> any InteractiveScreen) throws {
    let terminal: TerminalScreen
    do {
        terminal = try TerminalScreen(noColor: display.noColor, mouse: mouse)
    } catch {
        FileHandle.standardError.write(Data((error.message + "\n").utf8))
        throw ExitCode(1)
    }
    var failure: String?
    do {
        defer { terminal.shutdown() }
        let options = RenderOptions(colorMode: colorMode(terminal.colors), ascii: display.ascii || !terminal.unicode, theme: theme)
        let size = ScreenSize(width: terminal.size.width, height: terminal.size.height)
        let screen = try makeScreen(options, size)
        let recorder = try record.map { try FrameRecorder(path: $0, size: size, options: options) }
        defer { recorder?.close() }
        try runTerminalLoop(screen, on: terminal, options: options, script: script, recorder: recorder)
    } catch {
        failure = String(describing: error)
    }
    if let failure {
        FileHandle.standardError.write(Data(("Error: " + failure + "\n").utf8))
        throw ExitCode(1)
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
            || model.initGain != nil    // an init flag describes a new model: the shipped one is trained
        var note = picksModel ? "new model" : "no default checkpoint (assets/\(defaultCheckpointName)): new model"
        if !picksModel, let path = locateDefaultCheckpoint() {
            do {
                let run = try openCheckpointRun(path: path) { try model.overlay($0) }
                return ExplorerSession(run: run, origin: .checkpoint(path: path, step: run.model.step), running: running,
                                       status: "opened the default checkpoint \(path) at step \(run.model.step) (Space runs)")
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
