// The ncurses screen: paints a Grid, reads Keys, restores the terminal on every exit path.
//
// Manners (htop/btop): alternate screen (smcup via newterm), cbreak, noecho, keypad, hidden cursor,
// default colours kept (use_default_colors), colour pairs allocated on demand, ESC delay 25 ms.
// Exit paths: shutdown(), deinit, atexit, SIGINT/SIGTERM/SIGHUP (flag → the loop quits), fatal
// signals (endwin, then the default action). Ctrl-Z/fg and SIGWINCH are ncurses' own handlers.

import CNcurses
import Glibc
import PDETRender

public final class TerminalScreen: TerminalBackend {
    public let colors: TerminalColors
    /// True when the locale's codeset is UTF-8, so glyphs such as ▀ │ ⣿ can be shown.
    public let unicode: Bool

    private let screen: OpaquePointer           // SCREEN*
    private let colorCount: Int                 // COLORS, 0 without colour
    private let pairLimit: Int                  // COLOR_PAIRS: never let alloc_pair recycle a pair in use
    private var pairs: [Int: Int32] = [:]       // (fg + 1) * 4096 + (bg + 1) → pair number
    private var pairsAllocated = 0
    private var previous: Grid?                 // what stdscr holds; nil forces a full repaint
    private var previousSize = (width: 0, height: 0)
    private var painter = CellPainter()
    private var isShutDown = false

    /// True when the terminal reports mouse presses and the wheel (`mouse: true` and ncurses agreed).
    public let mouse: Bool

