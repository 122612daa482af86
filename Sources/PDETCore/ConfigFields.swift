// The table of config fields a user sets: one row per field with its CLI flag and help, how its
// value is spelled and parsed, and (for live toggles) its keys, value cycle and screen labels.
// The CLI flags, the lesson presets, the explorer's keys, header, A/B panes and differences, the
// help and key bar and the snapshot's reproduce line all read this table, so a new toggle is the
// config field, the kernel change and one row here.
//
// The table is a value (`ConfigFieldTable.standard` is what ships): the explorer state carries the
// table it runs with, so a test can add a row without touching the shipped one.

/// A field's value as the screen shows it; the screen decides how numbers are spelled.
public enum FieldValue: Equatable, Sendable {
    case onOff(Bool)
    case text(String)       // an enum's name, an integer
    case number(Double)     // compact on screen ("0.15")
    case list([Int])        // "1,2,4"
}

/// How one value type is parsed from and spelled for the command line, and shown on screen.
public struct FieldCodec<Value>: Sendable {
    public var expected: String                         // "an integer": completes "expected … got 'x'"
    public var parse: @Sendable (String?) -> Value?     // nil input: the flag given without a value
    public var spell: @Sendable (Value) -> String       // the CLI spelling (the reproduce line)
    public var show: @Sendable (Value) -> FieldValue

    public init(expected: String, parse: @escaping @Sendable (String?) -> Value?,
                spell: @escaping @Sendable (Value) -> String, show: @escaping @Sendable (Value) -> FieldValue) {
        self.expected = expected
        self.parse = parse
        self.spell = spell
        self.show = show
    }
}

extension FieldCodec where Value == Bool {
    /// on/off (also true/false, yes/no); a switch given alone means on.
    public static var onOff: FieldCodec {
        FieldCodec(expected: "on or off", parse: { text in
            switch text?.lowercased() {
            case nil, "on", "true", "yes": return true
            case "off", "false", "no": return false
            default: return nil
            }
        }, spell: { $0 ? "on" : "off" }, show: { .onOff($0) })
    }
}

extension FieldCodec where Value == Int {
    public static var integer: FieldCodec {
        FieldCodec(expected: "an integer", parse: { $0.flatMap { Int($0) } }, spell: { "\($0)" }, show: { .text("\($0)") })
    }
}

extension FieldCodec where Value == UInt64 {
    public static var unsigned: FieldCodec {
        FieldCodec(expected: "a non-negative integer", parse: { $0.flatMap { UInt64($0) } }, spell: { "\($0)" },
                   show: { .text("\($0)") })
    }
}

extension FieldCodec where Value == Float {
    /// Spelled as Swift prints a Float ("0.001"), which parses back to the same Float.
    public static var number: FieldCodec {
        FieldCodec(expected: "a number", parse: { text in
            guard let x = text.flatMap({ Float($0) }), x.isFinite else { return nil }
            return x
        }, spell: { "\($0)" }, show: { .number(Double($0)) })
    }
}

extension FieldCodec where Value == [Int] {
    /// "1,2,4".
    public static var integerList: FieldCodec {
        FieldCodec(expected: "a comma-separated list of integers, e.g. 1,2,4", parse: { text in
            guard let text else { return nil }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
            return parts.map { $0! }
        }, spell: { $0.map(String.init).joined(separator: ",") }, show: { .list($0) })
    }
}

extension FieldCodec where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One of the enum's names.
    public static var choice: FieldCodec {
        FieldCodec(expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
                   parse: { $0.flatMap { Value(rawValue: $0) } }, spell: { $0.rawValue }, show: { .text($0.rawValue) })
    }
}

/// A key of a live toggle and which way it moves the value.
public struct ToggleKey: Equatable, Sendable {
    public var key: Character
    public var forward: Bool        // next in the cycle / up the range
    public init(_ key: Character, forward: Bool = true) {
        self.key = key
        self.forward = forward
    }
}

/// How the explorer header shows a field: "Norm post".
public struct HeaderSpec: Equatable, Sendable {
    public enum Emphasis: Equatable, Sendable {
        case none
        case unlessDefault          // bold when not the default; a switch shouts its value ("Residual OFF")
        case whenDiffusionUnstable  // the alarm colour when the configured diffusion amplifies
    }
    public var label: String
    public var emphasis: Emphasis = .none
    /// The keys a click and the wheel over the item stand for.
    public var click: Character? = nil
    public var wheelUp: Character? = nil
    public var wheelDown: Character? = nil
    public init(_ label: String, emphasis: Emphasis = .none, click: Character? = nil,
                wheelUp: Character? = nil, wheelDown: Character? = nil) {
        self.label = label
        self.emphasis = emphasis
        self.click = click
        self.wheelUp = wheelUp
        self.wheelDown = wheelDown
    }
}

