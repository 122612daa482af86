import XCTest
import PDETCore
import PDETText
@testable import PDETIO

/// The tensor layout docs/checkpoint.md describes, built here independently of the core
/// (whose Transformer cannot be constructed on this branch). Returns views and the total count.
func documentedLayout(_ c: ModelConfig, vocab V: Int, outputs K: Int) -> (views: [TensorView], count: Int) {
    let C = c.dModel, F = c.dFF, T = c.seqLen
    var views: [TensorView] = []
    var offset = 0
    func add(_ name: String, _ shape: [Int]) {
        views.append(TensorView(name: name, shape: shape, offset: offset))
        offset += shape.reduce(1, *)
    }
    add("tok_emb.weight", [V, C])
    add("pos_emb.weight", [T, C])
    for l in 0..<c.layers {
        add("blocks.\(l).ln1.weight", [C]); add("blocks.\(l).ln1.bias", [C])
        add("blocks.\(l).attn.qkv.weight", [3 * C, C]); add("blocks.\(l).attn.qkv.bias", [3 * C])
        add("blocks.\(l).attn.proj.weight", [C, C]); add("blocks.\(l).attn.proj.bias", [C])
        add("blocks.\(l).ln2.weight", [C]); add("blocks.\(l).ln2.bias", [C])
        add("blocks.\(l).ffn.fc1.weight", [F, C]); add("blocks.\(l).ffn.fc1.bias", [F])
        add("blocks.\(l).ffn.fc2.weight", [C, F]); add("blocks.\(l).ffn.fc2.bias", [C])
    }
    add("ln_f.weight", [C]); add("ln_f.bias", [C])
    add("head.weight", [K, C]); add("head.bias", [K])
    for i in 0..<c.pde.instanceCount(layers: c.layers) { add("pde.\(i).alpha", [c.pdeScales.count, C]) }
    return (views, offset)
}

func smallConfig() -> ModelConfig {
    var c = ModelConfig()
    c.layers = 2; c.dModel = 8; c.heads = 2; c.dFF = 16; c.seqLen = 6
    c.pde = .afterAttention; c.pdeScales = [1, 2]; c.task = .sort; c.seed = 99
    return c
}

/// Deterministic parameter values including the awkward ones (NaN, −0, ±Inf, subnormals).
func sampleParams(_ n: Int) -> [Float] {
    let specials: [Float] = [.nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.greatestFiniteMagnitude]
    return (0..<n).map { i in i < specials.count ? specials[i] : Float(i % 97) * 0.013 - 0.6 }
}

final class CheckpointTests: XCTestCase {
    let config = smallConfig()
    lazy var layout = documentedLayout(config, vocab: 10, outputs: 10)
    lazy var params = sampleParams(layout.count)
    lazy var bytes = encodeCheckpoint(config: config, vocabSize: 10, outputs: 10, head: .perToken, step: 123,
                                      tensors: layout.views, params: params)

    func testRoundTripIsBitExactAndReencodesIdentically() throws {
        let ck = try decodeCheckpoint(bytes: bytes)
        XCTAssertEqual(ck.config, config)
        XCTAssertEqual([ck.vocabSize, ck.outputs, ck.step], [10, 10, 123])
        XCTAssertEqual(ck.head, .perToken)
        XCTAssertEqual(ck.tensors.map(\.name), layout.views.map(\.name))  // file order = layout order
        XCTAssertEqual(ck.tensor("pde.1.alpha")?.shape, [2, 8])
        XCTAssertNil(ck.tensor("pde.2.alpha"))
        try checkCheckpoint(ck, against: layout.views)
        let flat = try flatParameters(ck, layout: layout.views, count: layout.count)
        XCTAssertEqual(flat.map(\.bitPattern), params.map(\.bitPattern))
        let again = encodeCheckpoint(config: ck.config, vocabSize: ck.vocabSize, outputs: ck.outputs, head: ck.head,
                                     step: ck.step, tensors: layout.views, params: flat)
        XCTAssertEqual(again, bytes)
    }

    func testMetadataKeysAreTheDocumentedOnes() throws {
        let file = try SafeTensorsFile(bytes: bytes)
        XCTAssertEqual(file.metadata.keys.sorted(), ["config", "format", "head", "outputs", "step", "vocabSize"])
        XCTAssertEqual(file.metadata["format"], "pdet-tui-checkpoint 1")
        XCTAssertEqual(file.metadata["step"], "123")
        XCTAssertFalse(file.metadata["config"]!.contains("\n"))
        XCTAssertEqual(file.info("blocks.1.attn.qkv.weight")?.shape, [24, 8])
    }

    // MARK: layout mismatches

