// `pdet-tui reproduce`: trains the grid of docs/reproduce.md (baseline, the diffusion layer at each
// site single- and multi-scale, the stabilisers switched off; several seeds) and writes a Markdown
// report and a CSV. `--shard k/n` runs one n-th of the cells (any scheduler can start the shards);
// `reproduce merge` turns the parts' CSVs into the same report.
import ArgumentParser
import Foundation
import PDETCore
import PDETReproduce

struct Reproduce: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            abstract: "Re-run the papers' experiments on the offline tasks and report which claims hold here.",
            discussion: "`pdet-tui reproduce [options]` runs `reproduce run`. Its options:\n\n" + runOptionsHelp,
            subcommands: [ReproduceRun.self, ReproduceMerge.self],
            defaultSubcommand: ReproduceRun.self
        )
    }

    /// The option lines of `reproduce run` (generated, so they cannot drift from the flags).
    static var runOptionsHelp: String {
        let help = ReproduceRun.helpMessage(columns: 80)
        guard let start = help.range(of: "OPTIONS:\n") else { return help }
        return help[start.upperBound...]
            .split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("--help") && !$0.contains("Show help information") && !$0.contains("--version") && !$0.contains("Show the version") }
            .joined(separator: "\n")
            .trimmingCharacters(in: .newlines)
    }
}

struct ReproduceRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train the grid (or one shard of it) and write the report and CSV."
    )

    @Flag(help: "The small grid that finishes in under 10 minutes on 2 cores (settings in docs/reproduce.md).")
    var quick = false
    @Option(help: "Comma-separated tasks (default listops,digits,pathfinder).")
    var tasks: String?
    @Option(help: "Seeds per cell (at least 3 for the claims).")
    var seeds: Int?
    @Option(help: "Training steps per cell.")
    var steps: Int?
    @Option(name: .customLong("eval-size"), help: "Held-out examples per accuracy.")
    var evalSize: Int?
    @Option(help: "Transformer blocks L.")
    var layers: Int?
    @Option(name: .customLong("d-model"), help: "Model width C.")
    var dModel: Int?
    @Option(help: "Attention heads NH.")
    var heads: Int?
    @Option(name: .customLong("d-ff"), help: "FFN hidden width F.")
    var dFF: Int?
    @Option(name: .customLong("seq-len"), help: "Sequence length T.")
    var seqLen: Int?
    @Option(help: "Sequences per training step B.")
    var batch: Int?
    @Option(help: "AdamW learning rate.")
    var lr: Float?
    @Option(help: "Run only cells i with i mod n = k − 1, e.g. 2/8; writes a part CSV for `reproduce merge`.")
    var shard: String?
    @Option(help: "Write the report here (and the CSV beside it, .csv); with --shard, the part CSV goes beside it. Default: stdout.")
    var out: String?

    @Option(help: "Comma-separated variants to run (default all: baseline, <site>/s1, <site>/s124, no-residual, no-norm).")
    var variants: String?

    /// The grid these flags describe; one line for every problem (exit status 1, no usage text).
    func grid() throws -> ReproGrid {
        var g = quick ? ReproGrid.quick() : ReproGrid.standard()
        if let tasks { do { g.tasks = try parseTasks(tasks) } catch { throw UserError(error.message) } }
        if let variants { do { g.variants = try parseVariants(variants) } catch { throw UserError(error.message) } }
        if let seeds { g.seeds = seeds }
        if let steps { g.steps = steps }
        if let evalSize { g.evalSize = evalSize }
        if let layers { g.model.layers = layers }
        if let dModel { g.model.dModel = dModel }
        if let heads { g.model.heads = heads }
        if let dFF { g.model.dFF = dFF }
        if let seqLen { g.model.seqLen = seqLen }
        if let batch { g.model.batch = batch }
        if let lr { g.model.lr = lr }
        let problems = g.problems()
        guard problems.isEmpty else { throw UserError(problems.joined(separator: "; ")) }
        return g
    }

    func parsedShard() throws -> Shard {
        guard let shard else { return .all }
        do { return try Shard(parsing: shard) } catch { throw UserError(error.message) }
    }

    func run() throws {
        let g = try grid()
        let shard = try parsedShard()
        let paths = out.map { outputPaths(report: $0, shard: shard) }
        if let paths {
            for p in [paths.report, paths.csv].compactMap({ $0 }) { try checkWritableFolder(p) }
        }
        let cells = g.cells(in: shard)
        let tty = isatty(STDERR_FILENO) != 0
        printErr("reproduce: \(cells.count) of \(g.cells.count) cells (shard \(shard)), grid \(g.id)")
        let start = DispatchTime.now().uptimeNanoseconds
        let loadAtStart = loadAverage()
        let rows: [CellResult]
        do {
            rows = try runGrid(g, shard: shard) { done, total, r in
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let eta = elapsed / Double(done) * Double(total - done)
                let what = "\(r.task.rawValue) \(r.variant.name) seed \(r.seed): acc \(format(r.accuracy))"
                if tty {
                    let width = 30, filled = width * done / max(total, 1)
                    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                    let line = "\(bar) \(done)/\(total)  \(clock(elapsed)) elapsed, ETA \(clock(eta))  \(what)"
                    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
                    if done == total { printErr("") }
                } else {
                    printErr("cell \(r.cell) [\(done)/\(total)] \(what)  elapsed \(clock(elapsed)) ETA \(clock(eta))")
                }
            }
        } catch {
            throw UserError(error.message)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let file = ResultsFile(gridID: g.id, gridSummary: g.summary, gridCells: g.cells.count,
                               shard: shard.description, computeSeconds: elapsed, rows: rows)
        if shard.count > 1 {
            // A part: only the CSV; `reproduce merge` writes the report.
            guard let csv = paths?.csv else { print(file.csv(), terminator: ""); return }
            try write(file.csv(), to: csv)
            printErr("reproduce: wrote \(csv) (\(durationText(elapsed)))")
            return
        }
        let context = ReportContext(command: commandLine(), date: utcNow(), elapsedSeconds: elapsed,
                                    machine: machineDescription(loadAverage: loadAtStart))
        let report = buildReport(file, context: context)
        guard let paths, let csv = paths.csv else { print(report, terminator: ""); return }
        try write(file.csv(), to: csv)
        try write(report, to: paths.report!)
        printErr("reproduce: wrote \(paths.report!) and \(csv) (\(durationText(elapsed)))")
    }
}

