// The statistics of the project's reports, below both users (PDETReproduce's grid report and
// confirmatory study, PDETBert's MiniLM attention study): mean ± sample standard deviation (n − 1) and
// a 95% CI of the mean with Student's t at n − 1 degrees of freedom (`MeanCI`; non-finite values are
// left out, n counts the finite ones); Student's t at real df; the power of a t test (noncentral t)
// and the minimum detectable effect; per-task means pooled with Welch–Satterthwaite df; Holm's
// adjustment; and the one verdict rule every report uses. Expected values in the tests come from
// scipy/statsmodels (scripts/stats-reference.py).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

// MARK: - Student's t at any real degrees of freedom
//
// Welch–Satterthwaite degrees of freedom are not integers, so the pooled estimates need t's CDF and
// quantiles at real ν: the CDF from the regularised incomplete beta function (continued fraction,
// modified Lentz; Press et al., Numerical Recipes 3rd ed. §6.4), the quantile by bisection on it.

/// log Γ(x) for x > 0 (the C library's lgamma; Glibc's and Darwin's agree to the last bits we print).
@inline(__always) func logGamma(_ x: Double) -> Double { lgamma(x) }

/// The regularised incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1.
public func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    guard x > 0 else { return 0 }
    guard x < 1 else { return 1 }
    let front = exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log(1 - x))
    // The continued fraction converges fast for x < (a + 1)/(a + b + 2); otherwise use the symmetry.
    if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a) }
    let tiny = 1e-300
    var c = 1.0, d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var f = d
    for m in 1...500 {
        let m = Double(m)
        var num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 + num * d; if abs(d) < tiny { d = tiny }
        c = 1 + num / c; if abs(c) < tiny { c = tiny }
        d = 1 / d; f *= d * c
        num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 + num * d; if abs(d) < tiny { d = tiny }
        c = 1 + num / c; if abs(c) < tiny { c = tiny }
        d = 1 / d
        let step = d * c
        f *= step
        if abs(step - 1) < 1e-15 { break }
    }
    return front * f / a
}

/// P(T ≤ t) for Student's t with ν > 0 degrees of freedom (real).
public func studentTCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    guard nu > 0, !t.isNaN else { return .nan }
    if t.isInfinite { return t > 0 ? 1 : 0 }
    let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
    return t > 0 ? 1 - tail : tail
}

/// The p-quantile of Student's t with ν > 0 degrees of freedom (real), to about 1e-12.
public func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    guard nu > 0, p > 0, p < 1 else { return p == 0 ? -.infinity : (p == 1 ? .infinity : .nan) }
    if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: nu) }
    var lo = 0.0, hi = 1.0
    while studentTCDF(hi, degreesOfFreedom: nu) < p { lo = hi; hi *= 2 }
    for _ in 0..<200 {
        let mid = (lo + hi) / 2
        if studentTCDF(mid, degreesOfFreedom: nu) < p { lo = mid } else { hi = mid }
        if hi - lo < 1e-13 * max(1, hi) { break }
    }
    return (lo + hi) / 2
}

// MARK: - Power of a t test: the noncentral t distribution
//
// T' = (Z + δ) / S with Z ~ N(0, 1) and S = √(V/ν), V ~ χ²(ν): the t statistic when the true
// effect is δ standard errors. P(T' > c) = ∫ Φ̄(c·s − δ) f_S(s) ds, integrated by Simpson's rule over
// the bulk of S's density (mean ≈ 1, sd ≈ 1/√(2ν)). Exact up to the quadrature (about 1e-9 here),
// for real ν (Welch–Satterthwaite), where scipy.stats.nct is the reference (tests).

