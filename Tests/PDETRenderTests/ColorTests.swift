import XCTest
@testable import PDETRender

final class ColorTests: XCTestCase {
    func testXtermPalette() {
        XCTAssertEqual(xtermRGB(1), RGB(205, 0, 0))
        XCTAssertEqual(xtermRGB(16), RGB(0, 0, 0))
        XCTAssertEqual(xtermRGB(196), RGB(255, 0, 0))
        XCTAssertEqual(xtermRGB(231), RGB(255, 255, 255))
        XCTAssertEqual(xtermRGB(232), RGB(8, 8, 8))
        XCTAssertEqual(xtermRGB(255), RGB(238, 238, 238))
    }

    func testDowngradeTo16() {
        XCTAssertEqual(Color.indexed(196).downgraded(to: .c16), .ansi(9))    // pure red → bright red
        XCTAssertEqual(Color.indexed(21).downgraded(to: .c16), .ansi(4))     // (0,0,255) → blue (0,0,238)
        XCTAssertEqual(Color.indexed(232).downgraded(to: .c16), .ansi(0))    // near-black grey → black
        XCTAssertEqual(Color.indexed(5).downgraded(to: .c16), .ansi(5))      // low indices are ANSI already
        XCTAssertEqual(Color.ansi(12).downgraded(to: .c16), .ansi(12))
        XCTAssertEqual(Color.default.downgraded(to: .c16), .default)
        XCTAssertEqual(Color.indexed(196).downgraded(to: .c256), .indexed(196))
    }

    func testDowngradeToMonoKeepsAttributes() {
        let s = Style(fg: .indexed(200), bg: .ansi(3), bold: true, reverse: true).downgraded(to: .mono)
        XCTAssertEqual(s, Style(bold: true, reverse: true))
    }

    func testLuminance() {
        XCTAssertEqual(RGB(0, 0, 0).luminance, 0, accuracy: 1e-12)
        XCTAssertEqual(RGB(255, 255, 255).luminance, 1, accuracy: 1e-9)
        XCTAssertEqual(RGB(127, 127, 127).luminance, 0.2122, accuracy: 1e-3)
    }

    func testFormatCompact() {
        XCTAssertEqual(formatCompact(0), "0")
        XCTAssertEqual(formatCompact(12.345), "12.3")
        XCTAssertEqual(formatCompact(0.012345), "0.0123")
        XCTAssertEqual(formatCompact(1234), "1234")
        XCTAssertEqual(formatCompact(2), "2")
        XCTAssertEqual(formatCompact(-1.5), "-1.5")
        XCTAssertEqual(formatCompact(0.000015), "1.5e-5")
        XCTAssertEqual(formatCompact(2e7), "2e7")
        XCTAssertEqual(formatCompact(9.99e-5), "1e-4")
        XCTAssertEqual(formatCompact(.nan), "nan")
        XCTAssertEqual(formatCompact(-.infinity), "-inf")
        XCTAssertEqual(formatCompact(Double(Float.greatestFiniteMagnitude)), "3.4e38")
    }
}

final class RampTests: XCTestCase {
    func testSequentialLuminanceStrictlyIncreases() {
        XCTAssertGreaterThanOrEqual(Ramp.sequential.count, 16)
        let lum = Ramp.sequential.map { xtermRGB($0).luminance }
        for i in 1..<lum.count {
            XCTAssertGreaterThan(lum[i], lum[i - 1], "step \(i): \(Ramp.sequential[i - 1]) → \(Ramp.sequential[i])")
        }
        XCTAssertEqual(Set(Ramp.sequential).count, Ramp.sequential.count)
        XCTAssertTrue(Ramp.sequential.allSatisfy { $0 >= 16 }, "avoid the theme-dependent ANSI 0–15")
    }

    func testSixteenColourRamps() {
        let lum = Ramp.sequential16.map { xtermRGB($0).luminance }
        for i in 1..<lum.count { XCTAssertGreaterThan(lum[i], lum[i - 1]) }
        XCTAssertEqual(Ramp.color(0, scale: .sequential, mode: .c16), .ansi(4))
        XCTAssertEqual(Ramp.color(0.5, scale: .diverging, mode: .c16), .ansi(8))
        XCTAssertEqual(Ramp.color(0, scale: .diverging, mode: .c16), .ansi(14))
    }

    func testDivergingBrightensAwayFromZero() {
        let lum = Ramp.diverging.map { xtermRGB($0).luminance }
        let mid = Ramp.diverging.count / 2
        XCTAssertEqual(Ramp.diverging[mid], 237)
        for i in (mid + 1)..<lum.count { XCTAssertGreaterThan(lum[i], lum[i - 1]) }
        for i in 0..<mid { XCTAssertGreaterThan(lum[i], lum[i + 1]) }
        XCTAssertEqual(Ramp.divergingGlyphs[Ramp.divergingGlyphs.count / 2], " ")
    }

    func testIndexAndGlyphs() {
        XCTAssertEqual(Ramp.index(0, count: 10), 0)
        XCTAssertEqual(Ramp.index(1, count: 10), 9)
        XCTAssertEqual(Ramp.index(0.55, count: 10), 5)
        XCTAssertEqual(Ramp.index(-3, count: 10), 0)
        XCTAssertEqual(Ramp.index(.nan, count: 10), 0)
        XCTAssertEqual(Ramp.index(0.5, count: 0), 0)
        XCTAssertEqual(Ramp.glyph(0, scale: .sequential), " ")
        XCTAssertEqual(Ramp.glyph(1, scale: .sequential), "@")
        XCTAssertEqual(Ramp.glyph(0.5, scale: .diverging), " ")
        XCTAssertEqual(Ramp.glyph(0, scale: .diverging), "%")
        XCTAssertEqual(Ramp.color(1, scale: .sequential, mode: .c256), .indexed(226))
        XCTAssertEqual(Ramp.color(1, scale: .sequential, mode: .c16), .ansi(11))
        XCTAssertEqual(Ramp.color(1, scale: .sequential, mode: .mono), .default)
    }

    func testNormalizer() {
        let n = Normalizer(values: [1, 3, .nan, 5])
        XCTAssertEqual(n.lo, 1)
        XCTAssertEqual(n.hi, 5)
        XCTAssertEqual(n(3), 0.5)
        XCTAssertEqual(n(9), 1)
        XCTAssertTrue(n(.nan).isNaN)
        let d = Normalizer(values: [-1, 4], scale: .diverging)
        XCTAssertEqual(d.lo, -4)
        XCTAssertEqual(d(0), 0.5)
        XCTAssertEqual(Normalizer(values: [])(7), 0.5)
        let huge = Normalizer(values: [-Float.greatestFiniteMagnitude, Float.greatestFiniteMagnitude])
        XCTAssertEqual(huge(0), 0.5)
        XCTAssertEqual(Normalizer(values: [0, 1], lo: 0, hi: 10)(5), 0.5)
    }
}
