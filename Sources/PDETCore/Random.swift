// Deterministic random numbers: the same seed gives the same numbers on every machine.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and passes BigCrush for this use.

public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits (exactly representable as Float).
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in 0..<n (n > 0), by rejection so it is unbiased and platform-independent.
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let r = next()
            if r < limit { return Int(r % bound) }
        }
    }

    /// Standard normal by Box–Muller on Double, for weight initialisation.
    public mutating func nextGaussian() -> Float {
        var u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2.0 * log(u1)).squareRoot()
        return Float(r * cos(2.0 * Double.pi * u2))
    }

    /// A child generator for an independent stream (e.g. per task, per batch index).
    public func derived(_ salt: UInt64) -> SplitMix64 {
        var g = SplitMix64(seed: state ^ (salt &* 0xD1B5_4A32_D192_ED03))
        _ = g.next()
        return g
    }
}