/// P(T' > c) for the noncentral t with ν degrees of freedom and noncentrality δ.
public func noncentralTUpperTail(_ c: Double, degreesOfFreedom nu: Double, noncentrality delta: Double) -> Double {
    guard nu > 0, c.isFinite, delta.isFinite else { return .nan }
    let spread = 14 / (2 * nu).squareRoot()
    let lo = max(0, 1 - spread), hi = 1 + spread
    let intervals = 4000
    let h = (hi - lo) / Double(intervals)
    let logNorm = (nu / 2) * log(nu / 2) - logGamma(nu / 2) + log(2.0)
    func integrand(_ s: Double) -> Double {
        guard s > 0 else { return 0 }
        // f_S(s) = 2 (ν/2)^{ν/2} / Γ(ν/2) · s^{ν−1} e^{−ν s²/2}
        let density = exp(logNorm + (nu - 1) * log(s) - nu * s * s / 2)
        return density * 0.5 * erfc((c * s - delta) / 2.0.squareRoot())
    }
    var sum = integrand(lo) + integrand(hi)
    for i in 1..<intervals { sum += integrand(lo + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
    return min(1, max(0, sum * h / 3))
}

/// Power of a t test at level α with ν degrees of freedom when the true effect is `effect` and the
/// estimate's standard error is `standardError`: two-sided (reject when |t| > t_{1−α/2}) or one-sided
/// on the effect's side (reject when t > t_{1−α} in the direction of `effect`).
public func tTestPower(effect: Double, standardError: Double, degreesOfFreedom nu: Double,
                       alpha: Double = 0.05, twoSided: Bool = true) -> Double {
    guard standardError > 0, nu > 0, effect.isFinite else { return .nan }
    let delta = abs(effect) / standardError
    if twoSided {
        let c = studentTQuantile(1 - alpha / 2, degreesOfFreedom: nu)
        return noncentralTUpperTail(c, degreesOfFreedom: nu, noncentrality: delta)
            + noncentralTUpperTail(c, degreesOfFreedom: nu, noncentrality: -delta)
    }
    return noncentralTUpperTail(studentTQuantile(1 - alpha, degreesOfFreedom: nu), degreesOfFreedom: nu, noncentrality: delta)
}

/// The minimum detectable effect: the smallest |effect| the test finds with probability `power`
/// (default 80%), in the units of `standardError`; found by bisection on `tTestPower`.
public func minimumDetectableEffect(standardError: Double, degreesOfFreedom nu: Double, power: Double = 0.8,
                                    alpha: Double = 0.05, twoSided: Bool = true) -> Double {
    guard standardError > 0, nu > 0 else { return .nan }
    var lo = 0.0, hi = 1.0
    func pw(_ d: Double) -> Double {
        tTestPower(effect: d, standardError: 1, degreesOfFreedom: nu, alpha: alpha, twoSided: twoSided)
    }
    while pw(hi) < power { lo = hi; hi *= 2; if hi > 1e6 { return .infinity } }
    for _ in 0..<60 {
        let mid = (lo + hi) / 2
        if pw(mid) < power { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2 * standardError
}

// MARK: - Pooling per-group mean differences (tasks) with Welch–Satterthwaite df
//
// Each group (task) gives n_k paired differences with mean d̄_k and sample variance s_k². The groups'
// variances differ (the standard grid: SDs 2.0, 4.1 and 9.7 pp), so the groups are kept apart and
// their means combined:
// - `equalWeight`: θ̂ = (1/K) Σ d̄_k, SE² = (1/K²) Σ s_k²/n_k; the estimand is the plain average of the
//   tasks' effects, whatever their variances.
// - `inverseVariance` (fixed effect; Borenstein et al. 2009, Introduction to Meta-Analysis, ch. 11):
//   w_k = n_k/s_k², θ̂ = Σ w_k d̄_k / Σ w_k, SE² = 1/Σ w_k; assumes one common effect.
// Both are a weighted sum Σ c_k d̄_k, whose variance estimate Σ c_k² s_k²/n_k gets Satterthwaite's
// (1946) degrees of freedom ν = (Σ v_k)² / Σ v_k²/(n_k − 1), v_k = c_k² s_k²/n_k (Welch 1947).
// One group gives the paired t (ν = n − 1).

/// How the groups' means are combined.
public enum PoolingMethod: String, Sendable, CaseIterable {
    case equalWeight = "equal-weight mean of the task means"
    case inverseVariance = "inverse-variance weighted mean of the task means"
}

/// A pooled mean difference with its standard error, Welch–Satterthwaite df, 95% CI and p-values.
public struct PooledEstimate: Equatable, Sendable {
    public var estimate: Double          // NaN without groups
    public var standardError: Double     // NaN when a group has fewer than 2 values
    public var degreesOfFreedom: Double  // Welch–Satterthwaite; NaN as above
    public var groups: Int               // groups with at least one value
    public var n: Int                    // values over all groups
    public var groupMeans: [Double]      // d̄_k, in the order given (NaN for an empty group)

    public init(groups values: [[Double]], method: PoolingMethod = .equalWeight) {
        let gs = values.map { $0.filter(\.isFinite) }.filter { !$0.isEmpty }
        groupMeans = values.map { MeanCI($0).mean }
        groups = gs.count
        n = gs.reduce(0) { $0 + $1.count }
        let stats = gs.map(MeanCI.init)
        guard !stats.isEmpty else { estimate = .nan; standardError = .nan; degreesOfFreedom = .nan; return }
        let variances = stats.map { $0.n >= 2 ? $0.std * $0.std / Double($0.n) : .nan }   // s_k²/n_k
        var weights: [Double]
        switch method {
        case .equalWeight: weights = stats.map { _ in 1 / Double(stats.count) }
        case .inverseVariance:
            let w = variances.map { 1 / $0 }
            let total = w.reduce(0, +)
            // A zero variance gets all the weight (shared among the zero-variance groups).
            if w.contains(where: { $0.isInfinite }) {
                let zero = Double(w.filter(\.isInfinite).count)
                weights = w.map { $0.isInfinite ? 1 / zero : 0 }
            } else {
                weights = w.map { $0 / total }
            }
        }
        estimate = zip(weights, stats).reduce(0) { $0 + $1.0 * $1.1.mean }
        let v = zip(weights, variances).map { $0 * $0 * $1 }
        let total = v.reduce(0, +)
        standardError = total.squareRoot()
        let denominator = zip(v, stats).reduce(0) { $0 + $1.0 * $1.0 / Double($1.1.n - 1) }
        if total > 0 {
            degreesOfFreedom = total * total / denominator
        } else {
            // Every group constant: no spread to estimate; the df of the pooled groups.
            degreesOfFreedom = total == 0 ? Double(stats.reduce(0) { $0 + $1.n - 1 }) : .nan
        }
    }

    /// The t quantile for a two-sided 95% interval at this df.
    public var tCritical: Double { degreesOfFreedom > 0 ? studentTQuantile(0.975, degreesOfFreedom: degreesOfFreedom) : .nan }
    public var halfWidth: Double { standardError == 0 ? 0 : tCritical * standardError }
    public var lower: Double { estimate - halfWidth }
    public var upper: Double { estimate + halfWidth }
    public var t: Double { estimate / standardError }

    /// Two-sided p of θ = 0 (1 for a zero estimate with zero spread, 0 for a nonzero one).
    public var pTwoSided: Double {
        guard standardError.isFinite, degreesOfFreedom > 0 else { return .nan }
        if standardError == 0 { return estimate == 0 ? 1 : 0 }
        return 2 * studentTCDF(-abs(t), degreesOfFreedom: degreesOfFreedom)
    }

    /// One-sided p of θ = 0 against θ > 0 (side +1) or θ < 0 (side −1).
    public func pOneSided(side: Double) -> Double {
        guard standardError.isFinite, degreesOfFreedom > 0 else { return .nan }
        if standardError == 0 { return estimate * side > 0 ? 0 : 1 }
        return studentTCDF(-t * side, degreesOfFreedom: degreesOfFreedom)
    }

    /// Power of this design's two-sided (or one-sided) 5% test at `effect`, with this SE and df.
    public func power(at effect: Double, alpha: Double = 0.05, twoSided: Bool = true) -> Double {
        tTestPower(effect: effect, standardError: standardError, degreesOfFreedom: degreesOfFreedom, alpha: alpha, twoSided: twoSided)
    }

    /// The effect this design finds 80% of the time (two-sided 5% test unless told otherwise).
    public func minimumDetectable(power: Double = 0.8, alpha: Double = 0.05, twoSided: Bool = true) -> Double {
        minimumDetectableEffect(standardError: standardError, degreesOfFreedom: degreesOfFreedom, power: power, alpha: alpha, twoSided: twoSided)
    }
}

// MARK: - Multiple comparisons

/// Holm's (1979) step-down adjusted p-values, in the order given: sort ascending, multiply the i-th
/// smallest (0-based) by m − i, carry the running maximum, cap at 1. NaN p-values stay NaN and are
/// not counted in m.
public func holmAdjusted(_ p: [Double]) -> [Double] {
    let order = p.indices.filter { !p[$0].isNaN }.sorted { p[$0] < p[$1] || (p[$0] == p[$1] && $0 < $1) }
    var out = [Double](repeating: .nan, count: p.count)
    var running = 0.0
    for (i, k) in order.enumerated() {
        running = max(running, min(1, Double(order.count - i) * p[k]))
        out[k] = running
    }
    return out
}

// MARK: - The one verdict rule
//
// Every report (the grid's claims, the MiniLM attention study, the confirmatory study's
// secondary rows) calls a claim with this rule: a claim "θ > threshold" (side +1) or "θ < threshold"
// (side −1) **holds** when the whole 95% interval of θ lies on the claim's side of the threshold,
// is **contradicted** when the whole interval lies on the other side, and is **inconclusive**
// otherwise (an interval that reaches the threshold, or none). A claim made of several conditions
// holds when all hold and is contradicted when any is contradicted. For a family of tests the
// interval is replaced by its equivalent, the Holm-adjusted p < 0.05 with the estimate's sign.

public enum IntervalVerdict: String, Sendable, Equatable {
    case holds, contradicted, inconclusive
}

/// The rule on one interval [lower, upper] against `threshold` on the claim's `side`.
public func intervalVerdict(lower: Double, upper: Double, threshold: Double = 0, side: Double = 1) -> IntervalVerdict {
    guard lower.isFinite, upper.isFinite else { return .inconclusive }
    if side > 0 ? lower > threshold : upper < threshold { return .holds }
    if side > 0 ? upper < threshold : lower > threshold { return .contradicted }
    return .inconclusive
}

/// The rule on one test of a family: significant (adjusted p < α) on the claim's side holds, on the
/// other side contradicts, otherwise inconclusive.
public func significanceVerdict(estimate: Double, adjustedP: Double, side: Double = 1, alpha: Double = 0.05) -> IntervalVerdict {
    guard adjustedP.isFinite, estimate.isFinite, adjustedP < alpha else { return .inconclusive }
    return estimate * side > 0 ? .holds : .contradicted
}

/// Several conditions: all hold → holds; any contradicted → contradicted; else inconclusive.
public func combinedVerdict(_ parts: [IntervalVerdict]) -> IntervalVerdict {
    if parts.contains(.contradicted) { return .contradicted }
    return !parts.isEmpty && parts.allSatisfy { $0 == .holds } ? .holds : .inconclusive
}

/// The heat-kernel attention claim's threshold: fitted cosine above this (the grid report and the
/// MiniLM study test the same claim with the same rule).
public let heatKernelClaimCosine = 0.98

/// "Attention is a heat kernel: cosine > 0.98, and better than the uniform predictor": the rule above
/// on the interval of the mean fitted cosine (against 0.98) and of fit − uniform cosine (against 0).
public func heatKernelClaimVerdict(cosineLower: Double, cosineUpper: Double,
                                   differenceLower: Double, differenceUpper: Double) -> IntervalVerdict {
    combinedVerdict([intervalVerdict(lower: cosineLower, upper: cosineUpper, threshold: heatKernelClaimCosine),
                     intervalVerdict(lower: differenceLower, upper: differenceUpper)])
}
