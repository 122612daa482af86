// Lessons, scripts and recordings on the command line:
//   pdet-tui lessons                                  list the shipped lessons (number, title, summary)
//   pdet-tui --lesson N [--beat K]                    play lesson N; ← / → move between beats
//   pdet-tui --script FILE [--record FILE.cast]       replay a script, then keep exploring
//   pdet-tui snapshot --lesson N --beat K             the beat's frame, headless
//   pdet-tui snapshot --script FILE [--record F.cast] replay headless (virtual clock), print the last frame
// Every error is one line on stderr and exit status 1.
import ArgumentParser
import Foundation
import PDETCore
import PDETExplorer
import PDETIO
import PDETRender
import PDETScript

struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "List the guided lessons (open one with `pdet-tui --lesson N`)."
    )

    @Option(help: ArgumentHelp("The lessons folder (default: assets/lessons, found like the default checkpoint).", valueName: "dir"))
    var directory: String?

    @Flag(help: "Time the beat keys of every lesson at 120x40 (docs/performance.md): when each beat is ready after opening, → and ← onto a kept beat.")
    var bench = false

    @Option(help: ArgumentHelp("With --bench: only lesson N.", valueName: "n"))
    var lesson: Int?

    func validate() throws {
        if lesson != nil && !bench { throw ValidationError("--lesson applies to --bench (to play a lesson: pdet-tui --lesson N)") }
    }

    func run() throws {
        let lessons = try failing { try loadNumberedLessons(directory: directory) }
        if bench {
            let chosen = lessons.filter { lesson == nil || $0.number == lesson }
            if chosen.isEmpty { try failing { throw unknownLesson(lesson ?? 0, lessons) } }
            for (number, lesson) in chosen {
                let timings = try failing {
                    try measureLesson(lesson, number: number) { try makeLessonSession(lesson, number: number) }
                }
                FileHandle.standardOutput.write(Data(timings.table.utf8))
            }
            return
        }
        var out = ""
        for (number, lesson) in lessons {
            out += "\(number)  \(lesson.title)  (\(lesson.beats.count) beats)\n    \(lesson.summary)\n"
        }
        out += "Open one with: pdet-tui --lesson N   (snapshot --lesson N --beat K renders a beat headless)\n"
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

/// The options Explore and snapshot share for lessons, scripts and recordings.
struct LessonScriptOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Play lesson N (see `pdet-tui lessons`); ← / → move between beats.", valueName: "n"))
    var lesson: Int?
    @Option(name: .customLong("beat"), help: ArgumentHelp("With --lesson: the beat to open (1-based). (default: 1)", valueName: "k"))
    var beatGiven: Int?
    @Option(help: ArgumentHelp("Replay a script file (docs/scripts.md).", valueName: "file"))
    var script: String?
    @Option(help: ArgumentHelp("Record the session as an asciicast v2 file.", valueName: "file.cast"))
    var record: String?

    func validate() throws {
        if lesson != nil && script != nil { throw ValidationError("--lesson and --script cannot be combined") }
        if let beatGiven {
            guard lesson != nil else { throw ValidationError("--beat applies to --lesson N only") }
            guard beatGiven >= 1 else { throw ValidationError("--beat must be at least 1 (got \(beatGiven))") }
        }
    }

    /// The beat to open (1 unless --beat was given).
    var beat: Int { beatGiven ?? 1 }

    var isActive: Bool { lesson != nil || script != nil || record != nil }
}

/// Runs `body`; any error becomes "Error: message" (or the script's "FILE:LINE: message") and exit 1.
func failing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch let error as ScriptError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(1)
    } catch {
        let text = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data(("Error: " + text + "\n").utf8))
        throw ExitCode(1)
    }
}

/// Lesson N of the shipped folder, or a one-line error naming the numbers there are.
/// `computeNow` false (interactive): the beat is computed by the terminal loop, with progress on screen.
func openLessonPlayer(number: Int, beat: Int, computeNow: Bool = true) throws -> LessonPlayer {
    let lessons = try loadNumberedLessons()
    guard let hit = lessons.first(where: { $0.number == number }) else { throw unknownLesson(number, lessons) }
    return try LessonPlayer(lesson: hit.lesson, number: number, beat: beat - 1, computeNow: computeNow) {
        try makeLessonSession(hit.lesson, number: number)
    }
}

