// The one writer every output goes through (snapshots, metrics, checkpoints, casts, reports).
//
// What a path names decides how it is written, after any symlinks are followed (the link is kept):
// - nothing yet, or a regular file: the bytes go to a temporary file in the same folder, are
//   fsync'ed, then renamed over the target, so a failure or a signal never leaves it half-written
//   and an existing file survives any error (its permission bits are kept);
// - a character or block device, a FIFO or a socket: opened and written through, never renamed
//   over (renaming over /dev/null as root turns it into a regular file and breaks the machine);
// - `-`: standard output.
// Errors are one line naming the path. Only POSIX calls: Foundation's path helpers trap on some
// one-character names. Temporary files in flight are remembered in CPosix so a signal removes them.

import CPosix
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

/// What an output path resolves to.
public enum OutputTarget: Equatable, Sendable {
    case standardOutput
    case newFile(String)               // nothing there yet (the folder exists)
    case regularFile(String)           // an existing regular file: replaced atomically
    case special(String, kind: String) // a device, FIFO or socket: written through
}

/// The folder part of `path` ("." for a bare file name).
func folderOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let folder = String(path[..<slash])
    return folder.isEmpty ? "/" : folder
}

/// The last component of `path`.
func baseNameOf(_ path: String) -> String {
    path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
}

func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

func lstatMode(_ path: String) -> (mode: mode_t, errno: Int32)? {
    var st = stat()
    if lstat(path, &st) == 0 { return (st.st_mode, 0) }
    // ENOTDIR: a parent is a file; the folder check below names it.
    return errno == ENOENT || errno == ENOTDIR ? nil : (0, errno)
}

/// True when `path` exists and is a folder (symlinks followed).
public func isFolder(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && pdet_mode_is_directory(st.st_mode) != 0
}

private func kindName(_ mode: mode_t) -> String {
    if pdet_mode_is_char_device(mode) != 0 { return "character device" }
    if pdet_mode_is_block_device(mode) != 0 { return "block device" }
    if pdet_mode_is_fifo(mode) != 0 { return "FIFO" }
    if pdet_mode_is_socket(mode) != 0 { return "socket" }
    return "special file"
}

/// Follows symlinks (at most 40) and says what `path` names. `verb` starts error messages
/// ("save", "write"). Checks that a new file's folder exists; does not check permissions.
public func resolveOutput(_ path: String, verb: String = "write") throws(FileWriteError) -> OutputTarget {
    func fail(_ why: String) -> FileWriteError { FileWriteError("cannot \(verb) '\(path)': \(why)") }
    if path == "-" { return .standardOutput }
    guard !path.isEmpty else { throw FileWriteError("cannot \(verb) '': an empty file name") }
    guard !path.hasSuffix("/"), path != ".", path != "..", !path.hasSuffix("/."), !path.hasSuffix("/..") else {
        throw fail("not a file name")
    }
    var current = path
    for _ in 0..<40 {
        guard let found = lstatMode(current) else {
            let folder = folderOf(current)
            var st = stat()
            guard stat(folder, &st) == 0 else { throw fail("folder '\(folder)' does not exist") }
            guard pdet_mode_is_directory(st.st_mode) != 0 else { throw fail("'\(folder)' is not a folder") }
            return .newFile(current)
        }
        if found.errno == ENAMETOOLONG, baseNameOf(current).utf8.count > nameLimit(folder: folderOf(current)) {
            throw fail(nameTooLong(current))
        }
        if found.errno != 0 { throw fail(errnoText(found.errno)) }
        let mode = found.mode
        if pdet_mode_is_symlink(mode) != 0 {
            var buffer = [CChar](repeating: 0, count: 4097)
            let n = readlink(current, &buffer, 4096)
            guard n > 0 else { throw fail("cannot read the symlink '\(current)': \(errnoText())") }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : folderOf(current) + "/" + target
            continue
        }
        if pdet_mode_is_directory(mode) != 0 { throw fail("a folder of that name exists") }
        if pdet_mode_is_regular(mode) != 0 { return .regularFile(current) }
        return .special(current, kind: kindName(mode))
    }
    throw fail("too many levels of symbolic links")
}

