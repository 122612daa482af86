// Attention read as diffusion: how close is one attention matrix to a heat kernel along the sequence?
//
// For an attention matrix A (T, T), row-major [query i][key j], each row a probability distribution,
// we fit the diffusion-kernel predictor
//     A_pred(i, j) ∝ exp(−(i − j)² / (4κ))      (each row normalised to sum 1; j ≤ i when causal)
// i.e. the Green's function of u_t = u_xx after time κ, with one κ > 0 per matrix (per layer, head).
// κ maximises the mean row cosine(A[i], A_pred[i]): a coarse scan on log κ over [1e-3, 1e4], then
// golden-section search around the best grid point. We report the cosine and Jensen–Shannon divergence
// of the fit, and the same two numbers for the uniform predictor 1/T: near-uniform rows have a high
// cosine with almost anything smooth, so the fit only means something when it beats the baseline.
// Method and caveats: docs/attention-fit.md. Arithmetic is in Double; the result is Float.

import Glibc

/// The diffusion-kernel fit of one attention matrix. Every field is NaN when the matrix was
/// unusable (wrong size, NaN/Inf or negative entries, no row with positive mass).
public struct DiffusionFit: Equatable, Sendable, Codable {
    public var kappa: Float          // fitted diffusion time κ in [1e-3, 1e4] (positions²)
    public var cosine: Float         // mean over rows of cosine(A[i], A_pred[i])
    public var jsd: Float            // mean over rows of JSD(A[i] ‖ A_pred[i]), nats, in [0, ln 2]
    public var uniformCosine: Float  // the same against the uniform row (1/T, or 1/(i+1) over j ≤ i)
    public var uniformJSD: Float

    public init(kappa: Float, cosine: Float, jsd: Float, uniformCosine: Float, uniformJSD: Float) {
        self.kappa = kappa
        self.cosine = cosine
        self.jsd = jsd
        self.uniformCosine = uniformCosine
        self.uniformJSD = uniformJSD
    }

    /// The fit of an unusable matrix.
    public static let invalid = DiffusionFit(kappa: .nan, cosine: .nan, jsd: .nan,
                                             uniformCosine: .nan, uniformJSD: .nan)
}

/// Search range of κ (positions²). 1e-3 is a delta (next-neighbour weight e^−250); 1e4 is flat
/// over a few hundred positions.
public let diffusionKappaRange: ClosedRange<Double> = 1e-3...1e4

/// Fits κ for one attention matrix `attention` (T*T, row-major [query][key]).
/// `causal`: the predictor and the uniform baseline only cover keys j ≤ i (renormalised).
public func fitDiffusionKernel(attention: [Float], T: Int, causal: Bool = false) -> DiffusionFit {
    guard T >= 1, attention.count == T * T else { return .invalid }
    for a in attention where !(a.isFinite && a >= 0) { return .invalid }
    let rows = RowStats(attention: attention, T: T, causal: causal)
    guard rows.usableRows > 0 else { return .invalid }

    let logKappa = bestLogKappa(rows.meanCosine)
    let kappa = exp(logKappa)
    let weights = kernelWeights(kappa: kappa, T: T)
    let cosine = rows.meanCosine(logKappa: logKappa)

    var jsdSum = 0.0, uniformJSDSum = 0.0, uniformCosSum = 0.0
    var pred = [Double](repeating: 0, count: T)
    var unif = [Double](repeating: 0, count: T)
    var row = [Double](repeating: 0, count: T)
    for i in 0..<T where rows.mass[i] > 0 {
        let last = causal ? i : T - 1
        var z = 0.0
        for j in 0..<T {
            row[j] = Double(attention[i * T + j]) / rows.mass[i]
            pred[j] = j <= last ? weights[abs(i - j)] : 0
            unif[j] = j <= last ? 1 : 0
            z += pred[j]
        }
        for j in 0..<T { pred[j] /= z; unif[j] /= Double(last + 1) }
        jsdSum += attentionFitJSD(row, pred)
        uniformJSDSum += attentionFitJSD(row, unif)
        uniformCosSum += fitCosine(row, unif)
    }
    let n = Double(rows.usableRows)
    return DiffusionFit(kappa: Float(kappa), cosine: Float(cosine), jsd: Float(jsdSum / n),
                        uniformCosine: Float(uniformCosSum / n), uniformJSD: Float(uniformJSDSum / n))
}

/// Fits every head of every layer: `attention` is (L, NH, T*T) as in `ForwardMetrics.attention`;
/// the result is (L, NH).
public func fitDiffusionKernels(attention: [[[Float]]], T: Int, causal: Bool) -> [[DiffusionFit]] {
    attention.map { heads in heads.map { fitDiffusionKernel(attention: $0, T: T, causal: causal) } }
}

