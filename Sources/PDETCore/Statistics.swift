// The one mean-with-confidence-interval of the project, used by the reproduction report
// (PDETReproduce) and the MiniLM attention study (PDETBert), so it lives here, below both: mean ±
// sample standard deviation (n − 1) and a 95% CI of the mean with Student's t at n − 1 degrees of
// freedom. Non-finite values are left out (n counts the finite ones).

/// Mean, sample standard deviation and 95% confidence interval of a list of numbers.
public struct MeanCI: Equatable, Sendable, Codable {
    public var n: Int              // finite values used
    public var mean: Double        // NaN when n = 0
    public var std: Double         // sample std (n − 1); NaN when n < 2
    public var halfWidth: Double   // t_{0.975, n−1} · std / √n; NaN when n < 2

    public init(_ values: [Double]) {
        let xs = values.filter(\.isFinite)
        n = xs.count
        mean = n > 0 ? xs.reduce(0, +) / Double(n) : .nan
        if n >= 2 {
            let m = mean
            std = (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot()
            halfWidth = studentT975(degreesOfFreedom: n - 1) * std / Double(n).squareRoot()
        } else {
            std = .nan
            halfWidth = .nan
        }
    }

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }

    // JSON (inspect's metrics) carries n, mean, std, lower, upper, as it always has.
    private enum CodingKeys: String, CodingKey { case n, mean, std, lower, upper }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        n = try c.decode(Int.self, forKey: .n)
        mean = try c.decode(Double.self, forKey: .mean)
        std = try c.decode(Double.self, forKey: .std)
        let lower = try c.decode(Double.self, forKey: .lower), upper = try c.decode(Double.self, forKey: .upper)
        halfWidth = (upper - lower) / 2
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(n, forKey: .n)
        try c.encode(mean, forKey: .mean)
        try c.encode(std, forKey: .std)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (two-sided 95%): exact table
/// values for df 1…30, then the Cornish–Fisher expansion around 1.959964 (error < 1e-5 beyond 30).
public func studentT975(degreesOfFreedom df: Int) -> Double {
    let table: [Double] = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
                           2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
                           2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423]
    guard df >= 1 else { return .nan }
    if df <= table.count { return table[df - 1] }
    let z = 1.959964, v = Double(df)
    let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z
    return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
        + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
}
