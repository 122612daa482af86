// pathfinder: are the two marked endpoints joined by a path? A small offline version of LRA's
// Pathfinder (Linsley et al. 2018; Tay et al. 2021) on a side×side grid flattened row-major.
//
// Every example draws two "snakes" (random self-avoiding walks that never touch another path cell
// side-on, so cells are connected exactly along a snake) with the same length distribution:
//   label 1: both endpoints mark the two ends of snake A; snake B is a distractor.
//   label 0: one endpoint marks an end of snake A, the other an end of snake B.
// So the number of path and endpoint cells says nothing about the label; only tracing does.
// Connectivity is 4-neighbour adjacency over path and endpoint cells, checked by BFS.
// Shapes: tokens (T) = side² cells then PAD up to T; targets (1).

import PDETCore

/// Token ids of pathfinder.
public enum PathfinderVocab {
    public static let empty: Int32 = 0
    public static let path: Int32 = 1
    public static let endpoint: Int32 = 2
    public static let pad: Int32 = 3        // only when T > side²
    static let labels = ["·", "#", "@", "_"]
}

public struct PathfinderTask: TaskDataset {
    public let seqLen: Int
    public let side: Int                    // grid side: the largest with side² ≤ T
    let stream: ExampleStream

    /// A 5×5 grid is the smallest where two separate snakes of length ≥ 3 fit comfortably.
    public static let minimumSeqLen = 25
    static let attempts = 1000

    /// `streamKind` salts the random stream (and names the task in errors): pathfinder-matched
    /// draws its own examples through this generator.
    init(seqLen: Int, seed: UInt64, streamKind: TaskKind = .pathfinder) throws(TaskError) {
        if seqLen < Self.minimumSeqLen {
            throw .seqLenTooShort(task: streamKind, seqLen: seqLen, minimum: Self.minimumSeqLen)
        }
        self.seqLen = seqLen
        var s = 1
        while (s + 1) * (s + 1) <= seqLen { s += 1 }
        side = s
        stream = ExampleStream(kind: streamKind, seed: seed, seqLen: seqLen)
    }

    public var kind: TaskKind { .pathfinder }
    public var vocabSize: Int { seqLen > side * side ? 4 : 3 }
    public var outputs: Int { 2 }
    public var head: HeadKind { .classify }
    public var testSize: Int { generatedTestSize }

    /// Snake lengths in cells: 3 up to about a sixth of the grid (10 on 8×8, 42 on 16×16).
    public var lengthRange: ClosedRange<Int> { 3...max(4, side * side / 6) }

    /// Train labels alternate within a batch from a random start: each batch is balanced.
    public func trainBatch(index: Int, batchSize: Int) -> Batch {
        var first = -1
        return stream.trainBatch(index: index, batchSize: batchSize) { rng, slot, _ in
            if first < 0 { first = rng.nextInt(below: 2) }
            return example(&rng, connected: (slot + first) % 2 == 1)
        }
    }

    /// The held-out set alternates labels (slot % 2): exactly half of it is connected.
    public func testBatch(index: Int, batchSize: Int) -> Batch {
        stream.testBatch(index: index, batchSize: batchSize) { rng, slot, _ in
            example(&rng, connected: slot % 2 == 1)
        }
    }

    public func tokenLabel(_ id: Int32) -> String {
        Int(id) < vocabSize ? label(id, in: PathfinderVocab.labels) : "?"
    }

    func example(_ rng: inout SplitMix64, connected: Bool) -> Example {
        let grid = makeGrid(&rng, connected: connected)
        var tokens = grid
        tokens += [Int32](repeating: PathfinderVocab.pad, count: seqLen - grid.count)
        return Example(tokens: tokens, targets: [connected ? 1 : 0])
    }

    /// A side×side grid (row-major) whose endpoints are joined iff `connected`.
    func makeGrid(_ rng: inout SplitMix64, connected: Bool) -> [Int32] {
        for _ in 0..<Self.attempts {
            guard let pair = growSnakePair(&rng) else { continue }
            var grid = pair.grid
            let a = pair.a, b = pair.b
            // Positive: both ends of snake a. Negative: a random end of a and a random end of b.
            let ends = connected
                ? (a.first!, a.last!)
                : (rng.nextInt(below: 2) == 0 ? a.first! : a.last!, rng.nextInt(below: 2) == 0 ? b.first! : b.last!)
            grid[ends.0] = PathfinderVocab.endpoint
            grid[ends.1] = PathfinderVocab.endpoint
            if Pathfinder.endpointsConnected(grid, side: side) == connected { return grid }
        }
        return fallbackGrid(connected: connected)
    }

