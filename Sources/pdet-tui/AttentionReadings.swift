// `pdet-tui attention-readings`: claim 6 (heat-kernel attention) under four readings, each beside its
// null (PDETCore/AttentionReadings.swift), on toy models trained here (digits 8×8, pathfinder 5×5 at
// the standard grid's settings, few steps) and on MiniLM over a corpus; writes
// docs/results/attention-readings.md.
import ArgumentParser
import Foundation
import PDETBert
import PDETCore
import PDETReproduce
import PDETTasks

struct AttentionReadingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention-readings",
        abstract: "Test the heat-kernel attention claim under four readings, each beside its null.",
        discussion: """
            Trains the baseline of the standard grid on each task for --steps steps per seed (digits and \
            pathfinder are boards, so reading (d) applies), fits the held-out attention, and (with --model \
            and --corpus) does readings (a)-(c) on MiniLM. Writes the Markdown report \
            (docs/results/attention-readings.md; method in docs/attention-fit.md).
            """
    )

    @Option(help: "A MiniLM/BERT folder (scripts/fetch-minilm.sh); with --corpus.")
    var model: String?
    @Option(help: "A file of sentences, one per line (# comments); with --model.")
    var corpus: String?
    @Option(help: "Toy tasks to train, comma-separated (digits, pathfinder).")
    var tasks: String = "digits,pathfinder"
    @Option(help: "Seeds per toy task (1…N), each one unit of the interval.")
    var seeds: Int = 3
    @Option(help: "Training steps per toy model (standard settings otherwise).")
    var steps: Int = 400
    @Option(help: "Held-out sequences fitted per toy model (their mean is the seed's value).")
    var sequences: Int = 16
    @Option(help: "Write the Markdown report here (- for stdout).")
    var report: String = "-"

    var taskKinds: [TaskKind] { tasks.split(separator: ",").compactMap { TaskKind(rawValue: String($0)) } }

    func validate() throws {
        guard (model == nil) == (corpus == nil) else { throw ValidationError("--model and --corpus go together") }
        let names = tasks.split(separator: ",").map(String.init)
        for n in names where !["digits", "pathfinder"].contains(n) {
            throw ValidationError("--tasks: \(n) is not a board task (digits, pathfinder)")
        }
        guard !names.isEmpty || model != nil else { throw ValidationError("nothing to run: give --tasks or --model") }
        guard (2...100).contains(seeds) else { throw ValidationError("--seeds must be in 2...100 (got \(seeds))") }
        guard (0...100_000).contains(steps) else { throw ValidationError("--steps must be in 0...100000 (got \(steps))") }
        guard (1...512).contains(sequences) else { throw ValidationError("--sequences must be in 1...512 (got \(sequences))") }
    }

    func run() throws {
        try checkOutputs([report])
        let start = DispatchTime.now().uptimeNanoseconds
        var sections: [ReadingSection] = []
        for task in taskKinds { sections.append(try toySection(task)) }
        var corpusCount = 0
        if let model, let corpus {
            let (section, count) = try minilmSection(model, corpus)
            sections.append(section)
            corpusCount = count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var command = "PDET_THREADS=1 pdet-tui attention-readings --tasks \(tasks) --seeds \(seeds) --steps \(steps) --sequences \(sequences)"
        if let model, let corpus { command += " --model \(model) --corpus \(corpus)" }
        if report != "-" { command += " --report \(report)" }
        var header = [
            "Date: \(ISO8601DateFormatter().string(from: Date())), machine: \(inspectMachine()), \(String(format: "%.0f", seconds)) s",
            "Binary: pdet-tui \(PDETTui.configuration.version)",
        ]
        if let model, let corpus {
            header.append("MiniLM: \(model) (scripts/fetch-minilm.sh); corpus \(corpus) (\(corpusCount) sentences)")
        }
        let markdown = attentionReadingsMarkdown(sections, header: header,
                                                 rerun: ["bash scripts/fetch-minilm.sh   # MiniLM into .cache/minilm", command])
        try writeOutput(Array(markdown.utf8), to: report)
        if report != "-" { printErr("report written: \(report)") }
    }

    /// Trains seeds 1…N of the standard baseline for `steps` and fits `sequences` held-out sequences each.
    func toySection(_ task: TaskKind) throws -> ReadingSection {
        var units: [AttentionReadingSample] = []
        var accuracies: [String] = []
        var config = ReproGrid.standardSettings(task).model
        config.task = task
        for seed in 1...seeds {
            config.seed = UInt64(seed)
            let run: TrainingRun
            do { run = try TrainingRun(config: config) } catch { throw UserError("\(task.rawValue) seed \(seed): \(error)") }
            for _ in 0..<steps { _ = run.step() }
            accuracies.append(String(format: "%.3f", run.evaluate(limit: 512, record: false)))
            let side = Int(Double(min(config.seqLen, task == .digits ? DigitsTask.pixels : config.seqLen)).squareRoot())
            let n = min(sequences, run.task.testSize)
            let samples = (0..<n).map { s in
                attentionReadings(attention: run.model.forward(run.task.testBatch(index: s, batchSize: 1)).attention,
                                  T: config.seqLen, causal: config.causal, gridSide: side)
            }
            units.append(meanReadingSample(samples))
            printErr("attention-readings: \(task.rawValue) seed \(seed) done")
        }
        let board = task == .digits ? "8×8 image, one token per pixel" : "5×5 board, one token per cell"
        let description = "Toy model: the standard grid's baseline for \(task.rawValue) (\(board); \(config.layers) layers × "
            + "\(config.heads) heads, d_model \(config.dModel), T \(config.seqLen), lr \(config.lr), warm-up \(config.warmup), "
            + "positions \(config.pos.rawValue)) trained for only \(steps) steps (the standard grid trains "
            + "\(ReproGrid.standardSettings(task).steps)), seeds 1–\(seeds); held-out accuracy per seed: "
            + accuracies.joined(separator: ", ") + ". One unit = one seed: the mean of each reading over the seed's "
            + "first \(sequences) held-out sequences, so the interval is over seeds (t with \(seeds - 1) degrees of freedom)."
        return ReadingSection(title: "\(task.rawValue) (toy, \(steps) steps)", unit: "seeds", description: description, samples: units)
    }

    func minilmSection(_ model: String, _ corpus: String) throws -> (ReadingSection, Int) {
        let text: String
        do { text = try String(contentsOfFile: corpus, encoding: .utf8) } catch {
            throw UserError("cannot read corpus \(corpus): \((error as NSError).localizedDescription)")
        }
        let sentences = corpusSentences(text)
        guard sentences.count >= 2 else { throw UserError("corpus \(corpus): \(sentences.count) sentences (need at least 2 for an interval)") }
        var samples: [AttentionReadingSample] = []
        do {
            let encoder = try SentenceEncoder(modelDirectory: model)
            for s in sentences { samples.append(try encoder.attentionReadingSample(s)) }
        } catch { throw UserError("\(error)") }
        let description = "all-MiniLM-L6-v2 (6 layers × 12 heads, non-causal), whole attention matrices ([CLS] and [SEP] "
            + "included, as in docs/results/attention-fit-minilm.md). One unit = one sentence (\(sentences.count) "
            + "sentences); reading (d) does not apply to text."
        return (ReadingSection(title: "all-MiniLM-L6-v2", unit: "sentences", description: description, samples: samples),
                sentences.count)
    }
}
