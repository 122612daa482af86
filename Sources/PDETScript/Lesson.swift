// Lessons: `assets/lessons/NN-name.lesson`, a header then beats (format: docs/lessons.md).
//
//   title: Why residual connections
//   summary: Turn the skip path off and watch the token states drift and collapse.
//   preset: --task reverse --residual off
//
//   beat: A deep stack without skips
//   caption: Each block now replaces x instead of adding to it: x = Attn(LN1(x)) ...
//   caption: (more caption lines join into one paragraph)
//   steps 50
//   await r          (an interactive beat: shows "press r to continue" and waits for the student)
//   steps 20

import PDETCore
import PDETRender

/// One step of a lesson: a caption shown in the caption bar, then actions run in order.
public struct LessonBeat: Equatable, Sendable {
    public var title: String
    public var caption: String              // caption lines joined by single spaces (wrapping is the renderer's job)
    public var actions: [ScriptAction]
    public var line: Int                    // line of `beat:` in the file, for messages
    /// An interactive beat's `await KEY`: the index in `actions` of the `.key` the beat waits for.
    /// The actions before it run on entering the beat; the student's key (or →) runs it and the rest.
    public var awaitIndex: Int?

    public init(title: String, caption: String, actions: [ScriptAction], line: Int, awaitIndex: Int? = nil) {
        self.title = title
        self.caption = caption
        self.actions = actions
        self.line = line
        self.awaitIndex = awaitIndex
    }

    /// The key an interactive beat waits for (nil: the beat runs all its actions at once).
    public var awaitedKey: Key? {
        guard let i = awaitIndex, case .key(let key) = actions[i] else { return nil }
        return key
    }

    /// Keys the lesson presses itself in this beat: every `key`/`keys` action but the awaited one
    /// (`beforeAwait`: only those before it). A caption must not ask the student for one of these
    /// (pressing it again would undo the demo), except the awaited key when the lesson presses that
    /// key only after the student did (`await A` then `keys AA`).
    public func keysPressedByLesson(beforeAwait: Bool = false) -> [Key] {
        actions.enumerated().compactMap { index, action in
            guard index != awaitIndex, case .key(let key) = action else { return nil }
            if beforeAwait, let awaitIndex, index > awaitIndex { return nil }
            return key
        }
    }
}

public struct Lesson: Equatable, Sendable {
    public var fileName: String             // as given to parseLesson (loadLessons gives the path)
    public var title: String
    public var summary: String
    public var preset: [PresetFlag]         // the `preset:` flags, in file order (empty when absent)
    public var beats: [LessonBeat]

    public init(fileName: String, title: String, summary: String, preset: [PresetFlag], beats: [LessonBeat]) {
        self.fileName = fileName
        self.title = title
        self.summary = summary
        self.preset = preset
        self.beats = beats
    }

    /// The file's base name without `.lesson`, e.g. "01-residuals".
    public var name: String {
        let base = fileName.split(separator: "/").last.map(String.init) ?? fileName
        return base.hasSuffix(".lesson") ? String(base.dropLast(7)) : base
    }

    /// The preset's `--checkpoint` path, if any (not part of ModelConfig; the caller loads it).
    public var checkpoint: String? { preset.first(where: { $0.flag == "--checkpoint" })?.value }

    /// The preset as (flag, value) tuples.
    public var presetPairs: [(flag: String, value: String?)] { preset.map { ($0.flag, $0.value) } }

    /// The model configuration this lesson starts from.
    public func config(base: ModelConfig = ModelConfig()) throws(PresetError) -> ModelConfig {
        try presetConfig(preset, base: base)
    }
}

/// Limits on text lengths so captions fit a caption bar (about 6 rows of an 80-column terminal).
public enum LessonLimits {
    public static let maxTitle = 60
    public static let maxSummary = 240
    public static let maxCaptionLine = 200
    public static let maxCaption = 480
}

