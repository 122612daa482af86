// The `g` overlay: one line per figure the panels show, in words for students (issue 22, item 13).
// docs/explorer.md, "Glossary", has the same lines; ClassroomKeysTests checks that every figure is
// listed and that the box fits 80×24.
import PDETRender

/// (figure as the panels label it, what it measures). Each text ≤ 64 columns so the box fits 80 wide.
public let glossaryLines: [(key: String, text: String)] = [
    ("rms", "sqrt(mean x²) of the stream after each layer (Norms panel)"),
    ("drift", "1 − cos(x_l, x_0): how far tokens turned from their embedding"),
    ("update", "‖x_l − x_{l−1}‖ / ‖x_{l−1}‖: block l's step, relative to x"),
    ("rank", "‖X − mean‖ / ‖X‖: → 0 when all tokens are alike (collapse)"),
    ("unif", "mean cosine between tokens: → 1 when all point the same way"),
    ("entropy", "−Σ p log p of an attention row; log T (uniform) is the max"),
    ("heat κ", "width of the heat kernel exp(−(i−j)²/4κ) fitted to the map"),
    ("cos", "cosine of map and fit: means little unless above uniform cos"),
    ("gain", "diffusion step's largest |eigenvalue|^steps: > 1 grows"),
    ("Σα", "sum of a channel's diffusion alphas: ≤ 1/2 (α ≥ 0) is stable"),
    ("order", "simulator: error ∝ dt^order as dt halves (Euler 1, RK4 4)"),
]

/// The overlay `state.overlay` asks for, over everything; a click closes it.
func drawOverlay(_ overlay: Overlay, help: [(key: String, text: String)], into grid: inout Grid, options: RenderOptions) {
    switch overlay {
    case .none: return
    case .help: drawHelp(help, into: &grid, options: options)
    case .glossary: drawHelp(glossaryLines, title: PanelTitle.glossary, into: &grid, options: options)
    }
    addOverlayRegion(into: &grid)
}
