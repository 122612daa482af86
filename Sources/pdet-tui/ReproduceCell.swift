// `pdet-tui reproduce --from FILE.csv --cell N`: re-runs one cell of the grid recorded in FILE's
// header and prints the column header and the cell's row exactly as a fresh run writes them, so
// anyone can check any committed number. stderr says whether the row matches FILE's.
import ArgumentParser
import Foundation
import PDETReproduce

extension ReproduceRun {
    /// The grid flags given on the command line (refused with --from: the grid comes from the file).
    var gridFlagsGiven: [String] {
        var given: [String] = []
        if gridName != nil { given.append("--grid") }
        if quick { given.append("--quick") }
        if tasks != nil { given.append("--tasks") }
        if variants != nil { given.append("--variants") }
        if seeds != nil { given.append("--seeds") }
        if steps != nil { given.append("--steps") }
        if evalSize != nil { given.append("--eval-size") }
        if layers != nil { given.append("--layers") }
        if dModel != nil { given.append("--d-model") }
        if heads != nil { given.append("--heads") }
        if dFF != nil { given.append("--d-ff") }
        if seqLen != nil { given.append("--seq-len") }
        if batch != nil { given.append("--batch") }
        if lr != nil { given.append("--lr") }
        if warmup != nil { given.append("--warmup") }
        if pos != nil { given.append("--pos") }
        if shard != nil { given.append("--shard") }
        if out != nil { given.append("--out") }
        return given
    }

    func runOneCell() throws {
        guard let from else { throw UserError("--cell needs --from FILE.csv (the results file whose grid to use)") }
        guard let cell else { throw UserError("--from needs --cell N (the cell to re-run)") }
        let extra = gridFlagsGiven
        guard extra.isEmpty else {
            throw UserError("--from takes the grid from \(from); drop \(extra.joined(separator: ", "))")
        }
        guard let data = FileManager.default.contents(atPath: from) else { throw UserError("cannot read \(from)") }
        guard let text = String(data: data, encoding: .utf8) else { throw UserError("\(from) is not UTF-8 text") }
        let file: ResultsFile
        let g: ReproGrid
        do {
            file = try ResultsFile.parse(text, path: from)
            g = try ReproGrid(summary: file.gridSummary)
        } catch { throw UserError("\(from): \(error.message)") }
        guard g.id == file.gridID else {
            throw UserError("\(from): its grid line gives grid \(g.id), its grid-id line says \(file.gridID): the header was edited")
        }
        let cells = g.cells
        guard cell >= 0 && cell < cells.count else {
            throw UserError("--cell must be in 0...\(cells.count - 1) for the grid of \(from) (got \(cell))")
        }
        let problems = g.problems()
        guard problems.isEmpty else { throw UserError("\(from): \(problems.joined(separator: "; "))") }
        let c = cells[cell]
        printErr("reproduce: cell \(cell) of grid \(g.id): \(c.task.rawValue) \(c.variant.name) seed \(c.seed)")
        let start = DispatchTime.now().uptimeNanoseconds
        let result: CellResult
        do { result = try runCell(c, grid: g) } catch { throw UserError(error.message) }
        let row = ResultsFile.rowText(result)
        print(ResultsFile.columnHeader)
        print(row)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let recorded = text.split(separator: "\n").first { $0.hasPrefix("\(cell),") }
        switch recorded {
        case nil: printErr("reproduce: \(from) has no row for cell \(cell) (\(durationText(seconds)))")
        case let line? where line == row: printErr("reproduce: identical to the row in \(from), byte for byte (\(durationText(seconds)))")
        default:
            let which = file.binary.isEmpty || file.binary == binaryDescription() ? "" : "; \(from) was written by \(file.binary), this is \(binaryDescription())"
            throw UserError("the row differs from the one in \(from) (\(durationText(seconds)))\(which)")
        }
    }
}
