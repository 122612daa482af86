// What a beat says, the frame shows (issue 22, item 3): every caption claim that can be read off a
// beat's frame or metrics is asserted here on the shipped lesson's kept beat states, computed as the
// class sees them (→ through every beat, awaited keys pressed). A lesson whose preset or steps stop
// supporting its caption fails here, not in front of a class.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

final class LessonClaimsTests: XCTestCase {
    struct Beat {
        let title: String
        let state: ExplorerState
        let frame: String          // 120×40, mono
        var metrics: ForwardMetrics { state.metrics! }
        /// (L + 1) per-layer figures, embedding first.
        var rms: [Float] { metrics.layers.map(\.rms) }
        var drift: [Float] { metrics.layers.map(\.drift) }
        var rank: [Float] { metrics.layers.map(\.rankCollapse) }
        var unif: [Float] { metrics.layers.map(\.uniformity) }
        var loss: [Float] { state.history.loss }
    }

    /// Every beat of shipped lesson `number`, complete, in order; printed (the figures a caption may
    /// quote), and the test stops unless there are `count` of them (the assertions index them).
    func beats(_ number: Int, expecting count: Int) throws -> [Beat] {
        let all = try beats(number)
        for x in all { print("LESSON\(number)", describe(x)) }
        guard all.count == count else { throw LessonError("lesson \(number) has \(all.count) beats, the test expects \(count)") }
        return all
    }

    func beats(_ number: Int) throws -> [Beat] {
        let lessons = try loadNumberedLessons(directory: repoAssets + "/lessons")
        let lesson = try XCTUnwrap(lessons.first { $0.number == number }).lesson
        let player = try LessonPlayer(lesson: lesson, number: number)
        var out: [Beat] = []
        for k in 0..<lesson.beats.count {
            try player.enter(beat: k)
            let frame = player.render(width: 120, height: 40, options: RenderOptions(colorMode: .mono, ascii: false))
            out.append(Beat(title: lesson.beats[k].title, state: player.session.state, frame: frame.text))
            XCTAssertNotNil(player.session.state.metrics, "beat \(k + 1) has a forward pass")
        }
        return out
    }

    /// Mean training loss over the last `n` steps of the history.
    func recentLoss(_ b: Beat, _ n: Int = 10) -> Float {
        let tail = b.loss.suffix(n)
        return tail.reduce(0, +) / Float(max(1, tail.count))
    }

    func describe(_ b: Beat) -> String {
        func f(_ v: [Float]) -> String { v.map { String(format: "%.3g", $0) }.joined(separator: " ") }
        return "\(b.title) step \(b.state.step): loss(last10) \(recentLoss(b)) fwd \(b.metrics.loss) rms [\(f(b.rms))] drift [\(f(b.drift))] "
            + "rank [\(f(b.rank))] unif [\(f(b.unif))] grads [\(f(b.state.lastStep?.layerGradNorms ?? []))] "
            + "entropy L1 [\(f(b.metrics.attentionEntropy.first ?? []))]"
    }