/// When an A/B pane lists a field.
public enum PaneVisibility: Equatable, Sendable {
    case always
    case withDiffusionSite      // a diffusion detail: only when a site is on (or in a wide pane, or when it differs)
    case whenDiffers
}

/// What the explorer does with a field: how it is shown and, for a live toggle, which keys move it.
public struct ScreenSpec: Equatable, Sendable {
    public var name: String                 // A/B differences: "alpha 0.2 (A 0.1)"
    public var header: HeaderSpec
    public var pane: String                 // the compact label in an A/B pane ("α")
    public var paneVisibility: PaneVisibility = .always
    public var keys: [ToggleKey] = []       // in the order the key bar and help list them
    public var keyBar: String = ""          // "alpha" in "a/A alpha"
    public var keyHelp: String = ""         // the help overlay's line
    public var status: String = ""          // "diffusion site" in the status "diffusion site after-ffn"
    /// The status after the key also says when the configured diffusion amplifies.
    public var notesStability = false

    public init(name: String, header: HeaderSpec, pane: String, paneVisibility: PaneVisibility = .always,
                keys: [ToggleKey] = [], keyBar: String = "", keyHelp: String = "", status: String = "",
                notesStability: Bool = false) {
        self.name = name
        self.header = header
        self.pane = pane
        self.paneVisibility = paneVisibility
        self.keys = keys
        self.keyBar = keyBar
        self.keyHelp = keyHelp
        self.status = status
        self.notesStability = notesStability
    }
}

/// How a flag is written on the command line.
public enum FlagForm: Equatable, Sendable {
    case value          // --residual off
    case inversion      // --causal / --no-causal (a Bool only)
}

/// One row: a field of ModelConfig, type-erased. Build rows with `ConfigField(_:flag:…)`.
public struct ConfigField: Sendable {
    public let property: String             // the ModelConfig property and JSON key: "pdeAlpha"
    public let flag: String                 // the long flag without dashes: "pde-alpha"
    public let help: String                 // the CLI help line
    public let form: FlagForm
    public let isSwitch: Bool               // a Bool: a preset may give the flag alone (= on)
    /// A checkpoint fixes this value (shape, task, seed, optimiser): the reproduce line gives it
    /// only for a run from scratch.
    public let fixedByCheckpoint: Bool
    public let expected: String
    public let screen: ScreenSpec?          // nil: a flag only, not shown or toggled in the explorer

    private let parseInto: @Sendable (inout ModelConfig, String?) -> Bool
    private let assignAny: @Sendable (inout ModelConfig, Any) -> Bool
    private let spellOf: @Sendable (ModelConfig) -> String
    private let showOf: @Sendable (ModelConfig) -> FieldValue
    private let isDefaultIn: @Sendable (ModelConfig) -> Bool
    private let stepIn: (@Sendable (inout ModelConfig, Bool) -> Void)?

    /// `step(value, forward)`: the value a toggle key moves to (nil: no keys).
    public init<Value: Equatable & Sendable>(
        _ keyPath: WritableKeyPath<ModelConfig, Value> & Sendable, property: String, flag: String, help: String,
        codec: FieldCodec<Value>, form: FlagForm = .value, fixedByCheckpoint: Bool = false,
        screen: ScreenSpec? = nil, step: (@Sendable (Value, Bool) -> Value)? = nil
    ) {
        self.property = property
        self.flag = flag
        self.help = help
        self.form = form
        self.isSwitch = Value.self == Bool.self
        self.fixedByCheckpoint = fixedByCheckpoint
        self.expected = codec.expected
        self.screen = screen
        parseInto = { config, text in
            guard let v = codec.parse(text) else { return false }
            config[keyPath: keyPath] = v
            return true
        }
        assignAny = { config, value in
            guard let v = value as? Value else { return false }
            config[keyPath: keyPath] = v
            return true
        }
        spellOf = { codec.spell($0[keyPath: keyPath]) }
        showOf = { codec.show($0[keyPath: keyPath]) }
        let defaultValue = ModelConfig()[keyPath: keyPath]
        isDefaultIn = { $0[keyPath: keyPath] == defaultValue }
        if let step {
            stepIn = { config, forward in config[keyPath: keyPath] = step(config[keyPath: keyPath], forward) }
        } else {
            stepIn = nil
        }
    }

