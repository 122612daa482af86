// The few libm functions the widgets need (log scales, luminance) and the compact number format used by
// axis labels and bar values. Imports the C library rather than Foundation to keep the module light.
#if canImport(Glibc)
import Glibc
private func cLog10(_ x: Double) -> Double { Glibc.log10(x) }
private func cPow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#elseif canImport(Musl)
import Musl
private func cLog10(_ x: Double) -> Double { Musl.log10(x) }
private func cPow(_ x: Double, _ y: Double) -> Double { Musl.pow(x, y) }
#else
import Darwin
private func cLog10(_ x: Double) -> Double { Darwin.log10(x) }
private func cPow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif

enum Math {
    static func log10(_ x: Double) -> Double { cLog10(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { cPow(x, y) }
}

/// A short, deterministic number for labels: "0", "12.3", "0.0123", "1234", "1.5e-5", "2e7", "nan", "inf".
/// Three significant digits in [1e-3, 1e5), otherwise a two-digit mantissa and an exponent.
public func formatCompact(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == 0 { return "0" }
    let sign = value < 0 ? "-" : ""
    let a = abs(value)
    if a >= 1e-3 && a < 1e5 {
        let magnitude = Int(Math.log10(a).rounded(.down))
        let decimals = max(0, 2 - magnitude)
        return sign + fixedDecimal(a, decimals: decimals)
    }
    var exponent = Int(Math.log10(a).rounded(.down))
    var mantissa = (a / Math.pow(10, Double(exponent)) * 10).rounded() / 10
    if mantissa >= 10 {
        mantissa /= 10
        exponent += 1
    }
    return sign + fixedDecimal(mantissa, decimals: 1) + "e" + String(exponent)
}

/// `a` (≥ 0, < 1e12) with `decimals` digits after the point, trailing zeros and a bare point removed.
private func fixedDecimal(_ a: Double, decimals: Int) -> String {
    var scale: Int64 = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int64((a * Double(scale)).rounded())
    var text = String(scaled / scale)
    guard decimals > 0 else { return text }
    var frac = String(scaled % scale)
    frac = String(repeating: "0", count: decimals - frac.count) + frac
    while frac.hasSuffix("0") { frac.removeLast() }
    if !frac.isEmpty { text += "." + frac }
    return text
}
