// The one error type of PDETBert: a single human-readable line that names the file, field or
// tensor at fault, so the CLI can print it as is.

public struct BertError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