struct ReproduceMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the part CSVs of `reproduce --shard k/n` runs into the report and the full CSV."
    )

    @Argument(help: "The part CSVs (every shard of one grid).")
    var parts: [String]
    @Option(help: "Write the report here and the merged CSV beside it (.csv). Default: the report on stdout.")
    var out: String?

    func run() throws {
        var files: [(path: String, file: ResultsFile)] = []
        for path in parts {
            guard let data = FileManager.default.contents(atPath: path) else { throw UserError("cannot read \(path)") }
            guard let text = String(data: data, encoding: .utf8) else { throw UserError("\(path) is not UTF-8 text") }
            do { files.append((path, try ResultsFile.parse(text, path: path))) } catch { throw UserError(error.message) }
        }
        let merged: ResultsFile
        do { merged = try mergeResults(files) } catch { throw UserError(error.message) }
        let context = ReportContext(command: commandLine(), date: utcNow(), elapsedSeconds: merged.computeSeconds,
                                    machine: machineDescription(loadAverage: loadAverage()),
                                    notes: ["Merged from \(parts.count) part(s); time taken is the sum of the parts' compute time, machine is the merging one."])
        let report = buildReport(merged, context: context)
        guard let out else { print(report, terminator: ""); return }
        let csv = outputPaths(report: out, shard: .all).csv!
        try checkWritableFolder(out)
        try write(merged.csv(), to: csv)
        try write(report, to: out)
        printErr("reproduce merge: wrote \(out) and \(csv)")
    }
}

/// report.md → (report.md, report.csv); with a shard k/n → (nil, report.part-k-of-n.csv).
func outputPaths(report: String, shard: Shard) -> (report: String?, csv: String?) {
    let ns = report as NSString
    let stem = ns.pathExtension.isEmpty ? report : ns.deletingPathExtension
    if shard.count > 1 { return (nil, "\(stem).part-\(shard.index)-of-\(shard.count).csv") }
    return (report, stem + ".csv")
}

func write(_ text: String, to path: String) throws {
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw UserError("cannot write \(path): \(error.localizedDescription)")
    }
}

func commandLine() -> String {
    "pdet-tui " + CommandLine.arguments.dropFirst().map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
}

func utcNow() -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
    return f.string(from: Date())
}

/// The 1-minute load average from /proc/loadavg (nil where there is none).
func loadAverage() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
    return text.split(separator: " ").first.flatMap { Double($0) }
}

/// "2 cores, x86_64 Linux 6.8.0, load average 6.2 at start".
func machineDescription(loadAverage: Double?) -> String {
    var u = utsname()
    uname(&u)
    func field<T>(_ value: T) -> String {
        withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    var s = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(field(u.machine)) \(field(u.sysname)) \(field(u.release))"
    if let loadAverage { s += String(format: ", load average %.1f at start", loadAverage) }
    return s
}
