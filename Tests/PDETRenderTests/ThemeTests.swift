// Themes: the dark theme changes nothing, the light ramps read on white (luminance order, the contrast
// figures docs/explorer.md states, colour-blind-safe order), the swap table cannot feed itself, and the
// choice between --theme, PDET_THEME and COLORFGBG.
import XCTest
@testable import PDETRender

final class ThemeTests: XCTestCase {
    let white = RGB(255, 255, 255)

    func testDarkThemeIsTheOldPaletteAndSwapsNothing() {
        XCTAssertEqual(RenderOptions().theme, .dark)
        XCTAssertEqual(Theme.dark.sequential, Ramp.sequential)
        XCTAssertEqual(Theme.dark.diverging, Ramp.diverging)
        XCTAssertTrue(Theme.dark.swapsNothing)
        var grid = Grid(width: 3, height: 1)
        grid[0, 0] = Cell("x", Style(fg: Palette.alarm, bg: SeriesColor.blue))
        let before = grid
        grid.applyTheme(RenderOptions(colorMode: .c256, theme: .dark))
        XCTAssertEqual(grid, before)
        for t in [0.0, 0.3, 0.99] {
            XCTAssertEqual(Ramp.color(t, scale: .sequential, mode: .c256), Ramp.color(t, scale: .sequential, mode: .c256, theme: .dark))
        }
    }

    func testMonoThemeMeansNoColour() {
        let options = RenderOptions(colorMode: .c256, theme: .mono)
        XCTAssertEqual(options.colorMode, .mono)
        XCTAssertTrue(options.usesGlyphs)
    }

    /// Low values next to the white background, high values darkest; every step at least 1.12× the
    /// contrast of the one before (WCAG ratio of neighbours), so the order survives greyscale and
    /// colour-vision deficiencies. The figures are the ones docs/explorer.md lists.
    func testLightSequentialRampDarkensTowardsHighValues() {
        let ramp = Theme.light.sequential.map(xtermRGB)
        let contrasts = ramp.map { ($0.contrast(with: white) * 100).rounded() / 100 }
        XCTAssertEqual(contrasts, [1.12, 1.60, 2.39, 2.71, 4.13, 6.45, 11.44, 18.02])
        for (a, b) in zip(ramp, ramp.dropFirst()) {
            XCTAssertGreaterThan(a.luminance, b.luminance)
            XCTAssertGreaterThanOrEqual(a.contrast(with: b), 1.12, "\(a.hex) → \(b.hex)")
        }
        XCTAssertEqual(ramp.first?.hex, "#d7ffaf", "YlGnBu's pale end")
        XCTAssertEqual(ramp.last?.hex, "#00005f", "YlGnBu's dark blue end")
    }

    func testLightDivergingRampFadesTowardsZero() {
        let ramp = Theme.light.diverging.map(xtermRGB)
        let zero = ramp.count / 2
        for i in 0..<zero { XCTAssertLessThan(ramp[i].luminance, ramp[i + 1].luminance, "negative side, step \(i)") }
        for i in zero..<(ramp.count - 1) { XCTAssertGreaterThan(ramp[i].luminance, ramp[i + 1].luminance, "positive side, step \(i)") }
        XCTAssertGreaterThan(ramp[zero].contrast(with: white), 1.1, "zero is still a visible cell on white")
        let ramp16 = Theme.light.diverging16.map(xtermRGB), seq16 = Theme.light.sequential16.map(xtermRGB)
        for (a, b) in zip(seq16, seq16.dropFirst()) { XCTAssertGreaterThan(a.luminance, b.luminance) }
        XCTAssertEqual(ramp16.count % 2, 1)
    }

    /// The light accents are readable text on white (WCAG AA 4.5:1), the orange series at least the 3:1
    /// WCAG asks of graphics.
    func testLightSwapsAreReadableOnWhite() {
        for color in [Palette.alarm, Palette.accent, Palette.marker, Palette.muted, SeriesColor.blue, SeriesColor.green, SeriesColor.salmon] {
            let rgb = Theme.light.swapped(color, mode: .c256).rgb!
            XCTAssertGreaterThanOrEqual(rgb.contrast(with: white), 4.5, "\(color) → \(rgb.hex)")
        }
        XCTAssertGreaterThanOrEqual(Theme.light.swapped(SeriesColor.orange, mode: .c256).rgb!.contrast(with: white), 3.0)
        // The dark theme's yellow marker and cyan accent would vanish on white.
        XCTAssertLessThan(Palette.marker.rgb!.contrast(with: white), 1.2)
        XCTAssertLessThan(Palette.accent.rgb!.contrast(with: white), 1.3)
    }

