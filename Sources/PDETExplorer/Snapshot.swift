// Snapshots: the frame as text with a header that says how to make it again.
//
//   # pdet-tui 0.1.0 snapshot 0003
//   # seed 1 step 120 size 120x40 layer 1 head 1
//   # config {"batch":32,...}                      (the full ModelConfig, one line, sorted keys)
//   # reproduce: pdet-tui snapshot --task reverse ... --steps 120 --layer 1 --head 1 --size 120x40
//   <the grid: plain text (.txt, glyph ramps instead of colours) or with SGR colour codes (.ansi)>
// The .svg form is the same frame as a picture (SVGExport.swift) with these lines in its <desc>.
//
// `s` writes snapshots/NNNN.txt and NNNN.ansi with the next free number; files are made under a
// temporary name and hard-linked into place, so an existing snapshot is never overwritten. NNNN.svg
// follows (its name was free when the number was chosen), written atomically; when it cannot be
// written the status line says so and the session goes on.
import Foundation
import PDETCore
import PDETIO
import PDETRender
import PDETText

public enum SnapshotFormat: String, CaseIterable, Sendable {
    case txt, ansi, svg
}

public struct SnapshotError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Header lines (each ending in "\n") then the frame at `state.size`. The .txt form draws heatmaps
/// with glyphs (no colour to carry them); `number` nil for the headless command.
public func snapshotText(_ state: ExplorerState, number: Int?, format: SnapshotFormat,
                         colorMode: ColorMode, ascii: Bool, theme: Theme = .dark) -> String {
    let options = snapshotOptions(format, colorMode: colorMode, ascii: ascii, theme: theme)
    let grid = renderScreen(state, width: state.size.width, height: state.size.height, options: options)
    return snapshotFile(grid, header: snapshotHeader(state, number: number), format: format, options: options)
}

/// What a snapshot of `format` is drawn with: .txt is always plain (glyph ramps, no colour).
public func snapshotOptions(_ format: SnapshotFormat, colorMode: ColorMode, ascii: Bool, theme: Theme) -> RenderOptions {
    format == .txt ? RenderOptions(colorMode: .mono, ascii: ascii) : RenderOptions(colorMode: colorMode, ascii: ascii, theme: theme)
}

/// The file: the header lines then the grid as text (.txt, .ansi), or the grid as SVG with the header
/// lines as its description (.svg).
public func snapshotFile(_ grid: Grid, header: String, format: SnapshotFormat, options: RenderOptions) -> String {
    switch format {
    case .txt: return header + grid.plainText()
    case .ansi: return header + grid.ansiText(options)
    case .svg:
        let lines = header.split(separator: "\n").map { $0.hasPrefix("# ") ? String($0.dropFirst(2)) : String($0) }
        return grid.svg(options: options, title: lines.first ?? "pdet-tui", description: lines.joined(separator: "\n"))
    }
}

public func snapshotHeader(_ state: ExplorerState, number: Int?) -> String {
    let title = "# pdet-tui \(explorerVersion) snapshot" + (number.map { " " + fourDigits($0) } ?? "")
    let size = "\(state.size.width)x\(state.size.height)"
    return [
        title,
        "# seed \(state.config.seed) step \(state.step) size \(size) layer \(state.layer + 1) head \(state.head + 1)",
        "# config \(oneLineConfigJSON(state.config))",
        "# reproduce: \(reproduceCommand(state))",
    ].joined(separator: "\n") + "\n" + simulatorHeaderLine(state)
}

/// In simulator mode: its options (the reproduce line above covers the model; M and the simulator keys the rest).
func simulatorHeaderLine(_ state: ExplorerState) -> String {
    guard let sim = state.shownSimulator else { return "" }
    return "# \(sim.config.summary)\n"
}

