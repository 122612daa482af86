// How much memory the process can still get: refusing a configuration with a figure beats an abort
// in the allocator ("failed to allocate", rc 134) after the terminal has been taken over. The
// machine's MemAvailable is not the only bound: an address-space limit (`ulimit -v`, RLIMIT_AS) and
// a cgroup memory limit (a Slurm job, a container: cgroup v2 memory.max or v1
// memory.limit_in_bytes) stop an allocation long before the machine runs out. The smallest wins.
#if canImport(Glibc)
import Glibc
#endif

/// The tightest bound on new memory and what sets it ("the machine", "the address-space limit
/// (ulimit -v)", "the cgroup memory limit").
public struct MemoryHeadroom: Equatable, Sendable {
    public var bytes: Double
    public var source: String
    public init(bytes: Double, source: String) {
        self.bytes = bytes
        self.source = source
    }
}

/// The smallest of the bounds that can be read (nil when none can: not Linux).
public func memoryHeadroom() -> MemoryHeadroom? {
    var bounds: [MemoryHeadroom] = []
    if let available = meminfoBytes("MemAvailable:") { bounds.append(MemoryHeadroom(bytes: available, source: "the machine has")) }
    if let left = addressSpaceHeadroom() {
        bounds.append(MemoryHeadroom(bytes: left, source: "the address-space limit (ulimit -v) leaves"))
    }
    if let left = cgroupHeadroom() { bounds.append(MemoryHeadroom(bytes: left, source: "the cgroup memory limit leaves")) }
    return bounds.min { $0.bytes < $1.bytes }
}

/// The number after `key` in /proc/meminfo, in bytes.
func meminfoBytes(_ key: String) -> Double? {
    procKilobytes("/proc/meminfo", key)
}

/// `key`'s value in a /proc file of "Key:   123 kB" lines, in bytes.
func procKilobytes(_ path: String, _ key: String) -> Double? {
    guard let text = readSmallFile(path) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(key) {
        let digits = line.dropFirst(key.count).filter { $0.isNumber }
        return Double(String(digits)).map { $0 * 1024 }
    }
    return nil
}

/// RLIMIT_AS minus the address space already mapped (VmSize); nil when unlimited.
func addressSpaceHeadroom() -> Double? {
    #if canImport(Glibc)
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }  // rlim_t.max: RLIM_INFINITY
    let used = procKilobytes("/proc/self/status", "VmSize:") ?? 0
    return max(0, Double(limit.rlim_cur) - used)
    #else
    return nil
    #endif
}

/// The tightest cgroup memory limit over this process's cgroup and its ancestors, minus what the
/// cgroup already uses: v2 (memory.max − memory.current), else v1 (memory.limit_in_bytes −
/// memory.usage_in_bytes). nil when there is no limit ("max", or v1's huge "unlimited" number).
func cgroupHeadroom(root: String = "/sys/fs/cgroup", membership: String? = nil) -> Double? {
    guard let text = membership ?? readSmallFile("/proc/self/cgroup") else { return nil }
    var best: Double?
    func consider(_ limit: Double?, _ usage: Double?) {
        guard let limit, limit < 1e18 else { return }       // v1 writes "unlimited" as ~2^63
        let left = max(0, limit - (usage ?? 0))
        best = min(best ?? left, left)
    }
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { continue }
        let v2 = parts[0] == "0" && parts[1].isEmpty
        let v1 = parts[1].split(separator: ",").contains("memory")
        guard v2 || v1 else { continue }
        let base = v2 ? root : root + "/memory"
        var path = String(parts[2])
        while true {
            let folder = base + (path == "/" ? "" : path)
            if v2 {
                consider(numberFile(folder + "/memory.max"), numberFile(folder + "/memory.current"))
            } else {
                consider(numberFile(folder + "/memory.limit_in_bytes"), numberFile(folder + "/memory.usage_in_bytes"))
            }
            guard path != "/", let slash = path.lastIndex(of: "/") else { break }
            path = slash == path.startIndex ? "/" : String(path[..<slash])
        }
    }
    return best
}

/// A file holding one decimal number (nil for "max", a missing file, anything else).
func numberFile(_ path: String) -> Double? {
    guard let text = readSmallFile(path) else { return nil }
    let trimmed = text.filter { !$0.isWhitespace }
    guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isNumber }) else { return nil }
    return Double(trimmed)
}

/// The first 64 KiB of a (/proc or /sys) file as text; nil when it cannot be read.
func readSmallFile(_ path: String) -> String? {
    #if canImport(Glibc)
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: 65536)
    let n = fread(&bytes, 1, bytes.count, file)
    return String(decoding: bytes[0..<n], as: UTF8.self)
    #else
    return nil
    #endif
}

/// "1.5 GiB", "56.3 GiB", "0.2 GiB".
func gibibytes(_ bytes: Double) -> String {
    let g = bytes / 1_073_741_824
    let tenths = (g * 10).rounded()
    return tenths >= 1e15 ? "more than 10^14 GiB" : "\(Int(tenths) / 10).\(Int(tenths) % 10) GiB"
}