/// Parses one lesson. Errors name the file and line. The preset is checked against the default
/// ModelConfig, and `layer N` / `head H` actions against the preset's layer and head counts.
public func parseLesson(_ text: String, fileName: String) throws(ScriptError) -> Lesson {
    var title: String?, summary: String?
    var preset: [PresetFlag] = []
    var presetLine = 0
    var beats: [LessonBeat] = []
    var actionLines: [(beat: Int, action: ScriptAction, line: Int)] = []

    func fail(_ line: Int, _ message: String) -> ScriptError {
        ScriptError(fileName: fileName, line: line, message: message)
    }
    func finishBeat() throws(ScriptError) {
        guard let beat = beats.last else { return }
        if beat.caption.isEmpty { throw fail(beat.line, "beat '\(beat.title)' has no 'caption:' line") }
        if beat.caption.count > LessonLimits.maxCaption {
            throw fail(beat.line, "beat '\(beat.title)': caption is \(beat.caption.count) characters (at most \(LessonLimits.maxCaption))")
        }
    }

    for (index, rawLine) in scriptLines(text).enumerated() {
        let n = index + 1
        let line = rawLine.trimmingBlanks()
        if line.isEmpty || line.hasPrefix("#") { continue }
        guard let (field, value) = splitField(line) else {
            guard !beats.isEmpty else { throw fail(n, "action before the first 'beat:' line") }
            if line.hasPrefix("await ") || line == "await" {
                let action = try parseAwait(line, fileName: fileName, lineNumber: n)
                if beats[beats.count - 1].awaitIndex != nil { throw fail(n, "a beat waits for one key at most ('await' given twice)") }
                beats[beats.count - 1].awaitIndex = beats[beats.count - 1].actions.count
                beats[beats.count - 1].actions.append(action)
                continue
            }
            for action in try parseActionLine(line, fileName: fileName, lineNumber: n) {
                beats[beats.count - 1].actions.append(action)
                actionLines.append((beats.count - 1, action, n))
            }
            continue
        }
        switch field {
        case "title", "summary", "preset":
            if !beats.isEmpty { throw fail(n, "'\(field):' belongs in the header, before the first 'beat:'") }
            if value.isEmpty { throw fail(n, "'\(field):' needs text") }
            switch field {
            case "title":
                if title != nil { throw fail(n, "'title:' given twice") }
                if value.count > LessonLimits.maxTitle { throw fail(n, "title longer than \(LessonLimits.maxTitle) characters") }
                title = value
            case "summary":
                let joined = summary.map { $0 + " " + value } ?? value
                if joined.count > LessonLimits.maxSummary { throw fail(n, "summary longer than \(LessonLimits.maxSummary) characters") }
                summary = joined
            default:
                if presetLine != 0 { throw fail(n, "'preset:' given twice") }
                do { preset = try parsePreset(value) } catch { throw fail(n, error.message) }
                presetLine = n
            }
        case "beat":
            if title == nil { throw fail(n, "missing 'title:' before the first beat") }
            if summary == nil { throw fail(n, "missing 'summary:' before the first beat") }
            if value.isEmpty { throw fail(n, "'beat:' needs a title") }
            if value.count > LessonLimits.maxTitle { throw fail(n, "beat title longer than \(LessonLimits.maxTitle) characters") }
            try finishBeat()
            beats.append(LessonBeat(title: value, caption: "", actions: [], line: n))
        case "caption":
            guard !beats.isEmpty else { throw fail(n, "'caption:' before the first 'beat:'") }
            if value.isEmpty { throw fail(n, "empty caption line") }
            if value.count > LessonLimits.maxCaptionLine {
                throw fail(n, "caption line is \(value.count) characters (at most \(LessonLimits.maxCaptionLine); split it over several caption: lines)")
            }
            let old = beats[beats.count - 1].caption
            beats[beats.count - 1].caption = old.isEmpty ? value : old + " " + value
        default:
            throw fail(n, "unknown field '\(field):' (expected title, summary, preset, beat or caption)")
        }
    }
    try finishBeat()
    guard let title, let summary else { throw fail(0, "missing 'title:' and 'summary:' header") }
    if beats.isEmpty { throw fail(0, "a lesson needs at least one 'beat:'") }

    let config: ModelConfig
    do { config = try presetConfig(preset, base: ModelConfig()) } catch {
        throw fail(presetLine, "preset: \(error.message)")
    }
    for entry in actionLines {
        if case .layer(let l) = entry.action, l >= config.layers {
            throw fail(entry.line, "layer \(l + 1) does not exist (the preset has \(config.layers) layers, 1...\(config.layers))")
        }
        if case .head(let h) = entry.action, h >= config.heads {
            throw fail(entry.line, "head \(h + 1) does not exist (the preset has \(config.heads) heads, 1...\(config.heads))")
        }
    }
    return Lesson(fileName: fileName, title: title, summary: summary, preset: preset, beats: beats)
}

/// `await r`: the one key an interactive beat waits for (any name `key` accepts).
private func parseAwait(_ line: String, fileName: String, lineNumber: Int) throws(ScriptError) -> ScriptAction {
    let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard words.count == 2 else {
        throw ScriptError(fileName: fileName, line: lineNumber, message: "'await' needs one key name (e.g. await r)")
    }
    let actions = try parseActionLine("key " + words[1], fileName: fileName, lineNumber: lineNumber)
    return actions[0]
}

/// `title: Why` → ("title", "Why"); nil when the first word does not end in ':' (an action line).
private func splitField(_ line: String) -> (String, String)? {
    let firstWord = line.prefix(while: { $0 != " " && $0 != "\t" })
    guard firstWord.hasSuffix(":"), firstWord.count > 1,
          firstWord.dropLast().allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
    let value = String(line.dropFirst(firstWord.count)).trimmingBlanks()
    return (String(firstWord.dropLast()), value)
}