    /// `mouse`: report presses and the wheel as `.mouse` keys (the terminal's own text selection then
    /// needs Shift in most terminals).
    public init(noColor: Bool, mouse: Bool = false) throws(TerminalError) {
        setlocale(LC_ALL, "")
        guard pdet_is_tty() != 0 else { throw .notATerminal }
        pdet_signal_install()
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard let screen = pdet_newterm() else {
            throw TerminalError("pdet-tui: cannot use the terminal type '\(term)' (set TERM, e.g. TERM=xterm-256color)")
        }
        guard pdet_can_address_cursor() != 0 else {
            endwin()
            delscreen(screen)
            throw TerminalError("pdet-tui: the terminal type '\(term)' cannot move the cursor; use a full terminal (e.g. TERM=xterm-256color) or `pdet-tui snapshot`")
        }
        self.screen = screen
        pdet_session_set_open(1)
        unicode = String(cString: nl_langinfo(nl_item(CODESET))) == "UTF-8"

        cbreak()
        pdet_disable_flow_control()      // after cbreak: ncurses does not touch IXON there
        noecho()
        keypad(pdet_stdscr(), true)
        scrollok(pdet_stdscr(), false)
        leaveok(pdet_stdscr(), true)
        curs_set(0)
        set_escdelay(25)

        let noColorEnv = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        if !noColor && !noColorEnv && has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(pdet_colors())
            pairLimit = Int(pdet_color_pairs())
        } else {
            colorCount = 0
            pairLimit = 0
        }
        colors = TerminalColors(colorCount: colorCount)
        self.mouse = mouse && pdet_mouse_enable() != 0
    }

    deinit { shutdown() }

    public var size: (width: Int, height: Int) {
        guard !isShutDown else { return (0, 0) }
        var h: Int32 = 0, w: Int32 = 0
        pdet_getmaxyx(pdet_stdscr(), &h, &w)
        return (Int(w), Int(h))
    }

    /// The signal that ended the session (SIGINT, SIGTERM, SIGHUP or SIGQUIT), nil if none: the
    /// command exits 128 + it after restoring the terminal.
    public static var quitSignal: Int32? {
        let n = pdet_signal_quit_number()
        return n == 0 ? nil : n
    }

    /// Set by SIGINT, SIGTERM, SIGHUP or SIGQUIT: the app loop should return so the terminal is restored.
    public var quitRequested: Bool { pdet_signal_quit_requested() != 0 || hungUp }

    /// True once the terminal has gone away (the pty closed without a SIGHUP reaching us): reads
    /// would fail at once forever, so the loop must end instead of spinning.
    public private(set) var hungUp = false

    /// Paints the cells that changed since the last draw (all of them after a resize), clipped to the screen.
    public func draw(_ grid: Grid) {
        guard !isShutDown else { return }
        let screenSize = size
        if previousSize != screenSize || previous.map({ $0.width != grid.width || $0.height != grid.height }) ?? true {
            werase(pdet_stdscr())
            previous = nil
            previousSize = screenSize
        }
        for run in GridDiff.changedRuns(from: previous, to: grid) where run.y < screenSize.height {
            let count = min(run.count, screenSize.width - run.x)
            guard count > 0 else { continue }
            painter.paint(grid, run: CellRun(y: run.y, x: run.x, count: count)) { style in attributes(for: style) }
        }
        previous = grid
        wnoutrefresh(pdet_stdscr())
        doupdate()
    }

    /// Forgets what is on screen so the next draw repaints every cell.
    public func invalidate() {
        previous = nil
        if !isShutDown { clearok(pdet_stdscr(), true) }
    }

    /// The next key, waiting at most `timeoutMilliseconds` (negative: forever); nil on timeout or signal.
    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard !isShutDown, !quitRequested else { return nil }
        wtimeout(pdet_stdscr(), Int32(clamping: timeoutMilliseconds))
        var code: wint_t = 0
        let status = wget_wch(pdet_stdscr(), &code)
        guard status != ERR else {
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 0) > 0 && (Int32(fds.revents) & (POLLHUP | POLLERR | POLLNVAL)) != 0 { hungUp = true }
            return nil
        }
        if status == KEY_CODE_YES && Int32(truncatingIfNeeded: code) == KEY_MOUSE {
            var x: Int32 = 0, y: Int32 = 0
            var buttons: mmask_t = 0
            guard pdet_getmouse(&x, &y, &buttons) == OK else { return nil }
            return KeyDecoder.mouse(buttonState: buttons, x: x, y: y)
        }
        let key = KeyDecoder.decode(status: status, code: code, size: size)
        if case .resize = key { previous = nil }
        return key
    }

    /// Restores the terminal (main screen, cursor, echo, cooked mode). Safe to call more than once.
    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        if pdet_session_is_open() != 0 {
            pdet_session_set_open(0)
            curs_set(1)
            endwin()
        }
        delscreen(screen)
        fflush(nil)
    }

    // MARK: colour

    /// Curses attributes and colour pair for a style; colours degrade to what the terminal shows.
    private func attributes(for style: Style) -> (attrs: attr_t, pair: Int32) {
        var attrs: attr_t = 0
        if style.bold { attrs |= pdet_a_bold() }
        if style.reverse { attrs |= pdet_a_reverse() }
        if style.underline { attrs |= pdet_a_underline() }
        if style.dim { attrs |= pdet_a_dim() }
        guard colorCount > 0 else { return (attrs, 0) }
        let fg = ColorMapping.resolve(style.fg, colorCount: colorCount)
        let bg = ColorMapping.resolve(style.bg, colorCount: colorCount)
        if fg.bold { attrs |= pdet_a_bold() }
        return (attrs, pair(fg: fg.index, bg: bg.index))
    }

    /// A colour pair for (fg, bg), -1 meaning the default colour; 0 (default/default) when the
    /// table is full rather than recycling a pair that may still be on screen.
    private func pair(fg: Int, bg: Int) -> Int32 {
        if fg < 0 && bg < 0 { return 0 }
        let key = (fg + 1) * 4096 + (bg + 1)
        if let known = pairs[key] { return known }
        var number = find_pair(Int32(fg), Int32(bg))
        if number < 0 && pairsAllocated < pairLimit - 1 {
            number = alloc_pair(Int32(fg), Int32(bg))
            if number > 0 { pairsAllocated += 1 }
        }
        let result = max(number, 0)
        pairs[key] = result
        return result
    }
}
