// `pdet-tui stabilisers`: claim 5 as the paper means it (docs/results/stabilisers.md). Runs the
// listed (depth, norm, clipping, seed) runs one after the other, skipping those already in the CSV,
// writing each run's trace and then rewriting the CSV with its row; `--report` writes the report
// from the CSV alone (plus the simulator's reference line, a few forwards).
import ArgumentParser
import Foundation
import PDETCore
import PDETIO
import PDETReproduce

struct Stabilisers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stabilisers",
        abstract: "Training dynamics without LayerNorm: depth × norm × clipping × seed on digits (resumable).")

    @Option(help: "Comma-separated depths (layers).") var depths: String = "2,6,12"
    @Option(help: "Comma-separated norms: pre, none.") var norms: String = "pre,none"
    @Option(help: "Comma-separated clipping arms: on (clip 1.0 + warm-up 100), off (clip 0 + warm-up 0).") var clipping: String = "on,off"
    @Option(help: "Comma-separated seeds, or a range a-b.") var seeds: String = "201-205"
    @Option(help: "Training steps per run (the study uses 3000; other values write another study).") var steps: Int = 3000
    @Option(help: "The results CSV (traces go to traces/ beside it).") var out: String = "docs/results/stabilisers/runs.csv"
    @Option(name: .customLong("report-out"), help: "Where --report writes.") var reportOut: String = "docs/results/stabilisers.md"
    @Flag(help: "Write the report from the CSV instead of running.") var report = false
    @Option(name: .customLong("data-dir"), help: "Folder holding digits.csv.gz (default: search).") var dataDir: String?

    func validate() throws {
        guard steps >= 1 && steps <= 1_000_000 else { throw ValidationError("--steps must be in 1...1000000 (got \(steps))") }
        _ = try plannedRuns()
    }

    func plannedRuns() throws -> [StabiliserRun] {
        func list(_ s: String) -> [String] { s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let ds = try list(depths).map { (s: String) throws -> Int in
            guard let d = Int(s), d >= 1, d <= 64 else { throw ValidationError("--depths: \"\(s)\" is not a depth in 1...64") }
            return d
        }
        let ns = try list(norms).map { (s: String) throws -> NormMode in
            guard s == "pre" || s == "none", let n = NormMode(rawValue: s) else { throw ValidationError("--norms: \"\(s)\" is not pre or none") }
            return n
        }
        let cs = try list(clipping).map { (s: String) throws -> Bool in
            guard s == "on" || s == "off" else { throw ValidationError("--clipping: \"\(s)\" is not on or off") }
            return s == "on"
        }
        var ss: [UInt64] = []
        for part in list(seeds) {
            let ends = part.split(separator: "-").map { UInt64($0) }
            guard !ends.isEmpty, ends.count <= 2, let a = ends.first!, let b = ends.last!, a <= b, b - a < 1000 else {
                throw ValidationError("--seeds: \"\(part)\" is not a seed or a range a-b")
            }
            ss += Array(a...b)
        }
        guard !ds.isEmpty, !ns.isEmpty, !cs.isEmpty, !ss.isEmpty else { throw ValidationError("--depths, --norms, --clipping and --seeds need at least one value each") }
        return StabiliserStudy.runs(depths: ds, norms: ns, stabilised: cs, seeds: Array(Set(ss)).sorted())
    }

    var study: StabiliserStudy {
        var s = StabiliserStudy.standard()
        s.steps = steps
        return s
    }

    func run() throws {
        let study = self.study
        let text = FileManager.default.fileExists(atPath: out)
            ? try readText(out) : ""
        var file: StabiliserFile
        do { file = try stabiliserResumePoint(from: text, path: out, study: study) } catch { throw UserError(error.message) }
        if report { return try writeReport(file, study: study) }
        let traces = (out as NSString).deletingLastPathComponent + "/traces"
        let todo = try plannedRuns().filter { !file.runs.contains($0) }
        printErr("stabilisers: \(todo.count) runs to do, \(file.rows.count) already in \(out)")
        do { try FileManager.default.createDirectory(atPath: traces, withIntermediateDirectories: true) } catch {
            throw UserError("cannot create \(traces): \(error.localizedDescription)")
        }
        for (i, r) in todo.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            let done: (result: StabiliserResult, trace: [StabiliserTracePoint])
            do { done = try runStabiliser(r, study: study, dataDirectory: dataDir) } catch { throw UserError(error.message) }
            do {
                // The trace first: a row in the CSV means its trace is there.
                try writeFileAtomically(path: traces + "/" + r.traceName, bytes: Array(StabiliserFile.traceText(done.trace).utf8))
                file.rows.append(done.result)
                file = StabiliserFile(study: file.study, rows: file.rows)
                try writeFileAtomically(path: out, bytes: Array(file.csv().utf8))
            } catch { throw UserError("\(error)") }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            printErr("stabilisers: \(i + 1)/\(todo.count) \(r.traceName) \(StabiliserFile.rowText(done.result)) (\(Int(seconds)) s)")
        }
    }

    func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw UserError("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw UserError("\(path) is not UTF-8 text") }
        return text
    }

    func writeReport(_ file: StabiliserFile, study: StabiliserStudy) throws {
        guard !file.rows.isEmpty else { throw UserError("\(out) holds no runs yet: nothing to report") }
        var reference: [Int: Float] = [:]
        for d in Set(file.rows.map(\.run.depth)) {
            do { reference[d] = try simulatorReferenceGrowth(depth: d, study: study, seed: 201, dataDirectory: dataDir) } catch {
                throw UserError(error.message)
            }
        }
        let expected = StabiliserStudy.runs(depths: StabiliserStudy.standardDepths, seeds: StabiliserStudy.standardSeeds).count
        let md = stabiliserReport(file, study: study, simulatorReference: reference, expectedRuns: expected,
                                  command: "pdet-tui stabilisers --report")
        do { try writeFileAtomically(path: reportOut, bytes: Array(md.utf8)) } catch { throw UserError("\(error)") }
        printErr("stabilisers: wrote \(reportOut) from \(file.rows.count) runs")
    }
}
