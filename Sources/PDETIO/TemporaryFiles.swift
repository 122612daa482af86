// The temporary files of atomic writes: `.NAME.tmp-PID` beside the output, named so that the name
// always fits the folder (a legal output name of 245-255 bytes must not make a save fail after an
// hour of training), created once by the check before the work so the real name is tried, and
// cleaned up when a process that died by SIGKILL (no handler runs) left one behind.

import CPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The longest file name (bytes) `folder` accepts: pathconf's answer, 255 where it has none.
func nameLimit(folder: String) -> Int {
    let limit = pathconf(folder, Int32(_PC_NAME_MAX))
    return limit > 0 ? limit : 255
}

/// "the file name is 256 bytes; this file system allows at most 255".
func nameTooLong(_ path: String) -> String {
    "the file name is \(baseNameOf(path).utf8.count) bytes; this file system allows at most \(nameLimit(folder: folderOf(path)))"
}

/// FNV-1a 64 of `text`'s UTF-8 bytes as 16 hex digits: a short stand-in for a long name.
func fnv1a64Hex(_ text: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}

/// The temporary name of `path`'s output without the PID: `.NAME`, or `.pdet-HASH` when `.NAME.tmp-`
/// followed by the longest PID (10 digits) would not fit the folder's name limit.
func temporaryStem(for path: String) -> String {
    let name = baseNameOf(path)
    let full = "." + name
    let longest = full.utf8.count + ".tmp-".utf8.count + 10
    return longest <= nameLimit(folder: folderOf(path)) ? full : ".pdet-" + fnv1a64Hex(name)
}

/// The temporary file an atomic write of `path` uses: hidden, same folder, unique per process.
func temporaryPath(for path: String, pid: Int32 = getpid()) -> String {
    folderOf(path) + "/" + temporaryStem(for: path) + ".tmp-\(pid)"
}

/// Creates and removes `target`'s temporary file: nil when that worked, else why it did not
/// (a name too long, a read-only or full file system, a folder in the way).
func tryTemporaryFile(for target: String) -> String? {
    let temp = temporaryPath(for: target)
    let slot = pdet_temp_remember(temp)
    defer { pdet_temp_forget(slot) }
    var fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    if fd < 0 && errno == EEXIST && isStaleFile(temp, pid: getpid(), ownPIDAllowed: true) {
        // A leftover of an earlier process that had this PID (this one has not written yet).
        unlink(temp)
        fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }
    guard fd >= 0 else {
        return "cannot create its temporary file '\(baseNameOf(temp))' in '\(folderOf(temp))': \(errnoText())"
    }
    close(fd)
    unlink(temp)
    return nil
}

/// A regular file of this user whose writer `pid` is gone (or is this process, when allowed).
private func isStaleFile(_ path: String, pid: Int32, ownPIDAllowed: Bool) -> Bool {
    var st = stat()
    guard lstat(path, &st) == 0, pdet_mode_is_regular(st.st_mode) != 0, st.st_uid == getuid() else { return false }
    if pid == getpid() { return ownPIDAllowed }
    return kill(pid, 0) != 0 && errno == ESRCH
}

/// Removes the `.NAME.tmp-PID` files of `target` whose process no longer exists (a save killed by
/// SIGKILL, or a crash of the machine, leaves one; nothing else would ever remove it). Only
/// regular files of this user, only PIDs that `kill(pid, 0)` says are gone, never this process's.
/// Returns the names removed.
@discardableResult
public func removeStaleTemporaries(for target: String) -> [String] {
    let folder = folderOf(target)
    let prefix = temporaryStem(for: target) + ".tmp-"
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var removed: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard name.hasPrefix(prefix) else { continue }
        let digits = name.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let pid = Int32(digits), pid > 0, pid != getpid() else { continue }
        let path = folder + "/" + name
        if isStaleFile(path, pid: pid, ownPIDAllowed: false), unlink(path) == 0 { removed.append(name) }
    }
    return removed
}
