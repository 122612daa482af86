// The terminal backend's pure parts: colour degradation, key decoding, grid diffing.
// (Painting and signals are exercised in a real terminal by scripts/tmux-demo-test.sh.)
import CNcurses
import PDETRender
import PDETTerminal
import XCTest

final class ColorMappingTests: XCTestCase {
    func testDefaultStaysDefault() {
        XCTAssertEqual(ColorMapping.resolve(.default, colorCount: 256), .terminalDefault)
        XCTAssertEqual(ColorMapping.resolve(.default, colorCount: 8), .terminalDefault)
    }

    func testIndexedKeptOnlyWith256Colours() {
        XCTAssertEqual(ColorMapping.resolve(.indexed(196), colorCount: 256), ResolvedColor(index: 196))
        // 196 is pure red (255,0,0) → bright red 9; on 16 colours as is, on 8 as red + bold.
        XCTAssertEqual(ColorMapping.resolve(.indexed(196), colorCount: 16), ResolvedColor(index: 9))
        XCTAssertEqual(ColorMapping.resolve(.indexed(196), colorCount: 8), ResolvedColor(index: 1, bold: true))
    }

    func testAnsiBrightColoursMapToBoldOnEightColours() {
        XCTAssertEqual(ColorMapping.resolve(.ansi(12), colorCount: 16), ResolvedColor(index: 12))
        XCTAssertEqual(ColorMapping.resolve(.ansi(12), colorCount: 8), ResolvedColor(index: 4, bold: true))
        XCTAssertEqual(ColorMapping.resolve(.ansi(3), colorCount: 8), ResolvedColor(index: 3))
    }

    func testNoColourGivesDefault() {
        XCTAssertEqual(ColorMapping.resolve(.ansi(1), colorCount: 0), .terminalDefault)
        XCTAssertEqual(ColorMapping.resolve(.indexed(200), colorCount: 0), .terminalDefault)
    }

    func testIndexedToAnsiNearest() {
        for n in 0..<16 { XCTAssertEqual(ColorMapping.ansi16(fromIndexed: UInt8(n)), UInt8(n)) }
        XCTAssertEqual(ColorMapping.ansi16(fromIndexed: 16), 0)     // cube black
        XCTAssertEqual(ColorMapping.ansi16(fromIndexed: 231), 15)   // cube white
        XCTAssertEqual(ColorMapping.ansi16(fromIndexed: 46), 10)    // (0,255,0) bright green
        XCTAssertEqual(ColorMapping.ansi16(fromIndexed: 232), 0)    // darkest grey
        XCTAssertEqual(ColorMapping.ansi16(fromIndexed: 244), 8)    // mid grey (128)
        XCTAssertEqual(ColorMapping.ansi16(fromIndexed: 255), 7)    // light grey (238)
    }

    func testTerminalColorsFromCount() {
        XCTAssertEqual(TerminalColors(colorCount: 0), .none)
        XCTAssertEqual(TerminalColors(colorCount: 2), .none)
        XCTAssertEqual(TerminalColors(colorCount: 8), .c16)
        XCTAssertEqual(TerminalColors(colorCount: 16), .c16)
        XCTAssertEqual(TerminalColors(colorCount: 256), .c256)
        XCTAssertEqual(TerminalColors(colorCount: 16_777_216), .c256)
    }
}

final class KeyDecoderTests: XCTestCase {
    let size = (width: 80, height: 24)

    func decode(_ status: Int32, _ code: Int32) -> Key? {
        KeyDecoder.decode(status: status, code: UInt32(bitPattern: code), size: size)
    }

    func testTimeoutIsNil() {
        XCTAssertNil(decode(ERR, 0))
    }

