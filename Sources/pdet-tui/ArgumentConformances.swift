// The core's enums as command-line values: their raw values are the CLI names, and CaseIterable
// makes parse errors list the allowed values.
import ArgumentParser
import PDETCore
import PDETRender

extension TaskKind: ExpressibleByArgument {}
extension NormMode: ExpressibleByArgument {}
extension PositionalEncoding: ExpressibleByArgument {}
extension DiffusionSite: ExpressibleByArgument {}
extension ThemeName: ExpressibleByArgument {}

/// `--residual on|off`, `--pde-clamp on|off`.
enum OnOff: String, CaseIterable, ExpressibleByArgument {
    case on, off

    var isOn: Bool { self == .on }
}

/// `--pde-scales 1,2,4` → [1, 2, 4].
func parseScales(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let scales = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, scales.count == parts.count else {
        throw ValidationError("expected a comma-separated list of integers such as 1,2,4")
    }
    return scales
}
