// SVG frames: `s` writes NNNN.svg beside the .txt and .ansi (valid XML, the header in <desc>), a failed
// SVG write leaves the session running with the reason on the status line, a stray NNNN.svg is never
// overwritten, and `snapshot --format svg` / `--theme` / PDET_THEME as a user runs them.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PDETCore
@testable import PDETExplorer
import PDETIO
import PDETRender
import XCTest

/// True when the text is well-formed XML (Foundation's parser); also returns the <desc> text.
func parseXML(_ text: String) -> (ok: Bool, desc: String) {
    final class Desc: NSObject, XMLParserDelegate {
        var inDesc = false
        var desc = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) { inDesc = name == "desc" }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inDesc { desc += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { inDesc = false }
    }
    let delegate = Desc()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = delegate
    return (parser.parse(), delegate.desc)
}

final class SnapshotSVGTests: XCTestCase {
    func testSWritesAnSVGBesideTheTextFiles() throws {
        let dir = try scratchFolder(self)
        let s = try tinySession()
        s.snapshotDirectory = dir
        s.train(steps: 2)
        _ = s.render(width: 120, height: 40, options: RenderOptions(colorMode: .c256, theme: .light))
        s.handle(.char("s"))
        XCTAssertEqual(s.state.status, "snapshot saved: \(dir)/0001.txt")
        let svg = try String(contentsOfFile: dir + "/0001.svg", encoding: .utf8)
        let parsed = parseXML(svg)
        XCTAssertTrue(parsed.ok, "not well-formed XML")
        XCTAssertTrue(parsed.desc.hasPrefix("pdet-tui \(explorerVersion) snapshot 0001\nseed 1 step 2 size 120x40"), parsed.desc)
        XCTAssertTrue(parsed.desc.contains("reproduce: pdet-tui snapshot --task reverse"), parsed.desc)
        XCTAssertTrue(svg.contains("fill=\"#ffffff\""), "the light theme's page")
        XCTAssertEqual(svg, snapshotText(s.state, number: 1, format: .svg, colorMode: .c256, ascii: false, theme: .light),
                       "the file is the snapshot text")
        XCTAssertLessThan(svg.utf8.count, 40_000, "small: runs merged (\(svg.utf8.count) bytes)")
        print("SVG snapshot of the tiny model, light, 120x40: \(svg.utf8.count) bytes")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(names, ["0001.ansi", "0001.svg", "0001.txt"], "no temporary files left")
    }

