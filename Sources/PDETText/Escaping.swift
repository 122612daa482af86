// One of each text escaper, for every module that writes a format by hand: JSON string literals
// (checkpoint headers, metrics JSON, asciicast events), XML text (SVG frames and report figures),
// shell words (the reproduce lines of snapshots and reports) and one-line messages. No dependencies, so the numeric, IO and render modules can all use it.

/// `s` as a JSON string literal (RFC 8259): quote, backslash and the C0 controls escaped (the short
/// forms \n \r \t \b \f where JSON has them, else \u00XX), DEL as \u007f; other Unicode kept as UTF-8.
public func jsonStringLiteral(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                out += unicodeEscape(u)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// `s` with control characters (C0 and DEL) written as \u00XX, so a message quoting a name read from
/// a file stays one line.
public func oneLine(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
        if u.value < 0x20 || u.value == 0x7F {
            out += unicodeEscape(u)
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}

/// "\u00XX" for a scalar below 0x10000.
private func unicodeEscape(_ u: Unicode.Scalar) -> String {
    let hex = String(u.value, radix: 16)
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}

/// `ch` if it is valid XML 1.0 text, else a space (C0/C1 controls and the non-characters U+FFFE/FFFF).
public func xmlCharacter(_ ch: Character) -> Character {
    for s in ch.unicodeScalars where s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0) || s.value == 0xFFFE || s.value == 0xFFFF {
        return " "
    }
    return ch
}

/// `text` with &, <, > and " escaped and invalid characters made spaces (newlines kept): valid in XML
/// element content and in attribute values.
public func xmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for ch in text {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(xmlCharacter(ch) == ch || ch == "\n" ? ch : " ")
        }
    }
    return out
}

/// `s` as one POSIX shell word: unchanged when it is only letters, digits and `/._-+,:=`, else in
/// single quotes (a `'` inside becomes `'\''`). The reproduce lines of snapshots and reports use it,
/// so a path with a space, a quote or a `$` pastes back as the same argument.
public func shellQuoted(_ s: String) -> String {
    let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+,:=".contains($0) }
    if safe && !s.isEmpty { return s }
    var out = "'"
    for ch in s { out += ch == "'" ? "'\\''" : String(ch) }
    return out + "'"
}
