// Every output flag of every command goes through PDETIO's one writer (see OutputFile.swift):
// checked before any work starts, then written atomically (regular files), through (devices,
// FIFOs, sockets), via the link's target (symlinks), or to standard output (`-`).
import PDETIO

/// Fails with one line when any of `paths` could not be written, or when two of them name the same
/// file (the second write would silently replace the first), before the work starts.
func checkOutputs(_ paths: [String?]) throws {
    try checkOutputs(paths.map { (flag: nil, path: $0) })
}

/// `checkOutputs` with the flag each path came from, for the error line ("--metrics and --save").
func checkOutputs(_ outputs: [(flag: String?, path: String?)]) throws {
    var seen: [(identity: String, flag: String?, path: String)] = []
    for (flag, path) in outputs {
        guard let path else { continue }
        do { try checkOutputPath(path) } catch { throw UserError(error.message) }
        guard let identity = outputFileIdentity(path) else { continue }
        if let earlier = seen.first(where: { $0.identity == identity }) {
            let which = [earlier.flag, flag].compactMap { $0 }
            let who = which.count == 2 ? "\(which[0]) and \(which[1])" : "two outputs"
            let same = earlier.path == path ? "'\(path)'" : "'\(earlier.path)' and '\(path)'"
            throw UserError("\(who) name the same file \(same): one would overwrite the other; give each its own file")
        }
        seen.append((identity, flag, path))
    }
}

/// `bytes` to `path` (standard output when nil or `-`), as one clear error line on failure.
func writeOutput(_ bytes: [UInt8], to path: String?) throws {
    do { try writeFileAtomically(path: path ?? "-", bytes: bytes) } catch { throw UserError(error.message) }
}
