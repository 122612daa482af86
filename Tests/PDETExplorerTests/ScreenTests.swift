// The pure screen: layout at several sizes, too-small screen, help overlay, glyph modes, and each
// panel's own content from hand-made states (no model).
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class ScreenTests: XCTestCase {
    /// A state with hand-made metrics: 2 layers, 2 heads, T = 4, attention on the diagonal.
    func handMade(pde: DiffusionSite = .off) -> ExplorerState {
        var c = tinyConfig()
        c.heads = 2
        c.seqLen = 4
        c.pde = pde
        var s = ExplorerState(config: c)
        let eye: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        let layers = (0...2).map { l in
            LayerMetrics(rms: Float(l + 1), drift: 0.1 * Float(l), updateRatio: 0.5, uniformity: 0.2, rankCollapse: l == 2 ? 0.01 : 0.6)
        }
        let probe = pde == .off ? nil : DiffusionProbe(
            site: pde, instance: 0, channel: 0, before: [0, 1, 0, 1], after: [0.3, 0.7, 0.3, 0.7],
            spectrumBefore: [0, 0, 2], spectrumAfter: [0, 0, 1], response: [1, 0.8, 0.6], alphaSum: 0.1, alphas: [0.1],
            meanAlphaSum: 0.1)
        s.metrics = ForwardMetrics(loss: 1, accuracy: 0.5, layers: layers, attention: [[eye, eye], [eye, eye]],
                                   attentionEntropy: [[0, 0], [0, 0]], diffusion: probe, nonFinite: nil)
        s.tokenLabels = ["a", "b", "c", "d"]
        return s
    }

    func testEveryPanelTitleAtEverySize() {
        for (w, h) in [(80, 24), (120, 40), (200, 60), (300, 100)] {
            let text = renderScreen(handMade(), width: w, height: h, options: .standard).text
            for title in [PanelTitle.attention, PanelTitle.norms, PanelTitle.drift, PanelTitle.diffusion, PanelTitle.training] {
                XCTAssertTrue(text.contains("┌ \(title) "), "\(title) missing at \(w)x\(h)")
            }
            XCTAssertTrue(text.contains("Residual ON") && text.contains("Norm pre") && text.contains("PDE off"))
            XCTAssertTrue(text.contains("? help"), "key bar at \(w)x\(h)")
        }
    }

    func testTooSmallIsCentredAndNamesBothSizes() {
        let g = renderScreen(handMade(), width: 40, height: 10, options: .standard)
        let row = g.lines[4]
        XCTAssertTrue(row.contains("Terminal too small: 40×10, need 80×24"), row)
        XCTAssertEqual(row.firstIndex(of: "T").map { row.distance(from: row.startIndex, to: $0) }, 1)
        XCTAssertTrue(renderScreen(handMade(), width: 79, height: 24, options: .standard).text.contains("Terminal too small"))
        XCTAssertTrue(renderScreen(handMade(), width: 80, height: 23, options: .standard).text.contains("Terminal too small"))
        XCTAssertTrue(renderScreen(handMade(), width: 20, height: 5, options: .plain).text.contains("need 80x24"))
        for (w, h) in [(0, 0), (1, 1), (0, 50), (50, 0)] {
            let g = renderScreen(handMade(), width: w, height: h, options: .standard)
            XCTAssertEqual(g.width * g.height, w * h)
        }
    }

    func testHelpOverlayListsEveryKey() {
        var s = handMade()
        s.overlay = .help
        let text = renderScreen(s, width: 80, height: 24, options: .standard).text
        XCTAssertTrue(text.contains("┏ Help "))
        for line in helpLines { XCTAssertTrue(text.contains(line.text), "help lacks '\(line.text)'") }
        XCTAssertTrue(text.contains("Esc closes"))
    }

    func testAttentionPanelDrawsTheHeatmapWithLabels() {
        let g = renderScreen(handMade(), width: 120, height: 40, options: .plain)
        let text = g.text
        XCTAssertTrue(text.contains("L1 H1  entropy 0 of 1.39 nats"), text)
        // Glyph mode: the diagonal is '@', the rest blank; row labels a…d on the left.
        let rows = g.lines.filter { $0.hasPrefix("|a ") || $0.hasPrefix("|b ") }
        XCTAssertFalse(rows.isEmpty, text)
        XCTAssertTrue(rows[0].contains("@"))
    }

    func testNormsAndDriftHighlightTheSelectedLayerAndFlagCollapse() {
        var s = handMade()
        s.layer = 1
        let text = renderScreen(s, width: 120, height: 40, options: .plain).text
        XCTAssertTrue(text.contains(">L2"), "Norms marks block 2")
        XCTAssertTrue(text.contains("0.010!"), "rank collapse flagged")
        XCTAssertTrue(text.contains("all values finite"))
        s.firstNonFinite = NonFinite(step: 12, layer: 1, tensor: "attn.out")
        let bad = renderScreen(s, width: 120, height: 40, options: .plain).text
        XCTAssertTrue(bad.contains("! NaN/Inf step 12 layer 2 attn.out"), bad)
        XCTAssertTrue(bad.contains("NON-FINITE"))
    }

    func testDiffusionPanelOffAndOn() {
        XCTAssertTrue(renderScreen(handMade(), width: 80, height: 24, options: .plain).text.contains("diffusion off"))
        let on = renderScreen(handMade(pde: .afterEmbedding), width: 120, height: 40, options: RenderOptions(colorMode: .mono)).text
        XCTAssertTrue(on.contains("gain 1  Σα 0.1  once ch 0"), on)
        XCTAssertTrue(on.contains("|H(k)|"))
        XCTAssertFalse(on.contains("UNSTABLE"))
    }

    func testTrainingPanelBeforeAndAfterSteps() {
        var s = handMade()
        XCTAssertTrue(renderScreen(s, width: 120, height: 40, options: .plain).text.contains("no training steps yet"))
        for i in 1...5 {
            s.history.append(StepMetrics(step: i, loss: 2 / Float(i), accuracy: 0.1 * Float(i), gradNorm: 1, layerGradNorms: [1, 2],
                                         alphas: [], nonFinite: nil, lr: 0.001), maxRms: 1)
        }
        s.history.heldOut = [HeldOutPoint(step: 5, accuracy: 0.75)]
        let text = renderScreen(s, width: 120, height: 40, options: .plain).text
        XCTAssertTrue(text.contains("loss 0.4  acc 0.5"), text)
        XCTAssertTrue(text.contains("held-out 0.75 @5"), text)
        XCTAssertTrue(renderScreen(s, width: 200, height: 60, options: .plain).text.contains("loss 0.4  acc 0.5  held-out 0.75 @5"))
        XCTAssertTrue(text.contains("* loss"))
    }

    func testAsciiAndMonoOptions() {
        var s = handMade(pde: .afterEmbedding)
        s.overlay = .help
        let ascii = renderScreen(s, width: 120, height: 40, options: .plain).text
        XCTAssertTrue(ascii.allSatisfy(\.isASCII), "--ascii output is pure ASCII")
        let mono = renderScreen(s, width: 120, height: 40, options: RenderOptions(colorMode: .mono))
        XCTAssertFalse(mono.text.contains("▀"), "no colour: the heatmap uses glyphs")
        XCTAssertTrue(mono.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        let colour = renderScreen(s, width: 120, height: 40, options: .standard)
        XCTAssertTrue(colour.text.contains("▀"), "colour: half blocks, two pixels per cell")
    }

    func testHeaderWrapsAtNarrowWidths() {
        let rows80 = headerRows(handMade(), width: 80, options: .standard)
        XCTAssertLessThanOrEqual(rows80.count, 3)
        for row in rows80 { XCTAssertLessThanOrEqual(1 + row.map { $0.text.count + 2 }.reduce(0, +) - 2, 80) }
        XCTAssertEqual(headerRows(handMade(), width: 200, options: .standard).count, 2)
    }
}