    func testAFailedSVGWriteLeavesTheSessionRunning() throws {
        let dir = try scratchFolder(self)
        let s = try tinySession()
        s.snapshotDirectory = dir
        s.svgWriter = { path, _ in throw FileWriteError("cannot save '\(path)': No space left on device") }
        s.handle(.char("s"))
        XCTAssertEqual(s.state.status, "snapshot saved: \(dir)/0001.txt; svg: cannot save '\(dir)/0001.svg': No space left on device")
        XCTAssertEqual(s.state.statusLine.severity, .warning, "a partial failure: shown in the alarm colour")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/0001.txt"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/0001.ansi"))
        XCTAssertTrue(s.handle(.char("n")), "the session goes on")
        XCTAssertEqual(s.state.step, 1)
        s.svgWriter = atomicSnapshotWriter
        s.handle(.char("s"))
        XCTAssertEqual(s.state.status, "snapshot saved: \(dir)/0002.txt")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/0002.svg"))
    }

    /// A real failure of PDETIO's writer: the SVG's name is taken by a folder after the number was chosen.
    func testTheAtomicWritersOwnErrorReachesTheStatusLine() throws {
        let dir = try scratchFolder(self)
        let s = try tinySession()
        s.snapshotDirectory = dir
        s.svgWriter = { path, bytes in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try writeFileAtomically(path: path, bytes: bytes)
        }
        s.handle(.char("s"))
        XCTAssertTrue(s.state.status.hasPrefix("snapshot saved: \(dir)/0001.txt; svg: cannot save '\(dir)/0001.svg'"), s.state.status)
    }

    func testAStraySVGIsNeverOverwritten() throws {
        let dir = try scratchFolder(self)
        try "mine".write(toFile: dir + "/0001.svg", atomically: true, encoding: .utf8)
        let s = try tinySession()
        s.snapshotDirectory = dir
        s.handle(.char("s"))
        XCTAssertEqual(s.state.status, "snapshot saved: \(dir)/0002.txt")
        XCTAssertEqual(try String(contentsOfFile: dir + "/0001.svg", encoding: .utf8), "mine")
        XCTAssertTrue(parseXML(try String(contentsOfFile: dir + "/0002.svg", encoding: .utf8)).ok)
        XCTAssertEqual(highestSnapshotNumber(in: dir), 2)
    }

    func testSplitViewSnapshotHasAnSVGToo() throws {
        let dir = try scratchFolder(self)
        let c = ComparisonSession(try tinySession())
        c.snapshotDirectory = dir
        c.handle(.char("b"))
        _ = c.render(width: 120, height: 40, options: RenderOptions(colorMode: .c256))
        c.handle(.char("s"))
        XCTAssertEqual(c.state.status, "snapshot saved: \(dir)/0001.txt")
        let svg = try String(contentsOfFile: dir + "/0001.svg", encoding: .utf8)
        let parsed = parseXML(svg)
        XCTAssertTrue(parsed.ok)
        XCTAssertTrue(parsed.desc.contains("snapshot 0001 A/B split"), parsed.desc)
        XCTAssertTrue(svg.contains(">A/B differences"), "the split frame's panel title")
    }

    // MARK: the command

    func run(_ arguments: [String], environment extra: [String: String] = [:], in directory: String? = nil) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let url = Bundle.main.bundleURL.appendingPathComponent("pdet-tui")
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw XCTSkip("pdet-tui is not built at \(url.path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", url.path] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var environment = ProcessInfo.processInfo.environment
        environment["PDET_ASSETS"] = "/nonexistent"
        for name in ["NO_COLOR", "PDET_THEME", "COLORFGBG"] { environment.removeValue(forKey: name) }
        for (k, v) in extra { environment[k] = v }
        process.environment = environment
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    func testSnapshotFormatSVGAndThemes() throws {
        let tiny = SnapshotCommandTests.tiny + ["--steps", "2"]
        let dark = try run(["snapshot"] + tiny + ["--format", "svg"])
        XCTAssertEqual(dark.status, 0, dark.stderr)
        XCTAssertTrue(parseXML(dark.stdout).ok)
        XCTAssertTrue(dark.stdout.contains("<rect width=\"960\" height=\"640\" fill=\"#000000\"/>"))
        XCTAssertEqual(try run(["snapshot"] + tiny + ["--format", "svg"]).stdout, dark.stdout, "same inputs, same bytes")
        let light = try run(["snapshot"] + tiny + ["--format", "svg", "--theme", "light"])
        XCTAssertTrue(light.stdout.contains("fill=\"#ffffff\""))
        XCTAssertEqual(try run(["snapshot"] + tiny + ["--format", "svg"], environment: ["PDET_THEME": "light"]).stdout, light.stdout)
        XCTAssertEqual(try run(["snapshot"] + tiny + ["--format", "svg"], environment: ["COLORFGBG": "0;15"]).stdout, dark.stdout,
                       "headless output does not follow the terminal's COLORFGBG")
        let noColor = try run(["snapshot"] + tiny + ["--format", "svg"], environment: ["NO_COLOR": "1"])
        XCTAssertFalse(noColor.stdout.contains("#440154") || noColor.stdout.contains("fill=\"#5f"), "no ramp colours under NO_COLOR")
        let ascii = try run(["snapshot"] + tiny + ["--format", "ansi", "--ascii", "--theme", "light"])
        XCTAssertTrue(ascii.stdout.unicodeScalars.allSatisfy { $0.isASCII }, "--ascii keeps working with a theme")
        let lightANSI = try run(["snapshot"] + tiny + ["--format", "ansi", "--theme", "light"])
        let darkANSI = try run(["snapshot"] + tiny + ["--format", "ansi"])
        XCTAssertNotEqual(lightANSI.stdout, darkANSI.stdout)
        XCTAssertEqual(try run(["snapshot"] + tiny + ["--format", "txt", "--theme", "light"]).stdout,
                       try run(["snapshot"] + tiny + ["--format", "txt"]).stdout, ".txt has no colours to change")
        let dir = try scratchFolder(self)
        let file = try run(["snapshot"] + tiny + ["--format", "svg", "--out", "frame.svg"], in: dir)
        XCTAssertEqual(file.status, 0, file.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir + "/frame.svg", encoding: .utf8), dark.stdout)
    }

    func testBadThemeIsOneClearErrorLine() throws {
        let flag = try run(["snapshot", "--theme", "pink"])
        XCTAssertNotEqual(flag.status, 0)
        XCTAssertEqual(flag.stdout, "")
        let errors = flag.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(errors.count, 1, flag.stderr)
        XCTAssertTrue(errors[0].contains("'pink'") && errors[0].contains("'dark'") && errors[0].contains("'light'") && errors[0].contains("'mono'"),
                      flag.stderr)
        let env = try run(["snapshot"], environment: ["PDET_THEME": "pink"])
        XCTAssertNotEqual(env.status, 0)
        XCTAssertEqual(env.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") },
                       ["Error: PDET_THEME: 'pink' is not a theme (use one of dark, light, mono)"])
        let format = try run(["snapshot", "--format", "png"])
        XCTAssertNotEqual(format.status, 0)
        XCTAssertTrue(format.stderr.contains("'svg'"), format.stderr)
    }
}
