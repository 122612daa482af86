// Mouse input as keys. A screen marks the places that react to the mouse while it draws them
// (`Grid.addRegion`): a rect and, for a left click and for each wheel direction, the keys that click
// stands for. `Grid.keys(for:)` hit-tests an event against the frame on screen, so a click can never
// do what no key does, and the hit-testing uses exactly the layout the frame was drawn with.

public enum MouseButton: Equatable, Hashable, Sendable {
    case left, middle, right
    case wheelUp, wheelDown
}

/// A button press (or a wheel step) at cell (x, y) of the screen.
public struct MouseEvent: Equatable, Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var button: MouseButton

    public init(x: Int, y: Int, button: MouseButton) {
        self.x = x
        self.y = y
        self.button = button
    }
}

/// A place on the screen that reacts to the mouse. nil: this region ignores that event and the one
/// below it gets it; [] swallows it (an overlay over everything).
public struct ClickRegion: Equatable, Sendable {
    public var rect: Rect
    public var click: [Key]?
    public var wheelUp: [Key]?
    public var wheelDown: [Key]?

    public init(rect: Rect, click: [Key]? = nil, wheelUp: [Key]? = nil, wheelDown: [Key]? = nil) {
        self.rect = rect
        self.click = click
        self.wheelUp = wheelUp
        self.wheelDown = wheelDown
    }

    func keys(for button: MouseButton) -> [Key]? {
        switch button {
        case .left: return click
        case .wheelUp: return wheelUp
        case .wheelDown: return wheelDown
        case .middle, .right: return nil
        }
    }
}

extension Grid {
    /// Adds a region (clipped to the grid; an empty one is dropped). Later regions lie on top.
    public mutating func addRegion(_ region: ClickRegion) {
        var r = region
        r.rect = region.rect.intersection(bounds)
        guard !r.rect.isEmpty else { return }
        regions.append(r)
    }

    /// The keys a mouse event stands for on this frame: those of the topmost region under it that
    /// reacts to that button; none when no region does.
    public func keys(for event: MouseEvent) -> [Key] {
        for region in regions.reversed() where region.rect.contains(x: event.x, y: event.y) {
            if let keys = region.keys(for: event.button) { return keys }
        }
        return []
    }
}

/// The keys that move a selection from `current` to `target` one step at a time (`next` / `previous`).
public func stepKeys(from current: Int, to target: Int, next: Key, previous: Key) -> [Key] {
    target >= current ? Array(repeating: next, count: target - current) : Array(repeating: previous, count: current - target)
}
