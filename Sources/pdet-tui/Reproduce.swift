// `pdet-tui reproduce`: trains the grid of docs/reproduce.md (baseline, the diffusion layer at each
// site single- and multi-scale, the stabilisers switched off; several seeds) and writes a Markdown
// report and a CSV. `--shard k/n` runs one n-th of the cells (any scheduler can start the shards);
// `reproduce merge` turns the parts' CSVs into the same report.
import ArgumentParser
import Foundation
import PDETCore
import PDETIO
import PDETReproduce
import PDETText

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

    @Option(name: .customLong("grid"), help: "The named grid: \(ReproGrid.names.joined(separator: ", ")) (default standard; settings in docs/reproduce.md).")
    var gridName: String?
    @Flag(help: "The small grid that finishes in under 10 minutes on 2 cores (same as --grid quick).")
    var quick = false
    @Option(help: "Comma-separated tasks (default listops,digits,pathfinder).")
    var tasks: String?
    @Option(help: "Seeds per cell (at least 3 for the claims).")
    var seeds: Int?
    @Option(help: "Training steps per cell (every task).")
    var steps: Int?
    @Option(name: .customLong("eval-size"), help: "Held-out examples per accuracy.")
    var evalSize: Int?
    @Option(name: .customLong(ConfigField.layers.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.layers)))
    var layers: Int?
    @Option(name: .customLong(ConfigField.dModel.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.dModel)))
    var dModel: Int?
    @Option(name: .customLong(ConfigField.heads.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.heads)))
    var heads: Int?
    @Option(name: .customLong(ConfigField.dFF.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.dFF)))
    var dFF: Int?
    @Option(name: .customLong(ConfigField.seqLen.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.seqLen)))
    var seqLen: Int?
    @Option(name: .customLong(ConfigField.batch.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.batch)))
    var batch: Int?
    @Option(name: .customLong(ConfigField.lr.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.lr)))
    var lr: Float?
    @Option(name: .customLong(ConfigField.warmup.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.warmup)))
    var warmup: Int?
    @Option(name: .customLong(ConfigField.pos.flag), help: ArgumentHelp(gridFlagHelp(ConfigField.pos)))
    var pos: PositionalEncoding?
    @Option(help: "Run only cells i with i mod n = k − 1, e.g. 2/8; writes a part CSV for `reproduce merge`.")
    var shard: String?
    @Option(help: "Write the report here (and the CSV beside it, .csv); with --shard, the part CSV goes beside it. Re-running the same command resumes from that CSV. Default: stdout.")
    var out: String?

    @Option(help: "Comma-separated variants to run (default all: baseline, <site>/s1, <site>/s124, no-residual, no-norm).")
    var variants: String?

    @Option(help: "Re-run one cell of the grid recorded in this results CSV (with --cell); prints the header and the cell's row.")
    var from: String?
    @Option(help: "The cell to re-run with --from (0-based index, the CSV's first column).")
    var cell: Int?

    /// The grid these flags describe; one line for every problem (exit status 1, no usage text).
    func grid() throws -> ReproGrid {
        if quick, let gridName, gridName != "quick" { throw UserError("--quick and --grid \(gridName) name different grids") }
        let name = quick ? "quick" : (gridName ?? "standard")
        guard var g = ReproGrid.named(name) else {
            throw UserError("unknown grid \"\(name)\" in --grid (known: \(ReproGrid.names.joined(separator: ", ")))")
        }
        if g.plan != nil {
            // A pre-registered grid is fixed by its plan: any override would make it another study.
            let given = [tasks != nil, variants != nil, seeds != nil, evalSize != nil, steps != nil] + modelFieldValues.map { $0.value != nil }
            if given.contains(true) {
                throw UserError("--grid \(name) is fixed by \(ConfirmatoryPlan.path): it takes no --tasks, --variants, --seeds, --eval-size, --steps or model flags")
            }
        }
        if let tasks { do { g.tasks = try parseTasks(tasks) } catch { throw UserError(error.message) } }
        if let variants { do { g.variants = try parseVariants(variants) } catch { throw UserError(error.message) } }
        if let seeds { g.seeds = seeds }
        if let evalSize { g.evalSize = evalSize }
        g.changeEveryTask { s in
            if let steps { s.steps = steps }
            for (field, value) in modelFieldValues { if let value { field.assign(value, to: &s.model) } }
        }
        let problems = g.problems()
        guard problems.isEmpty else { throw UserError(problems.joined(separator: "; ")) }
        return g
    }

    /// The model flags with their values (nil when not given). Their names are the config field
    /// table's; their help speaks of the grid (one value for every task), so it is the grid's own.
    var modelFieldValues: [(field: ConfigField, value: Any?)] {
        [(.layers, layers), (.dModel, dModel), (.heads, heads), (.dFF, dFF), (.seqLen, seqLen), (.batch, batch),
         (.lr, lr), (.warmup, warmup), (.pos, pos)]
    }

    func parsedShard() throws -> Shard {
        guard let shard else { return .all }
        do { return try Shard(parsing: shard) } catch { throw UserError(error.message) }
    }

    func run() throws {
        if from != nil || cell != nil { return try runOneCell() }
        let g = try grid()
        let shard = try parsedShard()
        let paths = try out.flatMap { $0 == "-" ? nil : try reportPaths(out: $0, shard: shard) }
        // Every output path is checked before the first cell: a typo must not cost hours.
        try checkOutputs(reportOutputs(paths))
        // A regular file (or none yet) is rewritten after every cell; a device or FIFO gets the CSV once, at the end.
        let incremental = paths?.csv.map { !isSpecialFile($0) } ?? false
        var resumed = ResumePoint()
        var existed = false      // a part file of this grid was already there (maybe with no rows)
        if let csv = paths?.csv, let text = try readIfRegularFile(csv) {
            existed = !text.isEmpty
            do { resumed = try resumePoint(from: text, path: csv, grid: g, shard: shard) } catch { throw UserError(error.message) }
            if resumed.droppedPartialLine { printErr("reproduce: \(csv) ended in a partial line; ignored it (its cell runs again)") }
            if !resumed.binary.isEmpty && resumed.binary != binaryDescription() && !resumed.rows.isEmpty {
                printErr("reproduce: note: \(csv)'s rows came from another binary (\(resumed.binary)); this is \(binaryDescription())")
            }
        }
        let todo = g.cells(in: shard).filter { !resumed.cells.contains($0.index) }
        let tty = isatty(STDERR_FILENO) != 0
        let kept = resumed.rows.isEmpty ? "" : ", \(resumed.rows.count) already in \(paths!.csv!)"
        printErr("reproduce: \(todo.count) of \(g.cells.count) cells to run (shard \(shard)\(kept)), grid \(g.id)")
        if todo.isEmpty && existed && shard.count > 1, let csv = paths?.csv {
            // A finished part stays as it is: re-running the command must not add this binary or
            // machine to the header of rows it did not compute.
            printErr("reproduce: \(csv) is complete; left unchanged")
            return
        }
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let loadAtStart = loadAverage()
        var rows = resumed.rows
        func file() -> ResultsFile {
            // This binary and machine join the header only once they computed a row.
            let computed = rows.count > resumed.rows.count || !existed
            return ResultsFile(gridID: g.id, gridSummary: g.summary, gridCells: g.cells.count, shard: shard.description,
                               computeSeconds: resumed.computeSeconds + elapsed(),
                               binary: computed ? joinDistinct([resumed.binary, binaryDescription()]) : resumed.binary,
                               machine: computed ? joinDistinct([resumed.machine, machineDescription(loadAverage: loadAtStart)])
                                   : resumed.machine,
                               rows: rows)
        }
        do {
            _ = try runGrid(g, shard: shard, skipping: resumed.cells) { (done, total, r) throws(ReproError) in
                rows.append(r)
                // The CSV so far, rewritten whole after every cell (temp + rename): a kill loses at most the cell in flight.
                if let csv = paths?.csv, incremental {
                    do { try writeFileAtomically(path: csv, bytes: Array(file().csv().utf8)) } catch { throw ReproError("\(error)") }
                }
                let eta = elapsed() / Double(done) * Double(total - done)
                let what = "\(r.task.rawValue) \(r.variant.name) seed \(r.seed): acc \(format(r.accuracy))"
                if tty {
                    let width = 30, filled = width * done / max(total, 1)
                    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                    let line = "\(bar) \(done)/\(total)  \(clock(elapsed())) elapsed, ETA \(clock(eta))  \(what)"
                    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
                    if done == total { printErr("") }
                } else {
                    printErr("cell \(r.cell) [\(done)/\(total)] \(what)  elapsed \(clock(elapsed())) ETA \(clock(eta))")
                }
            }
        } catch {
            throw UserError("\(error)")
        }
        let results = file()
        if shard.count > 1 {
            // A part: only the CSV; `reproduce merge` writes the report.
            guard let csv = paths?.csv else { print(results.csv(), terminator: ""); return }
            try save(results.csv(), to: csv)
            printErr("reproduce: wrote \(csv) (\(durationText(elapsed())) this run)")
            return
        }
        var notes: [String] = []
        if !resumed.rows.isEmpty {
            notes.append("Resumed: \(resumed.rows.count) cells came from an earlier run of the same command; time taken is the sum of both.")
        }
        let context = ReportContext(command: commandLine(), date: utcNow(), elapsedSeconds: results.computeSeconds,
                                    machine: machineDescription(loadAverage: loadAtStart), notes: notes)
        let report = buildReport(results, context: context)
        guard let paths, let csv = paths.csv else { print(report, terminator: ""); return }
        try save(results.csv(), to: csv)
        try save(report + (try saveFigures(results.rows, beside: paths.report!)), to: paths.report!)
        printErr("reproduce: wrote \(paths.report!) and \(csv) (\(durationText(elapsed())) this run)")
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
        // The outputs are checked before anything is read: none may be one of the parts it merges.
        let paths = try out.map { try reportPaths(out: $0, shard: .all) }
        try checkOutputs(reportOutputs(paths))
        for part in parts {
            guard let input = outputFileIdentity(part) else { continue }
            for (flag, path) in reportOutputs(paths) where path.flatMap(outputFileIdentity) == input {
                throw UserError("\(flag) '\(path!)' is the part '\(part)' being merged: it would be overwritten; give --out another name")
            }
        }
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
        guard let out, let csv = paths?.csv else { print(report, terminator: ""); return }
        try save(merged.csv(), to: csv)
        try save(report + (try saveFigures(merged.rows, beside: out)), to: out)
        printErr("reproduce merge: wrote \(out) and \(csv)")
    }
}

