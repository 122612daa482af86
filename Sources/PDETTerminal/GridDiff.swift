// Which cells to repaint: runs of consecutive changed cells per row, as ratatui's Buffer::diff.
import PDETRender

/// `count` cells of row `y` starting at column `x`.
public struct CellRun: Equatable, Sendable {
    public let y: Int
    public let x: Int
    public let count: Int

    public init(y: Int, x: Int, count: Int) {
        self.y = y
        self.x = x
        self.count = count
    }
}

public enum GridDiff {
    /// Runs of cells of `new` that differ from `old`; every row whole when `old` is nil or of another size.
    public static func changedRuns(from old: Grid?, to new: Grid) -> [CellRun] {
        guard new.width > 0 else { return [] }
        guard let old, old.width == new.width, old.height == new.height else {
            return (0..<new.height).map { CellRun(y: $0, x: 0, count: new.width) }
        }
        var runs: [CellRun] = []
        for y in 0..<new.height {
            var x = 0
            while x < new.width {
                guard old[x, y] != new[x, y] else { x += 1; continue }
                let start = x
                while x < new.width && old[x, y] != new[x, y] { x += 1 }
                runs.append(CellRun(y: y, x: start, count: x - start))
            }
        }
        return runs
    }
}