    func mismatch(_ views: [TensorView], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let ck = try decodeCheckpoint(bytes: bytes)
        XCTAssertThrowsError(try checkCheckpoint(ck, against: views), file: file, line: line) { e in
            XCTAssertEqual((e as? CheckpointError)?.message, expected, file: file, line: line)
        }
        XCTAssertThrowsError(try flatParameters(ck, layout: views, count: layout.count), file: file, line: line)
    }

    func testMissingTensorIsNamed() throws {
        var views = layout.views
        views.append(TensorView(name: "pde.2.alpha", shape: [2, 8], offset: layout.count))
        try mismatch(views, "checkpoint has no tensor 'pde.2.alpha' (the model expects shape [2, 8])")
    }

    func testExtraTensorIsNamed() throws {
        let views = layout.views.filter { !$0.name.hasPrefix("pde.") }
        try mismatch(views, "checkpoint has an extra tensor 'pde.0.alpha' of shape [2, 8] that the model does not use (and 1 more problem)")
    }

    func testWrongShapeNamesBothShapes() throws {
        var views = layout.views
        let i = views.firstIndex { $0.name == "head.weight" }!
        views[i].shape = [5, 8]
        try mismatch(views, "tensor 'head.weight' has shape [10, 8] in the checkpoint but the model expects [5, 8]")
    }

    func testHandBuiltCheckpointProblems() throws {
        var ck = try decodeCheckpoint(bytes: bytes)
        ck.tensors.append(ck.tensors[0])
        XCTAssertThrowsError(try checkCheckpoint(ck, against: layout.views)) { e in
            XCTAssertEqual((e as? CheckpointError)?.message, "checkpoint holds tensor 'tok_emb.weight' more than once")
        }
        ck.tensors.removeLast()
        ck.tensors[1].data.removeLast()
        XCTAssertThrowsError(try flatParameters(ck, layout: layout.views, count: layout.count)) { e in
            XCTAssertEqual((e as? CheckpointError)?.message, "tensor 'pos_emb.weight' holds 47 values but shape [6, 8] needs 48")
        }
    }

    func testFlatParametersFollowsLayoutOffsetsAndRejectsOutOfRange() throws {
        let ck = try decodeCheckpoint(bytes: bytes)
        // Reverse the layout's placement: the buffer must follow the layout, not the file.
        var offset = 0
        let reversed = layout.views.reversed().map { v -> TensorView in
            defer { offset += v.count }
            return TensorView(name: v.name, shape: v.shape, offset: offset)
        }
        let flat = try flatParameters(ck, layout: reversed, count: layout.count + 3)
        XCTAssertEqual(flat.count, layout.count + 3)
        XCTAssertEqual(Array(flat.suffix(3)), [0, 0, 0])
        for v in reversed {
            let original = layout.views.first { $0.name == v.name }!
            XCTAssertEqual(flat[v.offset..<(v.offset + v.count)].map(\.bitPattern),
                           params[original.offset..<(original.offset + original.count)].map(\.bitPattern))
        }
        XCTAssertThrowsError(try flatParameters(ck, layout: layout.views, count: layout.count - 1)) { e in
            XCTAssertTrue((e as? CheckpointError)?.message.contains("lies outside the") == true)
        }
    }

    // MARK: metadata validation