    /// Sets the field from its CLI spelling (nil: the flag alone); false when the text is not a value.
    public func parse(_ text: String?, into config: inout ModelConfig) -> Bool { parseInto(&config, text) }
    /// Sets the field to an already typed value (a CLI flag's). The type must be the field's: a
    /// mismatch is a programming error in the flag's declaration.
    public func assign(_ value: Any, to config: inout ModelConfig) {
        // Assign outside the precondition: PDETCore builds with -Ounchecked, which drops its condition.
        let assigned = assignAny(&config, value)
        precondition(assigned, "--\(flag): \(type(of: value)) is not the type of ModelConfig.\(property)")
    }
    public func spelled(_ config: ModelConfig) -> String { spellOf(config) }
    public func shown(_ config: ModelConfig) -> FieldValue { showOf(config) }
    public func isDefault(_ config: ModelConfig) -> Bool { isDefaultIn(config) }
    public var isToggle: Bool { stepIn != nil && !(screen?.keys.isEmpty ?? true) }
    /// Moves the field one step (a toggle key).
    public func step(_ config: inout ModelConfig, forward: Bool) { stepIn?(&config, forward) }

    /// The reproduce line's words for this field: ["--pde-alpha", "0.1"] or ["--no-causal"].
    public func arguments(_ config: ModelConfig) -> [String] {
        switch form {
        case .value: return ["--" + flag, spelled(config)]
        case .inversion: return [shown(config) == .onOff(true) ? "--" + flag : "--no-" + flag]
        }
    }
}

/// The value cycle of a toggle: next (or previous) in `values`, wrapping; a value not in the cycle goes to the first.
public func cycleStep<Value: Equatable & Sendable>(_ values: [Value]) -> @Sendable (Value, Bool) -> Value {
    { current, forward in
        guard let i = values.firstIndex(of: current) else { return values[0] }
        return values[(i + (forward ? 1 : values.count - 1)) % values.count]
    }
}

/// A range walked on a grid (`step` apart from 0), so repeated presses never drift.
public func gridStep(_ step: Float, in range: ClosedRange<Float>) -> @Sendable (Float, Bool) -> Float {
    { current, forward in
        let grid = (current / step).rounded() + (forward ? 1 : -1)
        return min(range.upperBound, max(range.lowerBound, grid * step))
    }
}

/// The rows a program runs with, in the CLI's order (help, presets, errors), plus the orders the
/// screen and the reproduce line list them in. A row not named in an order comes after the named
/// ones, in table order (the orders exist so that frames and snapshots keep their bytes).
public struct ConfigFieldTable: Sendable, Equatable {
    public var rows: [ConfigField]
    public var screenOrder: [String]
    public var reproduceOrder: [String]

    public init(rows: [ConfigField], screenOrder: [String] = [], reproduceOrder: [String] = []) {
        self.rows = rows
        self.screenOrder = screenOrder
        self.reproduceOrder = reproduceOrder
    }

    /// Two tables are the same when they hold the same rows (by property) in the same orders.
    public static func == (a: ConfigFieldTable, b: ConfigFieldTable) -> Bool {
        a.rows.map(\.property) == b.rows.map(\.property) && a.screenOrder == b.screenOrder
            && a.reproduceOrder == b.reproduceOrder
    }

    public subscript(property: String) -> ConfigField? { rows.first { $0.property == property } }

    /// The row whose long flag is `flag` (with its dashes: "--pde-alpha").
    public func row(flag: String) -> ConfigField? { rows.first { "--" + $0.flag == flag } }

    /// The rows the explorer shows, in screen order.
    public var screenRows: [ConfigField] { ordered(screenOrder).filter { $0.screen != nil } }

    /// The rows in the reproduce line's order.
    public var reproduceRows: [ConfigField] { ordered(reproduceOrder) }

    /// The toggle a key moves, and which way.
    public func toggle(for key: Character) -> (field: ConfigField, forward: Bool)? {
        for row in screenRows where row.isToggle {
            if let k = row.screen!.keys.first(where: { $0.key == key }) { return (row, k.forward) }
        }
        return nil
    }

    /// The table with `row` added (a test's new toggle).
    public func adding(_ row: ConfigField) -> ConfigFieldTable {
        var t = self
        t.rows.append(row)
        return t
    }

    private func ordered(_ order: [String]) -> [ConfigField] {
        let named = order.compactMap { self[$0] }
        return named + rows.filter { !order.contains($0.property) }
    }
}
