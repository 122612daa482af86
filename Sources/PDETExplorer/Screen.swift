// The whole screen as a pure function of the state: header, five panels, status line, key bar,
// and the help overlay; or the centred "Terminal too small" below 80×24. The interactive session,
// the `s` snapshots and the headless `snapshot` command all draw through `renderScreen`.
//
//   header (2–3 rows: run, then the toggles, wrapped to the width)
//   ┌ Attention ──┐┌ Norms ──────┐┌ Drift ──────┐
//   │             │└─────────────┘└─────────────┘
//   │             │┌ Diffusion ──┐┌ Training ───┐
//   └─────────────┘└─────────────┘└─────────────┘
//   status line
//   key bar
import PDETCore
import PDETRender

/// The panel titles (snapshots, tests and the tmux test look for them).
public enum PanelTitle {
    public static let attention = "Attention"
    public static let norms = "Norms"
    public static let drift = "Drift"
    public static let diffusion = "Diffusion"
    public static let training = "Training"
    public static let help = "Help"
    public static let glossary = "Glossary"
}

public func renderScreen(_ state: ExplorerState, width: Int, height: Int, options: RenderOptions) -> Grid {
    var grid = Grid(width: width, height: height)
    let min = ScreenSize.minimum
    guard width >= min.width, height >= min.height else {
        drawTooSmall(into: &grid, options: options)
        return grid
    }
    let headerLines = headerRows(state, width: width, options: options)
    for (i, line) in headerLines.enumerated() { drawHeaderLine(line, into: &grid, y: i, options: options) }
    let body = Rect(x: 0, y: headerLines.count, width: width, height: height - headerLines.count - 2)
    let rects = panelRects(body)
    let view = viewScreen(state)
    view.drawPanels(&grid, rects, options)
    drawTrainingPanel(state, into: &grid, rect: rects.training, options: options)
    drawStatus(state, into: &grid, y: height - 2, options: options)
    drawKeyBar(into: &grid, rect: Rect(x: 0, y: height - 1, width: width, height: 1), hints: view.keyHints, options: options)
    drawOverlay(state.overlay, help: view.helpLines, into: &grid, options: options)
    grid.applyTheme(options)
    return grid
}

/// Over the help overlay a click closes it (Esc) and the wheel does nothing: the panels under it are hidden.
func addOverlayRegion(into grid: inout Grid) {
    grid.addRegion(ClickRegion(rect: grid.bounds, click: [.escape], wheelUp: [], wheelDown: []))
}

/// What differs between the discrete model's view and the simulator's on screen, chosen here once:
/// the header's second part, four of the five panels (Training is shared), an A/B pane's body, the
/// key bar and the help. The simulator's parts get its state from its case.
struct ViewScreen {
    var headerItems: [HeaderItem]
    var drawPanels: (inout Grid, PanelRects, RenderOptions) -> Void
    /// An A/B pane below its toggles: a picture (`heat`) and a table.
    var drawPaneBody: (inout Grid, _ heat: Rect, _ table: Rect, _ focused: Bool, RenderOptions) -> Void
    var keyHints: [KeyHint]
    var helpLines: [(key: String, text: String)]
}

func viewScreen(_ state: ExplorerState) -> ViewScreen {
    switch state.view {
    case .model:
        return ViewScreen(
            headerItems: [HeaderItem(text: "discrete")] + state.fields.screenRows.map { headerItem($0, state) },
            drawPanels: { grid, rects, options in
                drawAttentionPanel(state, into: &grid, rect: rects.attention, options: options)
                drawNormsPanel(state, into: &grid, rect: rects.norms, options: options)
                drawDriftPanel(state, into: &grid, rect: rects.drift, options: options)
                drawDiffusionPanel(state, into: &grid, rect: rects.diffusion, options: options)
            },
            drawPaneBody: { grid, heat, table, focused, options in
                drawPaneModel(state, into: &grid, heat: heat, table: table, focused: focused, options: options)
            },
            keyHints: explorerKeyHints(state.fields), helpLines: explorerHelpLines(state.fields))
    case .simulator(let sim):
        return ViewScreen(
            headerItems: simulatorHeaderItems(state, sim),
            drawPanels: { grid, rects, options in
                drawTrajectoryPanel(state, sim, into: &grid, rect: rects.attention, options: options)
                drawSimulatorNormsPanel(state, sim, into: &grid, rect: rects.norms, options: options)
                drawSimulatorDriftPanel(state, sim, into: &grid, rect: rects.drift, options: options)
                drawConvergencePanel(state, sim, into: &grid, rect: rects.diffusion, options: options)
            },
            drawPaneBody: { grid, heat, table, _, options in
                drawPaneSimulation(state, sim, into: &grid, heat: heat, table: table, options: options)
            },
            keyHints: simulatorKeyHints, helpLines: simulatorHelpLines)
    }
}

