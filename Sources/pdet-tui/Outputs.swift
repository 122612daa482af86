// Every output flag of every command goes through PDETIO's one writer (see OutputFile.swift):
// checked before any work starts, then written atomically (regular files), through (devices,
// FIFOs, sockets), via the link's target (symlinks), or to standard output (`-`).
import PDETIO

/// Fails with one line when any of `paths` could not be written, before the work starts.
func checkOutputs(_ paths: [String?]) throws {
    for path in paths.compactMap({ $0 }) {
        do { try checkOutputPath(path) } catch { throw UserError(error.message) }
    }
}

/// `bytes` to `path` (standard output when nil or `-`), as one clear error line on failure.
func writeOutput(_ bytes: [UInt8], to path: String?) throws {
    do { try writeFileAtomically(path: path ?? "-", bytes: bytes) } catch { throw UserError(error.message) }
}

/// The check `reproduce` runs on its report paths (the same as every other output's).
func checkWritableFolder(_ path: String) throws { try checkOutputs([path]) }
