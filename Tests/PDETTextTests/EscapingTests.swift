import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PDETText

final class EscapingTests: XCTestCase {
    /// Every escaped string is one JSON string that a strict parser reads back as the original.
    func testJSONStringLiteralRoundTripsThroughJSONSerialization() throws {
        var rng = SystemRandomNumberGenerator()
        let pool: [Unicode.Scalar] = (0...0x7F).compactMap(Unicode.Scalar.init) + ["é", "€", "🙂", "\u{2028}", "\u{FFFD}"]
        for _ in 0..<500 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...24, using: &rng) { s.append(pool.randomElement(using: &rng)!) }
            let text = String(s)
            let literal = jsonStringLiteral(text)
            let decoded = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: [.fragmentsAllowed])
            XCTAssertEqual(decoded as? String, text, literal)
            XCTAssertFalse(literal.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, literal)
        }
    }

    func testJSONStringLiteralUsesTheShortFormsAndLowercaseHex() {
        XCTAssertEqual(jsonStringLiteral("a\"b\\c\n\r\t\u{08}\u{0C}\u{1B}\u{00}\u{7F}é🙂"),
                       "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u001b\\u0000\\u007fé🙂\"")
    }

    func testOneLineEscapesControlsOnly() {
        XCTAssertEqual(oneLine("a\nb\u{7F}\"é"), "a\\u000ab\\u007f\"é")
    }

    func testXMLEscapedIsWellFormedTextAndAttributeContent() throws {
        let text = "a<b>&\"c\" \u{01}\u{85}\u{FFFE}\nz"
        XCTAssertEqual(xmlEscaped(text), "a&lt;b&gt;&amp;&quot;c&quot;    \nz")
        let doc = "<t a=\"\(xmlEscaped(text))\">\(xmlEscaped(text))</t>"
        let parsed = try XMLDocument(xmlString: doc)
        XCTAssertEqual(parsed.rootElement()?.stringValue, "a<b>&\"c\"    \nz")
    }

    /// A quoted word reads back through /bin/sh as the same single argument.
    func testShellQuotedWordsReadBackThroughTheShell() throws {
        let words = ["plain/path-1.txt", "", "with space", "it's", "$HOME", "a\"b", "*", "1,2,4", "x;rm -rf y", "é ü"]
        XCTAssertEqual(shellQuoted("plain/path-1.txt"), "plain/path-1.txt")
        XCTAssertEqual(shellQuoted("it's"), "'it'\\''s'")
        let script = "for a in " + words.map(shellQuoted).joined(separator: " ") + "; do printf '%s\\n' \"[$a]\"; done"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(out, words.map { "[\($0)]\n" }.joined())
    }

}
