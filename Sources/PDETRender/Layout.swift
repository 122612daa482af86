// Splitting a rect into rows or columns by constraints, as ratatui's Layout: fixed lengths and percentages
// are given first, fills share what is left by weight. Screens are built from these splits so that they
// resize cleanly (results are always inside the parent rect, never negative).

public enum Constraint: Equatable, Hashable, Sendable {
    case length(Int)        // exactly n cells (less if the rect runs out)
    case percentage(Int)    // floor(n% of the total)
    case fill(Int)          // a share of what remains, by weight (weight ≤ 0 counts as 0)
}

public enum Direction: Equatable, Hashable, Sendable {
    case vertical     // stacked rows, top to bottom
    case horizontal   // columns, left to right
}

public enum Layout {
    /// One rect per constraint, in order, tiling `rect` along `direction`. Lengths and percentages are taken
    /// in order and cut when the total runs out; the remainder goes to fills by weight, rounding leftovers
    /// to the earliest fills. With no fill, any remainder is left unused at the end.
    public static func split(_ rect: Rect, _ direction: Direction, _ constraints: [Constraint]) -> [Rect] {
        let total = direction == .vertical ? rect.height : rect.width
        var sizes = [Int](repeating: 0, count: constraints.count)
        var left = total
        for (i, c) in constraints.enumerated() {
            let want: Int
            switch c {
            case .length(let n): want = max(0, n)
            case .percentage(let p): want = total * min(100, max(0, p)) / 100
            case .fill: continue
            }
            sizes[i] = min(want, left)
            left -= sizes[i]
        }
        let weights = constraints.map { c -> Int in
            if case .fill(let w) = c { return max(0, w) }
            return 0
        }
        let weightSum = weights.reduce(0, +)
        if weightSum > 0 {
            var given = 0
            for i in weights.indices where weights[i] > 0 {
                sizes[i] = left * weights[i] / weightSum
                given += sizes[i]
            }
            var extra = left - given
            for i in weights.indices where weights[i] > 0 && extra > 0 {
                sizes[i] += 1
                extra -= 1
            }
        }
        var offset = 0
        return sizes.map { size in
            defer { offset += size }
            return direction == .vertical
                ? Rect(x: rect.x, y: rect.y + offset, width: rect.width, height: size)
                : Rect(x: rect.x + offset, y: rect.y, width: size, height: rect.height)
        }
    }

    /// `size` cells centred in `rect` (clamped to it), e.g. for overlays and the "terminal too small" box.
    public static func centered(_ rect: Rect, width: Int, height: Int) -> Rect {
        let w = min(max(0, width), rect.width), h = min(max(0, height), rect.height)
        return Rect(x: rect.x + (rect.width - w) / 2, y: rect.y + (rect.height - h) / 2, width: w, height: h)
    }
}
