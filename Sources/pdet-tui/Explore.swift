// The default subcommand: the interactive explorer (wired to PDETExplorer by the lead).
import ArgumentParser
import Foundation
import PDETTerminal

struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a small Transformer and take it apart while it runs (the default)."
    )

    @OptionGroup(title: "Model")
    var model: ModelOptions
    @OptionGroup(title: "Display")
    var display: DisplayOptions

    func run() throws {
        try requireTerminal()
        print("explorer not yet wired")
    }
}

/// Exits with status 1 and the one-line refusal when stdin or stdout is not a TTY.
func requireTerminal() throws {
    guard isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 else {
        FileHandle.standardError.write(Data((TerminalError.notATerminalMessage + "\n").utf8))
        throw ExitCode(1)
    }
}
