import XCTest
import PDETRender
@testable import PDETScript

final class ScriptParserTests: XCTestCase {
    func testValidScriptParsesToExpectedActions() throws {
        let text = """
        # a demo
        key r

          key space
        key enter
        key esc
        key Tab
        key backtab
        key left
        key ctrl-c
        key #
        keys rlp
        wait 200ms
        wait 2s
        wait 1.5s
        steps 10
        resize 80x24
        snapshot out/frame.txt
        layer 3
        head 2
        quit
        """
        let actions = try parseScript(text, fileName: "demo.script")
        XCTAssertEqual(actions, [
            .key(.char("r")), .key(.char(" ")), .key(.enter), .key(.escape), .key(.tab), .key(.backTab),
            .key(.left), .key(.ctrl("c")), .key(.char("#")),
            .key(.char("r")), .key(.char("l")), .key(.char("p")),
            .wait(milliseconds: 200), .wait(milliseconds: 2000), .wait(milliseconds: 1500),
            .steps(10), .resize(width: 80, height: 24), .snapshot(path: "out/frame.txt"),
            .layer(2), .head(1), .quit,
        ])
    }

    func testKeysAndActionsAreBounded() throws {
        XCTAssertEqual(try parseScript("keys " + String(repeating: "r", count: 256), fileName: "s").count, 256)
        XCTAssertThrowsError(try parseScript("keys " + String(repeating: "r", count: 1_000_000), fileName: "s")) { e in
            XCTAssertEqual("\(e)", "s:1: 'keys' takes at most 256 keys, got 1000000")
        }
        let many = Array(repeating: "keys " + String(repeating: "r", count: 200), count: 11).joined(separator: "\n")
        XCTAssertThrowsError(try parseScript(many, fileName: "s")) { e in
            XCTAssertEqual("\(e)", "s:11: the script has more than 2000 actions (split it, or use 'steps N')")
        }
    }

    func testCRLFLineEndings() throws {
        XCTAssertEqual(try parseScript("key r\r\nsteps 3\r\n", fileName: "f"), [.key(.char("r")), .steps(3)])
        // Line numbers still count CRLF lines.
        XCTAssertThrowsError(try parseScript("key r\r\n\r\nbogus\r\n", fileName: "f")) { error in
            XCTAssertEqual((error as? ScriptError)?.line, 3)
        }
    }

    /// Each bad line gives "FILE:LINE: message" with the right line.
    func testErrorsNameFileAndLine() {
        let cases: [(line: String, message: String)] = [
            ("jump 3", "unknown command 'jump'"),
            ("key", "'key' needs a key name"),
            ("key f13", "unknown key name 'f13'"),
            ("key ctrl-1", "unknown key name 'ctrl-1'"),
            ("key a b", "'key' takes one argument, got 2: a b"),
            ("keys", "'keys' needs a run of single-character keys"),
            ("wait", "'wait' needs a duration"),
            ("wait 200", "bad duration '200'"),
            ("wait -2s", "bad duration '-2s'"),
            ("wait 2h", "bad duration '2h'"),
            ("wait infs", "bad duration 'infs'"),
            ("wait 3600s", "bad duration '3600s'"),
            ("wait 1s 2s", "'wait' takes one argument"),
            ("steps", "'steps' needs a step count"),
            ("steps ten", "'steps' needs a step count in 1...1000000, got 'ten'"),
            ("steps 0", "'steps' needs a step count in 1...1000000, got '0'"),
            ("steps 5 6", "'steps' takes one argument"),
            ("resize 80", "bad size '80'"),
            ("resize 80x", "bad size '80x'"),
            ("resize 0x24", "bad size '0x24'"),
            ("resize 80x24x2", "bad size '80x24x2'"),
            ("resize", "'resize' needs a size"),
            ("snapshot", "'snapshot' needs a file name"),
            ("snapshot a b", "'snapshot' takes one argument"),
            ("layer -1", "'layer' needs a layer number in 1...4096, got '-1'"),
            ("head x", "'head' needs a head number"),
            // Issue 22: counted from 1 as the explorer shows them; an old 0-based file gets the migration note.
            ("layer 0", "'layer 0': layers and heads count from 1, as the explorer shows them (L1, H1); a file written for 0-based numbers needs every 'layer' and 'head' number raised by 1"),
            ("head 0", "'head 0': layers and heads count from 1"),
            ("quit now", "'quit' takes no argument, got: now"),
        ]
        for c in cases {
            let text = "# header\nkey r\n\n\(c.line)\nkey q\n"
            XCTAssertThrowsError(try parseScript(text, fileName: "demo.script"), c.line) { error in
                guard let e = error as? ScriptError else { return XCTFail("not a ScriptError") }
                XCTAssertEqual(e.line, 4, c.line)
                XCTAssertEqual(e.fileName, "demo.script")
                XCTAssertTrue(e.description.hasPrefix("demo.script:4: " + c.message),
                              "\(c.line) → \(e.description)")
            }
        }
    }

    func testKeyNamesRoundTrip() {
        let keys: [Key] = [.char("r"), .char(" "), .char("["), .enter, .escape, .tab, .backTab, .backspace,
                           .left, .right, .up, .down, .pageUp, .pageDown, .home, .end, .ctrl("c")]
        for key in keys {
            guard let name = scriptName(of: key) else { XCTFail("no name for \(key)"); continue }
            XCTAssertEqual(keyNamed(name), key, name)
        }
        XCTAssertNil(scriptName(of: .resize(width: 1, height: 1)))
        XCTAssertEqual(keyNamed("ENTER"), .enter)
        XCTAssertEqual(keyNamed("R"), .char("R"))   // single characters are case-sensitive
    }

    func testLoadScriptMissingFile() {
        XCTAssertThrowsError(try loadScript(path: "/nonexistent/x.script")) { error in
            XCTAssertEqual((error as? ScriptError)?.description, "/nonexistent/x.script: cannot read file")
        }
    }
}

final class ScriptWritingTests: XCTestCase {
    func testScriptLinesParseBack() throws {
        let actions: [ScriptAction] = [
            .key(.char("r")), .key(.char(" ")), .key(.char("#")), .key(.enter), .key(.ctrl("c")), .key(.pageDown),
            .wait(milliseconds: 250), .wait(milliseconds: 3000), .wait(milliseconds: 0), .steps(12),
            .resize(width: 120, height: 40), .snapshot(path: "a/b.ansi"), .layer(3), .head(0), .quit,
        ]
        let lines = actions.compactMap(\.scriptLine)
        XCTAssertEqual(lines.count, actions.count)
        XCTAssertEqual(try parseScript(lines.joined(separator: "\n"), fileName: "rec"), actions)
        XCTAssertEqual(ScriptAction.wait(milliseconds: 3000).scriptLine, "wait 3s")
        XCTAssertEqual(ScriptAction.layer(0).scriptLine, "layer 1", "written as the explorer shows it (L1)")
        XCTAssertNil(ScriptAction.key(.resize(width: 1, height: 2)).scriptLine)
        XCTAssertNil(ScriptAction.key(.char("\t")).scriptLine)
        XCTAssertNil(ScriptAction.snapshot(path: "my file.txt").scriptLine)
    }
}