/// Fails with one line when `path` could not be written: a missing folder, a folder that is not
/// writable, a read-only file or device. Run it before long work so a bad path fails at once.
public func checkOutputPath(_ path: String, verb: String = "write") throws(FileWriteError) {
    func fail(_ why: String) -> FileWriteError { FileWriteError("cannot \(verb) '\(path)': \(why)") }
    switch try resolveOutput(path, verb: verb) {
    case .standardOutput:
        return
    case .newFile(let target), .regularFile(let target):
        let folder = folderOf(target)
        guard access(folder, W_OK) == 0 else { throw fail("folder '\(folder)' is not writable (\(errnoText()))") }
        guard baseNameOf(target).utf8.count <= nameLimit(folder: folder) else { throw fail(nameTooLong(target)) }
        // The save writes a temporary file first: create (and remove) that very name now, so a name
        // the folder cannot hold fails before the work, not after it (issue 23).
        if let why = tryTemporaryFile(for: target) { throw fail(why) }
    case .special(let target, let kind):
        guard access(target, W_OK) == 0 else { throw fail("the \(kind) is not writable (\(errnoText()))") }
    }
}

/// The file an output path would write, as something two paths can be compared by: device and
/// inode for an existing file, the real folder and name for a new one; nil for standard output,
/// devices, FIFOs and sockets (written through, so two outputs may share them) or a path that
/// does not resolve (its own check reports that).
public func outputFileIdentity(_ path: String) -> String? {
    let target: String
    switch try? resolveOutput(path) {
    case .newFile(let t)?, .regularFile(let t)?: target = t
    default: return nil
    }
    var st = stat()
    if stat(target, &st) == 0 { return "inode \(st.st_dev):\(st.st_ino)" }
    guard let real = realpath(folderOf(target), nil) else { return nil }
    defer { free(real) }
    return "path " + String(cString: real) + "/" + baseNameOf(target)
}

/// Writes all of `bytes` to `fd`, retrying on EINTR; nil on success, else the reason.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
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
    return failure
}