/// report.md → (report.md, report.csv); with a shard k/n → (nil, report.part-k-of-n.csv).
/// Plain string handling: Foundation's path helpers trap on some one-character names.
func outputPaths(report: String, shard: Shard) -> (report: String?, csv: String?) {
    let stem = pathStem(report)
    if shard.count > 1 { return (nil, "\(stem).part-\(shard.index)-of-\(shard.count).csv") }
    return (report, stem + ".csv")
}

/// `outputPaths`, refused when the report would be written over its own results CSV (`--out
/// run.csv`, or a report that is a symlink to the CSV): the report comes last and would destroy them.
func reportPaths(out: String, shard: Shard) throws -> (report: String?, csv: String?) {
    let paths = outputPaths(report: out, shard: shard)
    if let report = paths.report, let csv = paths.csv,
       report == csv || outputFileIdentity(report).map({ $0 == outputFileIdentity(csv) }) == true {
        throw UserError("--out names the Markdown report; the results CSV goes beside it as \(csv), so --out \(out) would write "
            + "the report over its own results: give --out \(pathStem(out)).md")
    }
    return paths
}

/// Every file a report run writes, with what names it (for `checkOutputs`).
func reportOutputs(_ paths: (report: String?, csv: String?)?) -> [(flag: String?, path: String?)] {
    let stem = paths?.report.map(pathStem)
    return [("--out", paths?.report), ("the results CSV", paths?.csv), ("the forest plot", stem.map { $0 + "-forest.svg" }),
            ("the dynamics plot", stem.map { $0 + "-dynamics.svg" })]
}

