// pdet-tui: take a small Transformer apart while it trains, reading it as a discretised PDE.
import ArgumentParser
import CPosix
import PDETTerminal
#if canImport(Glibc)
import Glibc
#endif

@main
struct PDETTui: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "pdet-tui",
            abstract: "A terminal explorer that takes a small Transformer apart while it runs.",
            discussion: "Runs `explore` when no subcommand is given. Its flags:\n\n" + modelFlagsHelp,
            version: "0.1.0",
            subcommands: [Explore.self, Train.self, SnapshotCommand.self, Bench.self, Inspect.self, AttentionReadingsCommand.self, Reproduce.self, DatasetCommand.self, BaselinesCommand.self, Demo.self, LessonsCommand.self, Stabilisers.self],
            defaultSubcommand: Explore.self
        )
    }

    /// Parses and runs the command like ParsableCommand's own `main`, with two additions: SIGINT,
    /// SIGTERM, SIGHUP and SIGQUIT remove any temporary output file in flight before the process dies
    /// (the terminal UI replaces these handlers with its own while it is open), and a UI session that
    /// a signal ended exits 128 + the signal, as shells expect.
    static func main() {
        pdet_cleanup_signals_install()
        if let message = invalidUTF8Argument() {
            let line = Array(("Error: " + message + "\n").utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            Glibc.exit(1)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
        if let signal = TerminalScreen.quitSignal {
            pdet_temp_remove_all()
            Glibc.exit(128 + signal)
        }
    }

    /// Swift reads arguments as UTF-8 and turns a byte that is not into U+FFFD, so a file name with
    /// such a byte would be read or written under another name. Such an argument is refused.
    static func invalidUTF8Argument() -> String? {
        for i in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[i], String(validatingCString: raw) == nil else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            let shown = bytes.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }.joined()
            return "argument \(i) ('\(shown)') is not valid UTF-8: pdet-tui reads and writes file names as UTF-8 text; rename the file"
        }
        return nil
    }

    /// The option lines of the model and display flags, so `pdet-tui --help` shows them too
    /// (generated, so they cannot drift from the flags themselves).
    static var modelFlagsHelp: String {
        func optionLines<T: ParsableArguments>(_ type: T.Type) -> String {
            let help = type.helpMessage(columns: 80)
            guard let start = help.range(of: "OPTIONS:\n") else { return help }
            return help[start.upperBound...]
                .split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("--help") && !$0.contains("Show help information") }
                .joined(separator: "\n")
                .trimmingCharacters(in: .newlines)
        }
        return "MODEL:\n" + optionLines(ModelOptions.self) + "\n\nDISPLAY:\n" + optionLines(DisplayOptions.self)
            + "\n\nPRETRAINED MODEL:\n" + optionLines(BertModelOptions.self)
    }
}
