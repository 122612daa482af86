// How much memory the machine can still give us: refusing a configuration with a figure beats an
// abort in the allocator ("failed to allocate") after the terminal has been taken over.
#if canImport(Glibc)
import Glibc
#endif

/// MemAvailable from /proc/meminfo in bytes (nil where it cannot be read).
func availableMemoryBytes() -> Double? {
    #if canImport(Glibc)
    guard let file = fopen("/proc/meminfo", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard text.hasPrefix("MemAvailable:") else { continue }
        let digits = text.dropFirst("MemAvailable:".count).filter { $0.isNumber }
        return Double(String(digits)).map { $0 * 1024 }
    }
    return nil
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
