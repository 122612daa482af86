// Finding assets/data without Foundation: the binary may run from the package root, from a
// subdirectory, from .build/<config>/, or installed next to a copy of assets/.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one asset locator: the first existing `<assets>/<relative>` (a folder when `folder`, else a
/// file), searched in this order:
///  1. `$PDET_ASSETS/<relative>` (PDET_ASSETS names the assets folder);
///  2. `<dir>/assets/<relative>` for the current directory and each of its parents;
///  3. `<dir>/assets/<relative>` and `<dir>/share/pdet-tui/assets/<relative>` for the executable's
///     directory (/proc/self/exe, never argv[0]) and each of its parents (covers .build/release/pdet-tui
///     → ../../assets and an install under PREFIX/bin → PREFIX/share/pdet-tui/assets).
/// Pure POSIX string handling: no Foundation path helper (they trap on some one-character names).
public func locateAsset(_ relative: String, folder: Bool,
                        environment: String? = environmentValue("PDET_ASSETS"),
                        currentDirectory: String? = currentDirectoryPath(),
                        executable: String? = executablePath()) -> String? {
    assetCandidates(relative, environment: environment, currentDirectory: currentDirectory, executable: executable)
        .first { folder ? isDirectory($0) : fileExists($0) }
}

/// Where `locateAsset` looks, in order.
func assetCandidates(_ relative: String, environment: String?, currentDirectory: String?, executable: String?) -> [String] {
    var candidates: [String] = []
    if let assets = environment, !assets.isEmpty { candidates.append(joinPath(assets, relative)) }
    if let cwd = currentDirectory {
        candidates += ancestors(of: cwd).map { joinPath($0, "assets/" + relative) }
    }
    if let exe = executable {
        for dir in ancestors(of: parentPath(exe)) {
            candidates += [joinPath(dir, "assets/" + relative), joinPath(dir, "share/pdet-tui/assets/" + relative)]
        }
    }
    return candidates
}

/// The data directory (assets/data), found by `locateAsset`.
/// Throws `dataDirectoryNotFound` listing the places searched.
public func locateDataDirectory(environment: String? = environmentValue("PDET_ASSETS"),
                                currentDirectory: String? = currentDirectoryPath(),
                                executable: String? = executablePath()) throws(TaskError) -> String {
    if let found = locateAsset("data", folder: true, environment: environment, currentDirectory: currentDirectory,
                               executable: executable) { return found }
    // Report the distinct roots, not every parent, so the message stays one readable line.
    var searched: [String] = []
    if let assets = environment, !assets.isEmpty { searched.append("$PDET_ASSETS=\(assets)") }
    if let cwd = currentDirectory { searched.append("\(cwd) and its parents") }
    if let exe = executable { searched.append("\(parentPath(exe)) and its parents") }
    throw .dataDirectoryNotFound(searched: searched)
}

public func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

public func currentDirectoryPath() -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return string(buffer)
}

/// The running binary's path (Linux: /proc/self/exe), nil where unavailable.
public func executablePath() -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    return string(buffer)
}

/// The text of a NUL-terminated C buffer.
private func string(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}

/// `path` and each parent directory up to "/", nearest first.
public func ancestors(of path: String) -> [String] {
    var out: [String] = []
    var current = path
    while !current.isEmpty {
        out.append(current)
        let parent = parentPath(current)
        if parent == current { break }
        current = parent
    }
    return out
}

/// "/a/b/c" → "/a/b", "/a" → "/", "c" → ".", "/" → "/".
public func parentPath(_ path: String) -> String {
    var p = Substring(path)
    while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
    guard let slash = p.lastIndex(of: "/") else { return "." }
    let head = p[..<slash]
    return head.isEmpty ? "/" : String(head)
}

public func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

public func isDirectory(_ path: String) -> Bool {
    guard let dir = opendir(path) else { return false }
    closedir(dir)
    return true
}

/// True for an existing path that is not a directory.
public func fileExists(_ path: String) -> Bool {
    access(path, F_OK) == 0 && !isDirectory(path)
}