/// Jensen–Shannon divergence of two distributions (natural log), clamped to [0, ln 2] against rounding.
/// Both inputs must sum to 1; zero entries contribute nothing.
public func attentionFitJSD(_ p: [Double], _ q: [Double]) -> Double {
    var sum = 0.0
    for k in 0..<min(p.count, q.count) {
        let m = 0.5 * (p[k] + q[k])
        if p[k] > 0 { sum += 0.5 * p[k] * log(p[k] / m) }
        if q[k] > 0 { sum += 0.5 * q[k] * log(q[k] / m) }
    }
    return min(max(sum, 0), log(2.0))
}

/// Cosine similarity of two vectors; 0 when either is the zero vector.
func fitCosine(_ a: [Double], _ b: [Double]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for k in 0..<min(a.count, b.count) { dot += a[k] * b[k]; na += a[k] * a[k]; nb += b[k] * b[k] }
    return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
}

// MARK: - implementation

/// w_d = exp(−d² / (4κ)) for distances d = 0…T−1.
private func kernelWeights(kappa: Double, T: Int) -> [Double] {
    (0..<T).map { d in exp(-Double(d * d) / (4 * kappa)) }
}

/// What the cosine search needs from A besides A itself. Cosine is scale-invariant, so the predictor's
/// row normalisation never enters; ‖kernel row i‖² comes from prefix sums of w_d², so no (T, T) scratch
/// is allocated (T may be 4096).
private struct RowStats {
    let attention: [Float]   // (T, T) the matrix, row-major [query][key]
    let T: Int
    let causal: Bool
    var mass: [Double]       // (T) row sums of A
    var norm: [Double]       // (T) ‖A[i]‖₂ over all keys
    var usableRows = 0

    init(attention: [Float], T: Int, causal: Bool) {
        self.attention = attention
        self.T = T
        self.causal = causal
        mass = [Double](repeating: 0, count: T)
        norm = [Double](repeating: 0, count: T)
        for i in 0..<T {
            var s = 0.0, s2 = 0.0
            for j in 0..<T {
                let a = Double(attention[i * T + j])
                s += a
                s2 += a * a
            }
            mass[i] = s
            norm[i] = s2.squareRoot()
            if s > 0 { usableRows += 1 }
        }
    }

    /// Mean over rows with positive mass of cosine(A[i], kernel row i) for κ = e^logKappa.
    func meanCosine(logKappa: Double) -> Double {
        let w = kernelWeights(kappa: exp(logKappa), T: T)
        var squares = [Double](repeating: 0, count: T)   // (T) Σ_{d' ≤ d} w_d'²
        var running = 0.0
        for d in 0..<T { running += w[d] * w[d]; squares[d] = running }
        var total = 0.0
        for i in 0..<T where mass[i] > 0 {
            let last = causal ? i : T - 1
            var dot = 0.0
            for j in 0...last { dot += w[abs(i - j)] * Double(attention[i * T + j]) }
            // keys i−d for d = 0…i, plus (non-causal) keys i+d for d = 1…T−1−i
            let w2 = causal ? squares[i] : squares[i] + squares[T - 1 - i] - w[0] * w[0]
            total += dot / (norm[i] * w2.squareRoot())
        }
        return total / Double(usableRows)
    }
}

/// Maximises `f` over log κ in `diffusionKappaRange`: a 57-point grid, then golden-section search on
/// the bracket around the best grid point. A grid first makes the search robust to the plateaus of
/// near-uniform and near-identity matrices, where the cosine is flat over decades of κ.
func bestLogKappa(_ f: (Double) -> Double) -> Double {
    let lo = log(diffusionKappaRange.lowerBound), hi = log(diffusionKappaRange.upperBound)
    let n = 57
    let grid = (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
    let values = grid.map(f)
    var best = 0
    for k in 1..<n where values[k] > values[best] { best = k }

    var a = grid[max(best - 1, 0)], b = grid[min(best + 1, n - 1)]
    let ratio = (5.0.squareRoot() - 1) / 2
    var x1 = b - ratio * (b - a), x2 = a + ratio * (b - a)
    var f1 = f(x1), f2 = f(x2)
    for _ in 0..<80 where b - a > 1e-6 {   // κ to 1e-6 relative, far below what the panel shows
        if f1 >= f2 {
            b = x2; x2 = x1; f2 = f1
            x1 = b - ratio * (b - a); f1 = f(x1)
        } else {
            a = x1; x1 = x2; f1 = f2
            x2 = a + ratio * (b - a); f2 = f(x2)
        }
    }
    let refined = 0.5 * (a + b)
    return f(refined) >= values[best] ? refined : grid[best]
}