func unknownLesson(_ number: Int, _ lessons: [(number: Int, lesson: Lesson)]) -> LessonError {
    let numbers = lessons.map { String($0.number) }.joined(separator: ", ")
    return LessonError("lesson \(number) does not exist (lessons: \(numbers); `pdet-tui lessons` lists them)")
}

/// The lesson's fresh session: its preset from scratch, or its `--checkpoint` with the preset applied.
func makeLessonSession(_ lesson: Lesson, number: Int) throws -> ExplorerSession {
    let status = "lesson \(number): \(lesson.title)"
    guard let checkpoint = lesson.checkpoint else {
        let config: ModelConfig
        do { config = try lesson.config(base: ModelConfig()) } catch {
            throw LessonError("\(lesson.fileName): preset: \(error.message)")
        }
        return try ExplorerSession(config: config, running: false, status: status)
    }
    let run = try openCheckpointRun(path: checkpoint) { base in
        do { return try lesson.config(base: base) } catch { throw LessonError("preset: \(error)") }
    }
    return ExplorerSession(run: run, origin: .checkpoint(path: checkpoint, step: run.model.step), status: status)
}

// MARK: headless (snapshot)

/// The `snapshot` command's frame for --lesson / --script (nil when neither is given).
func headlessLessonOrScript(_ options: LessonScriptOptions, model: ModelOptions, steps: Int, size: ScreenSize,
                            format: SnapshotFormat = .txt, colorMode: ColorMode = .c256, ascii: Bool,
                            theme: Theme = .dark) throws -> String? {
    if let number = options.lesson {
        if options.record != nil { throw ValidationError("--record with --lesson needs the interactive explorer") }
        return try failing {
            let player = try openLessonPlayer(number: number, beat: options.beat)
            _ = player.session.render(width: size.width, height: size.height, options: RenderOptions(colorMode: .mono, ascii: ascii))
            return player.snapshotText(size: size, format: format, colorMode: colorMode, ascii: format == .txt ? false : ascii, theme: theme)
        }
    }
    guard let path = options.script else {
        if options.record != nil { throw ValidationError("--record in snapshot mode needs --script") }
        return nil
    }
    let actions = try failing { try loadScript(path: path) }
    let session = try openSession(model, running: false)
    return try failing {
        session.train(steps: steps)
        let renderOptions = RenderOptions(colorMode: .c256, ascii: ascii)
        let recorder = try options.record.map { try FrameRecorder(path: $0, size: size, options: renderOptions) }
        defer { recorder?.close() }
        let runner = ScriptRunner(session: session, size: size, options: renderOptions, recorder: recorder)
        try runner.run(actions)
        _ = runner.frame()
        return runner.comparison.snapshotText(number: nil, format: format, colorMode: colorMode, ascii: ascii, theme: theme)
    }
}

// MARK: interactive (explore)

/// The explorer with --lesson, --script or --record: the one terminal loop on a synchronous screen
/// (training happens between key reads, one frame of steps at a time), recording every drawn frame
/// when asked. Scripts and free exploring go through the A/B-capable screen (`b`, Tab); lessons stay single.
func runInteractiveLessonOrScript(_ options: LessonScriptOptions, model: ModelOptions, display: DisplayOptions) throws {
    try requireTerminal()
    let actions = try options.script.map { path in try failing { try loadScript(path: path) } }
    var player: LessonPlayer?
    let session: ExplorerSession
    if let number = options.lesson {
        let opened = try failing { try openLessonPlayer(number: number, beat: options.beat, computeNow: false) }
        player = opened
        session = opened.session
    } else {
        session = try openSession(model, running: false)   // opens paused, like the explorer (Space runs)
    }
    let theme = try display.resolvedTheme(followTerminal: true)
    try runOnTerminal(display: display, theme: theme, record: options.record, script: actions ?? []) { renderOptions, size in
        if let player { return LessonScreen(player: player) }
        return ExplorerScreen(session: session, size: size, options: renderOptions)
    }
}
