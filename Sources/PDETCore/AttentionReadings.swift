// The heat-kernel attention claim under four readings, each beside a null that shares its shape.
//
// The paper's predicted attention comes from a PDE model (diffusion plus an attention term); "attention
// is a heat kernel" can be read more or less strictly. One sequence's attention (L, NH, T*T), row-major
// [query][key], gives one number per reading and one for its null (docs/attention-fit.md):
//   (a) rows:    per row, per head: A[i] against exp(−(i−j)²/4κ)      null: the uniform row
//                (`fitDiffusionKernel`, AttentionFit.swift; mean over layers and heads)
//   (b) profile: per layer, the head-averaged weight at distance d = |i−j| (mean over the pairs at d,
//                normalised to sum 1) against exp(−d²/4κ), one κ per layer   null: the flat profile
//                (what any attention that ignores position gives: uniform rows, or rows whose keys are
//                randomly permuted, in expectation); mean over layers
//   (c) depth:   per layer, the head-averaged mean attended distance m_ℓ = mean_i Σ_j A_ij |i−j|,
//                against a diffusion's spread after ℓ steps, s·√ℓ (one free scale s: cosine is
//                scale-free, so the best s never changes it)      null: a constant m across depth
//   (d) grid:    per row, per head, on a side×side board flattened row-major: A[i] against
//                exp(−‖p_i − p_j‖²/4κ) over 2-D positions (the first side² tokens only, rows
//                renormalised)                                     null: the uniform row
// Arithmetic in Double; NaN marks what could not be measured (data to show, never a trap).

import Glibc

/// One sequence's four readings: each a cosine and its null's cosine (NaN when not measured).
public struct AttentionReadingSample: Equatable, Sendable, Codable {
    public var rows: Double, rowsNull: Double          // (a)
    public var profile: Double, profileNull: Double    // (b)
    public var depth: Double, depthNull: Double        // (c)
    public var grid: Double, gridNull: Double          // (d); NaN without a board
    public var profileKappa: [Double]                  // (L) κ of (b) per layer
    public var meanDistance: [Double]                  // (L) m_ℓ of (c)
    public var gridKappa: Double                       // median κ of (d) over layers and heads

    public init(rows: Double, rowsNull: Double, profile: Double, profileNull: Double, depth: Double,
                depthNull: Double, grid: Double, gridNull: Double, profileKappa: [Double],
                meanDistance: [Double], gridKappa: Double) {
        self.rows = rows; self.rowsNull = rowsNull
        self.profile = profile; self.profileNull = profileNull
        self.depth = depth; self.depthNull = depthNull
        self.grid = grid; self.gridNull = gridNull
        self.profileKappa = profileKappa
        self.meanDistance = meanDistance
        self.gridKappa = gridKappa
    }
}

/// All four readings of one sequence's attention `attention` (L, NH, T*T). `gridSide`: the board's
/// side for reading (d) (nil: not a grid task; it needs side² ≤ T).
public func attentionReadings(attention: [[[Float]]], T: Int, causal: Bool, gridSide: Int? = nil) -> AttentionReadingSample {
    var rowFits: [DiffusionFit] = [], gridFits: [DiffusionFit] = []
    var profileCos: [Double] = [], profileNull: [Double] = [], kappas: [Double] = [], distances: [Double] = []
    for heads in attention {
        rowFits += heads.map { fitDiffusionKernel(attention: $0, T: T, causal: causal) }
        let profile = distanceProfile(heads: heads, T: T, causal: causal)
        let fit = fitDistanceProfile(profile)
        profileCos.append(fit.cosine); profileNull.append(fit.flatCosine); kappas.append(fit.kappa)
        let m = heads.map { meanAttendedDistance(attention: $0, T: T) }
        distances.append(m.contains { !$0.isFinite } || m.isEmpty ? .nan : m.reduce(0, +) / Double(m.count))
        if let side = gridSide {
            gridFits += heads.map { fitGridKernel(attention: $0, T: T, side: side) }
        }
    }
    let depth = depthFit(distances)
    return AttentionReadingSample(
        rows: meanOf(rowFits.map { Double($0.cosine) }), rowsNull: meanOf(rowFits.map { Double($0.uniformCosine) }),
        profile: meanOf(profileCos), profileNull: meanOf(profileNull),
        depth: depth.cosine, depthNull: depth.constantCosine,
        grid: gridSide == nil ? .nan : meanOf(gridFits.map { Double($0.cosine) }),
        gridNull: gridSide == nil ? .nan : meanOf(gridFits.map { Double($0.uniformCosine) }),
        profileKappa: kappas, meanDistance: distances,
        gridKappa: gridSide == nil ? .nan : medianOf(gridFits.map { Double($0.kappa) }))
}

