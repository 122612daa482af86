// The heat-kernel attention study: the fit on exact heat kernels, the three-valued verdict on
// constructed numbers, the per-layer summaries, and (when MiniLM is downloaded) a small real run.
import Foundation
import PDETBert
import PDETCore
import XCTest

final class AttentionFitStudyTests: XCTestCase {
    /// A(i, j) = exp(−(i − j)²/(4κ)), each row normalised.
    func heatKernel(T: Int, kappa: Double) -> [Float] {
        var a = [Float](repeating: 0, count: T * T)
        for i in 0..<T {
            var z = 0.0
            for j in 0..<T { z += exp(-Double((i - j) * (i - j)) / (4 * kappa)) }
            for j in 0..<T { a[i * T + j] = Float(exp(-Double((i - j) * (i - j)) / (4 * kappa)) / z) }
        }
        return a
    }

    func testExactHeatKernelFitsWithCosineOneAndItsKappa() {
        for (T, kappa) in [(12, 0.7), (30, 2.5), (60, 9.0), (17, 40.0)] {
            let fit = fitDiffusionKernel(attention: heatKernel(T: T, kappa: kappa), T: T)
            XCTAssertEqual(fit.cosine, 1, accuracy: 1e-5, "T \(T) κ \(kappa)")
            XCTAssertEqual(Double(fit.kappa), kappa, accuracy: 1e-3 * kappa, "T \(T) κ \(kappa)")
            XCTAssertLessThan(fit.jsd, 1e-6)
            XCTAssertLessThan(fit.uniformCosine, fit.cosine)
        }
        // The inner block of a kernel is a kernel too: the word-piece scope recovers the same κ.
        let inner = innerAttention(heatKernel(T: 20, kappa: 3), T: 20)
        XCTAssertEqual(inner.count, 18 * 18)
        let fit = fitDiffusionKernel(attention: inner, T: 18)
        XCTAssertEqual(fit.cosine, 1, accuracy: 1e-5)
        XCTAssertEqual(fit.kappa, 3, accuracy: 3e-3)
        XCTAssertEqual(innerAttention([1, 0, 0, 1], T: 2), [])
    }

    func testVerdictIsThreeValued() {
        func ci(_ values: [Double]) -> MeanCI { MeanCI(values) }
        let high = ci([0.995, 0.993, 0.996, 0.994]), better = ci([0.05, 0.04, 0.06, 0.05])
        XCTAssertEqual(attentionClaimVerdict(cosine: high, difference: better), .holds)
        let low = ci([0.90, 0.91, 0.89, 0.92])
        XCTAssertEqual(attentionClaimVerdict(cosine: low, difference: better), .contradicted)
        let worse = ci([-0.02, -0.03, -0.025, -0.01])
        XCTAssertEqual(attentionClaimVerdict(cosine: high, difference: worse), .contradicted, "high cosine but below uniform")
        let straddle = ci([0.97, 0.99, 0.975, 0.995])   // interval contains 0.98
        XCTAssertLessThan(straddle.lower, 0.98); XCTAssertGreaterThan(straddle.upper, 0.98)
        XCTAssertEqual(attentionClaimVerdict(cosine: straddle, difference: better), .inconclusive)
        let noisyDifference = ci([0.05, -0.05, 0.04, -0.03])
        XCTAssertEqual(attentionClaimVerdict(cosine: high, difference: noisyDifference), .inconclusive)
        XCTAssertEqual(attentionClaimVerdict(cosine: ci([0.99]), difference: ci([0.1])), .inconclusive, "n = 1: no interval")
    }

