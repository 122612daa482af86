// Resuming a killed run: the rows already in its results file (a part CSV, or the whole CSV of an
// unsharded run) are kept and only the missing cells run again. The file is only ever extended:
// rows once written are never changed, and it is rewritten whole (temp + rename) after each cell,
// so a kill loses at most the cell in flight. A last line without its newline (a file cut short
// by some other writer or a copy) is dropped and its cell runs again.

/// What an existing results file already holds for one grid and shard.
public struct ResumePoint: Equatable, Sendable {
    public var rows: [CellResult]        // in cell order
    public var computeSeconds: Double    // the time already spent on them
    public var droppedPartialLine: Bool  // the file ended in a line without its newline, which was ignored
    public var binary: String            // the program that wrote the rows ("" = not recorded)
    public var machine: String           // where they ran ("" = not recorded)

    public init(rows: [CellResult] = [], computeSeconds: Double = 0, droppedPartialLine: Bool = false, binary: String = "",
                machine: String = "") {
        self.rows = rows
        self.computeSeconds = computeSeconds
        self.droppedPartialLine = droppedPartialLine
        self.binary = binary
        self.machine = machine
    }

    public var cells: Set<Int> { Set(rows.map(\.cell)) }
}

/// The rows of `text` (the file at `path`) that a run of `grid`'s `shard` can keep. Refuses a
/// file of another grid or shard, and rows that are not cells of this shard, with one line.
public func resumePoint(from text: String, path: String, grid: ReproGrid, shard: Shard) throws(ReproError) -> ResumePoint {
    if text.isEmpty { return ResumePoint() }
    var complete = Substring(text)
    var dropped = false
    if text.last != "\n" {
        complete = text.lastIndex(of: "\n").map { text[...$0] } ?? ""
        dropped = true
    }
    let file: ResultsFile
    do { file = try ResultsFile.parse(String(complete), path: path) } catch {
        throw ReproError("\(error.message) (cannot resume from \(path): remove it to start over)")
    }
    guard file.gridID == grid.id else {
        throw ReproError("\(path) holds rows of grid \(file.gridID), this run is grid \(grid.id): remove it to start over, or write elsewhere (--out)")
    }
    guard file.shard == shard.description else {
        throw ReproError("\(path) holds shard \(file.shard), this run is shard \(shard): remove it to start over, or write elsewhere (--out)")
    }
    let cells = grid.cells
    var seen = Set<Int>()
    for r in file.rows {
        guard r.cell < cells.count, cells[r.cell].task == r.task, cells[r.cell].variant == r.variant, cells[r.cell].seed == r.seed else {
            throw ReproError("\(path): row for cell \(r.cell) (\(r.task.rawValue), \(r.variant.name), seed \(r.seed)) is not that cell of grid \(grid.id)")
        }
        guard shard.contains(r.cell) else { throw ReproError("\(path): cell \(r.cell) is not in shard \(shard)") }
        guard seen.insert(r.cell).inserted else { throw ReproError("\(path): cell \(r.cell) appears twice") }
        let c = grid.config(for: cells[r.cell])
        for m in [r.fitKappa, r.fitCosine, r.fitJSD, r.uniformCosine, r.uniformJSD]
        where m.count != c.layers || m.contains(where: { $0.count != c.heads }) {
            throw ReproError("\(path): cell \(r.cell) has attention fits for another model shape (expected \(c.layers) layers × \(c.heads) heads)")
        }
    }
    return ResumePoint(rows: file.rows.sorted { $0.cell < $1.cell }, computeSeconds: file.computeSeconds,
                       droppedPartialLine: dropped, binary: file.binary, machine: file.machine)
}
