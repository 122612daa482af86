// `pdet-tui snapshot`: trains N steps and prints (or writes) the explorer's frame with no terminal.
// The same inputs give the same bytes; stdout may be a pipe.
import ArgumentParser
import Foundation
import PDETExplorer
import PDETIO
import PDETRender

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Train N steps and render the explorer's screen as text, without a terminal."
    )

    @OptionGroup(title: "Model")
    var model: ModelOptions
    @OptionGroup(title: "Display")
    var display: DisplayOptions
    @OptionGroup(title: "Pretrained model")
    var bert: BertModelOptions

    @Option(help: "Training steps before the frame is drawn.")
    var steps: Int = 0
    @Option(help: "The layer shown (1-based).")
    var layer: Int = 1
    @Option(help: "The attention head shown (1-based).")
    var head: Int = 1
    @Option(help: ArgumentHelp("Screen size WxH, at least 80x24. (default: 120x40)", valueName: "WxH"), transform: parseSize)
    var size: ScreenSize = .standard
    @Option(help: "txt (plain UTF-8, glyph ramps), ansi (with colour codes) or svg (a picture of the frame).")
    var format: SnapshotFormat = .txt
    @Option(help: ArgumentHelp("Write the frame to FILE instead of stdout.", valueName: "file"))
    var out: String?
    @Option(name: .customLong("metrics-json"), help: ArgumentHelp("Also write the frame's metrics as JSON to FILE.", valueName: "file"))
    var metricsJSONPath: String?
    @OptionGroup(title: "Lessons, scripts, recording")
    var lessonScript: LessonScriptOptions
    @OptionGroup(title: "PDE simulator")
    var simulator: SimulatorOptions

    func validate() throws {
        guard steps >= 0, steps <= 1_000_000 else { throw ValidationError("--steps must be in 0...1000000 (got \(steps))") }
        guard layer >= 1 else { throw ValidationError("--layer must be at least 1 (got \(layer))") }
        guard head >= 1 else { throw ValidationError("--head must be at least 1 (got \(head))") }
    }

    func run() throws {
        try checkFlagsApply(model: model, bert: bert, lessonScript: lessonScript, simulator: simulator)
        // Fail before training when an output cannot be written or PDET_THEME is bad.
        try checkOutputs([("--out", out), ("--metrics-json", metricsJSONPath), ("--record", lessonScript.record)])
        let theme = try display.resolvedTheme(followTerminal: false)
        if let directory = bert.directory { return try runBertSnapshot(directory, theme: theme) }
        if let text = try headlessLessonOrScript(lessonScript, model: model, steps: steps, size: size, format: format,
                                                 colorMode: display.colorOff ? .mono : .c256, ascii: display.ascii, theme: theme) {
            try writeOutput(Array(text.utf8), to: out)
            return
        }
        let session = try openSession(model, running: false)
        let config = session.state.config
        guard layer <= config.layers else { throw ValidationError("--layer \(layer): the model has \(config.layers) layers") }
        guard head <= config.heads else { throw ValidationError("--head \(head): the model has \(config.heads) heads") }
        if simulator.enabled { _ = try simulator.config(for: config) }     // bad options fail before training
        session.train(steps: steps)
        try simulator.apply(to: session)
        let text = headlessSnapshot(session: session, steps: 0, layer: layer - 1, head: head - 1, size: size,
                                    format: format, colorMode: display.colorOff ? .mono : .c256, ascii: display.ascii, theme: theme)
        try writeOutput(Array(text.utf8), to: out)
        if let metricsJSONPath {
            try writeOutput(Array((session.frameMetricsJSON + "\n").utf8), to: metricsJSONPath)
        }
    }

    /// `--model DIR`: the MiniLM frame (no training; --steps and --metrics-json do not apply).
    private func runBertSnapshot(_ directory: String, theme: Theme) throws {
        if steps != 0 { throw ValidationError("--steps does not apply with --model (a pretrained model does not train)") }
        if metricsJSONPath != nil { throw ValidationError("--metrics-json does not apply with --model") }
        let text = try bertSnapshot(bert, directory: directory, model: model, layer: layer, head: head, size: size,
                                    format: format, colorMode: display.colorOff ? .mono : .c256, ascii: display.ascii, theme: theme)
        try writeOutput(Array(text.utf8), to: out)
    }
}

extension SnapshotFormat: ExpressibleByArgument {}

/// "120x40" (or "120×40") → a size of at least 80×24 and at most 1000×1000.
func parseSize(_ text: String) throws -> ScreenSize {
    let parts = text.lowercased().replacingOccurrences(of: "×", with: "x").split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else {
        throw ValidationError("expected a size WxH such as 120x40 (got '\(text)')")
    }
    let minimum = ScreenSize.minimum
    guard w >= minimum.width, h >= minimum.height else {
        throw ValidationError("size \(w)x\(h) is smaller than the minimum \(minimum.width)x\(minimum.height)")
    }
    guard w <= 1000, h <= 1000 else { throw ValidationError("size \(w)x\(h) is larger than the maximum 1000x1000") }
    return ScreenSize(width: w, height: h)
}