    func testLessonOneResiduals() throws {
        let b = try beats(1, expecting: 6)
        let L = b[0].rms.count - 1
        // 2 "the loss falls from 2.3 to below 0.1 by step 200"; "drift changes little from one block
        // to the next, and rank stays high".
        XCTAssertGreaterThan(try XCTUnwrap(b[1].loss.first), 2.2)
        XCTAssertLessThan(recentLoss(b[1]), 0.1, describe(b[1]))
        for l in 2...L { XCTAssertLessThan(abs(b[1].drift[l] - b[1].drift[l - 1]), 0.1, "beat 2 drift L\(l - 1)→L\(l)") }
        XCTAssertGreaterThan(b[1].rank[L], 0.5)
        XCTAssertTrue(b[1].frame.contains("Residual ON"))
        // 3 "the loss jumps back to chance level (about 2.3)".
        XCTAssertTrue(b[2].frame.contains("Residual OFF"), b[2].frame)
        XCTAssertGreaterThan(recentLoss(b[2]), 2.0, describe(b[2]))
        XCTAssertGreaterThan(b[2].metrics.loss, 2.0)
        // 4 "drift at the last layer is now above its value with residuals".
        XCTAssertGreaterThan(b[3].drift[L], b[1].drift[L] + 0.1, describe(b[3]))
        // 5 "the first blocks' gradient norms shrink by orders of magnitude and the loss stalls at
        // chance"; "rank collapse near 0 and unif near 1 in the deep layers".
        let grads = try XCTUnwrap(b[4].state.lastStep?.layerGradNorms)
        XCTAssertLessThan(grads[0], grads[L - 1] * 1e-3, describe(b[4]))
        XCTAssertGreaterThan(recentLoss(b[4]), 2.2)
        XCTAssertLessThan(b[4].rank[L], 0.01)
        XCTAssertGreaterThan(b[4].unif[L], 0.99)
        XCTAssertTrue(b[4].frame.contains("L1 grad"), "the panel the caption names")
        // 6 "rank rises, unif falls, and the loss falls back below 0.01".
        XCTAssertTrue(b[5].frame.contains("Residual ON"))
        XCTAssertLessThan(recentLoss(b[5]), 0.01, describe(b[5]))
        XCTAssertGreaterThan(b[5].rank[L], b[4].rank[L] + 0.5)
        XCTAssertLessThan(b[5].unif[L], b[4].unif[L] - 0.5)
    }

    func testLessonTwoLayerNorm() throws {
        let b = try beats(2, expecting: 7)
        let L = b[0].rms.count - 1
        let maxEntropy = Float(log(Double(b[0].state.config.seqLen)))
        // 1–2 "the RMS does not climb. It shrinks from the embedding to the last layer, and training on
        // does not change that"; "attention rows stay close to uniform (entropy near its maximum)".
        for x in b[0...1] {
            XCTAssertTrue(x.frame.contains("Norm none"), x.frame)
            XCTAssertLessThan(x.rms[L], x.rms[0], describe(x))
            for l in 1...L { XCTAssertLessThanOrEqual(x.rms[l], x.rms[l - 1] * 1.01, "\(x.title): L\(l)") }
        }
        let entropies = b[1].metrics.attentionEntropy.flatMap { $0 }
        XCTAssertGreaterThan(entropies.min()!, 0.9 * maxEntropy, describe(b[1]))
        // 3 "the RMS grows steadily with depth".
        XCTAssertTrue(b[2].frame.contains("Norm pre"))
        for l in 2...L { XCTAssertGreaterThan(b[2].rms[l], b[2].rms[l - 1], "pre-LN L\(l)") }
        XCTAssertGreaterThan(b[2].rms[L], 2 * b[2].rms[0])
        // 4 "the per-layer gradient norms are of similar size from the first layer to the last".
        let pre = try XCTUnwrap(b[3].state.lastStep?.layerGradNorms)
        XCTAssertLessThan(pre.max()! / pre.min()!, 3, "\(pre)")
        // 5 "the Norms panel is flat at RMS about 1".
        XCTAssertTrue(b[4].frame.contains("Norm post"))
        for l in 1...L { XCTAssertEqual(b[4].rms[l], 1, accuracy: 0.1, "post-LN L\(l)") }
        // 6 "the gradient norms grow towards the output (the last block's is many times the first's)".
        let post = try XCTUnwrap(b[5].state.lastStep?.layerGradNorms)
        XCTAssertGreaterThan(post[L - 1], 10 * post[0], "\(post)")
        XCTAssertEqual(post.max(), post[L - 1], "the largest is the last block's: \(post)")
        XCTAssertGreaterThan(post[(L / 2)...].reduce(0, +), 4 * post[..<(L / 2)].reduce(0, +), "\(post)")
    }
}
