// Script files (`--script FILE`): a teacher's scripted demo, and a way to test whole sessions.
// One command per line; the format is documented in docs/scripts.md. Lessons (Lesson.swift) use the
// same action lines inside their beats, so both share `parseActionLine`.
//
//   # comment            key r          keys rlp        wait 200ms | wait 2s
//   steps 10             resize 80x24   snapshot FILE   layer 2     head 1      quit

import PDETRender

/// One thing a script or a lesson beat does.
public enum ScriptAction: Equatable, Sendable {
    case key(Key)                           // one key press, as the terminal would deliver it
    case wait(milliseconds: Int)            // wall-clock pause (live demos); deterministic replay skips it
    case steps(Int)                         // train exactly this many steps, then redraw
    case resize(width: Int, height: Int)    // as if the terminal were resized
    case snapshot(path: String)             // write the current screen (.txt plain, .ansi coloured)
    case layer(Int)                         // show this layer in the per-layer panels (0-based here; written 1-based, `layer 1` = L1)
    case head(Int)                          // show this attention head (0-based here; written 1-based, `head 1` = H1)
    case quit
}

/// A bad line in a script or lesson: `description` is "FILE:LINE: message" (or "FILE: message" when
/// the problem is the whole file, `line` 0).
public struct ScriptError: Error, Equatable, Sendable, CustomStringConvertible {
    public var fileName: String
    public var line: Int
    public var message: String

    public init(fileName: String, line: Int, message: String) {
        self.fileName = fileName
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(fileName):\(line): \(message)" : "\(fileName): \(message)"
    }
}

/// Limits that keep a typo from freezing a demo (e.g. `steps 1000000000`, `wait 3h`).
public enum ScriptLimits {
    public static let maxSteps = 1_000_000
    public static let maxWaitMilliseconds = 600_000      // 10 minutes
    public static let maxScreenSide = 1000               // columns or rows
    public static let maxIndex = 4095                    // layer / head
    public static let maxKeysPerLine = 256               // `keys …`
    /// Actions in one script: each draws a frame (~7 ms), so 2000 replay in well under a minute.
    public static let maxActions = 2000
}

/// Parses a whole script. Blank lines and lines whose first non-blank character is `#` are skipped.
/// `keys abc` expands to three `.key` actions.
public func parseScript(_ text: String, fileName: String) throws(ScriptError) -> [ScriptAction] {
    var actions: [ScriptAction] = []
    for (index, rawLine) in scriptLines(text).enumerated() {
        let line = rawLine.trimmingBlanks()
        if line.isEmpty || line.hasPrefix("#") { continue }
        actions += try parseActionLine(line, fileName: fileName, lineNumber: index + 1)
        if actions.count > ScriptLimits.maxActions {
            throw ScriptError(fileName: fileName, line: index + 1,
                              message: "the script has more than \(ScriptLimits.maxActions) actions (split it, or use 'steps N')")
        }
    }
    return actions
}

/// Reads and parses a script file.
public func loadScript(path: String) throws(ScriptError) -> [ScriptAction] {
    try parseScript(try readTextFile(path), fileName: path)
}