    func metadataError(_ edit: (inout [String: String]) -> Void, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try SafeTensorsFile(bytes: bytes)
        var m = f.metadata
        edit(&m)
        let items = try f.tensors.map { (name: $0.name, shape: $0.shape, data: try f.floats($0.name)) }
        XCTAssertThrowsError(try decodeCheckpoint(bytes: encodeSafeTensors(items, metadata: m)), file: file, line: line) { e in
            let message = (e as? CheckpointError)?.message ?? ""
            XCTAssertTrue(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
        }
    }

    func testMetadataProblemsAreReported() throws {
        try metadataError({ $0 = [:] }, "not a pdet-tui checkpoint")
        try metadataError({ $0["format"] = "pdet-tui-checkpoint 2" }, "unsupported checkpoint format \"pdet-tui-checkpoint 2\"")
        try metadataError({ $0["step"] = nil }, "lacks \"step\"")
        try metadataError({ $0["step"] = "-1" }, "\"step\" must be an integer in 0...1000000000 (got \"-1\")")
        try metadataError({ $0["step"] = String(Int.max) }, "\"step\" must be an integer in 0...1000000000")
        try metadataError({ $0["vocabSize"] = "ten" }, "\"vocabSize\" must be an integer ≥ 1")
        try metadataError({ $0["outputs"] = "0" }, "\"outputs\" must be an integer ≥ 1")
        try metadataError({ $0["head"] = "pooled" }, "\"head\" must be \"per-token\" or \"classify\"")
        try metadataError({ $0["config"] = "{\"layer\": 2}" }, "checkpoint config: unknown config key 'layer'")
        try metadataError({ $0["config"] = "{\"heads\": 3}" }, "checkpoint config: the config lacks the required key \"task\"")
        // Every key present but one: a saved 2-head model must never open as the default 4 heads.
        var withoutHeads = compactConfigJSON(ModelConfig())
        withoutHeads = withoutHeads.replacingOccurrences(of: "\"heads\":4,", with: "")
        try metadataError({ $0["config"] = withoutHeads }, "checkpoint config: the config lacks the required key \"heads\"")
        try metadataError({ $0["config"] = compactConfigJSON(ModelConfig()).replacingOccurrences(of: "\"heads\":4", with: "\"heads\":3") },
                          "checkpoint config is invalid: d-model (64) must be divisible by heads (3)")
        try metadataError({ $0["config"] = "{\"layers\": 2, \"layers\": 3}" }, "duplicate key")
        try metadataError({ $0["config"] = "{\"layers\": 2,}" }, "not valid JSON")
        try metadataError({ $0["config"] = "not json" }, "checkpoint config: not valid JSON")
    }

    func testNonF32TensorIsRejected() throws {
        let config = jsonStringLiteral(compactConfigJSON(ModelConfig()))
        let header = #"{"__metadata__":{"format":"pdet-tui-checkpoint 1","config":"# + config + #","vocabSize":"3","outputs":"3","head":"classify","step":"0"},"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#
        XCTAssertThrowsError(try decodeCheckpoint(bytes: rawSafeTensors(header: header, data: [0, 0, 0, 0]))) { e in
            XCTAssertEqual((e as? CheckpointError)?.message, "safetensors: tensor 'x' has dtype F16, expected F32")
        }
        let ok = try decodeCheckpoint(bytes: rawSafeTensors(header: header.replacingOccurrences(of: "F16\",\"shape\":[2]", with: "F32\",\"shape\":[1]"), data: [0, 0, 0x80, 0x3F]))
        XCTAssertEqual(ok.config, ModelConfig())
        XCTAssertEqual(ok.head, .classify)
        XCTAssertEqual(ok.tensors, [CheckpointTensor(name: "x", shape: [1], data: [1])])
    }

    // MARK: saving

    func save(_ path: String) throws {
        try saveCheckpoint(path: path, config: config, vocabSize: 10, outputs: 10, head: .perToken, step: 123,
                           tensors: layout.views, params: params)
    }

    func testSaveThenLoad() throws {
        let dir = try makeTempFolder("save")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        try save(path)  // replaces an existing file
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), bytes)
        XCTAssertEqual(try loadCheckpoint(path: path).step, 123)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["model.safetensors"])  // no temp left
        XCTAssertThrowsError(try loadCheckpoint(path: dir + "/none.safetensors")) { e in
            XCTAssertEqual((e as? CheckpointError)?.message, "cannot read '\(dir)/none.safetensors': no such file")
        }
        try Data([1, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try loadCheckpoint(path: path)) { e in
            XCTAssertTrue((e as? CheckpointError)?.message.hasPrefix(path + ": safetensors: header is not valid JSON") == true, "\(e)")
        }
    }

    func testSaveIntoMissingFolderFailsClearly() throws {
        let dir = try makeTempFolder("missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try save(dir + "/no/such/model.safetensors")) { e in
            XCTAssertEqual((e as? FileWriteError)?.message, "cannot save '\(dir)/no/such/model.safetensors': folder '\(dir)/no/such' does not exist")
        }
    }

    func testSaveWhereAFileSitsInPlaceOfTheFolder() throws {
        let dir = try makeTempFolder("notfolder")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/plain", atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try save(dir + "/plain/model.safetensors")) { e in
            XCTAssertEqual((e as? FileWriteError)?.message, "cannot save '\(dir)/plain/model.safetensors': '\(dir)/plain' is not a folder")
        }
        XCTAssertEqual(try String(contentsOfFile: dir + "/plain", encoding: .utf8), "x")
    }

    func testFailedSaveDoesNotClobberExistingFile() throws {
        let dir = try makeTempFolder("clobber")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        try "precious".write(toFile: path, atomically: false, encoding: .utf8)
        // Occupy the temporary file's name with a folder so creating it fails (works even as root).
        try FileManager.default.createDirectory(atPath: temporaryPath(for: path), withIntermediateDirectories: false)
        XCTAssertThrowsError(try save(path)) { e in
            let message = (e as? FileWriteError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("cannot save '\(path)': cannot create a file in '\(dir)'"), message)
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "precious")
        // A folder at the target itself is refused and left alone.
        XCTAssertThrowsError(try save(dir)) { e in
            XCTAssertTrue((e as? FileWriteError)?.message.contains("a folder of that name exists") == true, "\(e)")
        }
        XCTAssertThrowsError(try writeFileAtomically(path: dir + "/", bytes: [1]))
    }
}
