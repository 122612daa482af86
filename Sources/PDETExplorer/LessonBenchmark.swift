// Timings of a lesson's beat keys for docs/performance.md (a benchmark, not a timed test):
// `pdet-tui lessons --bench`. What a class sees: how long after opening each beat is kept (the
// loop computes the beats ahead in slices between keys), how long → and ← take to show a kept beat
// at the given size, and how long a key can wait behind one slice of that precomputation.
import PDETRender
import PDETScript

public struct LessonBeatTiming: Equatable, Sendable {
    public var beat: Int                    // 1-based
    public var computeSeconds: Double       // computing this beat from the previous kept one
    public var readyAfterSeconds: Double    // since the lesson opened (the previous beats first)
    public var forwardMilliseconds: Double  // → onto this beat (kept), the frame composed
    public var backMilliseconds: Double     // ← from the next beat onto this one (0 for the last)
}

public struct LessonTimings: Equatable, Sendable {
    public var number: Int
    public var size: ScreenSize
    public var beats: [LessonBeatTiming]
    public var longestSliceMilliseconds: Double   // the longest `work` slice: the most a key waits

    /// One line per beat, then the lesson's worst figures.
    public var table: String {
        func f(_ v: Double, _ places: Int = 0) -> String {
            let p = [1.0, 10, 100, 1000][min(3, places)]
            let r = (v * p).rounded() / p
            return places == 0 ? String(Int(r)) : String(r)
        }
        var out = "lesson \(number) at \(size.width)x\(size.height)\n  beat  compute s  ready after s  → ms  ← ms\n"
        for b in beats {
            out += "  \(b.beat)     \(f(b.computeSeconds, 2))  \(f(b.readyAfterSeconds, 1))  \(f(b.forwardMilliseconds, 1))  \(f(b.backMilliseconds, 1))\n"
        }
        let worstKey = max(beats.map(\.forwardMilliseconds).max() ?? 0, beats.map(\.backMilliseconds).max() ?? 0)
        out += "  worst → or ← onto a kept beat: \(f(worstKey, 1)) ms; all beats kept after \(f(beats.last?.readyAfterSeconds ?? 0, 1)) s;"
            + " longest slice between keys: \(f(longestSliceMilliseconds, 1)) ms\n"
        return out
    }
}

/// Opens `lesson` as the interactive explorer does (nothing computed), lets the loop's slices
/// compute every beat, then walks → to the last beat and ← back to the first, timing each key.
public func measureLesson(_ lesson: Lesson, number: Int, size: ScreenSize = .standard,
                          sliceMilliseconds: Int = 30, makeSession: () throws -> ExplorerSession) throws -> LessonTimings {
    let clock = ContinuousClock()
    func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
    let options = RenderOptions.standard
    let start = clock.now
    let player = try LessonPlayer(lesson: lesson, number: number, beat: 0, computeNow: false, makeSession: makeSession)
    var ready: [Double] = []
    var longest = 0.0
    while player.hasWork {
        let slice = clock.now
        try player.work(milliseconds: sliceMilliseconds)
        longest = max(longest, ms(slice.duration(to: clock.now)))
        while ready.count < player.keptBeats { ready.append(ms(start.duration(to: clock.now)) / 1000) }
    }
    try player.finishPending()
    _ = player.render(width: size.width, height: size.height, options: options)
    func timed(_ body: () throws -> Void) rethrows -> Double {
        let t0 = clock.now
        try body()
        _ = player.render(width: size.width, height: size.height, options: options)
        return ms(t0.duration(to: clock.now))
    }
    // → through every beat (an interactive beat takes two presses: before and after its key).
    var forward = [Double](repeating: 0, count: player.beatCount)
    forward[0] = .nan
    while true {
        var moved = false
        let t = try timed { moved = try player.next() }
        if !moved { break }
        forward[player.beat] = max(forward[player.beat].isNaN ? 0 : forward[player.beat], t)
    }
    var back = [Double](repeating: 0, count: player.beatCount)
    while true {
        var moved = false
        let t = try timed { moved = try player.previous() }
        if !moved { break }
        back[player.beat] = max(back[player.beat], t)
    }
    let beats = (0..<player.beatCount).map { k in
        LessonBeatTiming(beat: k + 1, computeSeconds: ready[k] - (k > 0 ? ready[k - 1] : 0),
                         readyAfterSeconds: ready[k], forwardMilliseconds: k == 0 ? 0 : forward[k],
                         backMilliseconds: back[k])
    }
    return LessonTimings(number: number, size: size, beats: beats, longestSliceMilliseconds: longest)
}
