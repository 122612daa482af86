// Input events, independent of the terminal library: the terminal backend produces them,
// the explorer's reducer consumes them.

public enum Key: Equatable, Hashable, Sendable {
    case char(Character)     // printable keys, including " " (Space)
    case enter, escape, tab, backTab, backspace
    case up, down, left, right, pageUp, pageDown, home, end
    case ctrl(Character)     // Ctrl-<letter>, lower-case letter (Ctrl-C is .ctrl("c"))
    case resize(width: Int, height: Int)
    case mouse(MouseEvent)   // never reaches a reducer: the screen's ClickRegions turn it into keys (Mouse.swift)
    case unknown(Int32)
}
