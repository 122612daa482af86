import XCTest
import PDETCore
@testable import PDETIO

/// A fresh empty folder under the temp dir, removed by the caller's `defer`.
func makeTempFolder(_ tag: String) throws -> String {
    let dir = NSTemporaryDirectory() + "pdet-io-\(tag)-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

final class ConfigFileTests: XCTestCase {
    func expectConfigError(_ text: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decodeConfigJSON(text, base: ModelConfig()), file: file, line: line) { e in
            let message = (e as? ConfigError)?.message ?? "\(e)"
            XCTAssertTrue(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), file: file, line: line)
        }
    }

    func testEncodingWritesEveryKeySortedAndRoundTrips() throws {
        var c = ModelConfig()
        c.task = .listops; c.seed = UInt64.max; c.dModel = 32; c.lr = 3e-4; c.norm = .post
        c.pos = .learned; c.pde = .afterFFN; c.pdeScales = [1, 2, 4]; c.pdeClamp = false; c.causal = true
        let json = configJSON(c)
        XCTAssertEqual(json, configJSON(c))  // deterministic
        for key in ModelConfig.codingKeyNames { XCTAssertTrue(json.contains("\"\(key)\""), key) }
        XCTAssertEqual(ModelConfig.codingKeyNames.count, 22)
        XCTAssertTrue(json.contains("\"pde\" : \"after-ffn\""), json)
        let keysInOrder = json.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("\"") else { return nil }
            return String(t.dropFirst().prefix { $0 != "\"" })
        }
        XCTAssertEqual(keysInOrder, keysInOrder.sorted())
        XCTAssertEqual(try decodeConfigJSON(json, base: ModelConfig()), c)
        XCTAssertEqual(try decodeConfigJSON(compactConfigJSON(c), base: ModelConfig()), c)
    }

    func testPartialObjectKeepsBaseValues() throws {
        var base = ModelConfig()
        base.layers = 2
        base.seed = 7
        let c = try decodeConfigJSON(#"{"dModel": 32, "norm": "none", "pdeScales": [1, 3]}"#, base: base)
        var expected = base
        expected.dModel = 32; expected.norm = .none; expected.pdeScales = [1, 3]
        XCTAssertEqual(c, expected)
        XCTAssertEqual(try decodeConfigJSON("{}", base: base), base)
        // Plain JSONDecoder (no base) starts from the defaults.
        let d = try JSONDecoder().decode(ModelConfig.self, from: Data(#"{"heads": 8}"#.utf8))
        var e2 = ModelConfig(); e2.heads = 8
        XCTAssertEqual(d, e2)
    }

    func testUnknownKeyIsRejectedByName() {
        expectConfigError(#"{"dModel": 32, "dmodel": 16}"#, "unknown config key 'dmodel'")
        expectConfigError(#"{"learning_rate": 0.1}"#, "unknown config key 'learning_rate'")
    }

    func testInvalidValuesAreRejected() {
        expectConfigError(#"{"norm": "sideways"}"#, "'sideways' is not a valid norm (one of: pre, post, none)")
        expectConfigError(#"{"pde": "everywhere"}"#, "one of: off, after-embedding")
        expectConfigError(#"{"layers": "six"}"#, "invalid value for layers: expected an integer")
        expectConfigError(#"{"layers": 1.5}"#, "invalid value for layers: expected an integer")
        expectConfigError(#"{"layers": 99999999999999999999999}"#, "invalid value for layers")
        expectConfigError(#"{"seed": -1}"#, "invalid value for seed: expected an integer in 0...18446744073709551615")
        expectConfigError(#"{"residual": 1}"#, "invalid value for residual: expected true or false")
        expectConfigError(#"{"pdeScales": [1, "2"]}"#, "invalid value for pdeScales: expected an array of integers")
        expectConfigError(#"{"lr": null}"#, "invalid value for lr: expected a number")
        expectConfigError(#"{"norm": 3}"#, "invalid value for norm: expected a string")
        expectConfigError(#"[1, 2]"#, "expected a JSON object")
        expectConfigError(#"{"lr": }"#, "not valid JSON")
    }

    func testLoadConfigFileChecksProblemsAndNamesThePath() throws {
        let dir = try makeTempFolder("cfg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = dir + "/small.json"
        try #"{"layers": 2, "dModel": 16, "heads": 2}"#.write(toFile: good, atomically: true, encoding: .utf8)
        let c = try loadConfigFile(path: good, base: ModelConfig())
        XCTAssertEqual([c.layers, c.dModel, c.heads, c.dFF], [2, 16, 2, 256])

        let invalid = dir + "/invalid.json"
        try #"{"dModel": 30, "heads": 4}"#.write(toFile: invalid, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try loadConfigFile(path: invalid, base: ModelConfig())) { e in
            XCTAssertEqual("\(e)", "\(invalid): d-model (30) must be divisible by heads (4)")
        }
        let typo = dir + "/typo.json"
        try #"{"lyers": 2}"#.write(toFile: typo, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try loadConfigFile(path: typo, base: ModelConfig())) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(typo): unknown config key 'lyers'"), "\(e)")
        }
        XCTAssertThrowsError(try loadConfigFile(path: dir + "/missing.json", base: ModelConfig())) { e in
            XCTAssertEqual("\(e)", "\(dir)/missing.json: no such config file")
        }
        XCTAssertThrowsError(try loadConfigFile(path: dir, base: ModelConfig()))
    }

    func testNonFiniteConfigStillPrints() {
        var c = ModelConfig()
        c.lr = .nan
        XCTAssertTrue(configJSON(c).contains("\"lr\" : \"NaN\""), configJSON(c))
    }
}
