// What a terminal loop needs from a terminal, and a terminal that is only memory.
//
// ratatui's split: widgets draw into a Grid, a backend only paints cells and reports keys and size.
// PDETTerminal's TerminalScreen is the ncurses backend; HeadlessBackend (ratatui's TestBackend) feeds
// keys from a list and keeps every frame it was asked to draw, so a whole interactive session can be
// driven and asserted on without a terminal.

/// A terminal the loop draws on and reads keys from.
public protocol TerminalBackend: AnyObject {
    /// The terminal's current size in cells.
    var size: (width: Int, height: Int) { get }
    /// True once the session must end (a quit signal, the terminal gone, the input exhausted).
    var quitRequested: Bool { get }
    /// Shows `grid` (a backend may paint only what changed since the last draw).
    func draw(_ grid: Grid)
    /// The next key, waiting at most `timeoutMilliseconds` (negative: forever); nil on timeout.
    func readKey(timeoutMilliseconds: Int) -> Key?
}

/// One step of a headless session's input.
public enum HeadlessInput: Equatable, Sendable {
    case key(Key)
    /// The terminal becomes width×height; readKey reports `.resize` as ncurses does.
    case resize(width: Int, height: Int)
    /// One readKey that times out (lets the loop tick once).
    case idle
}

/// A terminal in memory: inputs are consumed in order, frames collected; a read after the last
/// input ends the session (`quitRequested`), as when a pty closes.
public final class HeadlessBackend: TerminalBackend {
    public private(set) var frames: [Grid] = []
    public private(set) var size: (width: Int, height: Int)
    private var inputs: ArraySlice<HeadlessInput>
    private var exhausted = false
    /// Timeouts the loop asked readKey for (tests check a paused screen does not spin).
    public private(set) var timeouts: [Int] = []

    public init(width: Int, height: Int, inputs: [HeadlessInput]) {
        size = (width, height)
        self.inputs = inputs[...]
    }

    public var quitRequested: Bool { exhausted }

    public func draw(_ grid: Grid) { frames.append(grid) }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        timeouts.append(timeoutMilliseconds)
        guard let input = inputs.popFirst() else {
            exhausted = true
            return nil
        }
        switch input {
        case .key(let key):
            return key
        case .resize(let width, let height):
            size = (width, height)
            return .resize(width: width, height: height)
        case .idle:
            return nil
        }
    }

    /// The last frame drawn (an empty grid before any).
    public var lastFrame: Grid { frames.last ?? Grid(width: 0, height: 0) }
}
