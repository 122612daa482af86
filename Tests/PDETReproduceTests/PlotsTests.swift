// The report's figures (Plots.swift): valid XML, one marker per task and site (or variant) and panel,
// a CI bar exactly where two or more seeds give one, the papers' figures marked, the same bytes for the
// same rows. PDET_PLOTS_OUT=DIR also writes the quick grid's figures there (docs/ renders them to PNG).
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PDETCore
@testable import PDETReproduce
import XCTest

/// Elements of an SVG by name, and by class (split on spaces), counted with Foundation's XMLParser.
final class SVGCount: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var classes: [String: Int] = [:]
    var texts: [String] = []
    private var text = ""

    /// nil when the text is not well-formed XML.
    static func parse(_ svg: String) -> SVGCount? {
        let counter = SVGCount()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = counter
        return parser.parse() ? counter : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        for c in (attributes["class"] ?? "").split(separator: " ") { classes[String(c), default: 0] += 1 }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text) }
        text = ""
    }
}

/// A hand-made cell: only the fields the plots read matter.
func plotCell(_ task: TaskKind, _ v: Variant, seed: UInt64, acc: Float, drift: Float = 0.3, growth: Float = 1.2,
              nonFinite: Int = 0) -> CellResult {
    CellResult(cell: 0, task: task, variant: v, seed: seed, steps: 10, accuracy: acc, finalLoss: 1, drift: drift,
               rankCollapse: 0.5, rmsGrowth: growth, maxRMS: 2, nonFiniteStep: nonFinite, fitKappa: [], fitCosine: [],
               fitJSD: [], uniformCosine: [], uniformJSD: [])
}

final class PlotsTests: XCTestCase {
    static let quickCSV = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/reproduce-quick.csv")

    func quickRows() throws -> [CellResult] {
        let text = try String(contentsOf: Self.quickCSV, encoding: .utf8)
        return try ResultsFile.parse(text, path: Self.quickCSV.path).rows
    }

    func testForestPlotOfTheQuickGrid() throws {
        let rows = try quickRows()
        let svg = forestPlotSVG(rows)
        let count = try XCTUnwrap(SVGCount.parse(svg), "not well-formed XML")
        // 7 sites × (3 tasks + pooled) × 2 panels (s1, s124); every one has 3 seeds, so a CI each.
        XCTAssertEqual(count.classes["point"], 7 * 4 * 2)
        XCTAssertEqual(count.classes["pooled"], 7 * 2)
        XCTAssertEqual(count.classes["ci"], 7 * 4 * 2)
        XCTAssertEqual(count.classes["paper"], 2, "+4.1 and −2.5, single scale")
        XCTAssertTrue(count.texts.contains("paper +4.1") && count.texts.contains("paper −2.5"))
        for site in DiffusionSite.allCases where site != .off { XCTAssertTrue(count.texts.contains(site.rawValue), site.rawValue) }
        XCTAssertEqual(count.texts.filter { $0 == "pooled" }.count, 7)
        XCTAssertEqual(count.elements["svg"], 1)
        XCTAssertEqual(svg, forestPlotSVG(rows.reversed()), "the rows' order does not matter")
        XCTAssertEqual(Array(svg.utf8), Array(forestPlotSVG(rows).utf8), "same rows, same bytes")
        print("forest plot of docs/reproduce-quick.csv: \(svg.utf8.count) bytes")
        try writeIfAsked("reproduce-quick-forest.svg", svg)
    }

    func testDynamicsPlotOfTheQuickGrid() throws {
        let rows = try quickRows()
        let svg = dynamicsPlotSVG(rows)
        let count = try XCTUnwrap(SVGCount.parse(svg), "not well-formed XML")
        // 17 variants × 3 tasks, drift and RMS growth.
        XCTAssertEqual(count.classes["point"], 17 * 3 * 2)
        XCTAssertEqual(count.classes["ci"], 17 * 3 * 2)
        XCTAssertEqual(count.classes["pooled"] ?? 0, 0)
        XCTAssertTrue(count.texts.contains("no-residual") && count.texts.contains("no-norm") && count.texts.contains("baseline"))
        XCTAssertEqual(svg, dynamicsPlotSVG(rows))
        print("drift / RMS growth plot of docs/reproduce-quick.csv: \(svg.utf8.count) bytes")
        try writeIfAsked("reproduce-quick-dynamics.svg", svg)
    }

