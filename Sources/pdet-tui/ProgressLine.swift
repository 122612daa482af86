// A progress line on standard error for long work on a terminal: redrawn in place ("\r", erase to
// the end of the line) at most five times a second, erased when the work is done. Off when stderr
// is not a terminal, so logs and pipes get no carriage returns.
import Foundation

final class ProgressLine {
    let enabled: Bool
    private var lastDrawn: UInt64 = 0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    /// Draws `text` unless one was drawn less than 0.2 s ago (`force`: always).
    func show(_ text: String, force: Bool = false) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || !drawn || now - lastDrawn >= 200_000_000 else { return }
        lastDrawn = now
        drawn = true
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    /// Erases the line (if one was drawn).
    func finish() {
        guard enabled && drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