    /// No ramp colour is a swap key (a heatmap is never recoloured) and no swap result is a key, so
    /// applying the theme twice is the same as once.
    func testSwapTableCannotFeedItself() {
        let theme = Theme.light
        let keys = theme.swappedColors
        for i in theme.sequential + theme.diverging { XCTAssertFalse(keys.contains(.indexed(i)), "ramp colour \(i) is swapped") }
        for i in theme.sequential16 + theme.diverging16 { XCTAssertFalse(keys.contains(.ansi(i)), "16-colour ramp \(i) is swapped") }
        for mode in [ColorMode.c256, .c16] {
            let modeKeys = theme.swappedColors(mode: mode)
            for key in modeKeys { XCTAssertFalse(modeKeys.contains(theme.swapped(key, mode: mode)), "\(key) → a key in \(mode)") }
        }
        var grid = Grid(width: 4, height: 1)
        grid[0, 0] = Cell("a", Style(fg: Palette.alarm))
        grid[1, 0] = Cell("b", Style(fg: SeriesColor.orange, bg: SeriesColor.blue))
        grid[2, 0] = Cell("▀", Style(fg: Ramp.color(0.9, scale: .sequential, mode: .c256, theme: theme)))
        let options = RenderOptions(colorMode: .c256, theme: theme)
        grid.applyTheme(options)
        XCTAssertEqual(grid[0, 0].style.fg, .indexed(160))
        XCTAssertEqual(grid[1, 0].style, Style(fg: .indexed(166), bg: .indexed(26)))
        XCTAssertEqual(grid[2, 0].style.fg, .indexed(17), "the ramp colour is left alone")
        let once = grid
        grid.applyTheme(options)
        XCTAssertEqual(grid, once)
    }

    /// The light theme paints its own page: every cell that asked for the terminal's default colours gets
    /// black on white (256 colours) or ANSI black on bright white (16), so a dark terminal profile stays
    /// out of the picture; named colours are swapped as before, reverse video keeps working (it swaps two
    /// explicit colours), and mono leaves every colour to the terminal.
    func testLightThemePaintsItsOwnPage() {
        var grid = Grid(width: 3, height: 1)
        grid[0, 0] = Cell("a")
        grid[1, 0] = Cell("b", Style(fg: Palette.alarm, reverse: true))
        grid[2, 0] = Cell("▀", Style(fg: .indexed(193)))
        var light = grid
        light.applyTheme(RenderOptions(colorMode: .c256, theme: .light))
        XCTAssertEqual(light[0, 0].style, Style(fg: .indexed(16), bg: .indexed(231)))
        XCTAssertEqual(light[1, 0].style, Style(fg: .indexed(160), bg: .indexed(231), reverse: true))
        XCTAssertEqual(light[2, 0].style, Style(fg: .indexed(193), bg: .indexed(231)))
        var light16 = grid
        light16.applyTheme(RenderOptions(colorMode: .c16, theme: .light))
        XCTAssertEqual(light16[0, 0].style, Style(fg: .ansi(0), bg: .ansi(15)))
        for mode in [ColorMode.c256, .c16] {
            var g = grid
            g.applyTheme(RenderOptions(colorMode: mode, theme: .dark))
            XCTAssertEqual(g, grid, "the dark theme keeps the terminal's colours")
        }
        var mono = grid
        mono.applyTheme(RenderOptions(colorMode: .mono, theme: .light))
        XCTAssertEqual(mono, grid, "mono and NO_COLOR leave every colour to the terminal")
    }

    func testColorFGBG() {
        XCTAssertEqual(themeFromColorFGBG("0;15"), .light)
        XCTAssertEqual(themeFromColorFGBG("0;7"), .light)
        XCTAssertEqual(themeFromColorFGBG("0;default;15"), .light)
        XCTAssertEqual(themeFromColorFGBG("15;0"), .dark)
        XCTAssertEqual(themeFromColorFGBG("7;8"), .dark)
        XCTAssertNil(themeFromColorFGBG("15;default"))
        XCTAssertNil(themeFromColorFGBG(""))
        XCTAssertNil(themeFromColorFGBG(nil))
    }

    func testChoosingTheTheme() throws {
        XCTAssertEqual(try chooseTheme(flag: nil, environment: [:], followTerminal: true), .dark)
        XCTAssertEqual(try chooseTheme(flag: nil, environment: ["COLORFGBG": "0;15"], followTerminal: true), .light)
        XCTAssertEqual(try chooseTheme(flag: nil, environment: ["COLORFGBG": "0;15"], followTerminal: false), .dark,
                       "headless output does not follow the terminal")
        XCTAssertEqual(try chooseTheme(flag: nil, environment: ["PDET_THEME": "mono", "COLORFGBG": "0;15"], followTerminal: true), .mono)
        XCTAssertEqual(try chooseTheme(flag: .dark, environment: ["PDET_THEME": "light", "COLORFGBG": "0;15"], followTerminal: true), .dark)
        XCTAssertEqual(try chooseTheme(flag: nil, environment: ["PDET_THEME": "LIGHT"], followTerminal: false), .light)
        XCTAssertThrowsError(try chooseTheme(flag: nil, environment: ["PDET_THEME": "pink"], followTerminal: true)) { error in
            XCTAssertEqual((error as? ThemeError)?.message, "PDET_THEME: 'pink' is not a theme (use one of dark, light, mono)")
        }
    }

    func testContrastFormula() {
        XCTAssertEqual(RGB(0, 0, 0).contrast(with: white), 21, accuracy: 1e-9)
        XCTAssertEqual(white.contrast(with: white), 1, accuracy: 1e-12)
        XCTAssertEqual(xtermRGB(160).contrast(with: white), 5.40, accuracy: 0.01)
        XCTAssertEqual(RGB(0, 95, 175).hex, "#005faf")
    }
}