    func testMeanCIUsesStudentT() {
        let m = MeanCI([1, 2, 3, 4, 5])
        XCTAssertEqual(m.mean, 3)
        XCTAssertEqual(m.std, 1.5811388, accuracy: 1e-6)
        XCTAssertEqual(m.upper - m.mean, 2.7764 * 1.5811388 / 5.0.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(MeanCI([1, .nan, 3]).n, 2)
    }

    func testSummariesPoolHeadsPerSentenceThenSentences() {
        // Two layers × two heads, three sentences: layer 0 exact kernels, layer 1 sharp random rows.
        let kernel = fitDiffusionKernel(attention: heatKernel(T: 10, kappa: 2), T: 10)
        var rng = SplitMix64(seed: 4)
        func randomFit() -> DiffusionFit {
            var a = [Float](repeating: 0, count: 100)
            for i in 0..<10 {
                var z: Float = 0
                for j in 0..<10 { a[i * 10 + j] = exp(8 * rng.nextUnitFloat()); z += a[i * 10 + j] }
                for j in 0..<10 { a[i * 10 + j] /= z }
            }
            return fitDiffusionKernel(attention: a, T: 10)
        }
        let sentences = (0..<3).map { s in
            SentenceFits(sentence: "s\(s)", tokens: 10, fits: [[kernel, kernel], [randomFit(), randomFit()]],
                         wordPieceFits: [[kernel, kernel], [kernel, kernel]])
        }
        let study = summarizeAttentionFits(sentences)
        XCTAssertEqual(study.layers.count, 2)
        XCTAssertEqual(study.layers[0].cosine.mean, 1, accuracy: 1e-5)
        XCTAssertEqual(study.layers[0].cosine.n, 3)
        XCTAssertEqual(study.layers[0].verdict, .holds)
        XCTAssertEqual(study.layers[1].verdict, .contradicted)
        XCTAssertEqual(study.wordPieceOverall.verdict, .holds)
        XCTAssertEqual(study.heads.count, 4)
        XCTAssertEqual(study.heads[0].medianKappa, 2, accuracy: 0.01)
        var expected = 0.0
        for s in sentences {
            let cosines: [Double] = s.fits.flatMap { $0 }.map { Double($0.cosine) }
            expected += cosines.reduce(0, +) / 4
        }
        XCTAssertEqual(study.overall.cosine.mean, expected / 3, accuracy: 1e-9)
        let markdown = attentionFitMarkdown(study, header: ["Date: test"])
        XCTAssertTrue(markdown.contains("| L1 | 1.0000 ["), markdown)
        XCTAssertTrue(markdown.contains("| L2 |"))
        XCTAssertTrue(markdown.contains("- Date: test"))
        XCTAssertTrue(markdown.contains("**\(study.overall.verdict.rawValue)**"))
    }

    func testCorpusFileParsing() throws {
        XCTAssertEqual(corpusSentences("# comment\nOne.\n\n  Two words.  \n#x\nThree"), ["One.", "Two words.", "Three"])
        let shipped = try String(contentsOfFile: Paths.root + "/assets/corpus/attention-sentences.txt", encoding: .utf8)
        let sentences = corpusSentences(shipped)
        XCTAssertGreaterThanOrEqual(sentences.count, 50)
        XCTAssertEqual(Set(sentences).count, sentences.count, "no repeated sentence")
        let words = sentences.map { $0.split(separator: " ").count }
        XCTAssertLessThanOrEqual(words.min()!, 3)
        XCTAssertGreaterThanOrEqual(words.max()!, 30)
    }

    /// On the real model: every head of every layer is fitted, and the inspect report carries the fits.
    func testMiniLMStudyOnThreeSentences() throws {
        let encoder = try MiniLM.encoder()
        let study = try encoder.attentionFitStudy(sentences: ["Rain fell.", "The cat slept on the warm mat.",
                                                              "Engineers tested the new bridge with loaded trucks."])
        XCTAssertEqual(study.layers.count, 6)
        XCTAssertEqual(study.heads.count, 72)
        for s in study.sentences {
            XCTAssertEqual(s.fits.count, 6)
            XCTAssertTrue(s.fits.allSatisfy { $0.count == 12 && $0.allSatisfy { $0.cosine.isFinite && $0.cosine <= 1.0001 } })
        }
        let report = try encoder.inspectReport(text: "The cat slept.", layer: 2, head: 5)
        XCTAssertEqual(report.attentionFit.count, 6)
        XCTAssertEqual(report.attentionFit[2].count, 12)
        let direct = fitDiffusionKernel(attention: report.attention.flatMap { $0 }, T: report.tokens.count)
        XCTAssertEqual(report.attentionFit[2][5], direct)
    }

    /// Reading (a) of the four-readings report is the study's per-head fit, averaged over every head;
    /// text has no board, so (d) is not measured; six layers give six spreads.
    func testMiniLMReadingsAgreeWithTheStudy() throws {
        let encoder = try MiniLM.encoder()
        let text = "The cat slept on the warm mat."
        let sample = try encoder.attentionReadingSample(text)
        let fits = try encoder.attentionFits(text).fits.flatMap { $0 }
        XCTAssertEqual(sample.rows, fits.reduce(0) { $0 + Double($1.cosine) } / Double(fits.count), accuracy: 1e-9)
        XCTAssertEqual(sample.rowsNull, fits.reduce(0) { $0 + Double($1.uniformCosine) } / Double(fits.count), accuracy: 1e-9)
        XCTAssertTrue(sample.grid.isNaN)
        XCTAssertEqual(sample.meanDistance.count, 6)
        XCTAssertTrue(sample.profile.isFinite && sample.depth.isFinite)
    }
}
