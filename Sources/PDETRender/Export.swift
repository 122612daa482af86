// Grid → bytes: plain text for golden-file tests and `--snapshot x.txt`, and ANSI (SGR) text for `.ansi`
// snapshots and `cat`-able previews. Both are deterministic: the same grid always gives the same bytes.

extension Grid {
    /// Lines joined with "\n", trailing spaces trimmed per line, and a final newline ("" for an empty grid).
    public func plainText() -> String {
        guard height > 0 else { return "" }
        var out = ""
        for line in lines {
            var l = Substring(line)
            while l.last == " " { l.removeLast() }
            out += l + "\n"
        }
        return out
    }

    /// Lines with SGR escape codes, colours downgraded to `options.colorMode`: 38;5;N / 48;5;N for xterm-256,
    /// 30–37 / 90–97 (40–47 / 100–107) for the 16 ANSI colours; 1 bold, 2 dim, 4 underline, 7 reverse.
    /// A code is emitted only where the style changes, always as a full restatement ("\e[0;…m") so that each
    /// one is self-contained; a line ends with "\e[0m" if it is not plain at that point. Trailing blank cells
    /// that would look the same unstyled are trimmed. Final newline as in `plainText()`.
    public func ansiText(_ options: RenderOptions = .standard) -> String {
        guard height > 0 else { return "" }
        var out = ""
        for y in 0..<height {
            var end = width
            while end > 0 {
                let c = self[end - 1, y]
                let s = c.style.downgraded(to: options.colorMode)
                guard c.char == " ", s.bg == .default, !s.reverse, !s.underline else { break }
                end -= 1
            }
            var current = Style.plain
            for x in 0..<end {
                let cell = self[x, y]
                let style = cell.style.downgraded(to: options.colorMode)
                if style != current {
                    out += sgr(style)
                    current = style
                }
                out.append(cell.char)
            }
            if current != .plain { out += "\u{1B}[0m" }
            out += "\n"
        }
        return out
    }
}

/// The full SGR sequence for `style` (reset first, so it does not depend on what came before).
func sgr(_ style: Style) -> String {
    var codes = ["0"]
    if style.bold { codes.append("1") }
    if style.dim { codes.append("2") }
    if style.underline { codes.append("4") }
    if style.reverse { codes.append("7") }
    codes += colorCodes(style.fg, background: false)
    codes += colorCodes(style.bg, background: true)
    return "\u{1B}[" + codes.joined(separator: ";") + "m"
}

private func colorCodes(_ color: Color, background: Bool) -> [String] {
    switch color {
    case .default:
        return []
    case .ansi(let n):
        let n = Int(n & 15)
        let base = n < 8 ? (background ? 40 : 30) : (background ? 100 : 90)
        return [String(base + n % 8)]
    case .indexed(let n):
        return [background ? "48" : "38", "5", String(n)]
    }
}
