// A new toggle added in a test only, to show what adding one costs: one row. Weight decay is a real
// ModelConfig field the shipped table leaves out (a config-file setting); with this row it gets a
// key (W cycles 0 → 0.01 → 0.1), a header and A/B pane item, an A/B difference, a help and key-bar
// line, a reproduce-line flag and a preset flag, with no change to Sources.
import PDETCore
@testable import PDETExplorer
import PDETRender
import PDETScript
import XCTest

let weightDecayToggle = ConfigField(
    \.weightDecay, property: "weightDecay", flag: "weight-decay", help: "AdamW decoupled weight decay (matrices only).",
    codec: .number,
    screen: ScreenSpec(name: "weight decay", header: HeaderSpec("wd", click: "W"), pane: "wd", keys: [ToggleKey("W")],
                       keyBar: "decay", keyHelp: "weight decay 0 → 0.01 → 0.1", status: "weight decay"),
    step: cycleStep([Float(0), 0.01, 0.1]))

final class NewToggleTests: XCTestCase {
    private let table = ConfigFieldTable.standard.adding(weightDecayToggle)

    private func state() -> ExplorerState {
        var s = ExplorerState(config: tinyConfig())
        s.fields = table
        return s
    }

    func testTheKeyCyclesItAndTheStatusSaysSo() {
        var s = state()
        XCTAssertEqual(reduce(&s, .char("W")), [.applyConfig])
        XCTAssertEqual(s.config.weightDecay, 0.1)
        XCTAssertEqual(s.status, "weight decay 0.1")
        _ = reduce(&s, .char("W"))
        XCTAssertEqual(s.config.weightDecay, 0)
        _ = reduce(&s, .char("W"))
        XCTAssertEqual(s.config.weightDecay, 0.01)
        var shipped = ExplorerState(config: tinyConfig())
        XCTAssertEqual(reduce(&shipped, .char("W")), [], "the shipped table has no such key")
        XCTAssertEqual(shipped.config, tinyConfig())
    }

    func testTheHeaderHelpAndKeyBarShowIt() {
        var s = state()
        _ = reduce(&s, .char("W"))
        let frame = renderScreen(s, width: 160, height: 40, options: RenderOptions(colorMode: .mono, ascii: false))
        XCTAssertTrue(frame.text.contains("causal off  wd 0.1"), frame.lines.prefix(3).joined(separator: "\n"))
        XCTAssertTrue(frame.lines.last!.contains("W decay"), frame.lines.last!)
        XCTAssertTrue(explorerHelpLines(table).contains { $0.key == "W" && $0.text == "weight decay 0 → 0.01 → 0.1" })
        let headerRegions = frame.regions.filter { $0.click == [.char("W")] }
        XCTAssertEqual(headerRegions.count, 1, "a click on the item presses W")
    }

    func testTheABPaneAndDifferencesShowIt() {
        let a = state()
        var b = a
        _ = reduce(&b, .char("W"))
        XCTAssertTrue(paneToggleItems(b, other: a).contains { $0.text == "*wd 0.1" })
        XCTAssertTrue(paneToggleItems(a, other: a).contains { $0.text == "wd 0.01" })
        XCTAssertEqual(configDifferences(a.config, b.config, fields: table), ["weight decay 0.1 (A 0.01)"])
        XCTAssertEqual(configDifferences(a.config, b.config), [], "the shipped table does not compare it")
    }

    func testTheReproduceLineGivesItsFlag() {
        var s = state()
        _ = reduce(&s, .char("W"))
        XCTAssertTrue(reproduceCommand(s).contains(" --pde-clamp on --weight-decay 0.1 --steps 0 "), reproduceCommand(s))
    }

    func testPresetsAcceptItsFlag() throws {
        let flags = try parsePreset("--task sort --weight-decay 0.1", fields: table)
        XCTAssertEqual(try presetConfig(flags, base: ModelConfig(), fields: table).weightDecay, 0.1)
        XCTAssertThrowsError(try parsePreset("--weight-decay 0.1"), "the shipped presets do not know it")
        XCTAssertThrowsError(try presetConfig([PresetFlag(flag: "--weight-decay", value: "x")], base: ModelConfig(), fields: table)) {
            XCTAssertEqual(($0 as? PresetError)?.message, "--weight-decay: expected a number, got 'x'")
        }
    }
}