/// "a/b/report.md" → "a/b/report"; a name without an extension (or a dot file) is its own stem.
func pathStem(_ path: String) -> String {
    let nameStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
    guard let dot = path[nameStart...].lastIndex(of: "."), dot > nameStart else { return path }
    return String(path[..<dot])
}

/// Writes the forest plot (Δ accuracy per site, 95% CIs, the papers' figures marked) and the
/// dynamics plot (drift, RMS growth per variant) beside the report, made from the rows alone, and
/// returns the Markdown that embeds them (paths relative to the report).
func saveFigures(_ rows: [CellResult], beside report: String) throws -> String {
    guard !rows.isEmpty, report != "-" else { return "" }
    let stem = pathStem(report)
    let forest = stem + "-forest.svg", dynamics = stem + "-dynamics.svg"
    try save(forestPlotSVG(rows), to: forest)
    try save(dynamicsPlotSVG(rows), to: dynamics)
    func name(_ p: String) -> String { p.lastIndex(of: "/").map { String(p[p.index(after: $0)...]) } ?? p }
    return "\n## Figures\n\n![Δ held-out accuracy per diffusion site against the baseline, 95% CI, per task and pooled; "
        + "the papers' figures marked](\(name(forest)))\n\n![Last-layer drift and RMS growth per variant](\(name(dynamics)))\n"
}