struct PanelRects {
    var attention, norms, drift, diffusion, training: Rect
}

/// Attention takes the left ~45% at full height; the other four share the right side two by two.
func panelRects(_ body: Rect) -> PanelRects {
    let leftWidth = max(30, body.width * 38 / 100)
    let columns = Layout.split(body, .horizontal, [.length(leftWidth), .fill(1)])
    let rows = Layout.split(columns[1], .vertical, [.fill(1), .fill(1)])
    let top = Layout.split(rows[0], .horizontal, [.fill(1), .fill(1)])
    let bottom = Layout.split(rows[1], .horizontal, [.fill(1), .fill(1)])
    return PanelRects(attention: columns[0], norms: top[0], drift: top[1], diffusion: bottom[0], training: bottom[1])
}

// MARK: header

struct HeaderItem: Equatable {
    var text: String
    var style: Style = .plain
    /// The keys a click (or the wheel) on the item stands for: the toggle's own key.
    var click: [Key]? = nil
    var wheelUp: [Key]? = nil
    var wheelDown: [Key]? = nil
}

/// The header items in order, greedily wrapped to rows of `width` (two spaces apart), at most 3 rows.
func headerRows(_ state: ExplorerState, width: Int, options: RenderOptions) -> [[HeaderItem]] {
    let c = state.config
    let alarm = Style(fg: Palette.alarm, bold: true)
    var run: [HeaderItem] = [
        HeaderItem(text: "pdet-tui", style: Style(bold: true, reverse: true)),
        HeaderItem(text: "task \(c.task.rawValue)"),
        HeaderItem(text: "step \(state.step)"),
        HeaderItem(text: "seed \(c.seed)"),
        HeaderItem(text: state.running ? "RUNNING" : "PAUSED", style: Style(bold: true)),
        HeaderItem(text: "speed \(state.stepsPerFrame)"),
        HeaderItem(text: "layer \(state.layer + 1)/\(c.layers) head \(state.head + 1)/\(c.heads)"),
    ]
    if state.firstNonFinite != nil { run.append(HeaderItem(text: "NON-FINITE", style: alarm)) }
    var rows = wrapItems(run, width: width)
    rows += wrapItems(viewScreen(state).headerItems, width: width)
    return Array(rows.prefix(3))
}

/// A field's header item ("Norm post"); a click on a toggle presses its key, the wheel steps it.
private func headerItem(_ field: ConfigField, _ state: ExplorerState) -> HeaderItem {
    let spec = field.screen!.header
    let value = field.shown(state.config)
    var text = fieldText(value)
    var style = Style.plain
    switch spec.emphasis {
    case .none: break
    case .unlessDefault:
        if case .onOff = value { text = text.uppercased() }     // a stabiliser switched off shouts: "Residual OFF"
        if !field.isDefault(state.config) { style = Style(bold: true) }
    case .whenDiffusionUnstable:
        if state.config.pde != .off && diffusionUnstable(state) { style = Style(fg: Palette.alarm, bold: true) }
    }
    return HeaderItem(text: "\(spec.label) \(text)", style: style, click: spec.click.map { [.char($0)] },
                      wheelUp: spec.wheelUp.map { [.char($0)] }, wheelDown: spec.wheelDown.map { [.char($0)] })
}

private func wrapItems(_ items: [HeaderItem], width: Int) -> [[HeaderItem]] {
    var rows: [[HeaderItem]] = [[]]
    var used = 1   // one column of margin on the left
    for item in items {
        let need = item.text.count + (rows[rows.count - 1].isEmpty ? 0 : 2)
        if used + need > width && !rows[rows.count - 1].isEmpty {
            rows.append([])
            used = 1
        }
        used += item.text.count + (rows[rows.count - 1].isEmpty ? 0 : 2)
        rows[rows.count - 1].append(item)
    }
    return rows
}