    /// An empty side×side grid with two snakes a and b (cell indices, head to tail) of lengths drawn
    /// from `lengthRange`; nil when either ends up shorter than 3 cells. `starts` fixes the first
    /// cell of each (pathfinder-matched); nil draws them at random (pathfinder).
    func growSnakePair(_ rng: inout SplitMix64, starts: (Int, Int)? = nil) -> (grid: [Int32], a: [Int], b: [Int])? {
        var grid = [Int32](repeating: PathfinderVocab.empty, count: side * side)
        let lengths = lengthRange
        guard let a = growSnake(&rng, grid: &grid, length: lengths.lowerBound + rng.nextInt(below: lengths.count), start: starts?.0),
              let b = growSnake(&rng, grid: &grid, length: lengths.lowerBound + rng.nextInt(below: lengths.count), start: starts?.1)
        else { return nil }
        return (grid, a, b)
    }

    /// Grows a snake of up to `length` cells from `start` (nil: a random free cell); nil when the
    /// start is not free or the snake ends up shorter than 3 cells. A cell may join only if none of
    /// its other neighbours is already a path cell.
    func growSnake(_ rng: inout SplitMix64, grid: inout [Int32], length: Int, start: Int? = nil) -> [Int]? {
        let first: Int
        if let start {
            guard grid[start] == PathfinderVocab.empty && isolated(start, grid, except: -1) else { return nil }
            first = start
        } else {
            let free = (0..<grid.count).filter { grid[$0] == PathfinderVocab.empty && isolated($0, grid, except: -1) }
            guard !free.isEmpty else { return nil }
            first = free[rng.nextInt(below: free.count)]
        }
        var snake = [first]
        grid[snake[0]] = PathfinderVocab.path
        while snake.count < length {
            let head = snake.last!
            let options = neighbours(head).filter {
                grid[$0] == PathfinderVocab.empty && isolated($0, grid, except: head)
            }
            if options.isEmpty { break }
            let next = options[rng.nextInt(below: options.count)]
            grid[next] = PathfinderVocab.path
            snake.append(next)
        }
        if snake.count < 3 {
            for c in snake { grid[c] = PathfinderVocab.empty }
            return nil
        }
        return snake
    }

    /// True when no 4-neighbour of `cell` other than `except` is a path or endpoint cell.
    func isolated(_ cell: Int, _ grid: [Int32], except: Int) -> Bool {
        neighbours(cell).allSatisfy { $0 == except || grid[$0] == PathfinderVocab.empty }
    }

    func neighbours(_ cell: Int) -> [Int] {
        Pathfinder.neighbours(cell, side: side)
    }

    /// Two straight snakes on rows 0 and 2; used only if random growth keeps failing.
    func fallbackGrid(connected: Bool) -> [Int32] {
        var grid = [Int32](repeating: PathfinderVocab.empty, count: side * side)
        for c in 0..<3 {
            grid[c] = PathfinderVocab.path
            grid[2 * side + c] = PathfinderVocab.path
        }
        grid[0] = PathfinderVocab.endpoint
        grid[connected ? 2 : 2 * side + 2] = PathfinderVocab.endpoint
        return grid
    }
}

public enum Pathfinder {
    /// 4-neighbours of `cell` on a side×side row-major grid.
    public static func neighbours(_ cell: Int, side: Int) -> [Int] {
        let r = cell / side, c = cell % side
        var out: [Int] = []
        if r > 0 { out.append(cell - side) }
        if r < side - 1 { out.append(cell + side) }
        if c > 0 { out.append(cell - 1) }
        if c < side - 1 { out.append(cell + 1) }
        return out
    }

    /// Manhattan distance between cells `a` and `b` of a side×side row-major grid.
    public static func manhattan(_ a: Int, _ b: Int, side: Int) -> Int {
        abs(a / side - b / side) + abs(a % side - b % side)
    }

    /// The two endpoint cells of a grid (its first two endpoint tokens), nil with fewer than two.
    public static func endpoints(_ grid: [Int32], side: Int) -> (Int, Int)? {
        let cells = min(grid.count, side * side)
        guard let first = (0..<cells).first(where: { grid[$0] == PathfinderVocab.endpoint }),
              let second = ((first + 1)..<cells).first(where: { grid[$0] == PathfinderVocab.endpoint })
        else { return nil }
        return (first, second)
    }

    /// Whether the first endpoint reaches another endpoint through 4-adjacent path or endpoint
    /// cells (BFS). `grid` holds side² cells; tokens past side² (PAD) are ignored.
    /// False when the grid has fewer than two endpoints.
    public static func endpointsConnected(_ grid: [Int32], side: Int) -> Bool {
        let cells = min(grid.count, side * side)
        let endpoints = (0..<cells).filter { grid[$0] == PathfinderVocab.endpoint }
        guard endpoints.count >= 2 else { return false }
        var seen = [Bool](repeating: false, count: cells)
        var queue = [endpoints[0]]
        seen[endpoints[0]] = true
        var head = 0
        while head < queue.count {
            let cell = queue[head]
            head += 1
            if cell != endpoints[0] && grid[cell] == PathfinderVocab.endpoint { return true }
            for n in neighbours(cell, side: side) where n < cells && !seen[n] {
                if grid[n] == PathfinderVocab.path || grid[n] == PathfinderVocab.endpoint {
                    seen[n] = true
                    queue.append(n)
                }
            }
        }
        return false
    }
}