/// Parses one non-blank, non-comment action line (already trimmed) into one or more actions.
func parseActionLine(_ line: String, fileName: String, lineNumber: Int) throws(ScriptError) -> [ScriptAction] {
    func fail(_ message: String) -> ScriptError {
        ScriptError(fileName: fileName, line: lineNumber, message: message)
    }
    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    let command = words[0]
    let args = Array(words.dropFirst())
    func oneArgument(_ what: String) throws(ScriptError) -> String {
        if args.isEmpty { throw fail("'\(command)' needs \(what)") }
        if args.count > 1 { throw fail("'\(command)' takes one argument, got \(args.count): \(args.joined(separator: " "))") }
        return args[0]
    }
    func count(_ what: String, in range: ClosedRange<Int>) throws(ScriptError) -> Int {
        let text = try oneArgument(what)
        guard let n = Int(text), range.contains(n) else {
            throw fail("'\(command)' needs \(what) in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return n
    }

    /// `layer N` / `head H` are written as the explorer shows them (L1, H1: counted from 1) and
    /// kept 0-based. A 0 is an old (0-based) file: the error says how to migrate it.
    func oneBased(_ what: String) throws(ScriptError) -> Int {
        let text = try oneArgument("a \(what) number")
        if text == "0" {
            throw fail("'\(what) 0': layers and heads count from 1, as the explorer shows them (L1, H1); "
                + "a file written for 0-based numbers needs every 'layer' and 'head' number raised by 1")
        }
        guard let n = Int(text), (1...ScriptLimits.maxIndex + 1).contains(n) else {
            throw fail("'\(command)' needs a \(what) number in 1...\(ScriptLimits.maxIndex + 1), got '\(text)'")
        }
        return n - 1
    }

    switch command {
    case "key":
        let name = try oneArgument("a key name (e.g. r, space, enter, ctrl-c)")
        guard let key = keyNamed(name) else { throw fail("unknown key name '\(name)'") }
        return [.key(key)]
    case "keys":
        let chars = try oneArgument("a run of single-character keys (e.g. rlp)")
        guard chars.count <= ScriptLimits.maxKeysPerLine else {
            throw fail("'keys' takes at most \(ScriptLimits.maxKeysPerLine) keys, got \(chars.count)")
        }
        return chars.map { .key(.char($0)) }
    case "wait":
        let text = try oneArgument("a duration (e.g. 200ms or 2s)")
        guard let ms = parseDuration(text) else {
            throw fail("bad duration '\(text)' (use e.g. 200ms, 2s or 1.5s, at most \(ScriptLimits.maxWaitMilliseconds / 1000)s)")
        }
        return [.wait(milliseconds: ms)]
    case "steps":
        return [.steps(try count("a step count", in: 1...ScriptLimits.maxSteps))]
    case "resize":
        let text = try oneArgument("a size WIDTHxHEIGHT (e.g. 80x24)")
        guard let (w, h) = parseSize(text) else {
            throw fail("bad size '\(text)' (use WIDTHxHEIGHT, each in 1...\(ScriptLimits.maxScreenSide), e.g. 80x24)")
        }
        return [.resize(width: w, height: h)]
    case "snapshot":
        return [.snapshot(path: try oneArgument("a file name"))]
    case "layer":
        return [.layer(try oneBased("layer"))]
    case "head":
        return [.head(try oneBased("head"))]
    case "quit":
        if !args.isEmpty { throw fail("'quit' takes no argument, got: \(args.joined(separator: " "))") }
        return [.quit]
    default:
        throw fail("unknown command '\(command)' (expected key, keys, wait, steps, resize, snapshot, layer, head or quit)")
    }
}

// MARK: - key names

/// Named keys, lower-case. Single characters name themselves (`key r`, `key R`, `key [`).
let namedKeys: [(name: String, key: Key)] = [
    ("space", .char(" ")), ("enter", .enter), ("return", .enter), ("esc", .escape), ("escape", .escape),
    ("tab", .tab), ("backtab", .backTab), ("backspace", .backspace),
    ("left", .left), ("right", .right), ("up", .up), ("down", .down),
    ("pageup", .pageUp), ("pgup", .pageUp), ("pagedown", .pageDown), ("pgdn", .pageDown),
    ("home", .home), ("end", .end),
]

/// The key a script names: a single character, a named key (case-insensitive), or `ctrl-<letter>`.
public func keyNamed(_ name: String) -> Key? {
    if name.count == 1, let c = name.first { return .char(c) }
    let lower = name.lowercased()
    if let hit = namedKeys.first(where: { $0.name == lower }) { return hit.key }
    if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last, c.isASCII, c.isLetter {
        return .ctrl(c)
    }
    return nil
}

/// The script name of a key (inverse of `keyNamed` for the keys a script can express), e.g. for
/// recording a session as a script.
public func scriptName(of key: Key) -> String? {
    switch key {
    case .char(" "): return "space"
    case .char(let c): return String(c)
    case .ctrl(let c): return "ctrl-\(c)"
    case .resize, .unknown: return nil
    default: return namedKeys.first(where: { $0.key == key })?.name
    }
}

// MARK: - arguments

/// "200ms" → 200, "2s" → 2000, "1.5s" → 1500; nil when malformed, negative or too long.
func parseDuration(_ text: String) -> Int? {
    let ms: Double
    if text.hasSuffix("ms"), let v = Double(text.dropLast(2)) { ms = v }
    else if text.hasSuffix("s"), let v = Double(text.dropLast(1)) { ms = v * 1000 }
    else { return nil }
    guard ms.isFinite, ms >= 0, ms <= Double(ScriptLimits.maxWaitMilliseconds) else { return nil }
    // Only plain decimal digits (Double would also accept "inf", "0x10", "1e3").
    let number = text.hasSuffix("ms") ? text.dropLast(2) : text.dropLast(1)
    guard number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
    return Int(ms.rounded())
}

/// "80x24" → (80, 24).
func parseSize(_ text: String) -> (Int, Int)? {
    let parts = text.split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
          (1...ScriptLimits.maxScreenSide).contains(w), (1...ScriptLimits.maxScreenSide).contains(h)
    else { return nil }
    return (w, h)
}

// MARK: - text helpers

/// Lines of a text file, accepting \n, \r\n (one Character in Swift) and \r endings.
func scriptLines(_ text: String) -> [String] {
    text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        .map(String.init)
}

extension String {
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}

// MARK: - writing scripts

extension ScriptAction {
    /// The script line that parses back to this action (for recording a session as a script);
    /// nil when no line can express it: a key without a script name (`.resize`, `.unknown`, a blank
    /// character) or a snapshot path with blanks in it.
    public var scriptLine: String? {
        switch self {
        case .key(let key):
            guard let name = scriptName(of: key), !name.contains(where: { $0 == " " || $0 == "\t" || $0.isNewline })
            else { return nil }
            return "key \(name)"
        case .wait(let ms): return ms % 1000 == 0 ? "wait \(ms / 1000)s" : "wait \(ms)ms"
        case .steps(let n): return "steps \(n)"
        case .resize(let w, let h): return "resize \(w)x\(h)"
        case .snapshot(let path):
            if path.isEmpty || path.contains(where: { $0 == " " || $0 == "\t" || $0.isNewline }) { return nil }
            return "snapshot \(path)"
        case .layer(let l): return "layer \(l + 1)"
        case .head(let h): return "head \(h + 1)"
        case .quit: return "quit"
        }
    }
}
