// The A/B split screen as a pure function of a SplitState. Single view: exactly renderScreen(a).
// Split view:
//
//   header (1 row: task, step, seed, run state — the same in both panes)
//   ┏ A ▸ focused ━━━━━━━━━━━━━━━┓┌ B ─────────────────────────┐
//   ┃ toggles (* = differs)      ┃│ toggles                    │
//   ┃ attention L/H   │ rms drift┃│ attention L/H   │ rms drift│
//   ┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛└────────────────────────────┘
//   ┌ A/B differences · B: residual off ───────────────────────┐
//   │ per state: rms A B Δ B/A, drift A B Δ │ loss A, B  chart  │
//   └──────────────────────────────────────────────────────────┘
//   status line
//   key bar
import PDETCore
import PDETRender

/// The split view's panel titles (snapshots, tests and the tmux test look for them).
public enum SplitTitle {
    public static let paneA = "A"
    public static let paneB = "B"
    public static let focusedMarker = "▸ focused"
    public static let focusedMarkerASCII = "> focused"
    public static let differences = "A/B differences"
    public static let legendA = "A loss"
    public static let legendB = "B loss"
}

public func renderSplitScreen(_ ab: SplitState, width: Int, height: Int, options: RenderOptions) -> Grid {
    guard let b = ab.b else { return renderScreen(ab.a, width: width, height: height, options: options) }
    var grid = Grid(width: width, height: height)
    guard width >= ScreenSize.minimum.width, height >= ScreenSize.minimum.height else {
        drawTooSmall(into: &grid, options: options)
        return grid
    }
    drawSplitHeader(ab, b, into: &grid, width: width, options: options)
    let body = Rect(x: 0, y: 1, width: width, height: height - 3)
    let rows = Layout.split(body, .vertical, [.length(body.height * 55 / 100), .fill(1)])
    let panes = Layout.split(rows[0], .horizontal, [.fill(1), .fill(1)])
    drawPane(ab.a, other: b, pane: .a, focused: ab.focus == .a, into: &grid, rect: panes[0], options: options)
    drawPane(b, other: ab.a, pane: .b, focused: ab.focus == .b, into: &grid, rect: panes[1], options: options)
    addPaneFocusRegion(rect: panes[0], focused: ab.focus == .a, into: &grid)
    addPaneFocusRegion(rect: panes[1], focused: ab.focus == .b, into: &grid)
    drawDifferencesPanel(ab, b, into: &grid, rect: rows[1], options: options)
    drawStatusLine(ab.statusLine, into: &grid, y: height - 2, options: options)
    drawKeyBar(into: &grid, rect: Rect(x: 0, y: height - 1, width: width, height: 1), hints: splitKeyHints(ab.a.fields), options: options)
    drawOverlay(ab.a.overlay, help: viewScreen(ab.focused).helpLines, into: &grid, options: options)
    grid.applyTheme(options)
    return grid
}

/// The split view's key bar: the A/B keys first, then the single view's (minus those already shown).
func splitKeyHints(_ fields: ConfigFieldTable) -> [KeyHint] {
    let first = [KeyHint("?", "help"), KeyHint("q", "quit"), KeyHint("Tab", "focus"), KeyHint("b", "close B"),
                 KeyHint("Space", "run A+B"), KeyHint("n", "step A+B")]
    let shown = Set(first.map(\.key))
    return first + explorerKeyHints(fields).filter { !shown.contains($0.key) }
}

private func drawSplitHeader(_ ab: SplitState, _ b: ExplorerState, into grid: inout Grid, width: Int, options: RenderOptions) {
    let a = ab.a
    let step = a.step == b.step ? "step \(a.step)" : "step A \(a.step) B \(b.step)"
    var items: [HeaderItem] = [
        HeaderItem(text: "pdet-tui A/B", style: Style(bold: true, reverse: true)),
        HeaderItem(text: "task \(a.config.task.rawValue)"),
        HeaderItem(text: step),
        HeaderItem(text: "seed \(a.config.seed)"),
        HeaderItem(text: a.running ? "RUNNING" : "PAUSED", style: Style(bold: true)),
        HeaderItem(text: "speed \(a.stepsPerFrame)"),
        HeaderItem(text: "same batches, lockstep"),
    ]
    let bad = [(Pane.a, a), (Pane.b, b)].filter { $0.1.firstNonFinite != nil }.map(\.0.rawValue)
    if !bad.isEmpty {
        items.insert(HeaderItem(text: "NON-FINITE \(bad.joined(separator: "+"))", style: Style(fg: Palette.alarm, bold: true)), at: 1)
    }
    var x = 1
    for item in items {
        let text = displayText(item.text, options)
        if x + text.count > width { break }
        x += grid.put(text, x: x, y: 0, style: item.style.downgraded(to: options.colorMode), clip: grid.bounds) + 2
    }
}

/// Header, snapshot and frame of the split view; the single view's snapshot text unchanged.
public func splitSnapshotText(_ ab: SplitState, number: Int?, format: SnapshotFormat,
                              colorMode: ColorMode, ascii: Bool, theme: Theme = .dark) -> String {
    guard let b = ab.b else {
        return snapshotText(ab.a, number: number, format: format, colorMode: colorMode, ascii: ascii, theme: theme)
    }
    let options = snapshotOptions(format, colorMode: colorMode, ascii: ascii, theme: theme)
    let grid = renderSplitScreen(ab, width: ab.size.width, height: ab.size.height, options: options)
    let title = "# pdet-tui \(explorerVersion) snapshot" + (number.map { " " + fourDigits($0) } ?? "") + " A/B split"
    let header = [
        title,
        "# focus \(ab.focus.rawValue) size \(ab.size.width)x\(ab.size.height)",
        "# A: seed \(ab.a.config.seed) step \(ab.a.step) layer \(ab.a.layer + 1) head \(ab.a.head + 1)",
        "# A config \(oneLineConfigJSON(ab.a.config))",
        "# B: seed \(b.config.seed) step \(b.step) layer \(b.layer + 1) head \(b.head + 1)",
        "# B config \(oneLineConfigJSON(b.config))",
        "# reproduce A: \(reproduceCommand(ab.a))",
        "# reproduce B: \(reproduceCommand(b))",
    ]
    return snapshotFile(grid, header: header.joined(separator: "\n") + "\n", format: format, options: options)
}
