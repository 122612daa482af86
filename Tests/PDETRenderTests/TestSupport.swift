// Shared test helpers: a seeded generator (SplitMix64) for the junk-input tests, and a check that a widget
// wrote nothing outside the rect it was given.
import XCTest
@testable import PDETRender

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    /// Mostly ordinary numbers, sometimes NaN, ±Inf, huge, tiny, zero or negative.
    mutating func junkFloat() -> Float {
        switch int(0...9) {
        case 0: return .nan
        case 1: return .infinity
        case 2: return -.infinity
        case 3: return Float.greatestFiniteMagnitude * (int(0...1) == 0 ? 1 : -1)
        case 4: return Float.leastNonzeroMagnitude
        case 5: return 0
        default: return Float(int(-1000...1000)) / 37
        }
    }
    mutating func junkString() -> String {
        let pool: [Character] = ["a", "Z", " ", "é", "ü", "\n", "7", "-", "~", "\t", "\u{1B}"]
        return String((0..<int(0...12)).map { _ in pool[int(0...(pool.count - 1))] })
    }
}

/// A grid filled with "X" so that any write outside a widget's rect is visible.
func sentinelGrid(width: Int, height: Int) -> Grid {
    var g = Grid(width: width, height: height)
    g.fill(g.bounds, with: Cell("X"))
    return g
}

/// Fails if any cell outside `rect` differs from the sentinel.
func assertOnlyInside(_ grid: Grid, _ rect: Rect, _ message: String = "", file: StaticString = #filePath,
                      line: UInt = #line) {
    for y in 0..<grid.height {
        for x in 0..<grid.width where !rect.contains(x: x, y: y) {
            if grid[x, y] != Cell("X") {
                XCTFail("wrote outside \(rect) at (\(x), \(y)) \(message)", file: file, line: line)
                return
            }
        }
    }
}
