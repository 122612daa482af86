// `pdet-tui demo` (hidden): a test pattern proving the terminal backend works — border, size,
// last key, colour ramps, a tick counter, the "too small" screen. Used by scripts/tmux-demo-test.sh.
import ArgumentParser
import Foundation
import PDETRender
import PDETTerminal

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a terminal test pattern (q or Ctrl-C quits).",
        shouldDisplay: false
    )

    @OptionGroup(title: "Display")
    var display: DisplayOptions

    func run() throws {
        let screen: TerminalScreen
        do {
            screen = try TerminalScreen(noColor: display.noColor)
        } catch {
            FileHandle.standardError.write(Data((error.message + "\n").utf8))
            throw ExitCode(1)
        }
        defer { screen.shutdown() }
        var pattern = DemoPattern(colors: screen.colors, ascii: display.ascii || !screen.unicode)
        runTerminalLoop(
            screen: screen,
            frameIntervalMilliseconds: 100,
            tick: { pattern.ticks += 1 },
            render: { width, height in pattern.render(width: width, height: height) },
            handle: { key in
                pattern.lastKey = key
                return key != .char("q") && key != .ctrl("c")
            }
        )
    }
}
