// The CSV of a reproduce run (a shard's part or the whole grid): comment lines naming the grid, then
// one row per cell in cell order. Numbers are written in Swift's shortest round-trip form ("0.4921875",
// "nan", "inf"), so reading a file and writing it again gives the same bytes, and a merged file has
// exactly the rows of an unsharded run. Columns: docs/reproduce.md.
import PDETCore

public struct ResultsFile: Equatable, Sendable {
    public var gridID: String           // ReproGrid.id
    public var gridSummary: String      // ReproGrid.summary
    public var gridCells: Int           // cells in the whole grid (a merge checks none is missing)
    public var shard: String            // "all" or "k/n"
    public var computeSeconds: Double   // wall time spent on the cells (sum over parts when merged)
    public var binary: String           // the program that computed the rows ("" = not recorded)
    public var machine: String          // where and under what load they ran ("" = not recorded)
    public var rows: [CellResult]

    public init(gridID: String, gridSummary: String, gridCells: Int, shard: String, computeSeconds: Double,
                binary: String = "", machine: String = "", rows: [CellResult]) {
        self.gridID = gridID
        self.gridSummary = gridSummary
        self.gridCells = gridCells
        self.shard = shard
        self.computeSeconds = computeSeconds
        self.binary = binary
        self.machine = machine
        self.rows = rows
    }

    public static let formatLine = "# pdet-tui reproduce results, format 1"
    public static let columns = ["cell", "task", "variant", "seed", "steps", "accuracy", "final_loss", "drift",
                                 "rank_collapse", "rms_growth", "max_rms", "nonfinite_step", "fit_kappa",
                                 "fit_cosine", "fit_jsd", "uniform_cosine", "uniform_jsd"]

    /// The comment lines and the column header: everything before the rows.
    public var headerText: String {
        [Self.formatLine, "# grid-id \(gridID)", "# grid \(gridSummary)", "# cells \(gridCells)", "# shard \(shard)"]
            .appending(binary.isEmpty ? [] : ["# binary \(binary)"])
            .appending(machine.isEmpty ? [] : ["# machine \(machine)"])
            .appending(["# compute-seconds \(Float(computeSeconds))", Self.columnHeader]).joined(separator: "\n") + "\n"
    }

    /// The column header line.
    public static var columnHeader: String { columns.joined(separator: ",") }

    /// The file's text.
    public func csv() -> String {
        headerText + rows.sorted(by: { $0.cell < $1.cell }).map { Self.rowText($0) + "\n" }.joined()
    }

    /// One row, as `csv()` writes it (without the newline).
    public static func rowText(_ r: CellResult) -> String {
        let fields: [String] = [
            "\(r.cell)", r.task.rawValue, r.variant.name, "\(r.seed)", "\(r.steps)",
            num(r.accuracy), num(r.finalLoss), num(r.drift), num(r.rankCollapse), num(r.rmsGrowth),
            num(r.maxRMS), "\(r.nonFiniteStep)",
            matrix(r.fitKappa), matrix(r.fitCosine), matrix(r.fitJSD), matrix(r.uniformCosine), matrix(r.uniformJSD),
        ]
        return fields.joined(separator: ",")
    }

    /// Parses a file written by `csv()`. `path` only names the file in error messages.
    public static func parse(_ text: String, path: String) throws(ReproError) -> ResultsFile {
        func fail(_ line: Int, _ why: String) -> ReproError { ReproError("\(path):\(line): \(why)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == formatLine else { throw fail(1, "not a pdet-tui reproduce CSV (first line must be \"\(formatLine)\")") }
        var file = ResultsFile(gridID: "", gridSummary: "", gridCells: 0, shard: "", computeSeconds: 0, rows: [])
        var sawHeader = false
        for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let n = i + 1
            if line.hasPrefix("# ") {
                let body = line.dropFirst(2)
                let key = body.prefix { $0 != " " }
                let value = String(body.dropFirst(key.count + 1))
                switch key {
                case "grid-id": file.gridID = value
                case "grid": file.gridSummary = value
                case "shard": file.shard = value
                case "binary": file.binary = value
                case "machine": file.machine = value
                case "cells":
                    guard let c = Int(value), c >= 0 else { throw fail(n, "bad cells \"\(value)\"") }
                    file.gridCells = c
                case "compute-seconds":
                    guard let s = Double(value), s.isFinite, s >= 0 else { throw fail(n, "bad compute-seconds \"\(value)\"") }
                    file.computeSeconds = s
                default: break
                }
                continue
            }
            if !sawHeader {
                guard line == columns.joined(separator: ",") else { throw fail(n, "unexpected column header") }
                sawHeader = true
                continue
            }
            file.rows.append(try parseRow(line, fail: { fail(n, $0) }))
        }
        guard !file.gridID.isEmpty else { throw fail(1, "no \"# grid-id\" line") }
        guard sawHeader else { throw fail(lines.count, "no column header") }
        return file
    }

