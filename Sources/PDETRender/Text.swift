// Text placement inside a rect: clipped, left/right/centred lines, truncation with an ellipsis and word wrap
// for help text and status paragraphs. Every character is assumed one column wide (no wide glyphs are used).

public enum TextAlign: Equatable, Hashable, Sendable {
    case left, center, right
}

/// How `--ascii` output shows text: the non-ASCII glyphs the program's own text uses are spelled in
/// ASCII (→ "->", κ "k", ≤ "<=", …), any other non-ASCII character (a user's label) becomes "?".
/// The one ASCII fallback: widgets, panels, lessons and exports all go through it.
public func asciiSafe(_ text: String) -> String {
    if text.allSatisfy(\.isASCII) { return text }
    var out = ""
    for ch in text {
        if ch.isASCII { out.append(ch) } else { out += asciiSpelling[ch] ?? "?" }
    }
    return out
}

/// ASCII spellings of the non-ASCII glyphs in the program's own text.
private let asciiSpelling: [Character: String] = [
    "→": "->", "←": "<-", "↑": "^", "↓": "v", "Σ": "sum ", "≤": "<=", "×": "x", "κ": "k", "²": "^2",
    "…": "...", "α": "a", "·": "-", "‖": "|", "≈": "~", "−": "-", "–": "-", "—": "-",
]

/// Text as a widget or panel shows it: ASCII-safe (asciiSafe) under `options.ascii`.
public func displayText(_ text: String, _ options: RenderOptions) -> String {
    options.ascii ? asciiSafe(text) : text
}

/// `text` cut to at most `width` characters; with `ellipsis` the last kept character becomes "…" ("~" in ASCII).
public func truncate(_ text: String, width: Int, ellipsis: Bool = false, ascii: Bool = false) -> String {
    guard width > 0 else { return "" }
    guard text.count > width else { return text }
    if !ellipsis { return String(text.prefix(width)) }
    return String(text.prefix(width - 1)) + (ascii ? "~" : "…")
}

/// Greedy word wrap to lines of at most `width` characters. "\n" starts a new paragraph (kept as its own
/// line, empty lines kept); runs of spaces collapse; words longer than `width` are split hard.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        for word in paragraph.split(separator: " ") {
            var word = Substring(word)
            while word.count > width {          // a word that can never fit on one line
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            if word.isEmpty { continue }
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        lines.append(line)
    }
    return lines
}

extension Grid {
    /// Writes `text` on row `row` of `rect` (relative), aligned and clipped to the rect. Returns the column
    /// (absolute) where the text starts.
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, row: Int = 0, align: TextAlign = .left,
                             style: Style = .plain) -> Int {
        let n = text.count
        let x: Int
        switch align {
        case .left: x = rect.x
        case .right: x = rect.maxX - min(n, rect.width)
        case .center: x = rect.x + max(0, (rect.width - n) / 2)
        }
        put(text, x: x, y: rect.y + row, style: style, clip: rect)
        return x
    }

    /// Writes `text` as a panel shows it (`displayText`) on row `row` of `rect`: a text longer than the rect
    /// is cut and ends in "…" ("~" under --ascii), so a reader sees that something is missing.
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, row: Int = 0, align: TextAlign = .left,
                             style: Style = .plain, options: RenderOptions) -> Int {
        put(truncate(displayText(text, options), width: rect.width, ellipsis: true, ascii: options.ascii), in: rect, row: row,
            align: align, style: style)
    }

    /// Word-wraps `text` into `rect` from its top row; lines beyond the rect are dropped. Returns lines drawn.
    @discardableResult
    public mutating func putParagraph(_ text: String, in rect: Rect, align: TextAlign = .left,
                                      style: Style = .plain) -> Int {
        let lines = wrap(text, width: rect.width)
        let shown = min(lines.count, rect.height)
        for i in 0..<shown { put(lines[i], in: rect, row: i, align: align, style: style) }
        return shown
    }
}