private func drawHeaderLine(_ items: [HeaderItem], into grid: inout Grid, y: Int, options: RenderOptions) {
    var x = 1
    for item in items {
        let text = displayText(item.text, options)
        if item.click != nil || item.wheelUp != nil || item.wheelDown != nil {
            grid.addRegion(ClickRegion(rect: Rect(x: x, y: y, width: text.count, height: 1), click: item.click,
                                       wheelUp: item.wheelUp, wheelDown: item.wheelDown))
        }
        x += grid.put(text, x: x, y: y, style: item.style.downgraded(to: options.colorMode), clip: grid.bounds) + 2
    }
}

/// Whether the diffusion layer shown amplifies: its worst channel's gain ρ^steps above 1 (the probe's), or,
/// before any forward, that of the configured alphas (pdeAlpha split evenly over the scales; the
/// clamp projects them onto Σα ≤ 1/2 first).
func diffusionUnstable(_ state: ExplorerState) -> Bool {
    if let probe = state.metrics?.diffusion { return probe.unstable }
    return diffusionIsUnstable(amplification: configuredDiffusionGain(state.config))
}

/// The gain ρ^steps of the alphas `c` sets (pdeAlpha split evenly over the scales, projected onto
/// Σα ≤ 1/2 when the clamp is on): what a/A, c and m leave every channel at.
func configuredDiffusionGain(_ c: ModelConfig) -> Double {
    let each = c.pdeAlpha / Float(max(c.pdeScales.count, 1))
    let total = each * Float(c.pdeScales.count)
    let alphas = [Float](repeating: c.pdeClamp && total > diffusionAlphaSumLimit ? each * diffusionAlphaSumLimit / total : each,
                         count: c.pdeScales.count)
    return diffusionAmplification(alphas: alphas, scales: c.pdeScales, T: c.seqLen, steps: c.pdeSteps)
}

/// " (gain G > 1: unstable)" when the configured alphas amplify, else "" (status messages of a/A, c, m).
func unstableNote(_ c: ModelConfig) -> String {
    guard c.pde != .off else { return "" }
    let gain = configuredDiffusionGain(c)
    return diffusionIsUnstable(amplification: gain) ? " (gain \(formatCompact(gain)) > 1: unstable)" : ""
}

// MARK: status, keys, help, too small

/// The key bar: the run keys, the table's toggles, then the rest.
func explorerKeyHints(_ fields: ConfigFieldTable) -> [KeyHint] {
    [KeyHint("?", "help"), KeyHint("q", "quit"), KeyHint("Space", "run"), KeyHint("n", "step")]
        + fields.screenRows.compactMap { row in
            guard let spec = row.screen, !spec.keys.isEmpty else { return nil }
            return KeyHint(spec.keys.map { String($0.key) }.joined(separator: "/"), spec.keyBar)
        }
        + [KeyHint("M", "sim"), KeyHint("b", "A/B"), KeyHint("s", "snap"), KeyHint("[/]", "layer"), KeyHint("h/H", "head"),
           KeyHint("t", "task"), KeyHint("R", "reset"), KeyHint("+/-", "speed"), KeyHint("z", "autoscale")]
}

/// In simulator mode r and l toggle the simulator's stabilisers; the other keys are its options.
let simulatorKeyHints: [KeyHint] = [
    KeyHint("?", "help"), KeyHint("q", "quit"), KeyHint("M", "model"), KeyHint("i", "integrator"), KeyHint("d/D", "dt"),
    KeyHint("</>", "steps"), KeyHint("w", "tied"), KeyHint("r", "resid"), KeyHint("l", "LN"), KeyHint("k/K", "D"),
    KeyHint("v", "converge"), KeyHint("Space", "train"), KeyHint("n", "step"), KeyHint("s", "snap"),
]

/// Every key with what it does: the help overlay and docs/explorer.md list these.
public let helpLines = explorerHelpLines(.standard)

/// The help overlay for a table: the run keys, its toggles, then the rest.
public func explorerHelpLines(_ fields: ConfigFieldTable) -> [(key: String, text: String)] {
    let toggles: [(key: String, text: String)] = fields.screenRows.compactMap { row in
        guard let spec = row.screen, !spec.keys.isEmpty else { return nil }
        return (spec.keys.map { String($0.key) }.joined(separator: "  "), spec.keyHelp)
    }
    return [("Space", "run / pause training"), ("n  .", "one training step")] + toggles + [
        ("[  ]", "previous / next layer (also ← →)"),
        ("h  H", "next / previous head (also ↓ ↑)"),
        ("z", "attention colours: fixed 0–1 / autoscaled to the map's max"),
        ("t", "next task (same toggles, new weights)"),
        ("R", "re-seed and start from scratch"),
        ("s  S", "snapshot (snapshots/NNNN.txt .ansi .svg) / checkpoint"),
        ("e  o", "held-out now / reload the opening model (toggles reset)"),
        ("w", "Training charts: whole / recent (since toggle, ≤ 200 steps)"),
        ("+  -", "more / fewer training steps per frame"),
        ("b  Tab", "A/B split (B = copy of A; b closes) / focus the other pane"),
        ("M", "PDE simulator: depth read as time (its keys: M then ?)"),
        ("?  g", "this help / the glossary of figures (Esc closes)"),
        ("q  Ctrl-C", "quit"),
    ]
}

