// `--simulator` and the --sim-* options: the snapshot opens in simulator mode, its reproduce line
// redraws the same bytes, and bad options give one error line and a usage exit without training.
import Foundation
import XCTest

extension CLITests {
    static let tinyModelFlags = ["--task", "reverse", "--layers", "2", "--d-model", "16", "--heads", "4",
                                 "--d-ff", "32", "--seq-len", "16", "--batch", "4"]

    func testSnapshotInSimulatorModeAndItsReproduceLineRedrawsIt() throws {
        let args = ["snapshot"] + Self.tinyModelFlags + ["--steps", "3", "--size", "100x30", "--simulator",
                    "--sim-integrator", "rk4", "--sim-dt", "0.5", "--sim-steps", "4", "--sim-weights", "tied",
                    "--sim-diffusion", "0.2"]
        let first = try run(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("PDE SIMULATOR  rk4  dt 0.5 × 4 = t 2  weight-tied"), first.stdout)
        XCTAssertTrue(first.stdout.contains("┌ Trajectory "), first.stdout)
        XCTAssertTrue(first.stdout.contains("# simulator rk4 dt 0.5 × 4 tied residual LN D 0.2"), first.stdout)
        let line = try XCTUnwrap(first.stdout.split(separator: "\n").first { $0.hasPrefix("# reproduce: pdet-tui ") })
        let again = try run(line.dropFirst("# reproduce: pdet-tui ".count).split(separator: " ").map(String.init))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, first.stdout, "the reproduce line redraws the frame byte for byte")
    }

    func testBadSimulatorOptionsAreOneLineErrors() throws {
        let cases: [([String], String)] = [
            (["--sim-dt", "0.5"], "need --simulator"),
            (["--simulator", "--sim-dt=-1"], "dt must be in (0, 100]"),
            (["--simulator", "--sim-steps", "9999"], "at most 256"),
            (["--simulator", "--sim-integrator", "rk5"], "'euler', 'heun' or 'rk4'"),
            (["--simulator", "--sim-diffusion", "nan"], "diffusion"),
        ]
        for (flags, message) in cases {
            let r = try run(["snapshot"] + Self.tinyModelFlags + flags)
            XCTAssertNotEqual(r.status, 0, "\(flags)")
            XCTAssertTrue(r.stdout.isEmpty, "\(flags): \(r.stdout)")
            let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
            XCTAssertTrue(first.hasPrefix("Error: ") && first.contains(message), "\(flags): \(r.stderr)")
        }
    }

    func testMetricsJSONCarriesTheTrajectoryAndTheConvergenceStudy() throws {
        let path = NSTemporaryDirectory() + "pdet-cli-sim-\(getpid())-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run(["snapshot"] + Self.tinyModelFlags + ["--simulator", "--sim-dt", "0.5", "--sim-steps", "4",
                                                              "--metrics-json", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let sim = try XCTUnwrap(json["simulation"] as? [String: Any], "\(json.keys)")
        XCTAssertEqual(sim["integrator"] as? String, "euler")
        XCTAssertEqual((sim["times"] as? [Double]) ?? [], [0, 0.5, 1, 1.5, 2])
        XCTAssertEqual((sim["layers"] as? [Any])?.count, 5)
        XCTAssertEqual((sim["tokenRms"] as? [[Double]])?.map(\.count), [16, 16, 16, 16, 16])
        let rows = try XCTUnwrap(sim["convergence"] as? [[String: Double]])
        XCTAssertEqual(rows.compactMap { $0["dt"] }, [0.5, 0.25, 0.125])
        let d = rows.compactMap { $0["difference"] }
        XCTAssertEqual(d[0] / d[1], 2, accuracy: 0.3, "Euler halves its error with dt: \(d)")
        // The discrete frame has no simulation entry.
        let plain = try run(["snapshot"] + Self.tinyModelFlags + ["--metrics-json", path])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let plainJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        XCTAssertNil(plainJSON["simulation"])
    }
}