    func testFunctionKeys() {
        let expected: [(Int32, Key)] = [
            (KEY_UP, .up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
            (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown), (KEY_HOME, .home), (KEY_END, .end),
            (KEY_BTAB, .backTab), (KEY_BACKSPACE, .backspace), (KEY_ENTER, .enter),
            (pdet_key_resize(), .resize(width: 80, height: 24)), (KEY_F0 + 1, .unknown(KEY_F0 + 1)),
        ]
        for (code, key) in expected { XCTAssertEqual(decode(KEY_CODE_YES, code), key, "code \(code)") }
    }

    func testControlCharacters() {
        XCTAssertEqual(decode(OK, 9), .tab)
        XCTAssertEqual(decode(OK, 10), .enter)
        XCTAssertEqual(decode(OK, 13), .enter)
        XCTAssertEqual(decode(OK, 27), .escape)
        XCTAssertEqual(decode(OK, 127), .backspace)
        XCTAssertEqual(decode(OK, 8), .backspace)
        XCTAssertEqual(decode(OK, 3), .ctrl("c"))
        XCTAssertEqual(decode(OK, 1), .ctrl("a"))
        XCTAssertEqual(decode(OK, 26), .ctrl("z"))
        XCTAssertEqual(decode(OK, 0), .unknown(0))
        XCTAssertEqual(decode(OK, 0x9B), .unknown(0x9B))
    }

    /// getmouse's button state: a click is its release (ncurses reports only the release when both
    /// arrive in one read), the wheel its presses (buttons 4 and 5); presses of 1–3 are nothing.
    func testMouseEvents() {
        XCTAssertEqual(KeyDecoder.mouse(buttonState: pdet_button1_released(), x: 250, y: 7),
                       .mouse(MouseEvent(x: 250, y: 7, button: .left)), "columns beyond 223 (SGR 1006)")
        XCTAssertEqual(KeyDecoder.mouse(buttonState: pdet_button1_clicked(), x: 2, y: 3), .mouse(MouseEvent(x: 2, y: 3, button: .left)))
        XCTAssertEqual(KeyDecoder.mouse(buttonState: pdet_button4_pressed(), x: 3, y: 4), .mouse(MouseEvent(x: 3, y: 4, button: .wheelUp)))
        XCTAssertEqual(KeyDecoder.mouse(buttonState: pdet_button5_pressed(), x: 3, y: 4), .mouse(MouseEvent(x: 3, y: 4, button: .wheelDown)))
        XCTAssertEqual(KeyDecoder.mouse(buttonState: pdet_button3_released(), x: 0, y: 0), .mouse(MouseEvent(x: 0, y: 0, button: .right)))
        XCTAssertNil(KeyDecoder.mouse(buttonState: pdet_button1_pressed(), x: 1, y: 1), "a press alone is not a click")
        XCTAssertNil(KeyDecoder.mouse(buttonState: 0, x: 1, y: 1))
        XCTAssertNil(KeyDecoder.mouse(buttonState: pdet_button1_released(), x: -1, y: 1))
    }

    func testPrintableCharacters() {
        XCTAssertEqual(decode(OK, 32), .char(" "))
        XCTAssertEqual(decode(OK, 113), .char("q"))
        XCTAssertEqual(decode(OK, 0xE9), .char("é"))
        XCTAssertEqual(decode(OK, 0x2580), .char("▀"))
    }
}

final class GridDiffTests: XCTestCase {
    func testFirstDrawRepaintsEveryRow() {
        let grid = Grid(width: 3, height: 2)
        XCTAssertEqual(GridDiff.changedRuns(from: nil, to: grid),
                       [CellRun(y: 0, x: 0, count: 3), CellRun(y: 1, x: 0, count: 3)])
    }

    func testSizeChangeRepaintsEveryRow() {
        let old = Grid(width: 4, height: 2)
        let new = Grid(width: 3, height: 2)
        XCTAssertEqual(GridDiff.changedRuns(from: old, to: new).count, 2)
    }

    func testOnlyChangedRunsAreRepainted() {
        let old = Grid(width: 10, height: 3)
        var new = old
        XCTAssertEqual(GridDiff.changedRuns(from: old, to: new), [])
        new.put("ab", x: 2, y: 1)
        new[6, 1] = Cell("x")
        new[9, 2] = Cell(" ", Style(bg: .ansi(1)))   // same character, new style: still a change
        XCTAssertEqual(GridDiff.changedRuns(from: old, to: new), [
            CellRun(y: 1, x: 2, count: 2), CellRun(y: 1, x: 6, count: 1), CellRun(y: 2, x: 9, count: 1),
        ])
    }

    func testEmptyGridHasNoRuns() {
        XCTAssertEqual(GridDiff.changedRuns(from: nil, to: Grid(width: 0, height: 5)), [])
    }
}

final class TerminalScreenTests: XCTestCase {
    /// Under `swift test` stdout is a pipe or file, so the screen must refuse with the one-line message.
    func testRefusesWithoutATerminal() throws {
        guard isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0 else {
            throw XCTSkip("tests run in a terminal; the refusal is covered by CLITests")
        }
        XCTAssertThrowsError(try TerminalScreen(noColor: false)) { error in
            XCTAssertEqual(error as? TerminalError, .notATerminal)
        }
        XCTAssertEqual(TerminalError.notATerminal.description, TerminalError.notATerminalMessage)
    }
}