// MARK: - (b) the distance profile

/// The head-averaged attention against distance: p_d = mean over heads and over the pairs (i, j) with
/// |i − j| = d (j ≤ i when causal) of A[i][j], d = 0…T−1, normalised to sum 1. `heads` (NH, T*T).
/// Empty when a matrix has the wrong size or a NaN/Inf/negative entry, or when no weight is positive.
public func distanceProfile(heads: [[Float]], T: Int, causal: Bool) -> [Double] {
    guard T >= 1, !heads.isEmpty else { return [] }
    var sum = [Double](repeating: 0, count: T)
    for a in heads {
        guard a.count == T * T else { return [] }
        for i in 0..<T {
            for j in 0..<T where !causal || j <= i {
                let v = Double(a[i * T + j])
                guard v.isFinite, v >= 0 else { return [] }
                sum[abs(i - j)] += v
            }
        }
    }
    // pairs at distance d: T − d when causal, else 2(T − d) (T at d = 0)
    var p = (0..<T).map { d in sum[d] / Double(causal || d == 0 ? T - d : 2 * (T - d)) }
    let z = p.reduce(0, +)
    guard z > 0 else { return [] }
    for d in 0..<T { p[d] /= z }
    return p
}

/// The best heat-kernel profile exp(−d²/4κ) for `profile` (cosine, κ search as AttentionFit.swift's)
/// and the flat profile's cosine. All NaN for an empty profile.
public func fitDistanceProfile(_ profile: [Double]) -> (kappa: Double, cosine: Double, flatCosine: Double) {
    guard !profile.isEmpty else { return (.nan, .nan, .nan) }
    func kernel(_ logKappa: Double) -> [Double] {
        let k = exp(logKappa)
        return (0..<profile.count).map { d in exp(-Double(d * d) / (4 * k)) }
    }
    let best = bestLogKappa { fitCosine(profile, kernel($0)) }
    return (exp(best), fitCosine(profile, kernel(best)),
            fitCosine(profile, [Double](repeating: 1, count: profile.count)))
}

// MARK: - (c) across depth

/// Mean over rows with positive mass of Σ_j A[i][j] |i − j| / Σ_j A[i][j]: how far a query looks, in
/// positions. NaN for a bad matrix or one without mass.
public func meanAttendedDistance(attention: [Float], T: Int) -> Double {
    guard T >= 1, attention.count == T * T else { return .nan }
    var total = 0.0, rows = 0
    for i in 0..<T {
        var mass = 0.0, moment = 0.0
        for j in 0..<T {
            let v = Double(attention[i * T + j])
            guard v.isFinite, v >= 0 else { return .nan }
            mass += v; moment += v * Double(abs(i - j))
        }
        if mass > 0 { total += moment / mass; rows += 1 }
    }
    return rows > 0 ? total / Double(rows) : .nan
}

