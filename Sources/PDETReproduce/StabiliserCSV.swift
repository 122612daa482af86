// The stabiliser study's files: one CSV row per finished run (docs/results/stabilisers/runs.csv) and
// one compact trace per run (docs/results/stabilisers/traces/<run>.csv: step, loss, max_rms every
// trace-every steps). The CSV is rewritten whole (temp + rename, through the project's output
// writer) after each run, rows in study order, so a kill loses at most the run in flight and a
// restarted study skips every run already present (resume).
import PDETCore

public struct StabiliserFile: Equatable, Sendable {
    public var study: String              // StabiliserStudy.summary of the study that wrote the rows
    public var rows: [StabiliserResult]   // in study order

    public init(study: String, rows: [StabiliserResult]) {
        self.study = study
        self.rows = rows.sorted { $0.run < $1.run }
    }

    static let firstLine = "# pdet-tui stabilisers results, format 1"
    public static let columnHeader =
        "depth,norm,clipping,seed,steps,nonfinite_step,final_loss,accuracy,rms0,peak_max_rms,final_max_rms,peak_growth,sim_growth"

    public static func rowText(_ r: StabiliserResult) -> String {
        let run = r.run
        return [String(run.depth), run.norm.rawValue, run.stabilised ? "clip+warmup" : "none", String(run.seed),
                String(r.steps), String(r.nonFiniteStep), num(r.finalLoss), num(r.accuracy), num(r.rms0), num(r.peakRMS),
                num(r.finalRMS), num(r.peakGrowth), num(r.simGrowth)].joined(separator: ",")
    }

    public func csv() -> String {
        ([Self.firstLine, "# study \(study)", Self.columnHeader] + rows.map(Self.rowText)).joined(separator: "\n") + "\n"
    }

    public var runs: Set<StabiliserRun> { Set(rows.map(\.run)) }

    /// Parses a file written by `csv()`; a last line without its newline (cut short) is dropped.
    public static func parse(_ text: String, path: String) throws(ReproError) -> StabiliserFile {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() } else if !lines.isEmpty { lines.removeLast() }
        guard lines.count >= 3, lines[0] == firstLine, lines[1].hasPrefix("# study "), lines[2] == columnHeader else {
            throw ReproError("\(path) is not a stabilisers results file (expected '\(firstLine)', '# study …' and the column header)")
        }
        var rows: [StabiliserResult] = []
        var seen = Set<StabiliserRun>()
        for (i, line) in lines.dropFirst(3).enumerated() {
            guard let r = parseRow(line) else { throw ReproError("\(path) line \(i + 4): not a stabilisers row: \(line)") }
            guard seen.insert(r.run).inserted else { throw ReproError("\(path) line \(i + 4): run \(r.run.traceName) appears twice") }
            rows.append(r)
        }
        return StabiliserFile(study: String(lines[1].dropFirst("# study ".count)), rows: rows)
    }

    static func parseRow(_ line: String) -> StabiliserResult? {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 13, let depth = Int(f[0]), depth >= 1, let norm = NormMode(rawValue: f[1]),
              f[2] == "clip+warmup" || f[2] == "none", let seed = UInt64(f[3]), let steps = Int(f[4]),
              let nf = Int(f[5]) else { return nil }
        let v = f[6...].map { Float($0) }
        guard !v.contains(nil) else { return nil }
        let x = v.map { $0! }
        return StabiliserResult(run: StabiliserRun(depth: depth, norm: norm, stabilised: f[2] == "clip+warmup", seed: seed),
                                steps: steps, nonFiniteStep: nf, finalLoss: x[0], accuracy: x[1], rms0: x[2], peakRMS: x[3],
                                finalRMS: x[4], simGrowth: x[6])
    }

    /// The trace file's text: "step,loss,max_rms" and one line per point.
    public static func traceText(_ trace: [StabiliserTracePoint]) -> String {
        (["step,loss,max_rms"] + trace.map { "\($0.step),\(num($0.loss)),\(num($0.maxRMS))" }).joined(separator: "\n") + "\n"
    }
}

/// The rows a study can keep from an existing results file (empty text: none). Refuses a file of
/// another study with one line.
public func stabiliserResumePoint(from text: String, path: String, study: StabiliserStudy) throws(ReproError) -> StabiliserFile {
    if text.isEmpty { return StabiliserFile(study: study.summary, rows: []) }
    let file = try StabiliserFile.parse(text, path: path)
    guard file.study == study.summary else {
        throw ReproError("\(path) holds runs of another study (\(file.study)); this one is \(study.summary): write elsewhere (--out) or remove it")
    }
    return file
}
