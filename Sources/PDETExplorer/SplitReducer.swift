// Keys → A/B split state changes and effects. Pure, like `reduce`, which it delegates to:
//   single view   every key goes to pane A exactly as before, except `b` (open B as A's twin)
//                 and Tab (a hint);
//   split view    `b` closes B; Tab / Shift-Tab move the focus; toggles and the layer / head
//                 selection go to the focused pane only; the training keys (Space, n, +, -), the
//                 screen keys (?, Esc, resize) go to both panes, so both always sit at the same step
//                 on the same batches; R and t give A new weights (or a new task) and B becomes A's
//                 twin again with its own toggles, so the two stay comparable; s writes the split frame.
import PDETCore
import PDETRender

public enum SplitEffect: Equatable, Sendable {
    case pane(Pane, ExplorerEffect)   // run one pane's effect (never .quit: that is `.quit` below)
    case openB                        // B := an exact copy of A's run and state
    case closeB
    case resyncB                      // after A's R / t: B := a copy of A's new run with B's toggles
    case snapshot                     // the split frame to snapshots/NNNN.txt, .ansi and .svg
    case quit
}

/// The status the split view shows after `b`.
public let splitOpenedStatus = "A/B: B is a copy of A; toggles go to B (Tab switches, b closes B)"

/// Applies `key` to the A/B state and returns what the ComparisonSession must do.
public func reduceSplit(_ ab: inout SplitState, _ key: Key) -> [SplitEffect] {
    guard ab.b != nil else { return reduceSingle(&ab, key) }
    switch key {
    case .char("b"):
        ab.b = nil
        ab.focus = .a
        ab.a.status = "A/B closed: single view of A"
        return [.closeB]
    case .tab, .backTab:
        ab.focus = ab.focus.other
        ab.status = "focus \(ab.focus.rawValue): toggles go to \(ab.focus.rawValue) (Tab switches)"
        return []
    case .ctrl("c"), .char("q"):
        return [.quit]
    case .char("s"):
        return [.snapshot]
    case .char("R"), .char("t"):
        // New weights (or task) for A; B then becomes A's twin again, keeping its own toggles.
        let effects = lift(.a, reduce(&ab.a, key))
        ab.b!.config.seed = ab.a.config.seed
        ab.b!.config.task = ab.a.config.task
        ab.statusLine = StatusLine("A and B: \(ab.a.status)", ab.a.statusLine.severity)
        return effects + [.resyncB]
    case .resize, .escape, .char("?"), .char("g"), .char(" "), .char("n"), .char("."),
         .char("+"), .char("="), .char("-"), .char("_"):
        // Screen and training keys: both panes, A first (lockstep).
        var effects = lift(.a, reduce(&ab.a, key))
        effects += lift(.b, reduce(&ab.b!, key))
        ab.statusLine = ab.a.statusLine
        return effects
    default:
        let pane = ab.focus
        let effects = reduce(&ab[pane], key)
        ab.statusLine = StatusLine("\(pane.rawValue): \(ab[pane].status)", ab[pane].statusLine.severity)
        var out: [SplitEffect] = []
        for effect in effects {
            switch effect {
            case .quit: out.append(.quit)
            case .snapshot: out.append(.snapshot)
            case .trainSteps(let n):
                // Training always moves both panes, so that they stay on the same step and batches.
                out += [.pane(.a, .trainSteps(n)), .pane(.b, .trainSteps(n))]
            default: out.append(.pane(pane, effect))
            }
        }
        return out
    }
}

private func reduceSingle(_ ab: inout SplitState, _ key: Key) -> [SplitEffect] {
    switch key {
    case .char("b"):
        ab.b = ab.a
        ab.focus = .b
        ab.status = splitOpenedStatus
        return [.openB]
    case .tab, .backTab:
        ab.a.status = "Tab switches panes in the A/B split (b opens it)"
        return []
    default:
        return lift(.a, reduce(&ab.a, key))
    }
}

private func lift(_ pane: Pane, _ effects: [ExplorerEffect]) -> [SplitEffect] {
    effects.map { $0 == .quit ? .quit : .pane(pane, $0) }
}