/// m (L) against the diffusion prediction s·√ℓ (ℓ = 1…L): the least-squares scale s = Σ m_ℓ√ℓ / Σ ℓ,
/// the cosine of m with (√ℓ), and the null's cosine of m with a constant (1, …, 1). NaN when any m_ℓ
/// is not finite or m is all zero.
public func depthFit(_ m: [Double]) -> (scale: Double, cosine: Double, constantCosine: Double) {
    guard !m.isEmpty, m.allSatisfy(\.isFinite), m.contains(where: { $0 != 0 }) else { return (.nan, .nan, .nan) }
    let root = (1...m.count).map { Double($0).squareRoot() }
    let scale = zip(m, root).reduce(0) { $0 + $1.0 * $1.1 } / root.reduce(0) { $0 + $1 * $1 }
    return (scale, fitCosine(m, root), fitCosine(m, [Double](repeating: 1, count: m.count)))
}

// MARK: - (d) a 2-D heat kernel on a board

/// The heat kernel over 2-D distance on a side×side board flattened row-major (token k at row k/side,
/// column k%side): the (side², side²) block of `attention` (T*T), rows renormalised, fitted like
/// `fitDiffusionKernel` with (i − j)² replaced by ‖p_i − p_j‖². Tokens past side² (padding) are left
/// out. Invalid when side² > T or side < 1.
public func fitGridKernel(attention: [Float], T: Int, side: Int) -> DiffusionFit {
    guard side >= 1, side * side <= T, attention.count == T * T else { return .invalid }
    let n = side * side
    var block = [Float](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { block[i * n + j] = attention[i * T + j] } }
    var squared = [Int](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0..<n {
            let dr = i / side - j / side, dc = i % side - j % side
            squared[i * n + j] = dr * dr + dc * dc
        }
    }
    return fitDistanceKernel(attention: block, n: n, squaredDistance: squared)
}

/// The heat kernel exp(−D_ij/4κ) for any integer squared distance D (n*n, row-major, non-negative):
/// κ maximises the mean row cosine (the same search as `fitDiffusionKernel`); cosine, JSD and the
/// uniform row's cosine and JSD as in `DiffusionFit`. With D = (i − j)² it is `fitDiffusionKernel`'s
/// non-causal fit (tested).
public func fitDistanceKernel(attention: [Float], n: Int, squaredDistance: [Int]) -> DiffusionFit {
    guard n >= 1, attention.count == n * n, squaredDistance.count == n * n,
          let maxD = squaredDistance.max(), squaredDistance.allSatisfy({ $0 >= 0 }) else { return .invalid }
    for a in attention where !(a.isFinite && a >= 0) { return .invalid }
    let rows: [[Double]] = (0..<n).compactMap { i in
        let r = (0..<n).map { Double(attention[i * n + $0]) }
        let mass = r.reduce(0, +)
        return mass > 0 ? r.map { $0 / mass } : nil
    }
    let usable = (0..<n).filter { i in (0..<n).contains { attention[i * n + $0] > 0 } }
    guard !rows.isEmpty else { return .invalid }
    func kernelRow(_ table: [Double], _ i: Int) -> [Double] { (0..<n).map { table[squaredDistance[i * n + $0]] } }
    func table(_ logKappa: Double) -> [Double] { (0...maxD).map { exp(-Double($0) / (4 * exp(logKappa))) } }
    func meanCosine(_ logKappa: Double) -> Double {
        let t = table(logKappa)
        return zip(usable, rows).reduce(0) { $0 + fitCosine($1.1, kernelRow(t, $1.0)) } / Double(rows.count)
    }
    let best = bestLogKappa(meanCosine)
    let t = table(best)
    let uniform = [Double](repeating: 1 / Double(n), count: n)
    var jsd = 0.0, ujsd = 0.0, ucos = 0.0
    for (i, row) in zip(usable, rows) {
        var k = kernelRow(t, i)
        let z = k.reduce(0, +)
        k = k.map { $0 / z }
        jsd += attentionFitJSD(row, k); ujsd += attentionFitJSD(row, uniform); ucos += fitCosine(row, uniform)
    }
    let c = Double(rows.count)
    return DiffusionFit(kappa: Float(exp(best)), cosine: Float(meanCosine(best)), jsd: Float(jsd / c),
                        uniformCosine: Float(ucos / c), uniformJSD: Float(ujsd / c))
}