/// The `pdet-tui snapshot` command that redraws this frame (exact unless a toggle changed mid-run).
public func reproduceCommand(_ state: ExplorerState) -> String {
    let c = state.config
    var args = ["pdet-tui", "snapshot"]
    var steps = state.step
    var fromCheckpoint = false
    if case .checkpoint(let path, let step) = state.origin {
        args += ["--checkpoint", shellQuoted(path)]
        steps -= step
        fromCheckpoint = true
    }
    for field in state.fields.reproduceRows where !(fromCheckpoint && field.fixedByCheckpoint) {
        args += field.arguments(c)
    }
    args += ["--steps", "\(max(0, steps))", "--layer", "\(state.layer + 1)", "--head", "\(state.head + 1)",
             "--size", "\(state.size.width)x\(state.size.height)"]
    if let sim = state.shownSimulator?.config {
        args += ["--simulator", "--sim-integrator", sim.integrator.rawValue, "--sim-dt", "\(sim.dt)", "--sim-steps", "\(sim.steps)",
                 "--sim-steps-per-block", "\(sim.stepsPerBlock)", "--sim-weights", sim.weightTied ? "tied" : "per-layer",
                 "--sim-residual", sim.residual ? "on" : "off", "--sim-layernorm", sim.layerNorm ? "on" : "off",
                 "--sim-diffusion", "\(sim.diffusion)"]
    }
    var line = args.joined(separator: " ")
    if state.toggledDuringRun { line += "   (approximate: toggles changed during the run)" }
    return line
}


/// The config as one line of JSON with sorted keys (the same bytes for the same config).
func oneLineConfigJSON(_ c: ModelConfig) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    guard let data = try? encoder.encode(c) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

func fourDigits(_ n: Int) -> String {
    let s = String(n)
    return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
}

// MARK: writing

/// Writes `make(n).0` to `directory/NNNN.txt` and `make(n).1` to `directory/NNNN.ansi` for the first
/// number n above every existing snapshot whose two names, and `NNNN.<ext>` for each of `reserving`,
/// are all free. Creates `directory` (one level) when missing. Returns the number and both paths.
@discardableResult
public func writeSnapshotPair(directory: String, reserving: [String] = [], make: (Int) -> (txt: String, ansi: String))
    throws(SnapshotError) -> (number: Int, txt: String, ansi: String) {
    try ensureDirectory(directory)
    var number = highestSnapshotNumber(in: directory) + 1
    for _ in 0..<10_000 {
        let txt = directory + "/" + fourDigits(number) + ".txt"
        let ansi = directory + "/" + fourDigits(number) + ".ansi"
        if reserving.contains(where: { FileManager.default.fileExists(atPath: directory + "/" + fourDigits(number) + "." + $0) }) {
            number += 1
            continue
        }
        let (txtText, ansiText) = make(number)     // the header carries the number
        guard try createExclusively(path: txt, text: txtText) else {
            number += 1
            continue
        }
        guard try createExclusively(path: ansi, text: ansiText) else {
            unlink(txt)     // ours, made a moment ago: give the number up whole
            number += 1
            continue
        }
        return (number, txt, ansi)
    }
    throw SnapshotError("\(directory): no free snapshot number")
}

private func ensureDirectory(_ path: String) throws(SnapshotError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else { throw SnapshotError("'\(path)' exists and is not a folder") }
        return
    }
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw SnapshotError("cannot create folder '\(path)': \(String(cString: strerror(errno)))")
    }
}

/// Writes the SVG beside a snapshot pair (number `number`) with `writer`; nil when written, else the
/// reason for the status line ("cannot save '…': …").
func writeSnapshotSVG(directory: String, number: Int, text: String,
                      writer: (String, [UInt8]) throws -> Void) -> String? {
    let path = directory + "/" + fourDigits(number) + ".svg"
    do {
        try writer(path, Array(text.utf8))
        return nil
    } catch let error as FileWriteError {
        return error.message
    } catch {
        return "cannot save '\(path)': \(describe(error))"
    }
}

/// How sessions write a snapshot's SVG: PDETIO's atomic writer (tests substitute a failing one).
public typealias SnapshotFileWriter = (String, [UInt8]) throws -> Void
public func atomicSnapshotWriter(_ path: String, _ bytes: [UInt8]) throws {
    try writeFileAtomically(path: path, bytes: bytes)
}

/// The largest NNNN among `NNNN.txt` / `NNNN.ansi` / `NNNN.svg` in `directory` (0 when none).
func highestSnapshotNumber(in directory: String) -> Int {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
    var best = 0
    for name in names {
        let parts = name.split(separator: ".")
        guard parts.count == 2, ["txt", "ansi", "svg"].contains(parts[1]), parts[0].count >= 4,
              parts[0].allSatisfy(\.isASCII), let n = Int(parts[0]) else { continue }
        best = max(best, n)
    }
    return best
}

/// Creates `path` with `text` unless it exists (PDETIO's one writer); false when it exists.
private func createExclusively(path: String, text: String) throws(SnapshotError) -> Bool {
    do { return try createFileExclusively(path: path, bytes: Array(text.utf8)) } catch {
        throw SnapshotError(error.message)
    }
}
