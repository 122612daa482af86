// The demo's screen as a pure function of its state (see Demo.swift), and the InteractiveScreen
// the one terminal loop drives: a tick every 100 ms, the last key shown, q or Ctrl-C quits.
import PDETExplorer
import PDETRender

final class DemoScreen: InteractiveScreen {
    var pattern: DemoPattern

    init(pattern: DemoPattern) { self.pattern = pattern }

    func render(width: Int, height: Int, options: RenderOptions) -> Grid {
        pattern.render(width: width, height: height)
    }

    func handle(_ key: Key) -> KeyResult {
        pattern.lastKey = key
        return key == .char("q") || key == .ctrl("c") ? .quit : .handled
    }

    let tickMilliseconds = 100

    func tick() -> Bool {
        pattern.ticks += 1
        return true
    }
}

struct DemoPattern {
    static let minWidth = 40
    static let minHeight = 10

    let colorMode: ColorMode        // what the terminal shows (RenderOptions from TerminalScreen's colours)
    let ascii: Bool
    var ticks = 0
    var lastKey: Key?

    func render(width: Int, height: Int) -> Grid {
        var grid = Grid(width: width, height: height)
        let times = ascii ? "x" : "×"
        guard width >= Self.minWidth, height >= Self.minHeight else {
            let size = "\(width)\(times)\(height)"
            let need = "need \(Self.minWidth)\(times)\(Self.minHeight)"
            let oneLine = "Terminal too small: \(size), \(need)"
            let lines = oneLine.count <= width ? [oneLine] : ["Terminal too small: \(size)", need]
            let top = max(0, (height - lines.count) / 2)
            for (i, line) in lines.enumerated() {
                grid.put(line, x: max(0, (width - line.count) / 2), y: top + i, style: Style(bold: true))
            }
            return grid
        }
        drawBorder(&grid)
        let label = Style(bold: true)
        grid.put(" pdet-tui demo ", x: 2, y: 0, style: label)
        grid.put("Size: \(width)\(times)\(height)", x: 2, y: 1)
        grid.put("Last key: \(lastKey.map(Self.describe) ?? "none")", x: 2, y: 2)
        grid.put("Ticks: \(ticks)", x: 2, y: 3)
        grid.put("Colours: \(Self.describe(colorMode))", x: 2, y: 4)

        // 16 ANSI colours as swatches, then 256 colours two per cell (▀: fg top, bg bottom).
        let swatch: Character = ascii ? "#" : "█"
        for n in 0..<16 {
            grid[2 + 2 * n, 5] = Cell(swatch, Style(fg: .ansi(UInt8(n))))
            grid[3 + 2 * n, 5] = Cell(swatch, Style(fg: .ansi(UInt8(n))))
        }
        let rampWidth = width - 4
        let rampRows = (128 + rampWidth - 1) / rampWidth
        for cell in 0..<128 where 6 + cell / rampWidth < height - 2 {
            let top = UInt8(2 * cell), bottom = UInt8(2 * cell + 1)
            let ch: Character = ascii ? Self.asciiRamp[cell * Self.asciiRamp.count / 128] : "▀"
            grid[2 + cell % rampWidth, 6 + cell / rampWidth] = Cell(ch, Style(fg: .indexed(top), bg: .indexed(bottom)))
        }
        let footerY = min(height - 2, 6 + rampRows + 1)
        grid.put("q quit \(ascii ? "-" : "·") every key is shown above", x: 2, y: footerY, style: Style(dim: true), maxWidth: width - 4)
        return grid
    }

    private func drawBorder(_ grid: inout Grid) {
        let (h, v, corners): (Character, Character, [Character]) =
            ascii ? ("-", "|", ["+", "+", "+", "+"]) : ("─", "│", ["┌", "┐", "└", "┘"])
        let w = grid.width, ht = grid.height
        for x in 1..<(w - 1) {
            grid[x, 0] = Cell(h)
            grid[x, ht - 1] = Cell(h)
        }
        for y in 1..<(ht - 1) {
            grid[0, y] = Cell(v)
            grid[w - 1, y] = Cell(v)
        }
        grid[0, 0] = Cell(corners[0])
        grid[w - 1, 0] = Cell(corners[1])
        grid[0, ht - 1] = Cell(corners[2])
        grid[w - 1, ht - 1] = Cell(corners[3])
    }

    static let asciiRamp: [Character] = Array(" .:-=+*#%@")

    static func describe(_ colorMode: ColorMode) -> String {
        switch colorMode {
        case .mono: return "none"
        case .c16: return "16"
        case .c256: return "256"
        }
    }

    static func describe(_ key: Key) -> String {
        switch key {
        case .char(" "): return "Space"
        case .char(let c): return "'\(c)'"
        case .ctrl(let c): return "Ctrl-\(c.uppercased())"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "BackTab"
        case .backspace: return "Backspace"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .resize(let w, let h): return "resize \(w)x\(h)"
        case .mouse(let e): return "mouse \(e.button) at \(e.x),\(e.y)"
        case .unknown(let code): return "code \(code)"
        }
    }
}