/// Every file `reproduce` writes goes through PDETIO's one writer.
func save(_ text: String, to path: String) throws {
    do { try writeFileAtomically(path: path, bytes: Array(text.utf8)) } catch { throw UserError(error.message) }
}

/// True when `path` exists (following symlinks) and is not a regular file: a device, FIFO or socket.
func isSpecialFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR
}

/// The text of `path` when it is a regular file (or a symlink to one): a results CSV to resume
/// from. nil when there is none.
func readIfRegularFile(_ path: String) throws -> String? {
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else { throw UserError("cannot read \(path)") }
    guard let text = String(data: data, encoding: .utf8) else { throw UserError("\(path) is not UTF-8 text") }
    return text
}

/// "pdet-tui 0.1.0, executable fnv1a64 0123456789abcdef": which program computed the rows (two
/// builds of the same source can round differently, so committed rows name their binary).
func binaryDescription() -> String {
    Cache.binary
}

private enum Cache {
    static let binary: String = {
        let version = PDETTui.configuration.version
        guard let data = FileManager.default.contents(atPath: "/proc/self/exe") else { return "pdet-tui \(version)" }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            for b in raw.bindMemory(to: UInt8.self) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        }
        let hex = String(h, radix: 16)
        return "pdet-tui \(version), executable fnv1a64 " + String(repeating: "0", count: 16 - hex.count) + hex
    }()
}

/// A model flag's help in `reproduce`: the table's line (so it cannot drift from explore/train), plus
/// that it sets the value for every task of the grid ("; every task").
func gridFlagHelp(_ field: ConfigField) -> String {
    (field.help.hasSuffix(".") ? String(field.help.dropLast()) : field.help) + "; every task."
}

func commandLine() -> String {
    "pdet-tui " + CommandLine.arguments.dropFirst().map(shellQuoted).joined(separator: " ")
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