// MARK: - summaries over units (sequences or seeds)

/// The four readings, in report order.
public enum AttentionReading: String, CaseIterable, Sendable, Codable {
    case rows, profile, depth, grid
}

/// One reading over units: the statistic's and its null's mean with 95% Student-t intervals, their
/// paired difference, and the one verdict rule (`heatKernelClaimVerdict`) applied to the reading and,
/// separately, to its null ("does the null also reach 0.98?": its interval against 0.98 alone).
public struct ReadingSummary: Equatable, Sendable {
    public var reading: AttentionReading
    public var value: MeanCI
    public var null: MeanCI
    public var difference: MeanCI          // value − null, paired per unit
    public var verdict: IntervalVerdict    // cosine > 0.98 and better than the null
    public var nullVerdict: IntervalVerdict   // the null's cosine > 0.98
}

/// Per reading, over `samples` (one per unit); readings no sample measured are left out.
public func summarizeReadings(_ samples: [AttentionReadingSample]) -> [ReadingSummary] {
    AttentionReading.allCases.compactMap { r in
        let pairs = samples.map { $0.pair(r) }.filter { $0.0.isFinite && $0.1.isFinite }
        guard !pairs.isEmpty else { return nil }
        let v = MeanCI(pairs.map(\.0)), n = MeanCI(pairs.map(\.1)), d = MeanCI(pairs.map { $0.0 - $0.1 })
        return ReadingSummary(reading: r, value: v, null: n, difference: d,
                              verdict: heatKernelClaimVerdict(cosineLower: v.lower, cosineUpper: v.upper,
                                                              differenceLower: d.lower, differenceUpper: d.upper),
                              nullVerdict: intervalVerdict(lower: n.lower, upper: n.upper, threshold: heatKernelClaimCosine))
    }
}

/// The element-wise mean of several samples (one seed's sequences → one unit); NaN entries skipped.
public func meanReadingSample(_ samples: [AttentionReadingSample]) -> AttentionReadingSample {
    func m(_ f: (AttentionReadingSample) -> Double) -> Double { meanOf(samples.map(f)) }
    let L = samples.map(\.meanDistance.count).max() ?? 0
    func perLayer(_ f: (AttentionReadingSample) -> [Double]) -> [Double] {
        (0..<L).map { l in meanOf(samples.map { l < f($0).count ? f($0)[l] : .nan }) }
    }
    return AttentionReadingSample(rows: m(\.rows), rowsNull: m(\.rowsNull), profile: m(\.profile),
                                  profileNull: m(\.profileNull), depth: m(\.depth), depthNull: m(\.depthNull),
                                  grid: m(\.grid), gridNull: m(\.gridNull), profileKappa: perLayer(\.profileKappa),
                                  meanDistance: perLayer(\.meanDistance), gridKappa: medianOf(samples.map(\.gridKappa)))
}

extension AttentionReadingSample {
    /// (statistic, null) of one reading.
    public func pair(_ r: AttentionReading) -> (Double, Double) {
        switch r {
        case .rows: return (rows, rowsNull)
        case .profile: return (profile, profileNull)
        case .depth: return (depth, depthNull)
        case .grid: return (grid, gridNull)
        }
    }
}

// MARK: - helpers

/// Mean of the finite values; NaN when there are none.
func meanOf(_ xs: [Double]) -> Double {
    let f = xs.filter(\.isFinite)
    return f.isEmpty ? .nan : f.reduce(0, +) / Double(f.count)
}

/// Median of the finite values; NaN when there are none.
func medianOf(_ xs: [Double]) -> Double {
    let f = xs.filter(\.isFinite).sorted()
    guard !f.isEmpty else { return .nan }
    return f.count % 2 == 1 ? f[f.count / 2] : (f[f.count / 2 - 1] + f[f.count / 2]) / 2
}
