// `pdet-tui inspect`: one sentence through a real pretrained BERT (all-MiniLM-L6-v2): tokens,
// per-layer rms and drift, the sentence embedding and one attention map, as JSON.
import ArgumentParser
import Foundation
import PDETBert
import PDETIO

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a sentence through a pretrained MiniLM/BERT folder and report its dynamics.",
        discussion: "Get the model with scripts/fetch-minilm.sh (it prints the folder, .cache/minilm)."
    )

    @Option(help: "A folder with config.json, model.safetensors and vocab.txt.")
    var model: String
    @Option(help: "The sentence.")
    var text: String
    @Option(help: "Layer of the attention map to report.")
    var layer: Int = 0
    @Option(help: "Head of the attention map to report.")
    var head: Int = 0
    @Option(name: .customLong("metrics-json"), help: "Write the report here as JSON (stdout when omitted).")
    var metricsJSONPath: String?

    func run() throws {
        try checkOutputs([metricsJSONPath])
        let report: InspectReport
        do { report = try inspectReport(modelDirectory: model, text: text, layer: layer, head: head) } catch {
            throw UserError("\(error)")
        }
        let json = metricsJSON(report, pretty: true) + "\n"
        if let path = metricsJSONPath {
            do { try writeFileAtomically(path: path, bytes: Array(json.utf8)) } catch { throw UserError("\(error)") }
            if report.truncated { printErr("note: the text was truncated to the model's maximum positions") }
            print("tokens: " + report.tokens.joined(separator: " "))
            for (l, s) in report.layers.enumerated() {
                print("layer \(l): rms \(format(s.rms))  drift \(format(s.drift))")
            }
            print("report written: \(path)")
        } else {
            print(json, terminator: "")
        }
    }
}
