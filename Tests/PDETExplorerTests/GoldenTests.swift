// Golden text snapshots of whole screens, made by the same code path as `pdet-tui snapshot`
// (headlessSnapshot) on tiny models, compared byte for byte. Re-record with PDET_RECORD_GOLDEN=1;
// a missing file is recorded and the test fails so that it gets committed.
import Foundation
import PDETCore
@testable import PDETExplorer
import PDETRender
import XCTest

final class GoldenTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    struct Case: Sendable {
        var name: String
        var size: ScreenSize
        var steps: Int
        var layer = 0
        var head = 0
        var ascii = false
        var adjust: @Sendable (inout ModelConfig) -> Void = { _ in }
    }

    static let cases: [Case] = [
        Case(name: "default-120x40", size: ScreenSize(width: 120, height: 40), steps: 12),
        Case(name: "default-80x24", size: ScreenSize(width: 80, height: 24), steps: 12),
        // Issue 22: the projector size (the attention map fills its panel) and six layers at the smallest
        // size (Norms shows every token state, Drift names the rows it cannot show).
        Case(name: "default-200x60", size: ScreenSize(width: 200, height: 60), steps: 12),
        Case(name: "six-layers-80x24", size: ScreenSize(width: 80, height: 24), steps: 4, adjust: { c in c.layers = 6 }),
        Case(name: "no-residual-post-norm-between-layers-120x40", size: ScreenSize(width: 120, height: 40), steps: 8,
             layer: 1, head: 2, adjust: { c in
                 c.residual = false
                 c.norm = .post
                 c.pde = .betweenLayers
                 c.pdeScales = [1, 2, 4]
             }),
        Case(name: "unstable-diffusion-ascii-80x24", size: ScreenSize(width: 80, height: 24), steps: 4, ascii: true, adjust: { c in
            c.pde = .afterEmbedding
            c.pdeClamp = false
            c.pdeAlpha = 0.8
        }),
        Case(name: "sort-causal-no-norm-100x30", size: ScreenSize(width: 100, height: 30), steps: 6, adjust: { c in
            c.task = .sort
            c.causal = true
            c.norm = .none
            c.pos = .learned
        }),
    ]

    func frame(_ c: Case) throws -> String {
        let session = try tinySession(c.adjust)
        return headlessSnapshot(session: session, steps: c.steps, layer: c.layer, head: c.head, size: c.size,
                                format: .txt, colorMode: .c256, ascii: c.ascii)
    }

    func testGoldenScreens() throws {
        let record = ProcessInfo.processInfo.environment["PDET_RECORD_GOLDEN"] == "1"
        for c in Self.cases {
            let actual = try frame(c)
            let url = Self.folder.appendingPathComponent(c.name + ".txt")
            guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
                if !record { XCTFail("recorded missing golden file \(url.path): commit it") }
                continue
            }
            if actual != expected { XCTFail("\(c.name): frame differs from \(url.lastPathComponent)\n" + lineDiff(expected, actual)) }
        }
    }

    /// Colour frames (.ansi): the dark default (which must never change) and the light theme.
    static let colourCases: [(name: String, size: ScreenSize, theme: Theme)] = [
        ("default-dark-120x40", ScreenSize(width: 120, height: 40), .dark),
        ("default-light-120x40", ScreenSize(width: 120, height: 40), .light),
        ("default-light-80x24", ScreenSize(width: 80, height: 24), .light),
    ]

    func testGoldenColourScreens() throws {
        let record = ProcessInfo.processInfo.environment["PDET_RECORD_GOLDEN"] == "1"
        for c in Self.colourCases {
            let actual = headlessSnapshot(session: try tinySession(), steps: 12, size: c.size, format: .ansi, colorMode: .c256, theme: c.theme)
            let url = Self.folder.appendingPathComponent(c.name + ".ansi")
            guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
                try actual.write(to: url, atomically: true, encoding: .utf8)
                if !record { XCTFail("recorded missing golden file \(url.path): commit it") }
                continue
            }
            if actual != expected { XCTFail("\(c.name): frame differs from \(url.lastPathComponent)\n" + lineDiff(expected, actual)) }
        }
    }

    /// The light frame differs from the dark one only in colours: the same text, other SGR codes.
    func testLightThemeChangesOnlyColours() throws {
        let dark = headlessSnapshot(session: try tinySession(), steps: 3, format: .ansi, theme: .dark)
        let light = headlessSnapshot(session: try tinySession(), steps: 3, format: .ansi, theme: .light)
        XCTAssertNotEqual(dark, light)
        // Trailing spaces aside: the light frame writes them, since they carry its white page.
        func stripped(_ s: String) -> String {
            s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
                .replacingOccurrences(of: " +\n", with: "\n", options: .regularExpression)
        }
        XCTAssertEqual(stripped(dark), stripped(light))
        XCTAssertFalse(light.contains("38;5;226"), "no dark-ramp yellow top in the light frame")
        // The tiny model's near-uniform attention on the fixed 0–1 scale: the light ramp's pale low end
        // (its dark blue top is for weights near 1), on the light theme's own white page.
        XCTAssertTrue(light.contains("5;193m") || light.contains("5;193;"), "the light ramp's pale low end")
        XCTAssertTrue(light.contains("48;5;231"), "the light theme paints its own page")
        XCTAssertFalse(dark.contains("48;5;231"))
    }

    func testSameInputsGiveIdenticalBytes() throws {
        let c = Self.cases[2]
        XCTAssertEqual(try frame(c), try frame(c))
        let a = try tinySession()
        let b = try tinySession()
        let ansiA = headlessSnapshot(session: a, steps: 3, size: ScreenSize(width: 90, height: 30), format: .ansi)
        let ansiB = headlessSnapshot(session: b, steps: 3, size: ScreenSize(width: 90, height: 30), format: .ansi)
        XCTAssertEqual(Array(ansiA.utf8), Array(ansiB.utf8))
        for theme in [Theme.dark, .light, .mono] {
            let svgA = headlessSnapshot(session: try tinySession(), steps: 3, format: .svg, theme: theme)
            let svgB = headlessSnapshot(session: try tinySession(), steps: 3, format: .svg, theme: theme)
            XCTAssertEqual(Array(svgA.utf8), Array(svgB.utf8), "\(theme.name) SVG")
        }
        XCTAssertEqual(a.frameMetricsJSON, b.frameMetricsJSON)
    }

    func testFramesDoNotDependOnHowStepsWereGrouped() throws {
        let one = try tinySession()
        one.train(steps: 6)
        let grouped = try tinySession()
        grouped.handle(.char(" "))
        for _ in 0..<3 { grouped.handle(.char("+")) }   // 10 per frame, stopped early by the yield below
        var left = 6
        while left > 0 { left -= grouped.tick(shouldYield: { true }) }
        grouped.handle(.char(" "))
        XCTAssertEqual(one.state.history, grouped.state.history)
        XCTAssertEqual(one.state.metrics, grouped.state.metrics)
    }
}

/// The first differing lines of two texts, numbered, expected then actual.
func lineDiff(_ expected: String, _ actual: String) -> String {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var out: [String] = []
    for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : "<none>") != (i < a.count ? a[i] : "<none>") {
        out.append("line \(i + 1):\n  expected: \(i < e.count ? String(e[i]) : "<none>")\n  actual:   \(i < a.count ? String(a[i]) : "<none>")")
        if out.count == 8 { out.append("…"); break }
    }
    return out.joined(separator: "\n") + "\n(re-record with PDET_RECORD_GOLDEN=1 if the change is intended)"
}