/// The help in simulator mode: its own keys first, then the ones that still act on the model.
public let simulatorHelpLines: [(key: String, text: String)] = [
    ("M", "back to the discrete model"),
    ("i", "integrator Euler → Heun → RK4"),
    ("d  D", "halve / double dt (same final time)"),
    ("<  >", "fewer / more steps (the final time changes)"),
    ("w", "weight-tied (block 1 at every step) / per-layer"),
    ("r", "simulator residual on / off (off: x ← F(x))"),
    ("l", "simulator LayerNorm inside F on / off"),
    ("k  K", "diffusion D down / up by 0.05 (dt·D ≤ 1/2)"),
    ("v", "convergence study as dt shrinks, whatever it costs"),
    ("Space  n", "train the model (the simulation follows)"),
    ("p a c m", "the model's diffusion keys (not simulated)"),
    ("[ ] h H", "layer / head (the Attention panel)"),
    ("s", "snapshot to snapshots/NNNN.txt, .ansi and .svg"),
    ("b  Tab", "A/B split / focus the other pane"),
    ("?  g", "this help / the glossary of figures (Esc closes)"),
    ("q  Ctrl-C", "quit"),
]

private func drawStatus(_ state: ExplorerState, into grid: inout Grid, y: Int, options: RenderOptions) {
    drawStatusLine(state.statusLine, into: &grid, y: y, options: options)
}

/// The status line of every screen (toy model, A/B split, MiniLM): "ready" when empty, errors and
/// warnings in the alarm colour, clipped to the row.
func drawStatusLine(_ status: StatusLine, into grid: inout Grid, y: Int, options: RenderOptions) {
    let text = status.text.isEmpty ? "ready" : status.text
    let style = status.severity == .info ? Style.plain : Style(fg: Palette.alarm, bold: true)
    grid.put(" " + text, in: Rect(x: 0, y: y, width: grid.width, height: 1),
             style: style.downgraded(to: options.colorMode), options: options)
}

/// The `?` overlay: one key and its meaning per line, centred (shared by the toy-model and MiniLM screens).
func drawHelp(_ lines: [(key: String, text: String)], title: String = PanelTitle.help, into grid: inout Grid, options: RenderOptions) {
    let keyWidth = lines.map(\.key.count).max() ?? 0
    let textWidth = lines.map(\.text.count).max() ?? 0
    let box = Layout.centered(grid.bounds, width: keyWidth + textWidth + 7, height: lines.count + 4)
    let inner = drawPanel(into: &grid, rect: box, title: title, focused: true, options: options)
    for (i, line) in lines.enumerated() {
        grid.put(line.key, in: Rect(x: inner.x + 1, y: inner.y + i, width: keyWidth, height: 1),
                 style: Style(bold: true), options: options)
        grid.put(line.text,
                 in: Rect(x: inner.x + keyWidth + 3, y: inner.y + i, width: inner.width - keyWidth - 3, height: 1), options: options)
    }
    grid.put("Esc closes", in: inner, row: inner.height - 1, align: .center, style: Style(dim: true))
}

/// "Terminal too small: W×H, need 80×24", centred (on two lines when one does not fit), in the theme's
/// colours (the light theme's page too).
func drawTooSmall(into grid: inout Grid, options: RenderOptions) {
    defer { grid.applyTheme(options) }
    let times = options.ascii ? "x" : "×"
    let size = "\(grid.width)\(times)\(grid.height)"
    let need = "need \(ScreenSize.minimum.width)\(times)\(ScreenSize.minimum.height)"
    let oneLine = "Terminal too small: \(size), \(need)"
    let lines = oneLine.count <= grid.width ? [oneLine] : ["Terminal too small: \(size)", need]
    let top = max(0, (grid.height - lines.count) / 2)
    for (i, line) in lines.enumerated() {
        grid.put(line, x: max(0, (grid.width - line.count) / 2), y: top + i, style: Style(bold: true), clip: grid.bounds)
    }
}

