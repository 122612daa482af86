// `pdet-tui inspect`: one sentence through a real pretrained BERT (all-MiniLM-L6-v2): tokens,
// per-layer rms and drift, the sentence embedding, one attention map and every head's heat-kernel
// fit, as JSON. With --corpus: the heat-kernel attention study over a file of sentences, written as
// the Markdown report docs/results/attention-fit-minilm.md.
import ArgumentParser
import Foundation
import PDETBert
import PDETIO

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a sentence (or a corpus) through a pretrained MiniLM/BERT folder and report its dynamics.",
        discussion: """
            Get the model with scripts/fetch-minilm.sh (it prints the folder, .cache/minilm). \
            --corpus FILE fits the heat kernel to every head on every sentence and writes the report \
            (docs/attention-fit.md, docs/results/attention-fit-minilm.md).
            """
    )

    @Option(help: "A folder with config.json, model.safetensors and vocab.txt.")
    var model: String
    @Option(help: "The sentence (or use --corpus).")
    var text: String?
    @Option(help: "Layer of the attention map to report, counted from 1 as the explorer shows it (L1).")
    var layer: Int = 1
    @Option(help: "Head of the attention map to report, counted from 1 (H1).")
    var head: Int = 1
    @Option(name: .customLong("metrics-json"), help: "Write the report (or, with --corpus, every fit) here as JSON (stdout when omitted).")
    var metricsJSONPath: String?
    @Option(help: "A file of sentences, one per line (# comments): run the heat-kernel attention study over it.")
    var corpus: String?
    @Option(help: "With --corpus: write the Markdown report here (- for stdout).")
    var report: String = "-"

    func validate() throws {
        guard (text == nil) != (corpus == nil) else { throw ValidationError("give either --text or --corpus") }
        // Counted from 1 everywhere a person types them (docs/explorer.md, "Numbering").
        guard layer >= 1 else { throw ValidationError("--layer \(layer): layers count from 1 (L1 is the first block)") }
        guard head >= 1 else { throw ValidationError("--head \(head): heads count from 1 (H1 is the first head)") }
    }

    func run() throws {
        if let corpus { try runCorpus(corpus); return }
        try checkOutputs([metricsJSONPath])
        let report: InspectReport
        do { report = try inspectReport(modelDirectory: model, text: text ?? "", layer: layer - 1, head: head - 1) } catch {
            throw UserError("\(error)")
        }
        let json = metricsJSON(report, pretty: true) + "\n"
        if let path = metricsJSONPath {
            do { try writeFileAtomically(path: path, bytes: Array(json.utf8)) } catch { throw UserError("\(error)") }
            if report.truncated { printErr("note: the text was truncated to the model's maximum positions") }
            print("tokens: " + report.tokens.joined(separator: " "))
            for (l, s) in report.layers.enumerated() {   // (L + 1): the embedding, then L1 … L
                print("\(l == 0 ? "emb" : "L\(l)"): rms \(format(s.rms))  drift \(format(s.drift))")
            }
            print("report written: \(path)")
        } else {
            print(json, terminator: "")
        }
    }

    func runCorpus(_ path: String) throws {
        try checkOutputs([report, metricsJSONPath])
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw UserError("cannot read corpus \(path): \((error as NSError).localizedDescription)")
        }
        let sentences = corpusSentences(text)
        guard sentences.count >= 2 else { throw UserError("corpus \(path): \(sentences.count) sentences (need at least 2 for an interval)") }
        let start = DispatchTime.now().uptimeNanoseconds
        let study: AttentionFitStudy
        do { study = try SentenceEncoder(modelDirectory: model).attentionFitStudy(sentences: sentences) } catch {
            throw UserError("\(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let command = "pdet-tui inspect --model \(model) --corpus \(path)" + (report == "-" ? "" : " --report \(report)")
        let header = [
            "Date: \(ISO8601DateFormatter().string(from: Date())), machine: \(inspectMachine()), \(String(format: "%.1f", seconds)) s",
            "Binary: pdet-tui \(PDETTui.configuration.version)",
            "Model: \(model) (all-MiniLM-L6-v2, scripts/fetch-minilm.sh; model.safetensors \(fileSize(model + "/model.safetensors")) bytes)",
            "Corpus: \(path) (\(sentences.count) sentences; source and licence in assets/corpus/README.md)",
            "Re-run: `\(command)`",
        ]
        let markdown = attentionFitMarkdown(study, header: header)
        try writeOutput(Array(markdown.utf8), to: report)
        if report != "-" { printErr("report written: \(report) (verdict: \(study.overall.verdict.rawValue))") }
        if let json = metricsJSONPath { try writeOutput(Array((metricsJSON(study) + "\n").utf8), to: json) }
    }
}

/// "N cores, <model name>" from /proc/cpuinfo (Linux), or the core count alone.
func inspectMachine() -> String {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let name = info.split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
    return "\(cores) cores" + (name.map { ", \($0)" } ?? "")
}

func fileSize(_ path: String) -> String {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int).map(String.init) ?? "?"
}