    /// One seed: a point and no CI bar; two seeds: the bar; a site missing from a panel: "n/a".
    func testCIBarOnlyWhereTwoOrMoreSeedsGiveOne() throws {
        var rows = [plotCell(.listops, .baseline, seed: 1, acc: 0.5), plotCell(.listops, .pde(.afterEmbedding, multiScale: false), seed: 1, acc: 0.55)]
        var count = try XCTUnwrap(SVGCount.parse(forestPlotSVG(rows)))
        XCTAssertEqual(count.classes["point"], 1, "after-embedding/s1 only, one task: no pooled row")
        XCTAssertEqual(count.classes["ci"] ?? 0, 0)
        XCTAssertTrue(count.texts.contains("n/a"), "s124 was not run")
        XCTAssertEqual(count.classes["paper"], 1, "after-embedding's figure on its row")

        rows += [plotCell(.listops, .baseline, seed: 2, acc: 0.5), plotCell(.listops, .pde(.afterEmbedding, multiScale: false), seed: 2, acc: 0.57)]
        count = try XCTUnwrap(SVGCount.parse(forestPlotSVG(rows)))
        XCTAssertEqual(count.classes["ci"], 1)
    }

    /// The CI bar spans mean ± t·s/√n in the axis' coordinates: with Δ = +5 and +7 pp the bar is centred
    /// on +6 and its ends are 6 ± 12.7062 · √2 / √2 = 6 ± 12.7 pp.
    func testCIBarSpansTheIntervalAndThePaperMarkSitsAtItsValue() throws {
        let rows = [0.55, 0.57].enumerated().flatMap { i, a in
            [plotCell(.listops, .baseline, seed: UInt64(i + 1), acc: 0.5),
             plotCell(.listops, .pde(.afterEmbedding, multiScale: false), seed: UInt64(i + 1), acc: Float(a))]
        }
        let axis = PlotAxis(values: [6 - 12.7062, 6 + 12.7062, 4.1, 0, 6], log: false)
        let x0 = 16.0 + 190                                       // the s1 panel's left edge
        func x(_ v: Double) -> String { px(x0 + axis.fraction(v) * 260) }
        let svg = forestPlotSVG(rows)
        XCTAssertTrue(svg.contains("class=\"ci\" d=\"M\(x(6 - 12.7062)) "), svg)
        XCTAssertTrue(svg.contains("H\(x(6 + 12.7062))M"), svg)
        XCTAssertTrue(svg.contains("class=\"paper\" x1=\"\(x(4.1))\""), svg)
    }

    func testNonFiniteCellsAreCountedNotPlotted() throws {
        let rows = (1...3).flatMap { s in
            [plotCell(.digits, .baseline, seed: UInt64(s), acc: 0.5),
             plotCell(.digits, .noNorm, seed: UInt64(s), acc: 0.1, drift: .nan, growth: .infinity, nonFinite: 7)]
        }
        let svg = dynamicsPlotSVG(rows)
        let count = try XCTUnwrap(SVGCount.parse(svg))
        XCTAssertEqual(count.classes["nonfinite"], 2, "drift and growth of no-norm")
        XCTAssertTrue(count.texts.contains("3 non-finite"))
        XCTAssertEqual(count.classes["point"], 2, "the baseline's two")
        XCTAssertFalse(svg.contains("nan") || svg.contains("inf\""), "no non-finite coordinates")
    }

    func testAxisTicks() {
        let linear = PlotAxis(values: [-3, 8], log: false)
        XCTAssertEqual(linear.ticks.map(\.label), ["-2", "0", "2", "4", "6", "8"])
        let log = PlotAxis(values: [0.5, 40], log: true)
        XCTAssertEqual(log.ticks.map(\.label), ["1", "10"])
        XCTAssertEqual(plotNumber(-0.0001, step: 1), "0")
        XCTAssertEqual(plotNumber(-0.0, step: 0.5), "0.0")
    }

    private func writeIfAsked(_ name: String, _ svg: String) throws {
        guard let dir = ProcessInfo.processInfo.environment["PDET_PLOTS_OUT"], !dir.isEmpty else { return }
        try svg.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
}