/// Opens a device, FIFO or socket for writing without blocking forever on a FIFO nobody reads.
func openSpecial(_ target: String, kind: String) -> (fd: Int32, failure: String?) {
    let fd = open(target, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
    guard fd >= 0 else {
        if errno == ENXIO { return (-1, kind == "FIFO" ? "no process is reading the FIFO" : "the \(kind) cannot be opened for writing") }
        return (-1, "cannot open the \(kind): \(errnoText())")
    }
    let flags = fcntl(fd, F_GETFL)
    if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
    return (fd, nil)
}

/// The one writer: `bytes` to `path` as the header comment describes. Errors are one line.
public func writeFileAtomically(path: String, bytes: [UInt8]) throws(FileWriteError) {
    func fail(_ why: String) -> FileWriteError { FileWriteError("cannot save '\(path)': \(why)") }
    switch try resolveOutput(path, verb: "save") {
    case .standardOutput:
        pdet_sigpipe_ignore_begin()
        defer { pdet_sigpipe_ignore_end() }
        if let failure = writeAll(STDOUT_FILENO, bytes) { throw FileWriteError("cannot write to standard output: \(failure)") }
    case .special(let target, let kind):
        pdet_sigpipe_ignore_begin()
        defer { pdet_sigpipe_ignore_end() }
        let (fd, failure) = openSpecial(target, kind: kind)
        if let failure { throw fail(failure) }
        let writeFailure = writeAll(fd, bytes)
        close(fd)
        if let writeFailure { throw fail(writeFailure) }
    case .newFile(let target):
        try replaceAtomically(target, bytes: bytes, mode: 0o644, fail: fail)
    case .regularFile(let target):
        var st = stat()
        let mode = stat(target, &st) == 0 ? st.st_mode & 0o7777 : 0o644
        try replaceAtomically(target, bytes: bytes, mode: mode, fail: fail)
    }
}

/// temp + fsync + rename in `target`'s folder; the temporary file is removed on every failure and,
/// through CPosix's registry, on SIGINT/SIGTERM/SIGHUP/SIGQUIT.
private func replaceAtomically(_ target: String, bytes: [UInt8], mode: mode_t,
                               fail: (String) -> FileWriteError) throws(FileWriteError) {
    let folder = folderOf(target)
    removeStaleTemporaries(for: target)
    let temp = temporaryPath(for: target)
    let slot = pdet_temp_remember(temp)
    defer { pdet_temp_forget(slot) }
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
    guard fd >= 0 else { throw fail("cannot create a file in '\(folder)': \(errnoText())") }
    _ = fchmod(fd, mode)
    var failure = writeAll(fd, bytes)
    if failure == nil, fsync(fd) != 0 { failure = "fsync failed: \(errnoText())" }
    if close(fd) != 0, failure == nil { failure = "close failed: \(errnoText())" }
    if failure == nil, rename(temp, target) != 0 { failure = "rename failed: \(errnoText())" }
    if let failure {
        unlink(temp)
        throw fail(failure)
    }
}

/// Creates `path` with `bytes` only if nothing exists there (snapshots never overwrite): the bytes
/// go to a temporary file that is then hard-linked to `path`. Returns false when `path` exists.
public func createFileExclusively(path: String, bytes: [UInt8]) throws(FileWriteError) -> Bool {
    func fail(_ why: String) -> FileWriteError { FileWriteError("cannot write '\(path)': \(why)") }
    if lstatMode(path) != nil { return false }
    let folder = folderOf(path)
    guard isFolder(folder) else { throw fail("folder '\(folder)' does not exist") }
    removeStaleTemporaries(for: path)
    let temp = temporaryPath(for: path)
    let slot = pdet_temp_remember(temp)
    defer { pdet_temp_forget(slot); unlink(temp) }
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw fail("cannot create a file in '\(folder)': \(errnoText())") }
    var failure = writeAll(fd, bytes)
    if failure == nil, fsync(fd) != 0 { failure = "fsync failed: \(errnoText())" }
    if close(fd) != 0, failure == nil { failure = "close failed: \(errnoText())" }
    if let failure { throw fail(failure) }
    if link(temp, path) != 0 {
        if errno == EEXIST { return false }
        throw fail(errnoText())
    }
    return true
}

/// Opens `path` for a stream of writes (metrics lines, recordings): standard output for `-`, a
/// device/FIFO/socket written through, otherwise the (symlink-followed) file created or truncated.
/// A stream keeps every complete write if the process is killed, so it is not atomic by design.
public func openOutputStream(path: String) throws(FileWriteError) -> Int32 {
    func fail(_ why: String) -> FileWriteError { FileWriteError("cannot write '\(path)': \(why)") }
    switch try resolveOutput(path, verb: "write") {
    case .standardOutput:
        let fd = dup(STDOUT_FILENO)
        guard fd >= 0 else { throw fail(errnoText()) }
        return fd
    case .special(let target, let kind):
        let (fd, failure) = openSpecial(target, kind: kind)
        if let failure { throw fail(failure) }
        return fd
    case .newFile(let target), .regularFile(let target):
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail(errnoText()) }
        return fd
    }
}

/// Writes to a stream opened by `openOutputStream`, with SIGPIPE turned into an error.
public func writeToStream(_ fd: Int32, path: String, bytes: [UInt8]) throws(FileWriteError) {
    pdet_sigpipe_ignore_begin()
    defer { pdet_sigpipe_ignore_end() }
    if let failure = writeAll(fd, bytes) { throw FileWriteError("cannot write '\(path)': \(failure)") }
}