    private static func parseRow(_ line: String, fail: (String) -> ReproError) throws(ReproError) -> CellResult {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard f.count == columns.count else { throw fail("expected \(columns.count) fields, got \(f.count)") }
        guard let cell = Int(f[0]), cell >= 0 else { throw fail("bad cell \"\(f[0])\"") }
        guard let task = TaskKind(rawValue: f[1]) else { throw fail("unknown task \"\(f[1])\"") }
        guard let variant = Variant(name: f[2]) else { throw fail("unknown variant \"\(f[2])\"") }
        guard let seed = UInt64(f[3]) else { throw fail("bad seed \"\(f[3])\"") }
        guard let steps = Int(f[4]) else { throw fail("bad steps \"\(f[4])\"") }
        var v: [Float] = []
        for k in 5...10 {
            guard let x = Float(f[k]) else { throw fail("bad \(columns[k]) \"\(f[k])\"") }
            v.append(x)
        }
        guard let nonFinite = Int(f[11]) else { throw fail("bad nonfinite_step \"\(f[11])\"") }
        var m: [[[Float]]] = []
        for k in 12...16 {
            guard let x = parseMatrix(f[k]) else { throw fail("bad \(columns[k]) \"\(f[k])\"") }
            m.append(x)
        }
        return CellResult(cell: cell, task: task, variant: variant, seed: seed, steps: steps, accuracy: v[0],
                          finalLoss: v[1], drift: v[2], rankCollapse: v[3], rmsGrowth: v[4], maxRMS: v[5],
                          nonFiniteStep: nonFinite, fitKappa: m[0], fitCosine: m[1], fitJSD: m[2],
                          uniformCosine: m[3], uniformJSD: m[4])
    }
}

/// Merges the parts of one grid: same grid id, no cell twice, none missing.
public func mergeResults(_ parts: [(path: String, file: ResultsFile)]) throws(ReproError) -> ResultsFile {
    guard let first = parts.first else { throw ReproError("merge needs at least one part CSV") }
    var seen: [Int: String] = [:]
    var rows: [CellResult] = []
    var seconds = 0.0
    var binaries: [String] = [], machines: [String] = []
    for (path, file) in parts {
        binaries.append(file.binary)
        machines.append(file.machine)
        guard file.gridID == first.file.gridID else {
            throw ReproError("\(path) is from grid \(file.gridID), \(first.path) from grid \(first.file.gridID): parts of different grids cannot be merged")
        }
        // A grid line that names a plan must be that plan's grid (seeds, settings, plan hash), or the merge
        // would pass it off as confirmatory; any grid line this version reads must be the grid the id names.
        let names = file.gridSummary.hasPrefix("plan ") || file.gridSummary.contains("; plan ")
        let grid: ReproGrid?
        do { grid = try ReproGrid(summary: file.gridSummary) } catch {
            if names { throw ReproError("\(path): \(error.message)") }
            grid = nil      // an older or synthetic grid line: the ids alone decide, as before
        }
        if let grid, grid.id != file.gridID {
            throw ReproError("\(path): its grid line is grid \(grid.id), but its grid-id line says \(file.gridID) (a hand-edited file?)")
        }
        for r in file.rows {
            if let other = seen[r.cell] { throw ReproError("cell \(r.cell) appears in both \(other) and \(path)") }
            seen[r.cell] = path
            rows.append(r)
        }
        seconds += file.computeSeconds
    }
    rows.sort { $0.cell < $1.cell }
    let total = first.file.gridCells
    for i in 0..<max(total, rows.count) where i >= rows.count || rows[i].cell != i {
        throw ReproError("cell \(i) of \(total) is missing from the parts given: run its shard (cell mod n = k − 1) and merge again")
    }
    return ResultsFile(gridID: first.file.gridID, gridSummary: first.file.gridSummary, gridCells: total, shard: "all",
                       computeSeconds: seconds, binary: joinDistinct(binaries), machine: joinDistinct(machines), rows: rows)
}

/// The distinct non-empty entries of `parts` (each possibly already "a + b"), in first-seen order, joined by " + ".
public func joinDistinct(_ parts: [String]) -> String {
    var out: [String] = []
    for p in parts {
        for item in p.components(separatedBy: " + ") where !item.isEmpty && !out.contains(item) { out.append(item) }
    }
    return out.joined(separator: " + ")
}

/// Shortest round-trip text of a Float ("nan", "inf", "-inf" for the non-finite ones).
func num(_ v: Float) -> String { v.isNaN ? "nan" : "\(v)" }

/// (L, NH) as "h;h;h/h;h;h" (layers separated by "/", heads by ";").
func matrix(_ m: [[Float]]) -> String { m.map { $0.map(num).joined(separator: ";") }.joined(separator: "/") }

func parseMatrix(_ text: String) -> [[Float]]? {
    if text.isEmpty { return [] }
    var out: [[Float]] = []
    for layer in text.split(separator: "/", omittingEmptySubsequences: false) {
        var row: [Float] = []
        for h in layer.split(separator: ";", omittingEmptySubsequences: false) {
            guard let x = Float(h) else { return nil }
            row.append(x)
        }
        out.append(row)
    }
    return out
}

extension Array {
    func appending(_ more: [Element]) -> [Element] { self + more }
}
