// `pdet-tui demo` (hidden): a test pattern proving the terminal backend works — border, size,
// last key, colour ramps, a tick counter, the "too small" screen. Used by scripts/tmux-demo-test.sh.
import ArgumentParser
import Foundation
import PDETExplorer
import PDETRender

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a terminal test pattern (q or Ctrl-C quits).",
        shouldDisplay: false
    )

    @OptionGroup(title: "Display")
    var display: DisplayOptions

    func run() throws {
        try runOnTerminal(display: display, theme: .dark) { options, _ in
            DemoScreen(pattern: DemoPattern(colorMode: options.colorMode, ascii: options.ascii))
        }
    }
}
