// The key bar at the bottom of every screen (btop/htop manners): "q quit  ␣ pause  n step", each key in
// reverse video so that it reads as a key in mono too. Items that do not fit whole are dropped, never cut,
// and a "…" says that some were (the ? help lists them all).

public struct KeyHint: Equatable, Sendable {
    public var key: String     // as shown: "q", "Space", "?", "+/-"
    public var label: String   // what it does: "quit", "pause"

    public init(_ key: String, _ label: String) {
        self.key = key
        self.label = label
    }
}

/// Draws `hints` left to right on the first row of `rect` ("key label", two spaces apart). Returns how many fit.
@discardableResult
public func drawKeyBar(into grid: inout Grid, rect: Rect, hints: [KeyHint], options: RenderOptions = .standard) -> Int {
    let clip = rect.intersection(grid.bounds)
    guard !clip.isEmpty else { return 0 }
    let keyStyle = Style(bold: true, reverse: true)
    var x = clip.x
    var shown = 0
    let more = options.ascii ? "~" : "…"
    for (i, hint) in hints.enumerated() {
        let key = displayText(hint.key, options), label = displayText(hint.label, options)
        let width = key.count + 1 + label.count
        // The last one that fits leaves room for " …" when more follow (the help lists every key).
        let reserve = i < hints.count - 1 ? 2 : 0
        if x + width + reserve > clip.maxX {
            grid.put(more, x: min(x, clip.maxX - 1), y: clip.y, style: Style(bold: true), clip: clip)
            break
        }
        grid.put(key, x: x, y: clip.y, style: keyStyle, clip: clip)
        grid.put(label, x: x + key.count + 1, y: clip.y, clip: clip)
        x += width + 2
        shown += 1
    }
    return shown
}
