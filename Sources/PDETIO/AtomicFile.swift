// Writing a file so that a crash or an error never leaves it half-written: the bytes go to a
// temporary file in the same folder (so the final rename stays on one filesystem), are flushed,
// and only then renamed over the target. On any failure the temporary file is removed and an
// existing target is left untouched.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct FileWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The folder part of `path` ("." for a bare file name).
func folderOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let folder = String(path[..<slash])
    return folder.isEmpty ? "/" : folder
}

/// The temporary file `writeFileAtomically` uses: hidden, same folder, unique per process.
func temporaryPath(for path: String) -> String {
    let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    return folderOf(path) + "/." + name + ".tmp-\(getpid())"
}

private func errnoText() -> String { String(cString: strerror(errno)) }

/// Writes `bytes` to `path` atomically (temp file + fsync + rename). Errors are one line naming the path.
public func writeFileAtomically(path: String, bytes: [UInt8]) throws(FileWriteError) {
    guard !path.isEmpty, !path.hasSuffix("/") else { throw FileWriteError("cannot save '\(path)': not a file name") }
    let folder = folderOf(path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
        throw FileWriteError("cannot save '\(path)': folder '\(folder)' does not exist")
    }
    guard isDirectory.boolValue else {
        throw FileWriteError("cannot save '\(path)': '\(folder)' is not a folder")
    }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw FileWriteError("cannot save '\(path)': a folder of that name exists")
    }

    let temp = temporaryPath(for: path)
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else {
        throw FileWriteError("cannot save '\(path)': cannot create a file in '\(folder)': \(errnoText())")
    }
    var failure: String?
    bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                failure = "write failed: \(errnoText())"
                return
            }
            done += n
        }
    }
    if failure == nil, fsync(fd) != 0 { failure = "fsync failed: \(errnoText())" }
    if close(fd) != 0, failure == nil { failure = "close failed: \(errnoText())" }
    if failure == nil, rename(temp, path) != 0 { failure = "rename failed: \(errnoText())" }
    if let failure {
        unlink(temp)
        throw FileWriteError("cannot save '\(path)': \(failure)")
    }
}
