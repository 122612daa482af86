// `pdet-tui baselines`: one line per baseline on stdout; bad input is one error line and exit ≠ 0.
// (The figures themselves are pinned in PDETTasksTests.NoTracingBaselinesTests.)
import Foundation
import XCTest

extension CLITests {
    func testBaselinesOneLinePerBaseline() throws {
        func figures(_ task: String) throws -> [String: Double] {
            let r = try run(["baselines", "--task", task, "--seed", "4", "--eval-size", "200"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("(seed 4, T 25)") && r.stderr.contains("200 held-out"), r.stderr)
            var out: [String: Double] = [:]
            for line in r.stdout.split(separator: "\n") {
                let parts = line.components(separatedBy: ": ")
                XCTAssertEqual(parts.count, 2, String(line))
                XCTAssertTrue(parts[0].hasPrefix("\(task) seed 4 "), String(line))
                out[String(parts[0].dropFirst("\(task) seed 4 ".count))] = Double(parts[1])
            }
            return out
        }
        let plain = try figures("pathfinder"), matched = try figures("pathfinder-matched")
        XCTAssertEqual(Set(plain.keys), ["majority", "distance rule", "bag of tokens"])
        XCTAssertEqual(matched["majority"], 0.5)
        XCTAssertGreaterThan(plain["distance rule"]!, 0.7)
        XCTAssertLessThan(matched["distance rule"]!, 0.6)
    }

    func testBaselinesBadInputIsOneLine() throws {
        for (args, message) in [
            (["--task", "sort"], "Error: no-tracing baselines are defined for the classify tasks (listops, digits, pathfinder, pathfinder-matched), not sort"),
            (["--task", "listops", "--eval-size", "0"], "Error: --eval-size must be in 1...100000 (got 0)"),
            (["--task", "pathfinder", "--seq-len", "16"], "Error: task pathfinder needs seq-len ≥ 25 (got 16)"),
        ] {
            let r = try run(["baselines"] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertEqual(r.stdout, "", "\(args)")
            XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }, [Substring(message)], r.stderr)
        }
    }
}
