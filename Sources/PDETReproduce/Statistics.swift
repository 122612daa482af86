// The statistics of the report, kept deliberately simple and stated in the report itself:
// mean ± sample standard deviation (n − 1), and for a difference a 95% confidence interval of the
// mean of paired differences (the same seed and task with and without the change) with Student's t
// at n − 1 degrees of freedom. Non-finite values are left out (and counted).
import PDETCore

/// Mean, sample standard deviation and 95% CI half-width of a list of numbers.
public struct Summary: Equatable, Sendable {
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
            let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
            std = v.squareRoot()
            halfWidth = studentT975(degreesOfFreedom: n - 1) * std / Double(n).squareRoot()
        } else {
            std = .nan
            halfWidth = .nan
        }
    }

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }
}

