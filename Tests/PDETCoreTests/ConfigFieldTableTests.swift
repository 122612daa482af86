// The config field table covers ModelConfig: every stored property is a row or is listed (with its
// reason) in `propertiesWithoutRows`; each row writes the property it names; spellings round-trip.
import PDETCore
import XCTest

final class ConfigFieldTableTests: XCTestCase {
    private let table = ConfigFieldTable.standard

    private func properties(_ c: ModelConfig) -> [String: String] {
        Dictionary(uniqueKeysWithValues: Mirror(reflecting: c).children.map { ($0.label!, String(describing: $0.value)) })
    }

    func testEveryConfigPropertyHasARowOrIsListedAsNotOne() {
        let stored = Set(properties(ModelConfig()).keys)
        let rows = Set(table.rows.map(\.property))
        let without = ConfigFieldTable.propertiesWithoutRows
        XCTAssertEqual(stored.subtracting(rows).subtracting(without), [],
                       "a ModelConfig field with no row in ConfigFieldTable.standard (add one, or list it in propertiesWithoutRows)")
        XCTAssertEqual(rows.subtracting(stored), [], "a row names no ModelConfig property")
        XCTAssertEqual(rows.intersection(without), [], "listed as having no row, yet it has one")
        XCTAssertEqual(rows.count, table.rows.count, "a property with two rows")
    }

    /// Parsing a value through a row changes exactly the property the row names (the key path is the right one).
    func testEachRowWritesThePropertyItNames() {
        let candidates = ["off", "on", "post", "none", "learned", "after-ffn", "sort", "3", "7", "8", "0.5", "2", "1,2"]
        let base = ModelConfig()
        for row in table.rows {
            var changed: Set<String>? = nil
            for text in candidates {
                var c = base
                guard row.parse(text, into: &c), c != base else { continue }
                let before = properties(base), after = properties(c)
                changed = Set(before.keys.filter { before[$0] != after[$0] })
                break
            }
            XCTAssertEqual(changed, [row.property], "--\(row.flag)")
        }
    }

    func testSpellingsParseBackToTheSameValue() {
        var c = ModelConfig()
        c.lr = 3e-4
        c.pdeAlpha = 0.15
        c.pdeScales = [1, 2, 4]
        c.causal = true
        c.norm = .none
        for row in table.rows {
            var d = ModelConfig()
            XCTAssertTrue(row.parse(row.spelled(c), into: &d), row.flag)
            XCTAssertEqual(row.spelled(d), row.spelled(c), row.flag)
            XCTAssertEqual(row.shown(d), row.shown(c), row.flag)
        }
        XCTAssertEqual(ConfigField.causal.arguments(c), ["--causal"])
        c.causal = false
        XCTAssertEqual(ConfigField.causal.arguments(c), ["--no-causal"])
        XCTAssertEqual(ConfigField.pdeAlpha.arguments(c), ["--pde-alpha", "0.15"])
    }

    /// A typed CLI value goes in through the row (also in release, where PDETCore drops preconditions' conditions).
    func testTypedValuesAreAssigned() {
        var c = ModelConfig()
        ConfigField.task.assign(TaskKind.sort, to: &c)
        ConfigField.pdeScales.assign([1, 2], to: &c)
        ConfigField.causal.assign(true, to: &c)
        ConfigField.seed.assign(UInt64(9), to: &c)
        XCTAssertEqual(c.task, .sort)
        XCTAssertEqual(c.pdeScales, [1, 2])
        XCTAssertTrue(c.causal)
        XCTAssertEqual(c.seed, 9)
    }

    func testBadValuesAreRefusedAndLeaveTheConfig() {
        var c = ModelConfig()
        XCTAssertFalse(ConfigField.layers.parse("two", into: &c))
        XCTAssertFalse(ConfigField.pdeAlpha.parse("inf", into: &c))
        XCTAssertFalse(ConfigField.pde.parse("nowhere", into: &c))
        XCTAssertFalse(ConfigField.pdeScales.parse("1,,2", into: &c))
        XCTAssertFalse(ConfigField.seed.parse("-1", into: &c))
        XCTAssertFalse(ConfigField.layers.parse(nil, into: &c))
        XCTAssertTrue(ConfigField.residual.parse(nil, into: &c), "a switch given alone is on")
        XCTAssertEqual(c, ModelConfig())
        XCTAssertEqual(ConfigField.pde.expected, "one of " + DiffusionSite.allCases.map(\.rawValue).joined(separator: ", "))
    }

    func testFlagsKeysAndOrdersAreConsistent() {
        let flags = table.rows.map(\.flag)
        XCTAssertEqual(Set(flags).count, flags.count, "a flag used twice")
        let keys = table.rows.flatMap { $0.screen?.keys.map(\.key) ?? [] }
        XCTAssertEqual(Set(keys).count, keys.count, "a key used by two toggles")
        for name in table.screenOrder + table.reproduceOrder { XCTAssertNotNil(table[name], name) }
        XCTAssertEqual(Set(table.reproduceRows.map(\.property)), Set(table.rows.map(\.property)), "the reproduce line gives every row")
        for row in table.rows where row.screen?.keys.isEmpty == false { XCTAssertTrue(row.isToggle, row.flag) }
    }

    func testCyclesAndTheAlphaGrid() {
        var c = ModelConfig()
        for _ in 0..<DiffusionSite.allCases.count { ConfigField.pde.step(&c, forward: true) }
        XCTAssertEqual(c.pde, .off, "the site cycle wraps")
        ConfigField.pde.step(&c, forward: false)
        XCTAssertEqual(c.pde, .beforeHead)
        c.pdeScales = [1, 2]
        ConfigField.pdeScales.step(&c, forward: true)
        XCTAssertEqual(c.pdeScales, singleScale, "a set outside the cycle goes back to its start")
        c.pdeAlpha = 0.1
        for _ in 0..<3 { ConfigField.pdeAlpha.step(&c, forward: true) }
        XCTAssertEqual(c.pdeAlpha, 0.25)
        for _ in 0..<100 { ConfigField.pdeAlpha.step(&c, forward: false) }
        XCTAssertEqual(c.pdeAlpha, 0)
        for _ in 0..<100 { ConfigField.pdeAlpha.step(&c, forward: true) }
        XCTAssertEqual(c.pdeAlpha, alphaKeyLimit)
    }
}
