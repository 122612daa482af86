// Why the terminal backend could not start: a one-line message, printed as is by the CLI.

public struct TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// The refusal when stdin or stdout is not a TTY (pipes, CI, `> file`).
    public static let notATerminalMessage =
        "pdet-tui: the interactive explorer needs a terminal (stdin and stdout must be a TTY); use `pdet-tui snapshot` for headless output"

    public static let notATerminal = TerminalError(notATerminalMessage)
}
