// Is a diffusion layer stable? The true amplification of the explicit step, not the Σα ≤ 1/2 rule.
//
// One step of the kernel (DiffusionKernel.swift) on one channel is the T×T matrix
//   M = I + Σ_s alpha_s · L_s,   (L_s u)[t] = u[max(t−s, 0)] − 2·u[t] + u[min(t+s, T−1)]
// with the clamped-index (Neumann, zero-flux for s = 1) boundary. Every row of L_s sums to 0, so
// M·1 = 1 and the spectral radius ρ(M) is never below 1. The layer applies M `steps` times; its
// amplification under repetition is ρ(M)^steps, and it is unstable only when that exceeds 1.
//
// Σ_s alpha_s ≤ 1/2 (with alpha ≥ 0) is sufficient: M is then non-negative with unit row sums, so
// ‖M‖∞ = 1 and ρ = 1 exactly (a maximum principle). It is not necessary: scale 2 and 4 do not
// act on the highest frequency, so alpha = 0.2 at each of the scales {1, 2, 4} (Σ 0.6) still has
// ρ = 1. For s ≥ 2 the clamped L_s is not symmetric, so neither the periodic Fourier factor
// H(k) = 1 − Σ_s 4·alpha_s·sin²(π·k·s/T) nor a symmetric eigen-solver gives ρ exactly; we compute
// the eigenvalues of the actual matrix (Hessenberg reduction and shifted QR, in Double).
// Numbers and method: docs/diffusion-sites.md ("Stability").
#if canImport(Glibc)
import Glibc
#endif

/// The classical sufficient limit: per channel, alpha_s ≥ 0 and Σ_s alpha_s ≤ 1/2 makes every step a
/// convex combination of its inputs. The clamp (`pdeClamp`) projects the alphas onto this set.
public let diffusionAlphaSumLimit: Float = 0.5

/// A layer is unstable when its amplification ρ^steps exceeds 1 by more than this (rounding in the
/// eigenvalues is ~1e-12; a growth of 1e-6 per application takes ~700 000 applications to double).
public let diffusionStabilityTolerance = 1e-6

/// Above this T the exact eigenvalues (O(T³)) give way to the symbol bound (see `diffusionSpectralRadius`).
public let diffusionExactStabilityMaxT = 256

/// The T×T matrix of one explicit step with per-scale `alphas` (one channel), row-major, Double.
public func diffusionStepMatrix(alphas: [Double], scales: [Int], T: Int) -> [Double] {
    var m = [Double](repeating: 0, count: T * T)
    for t in 0..<T { m[t * T + t] = 1 }
    for (a, s) in zip(alphas, scales) {
        for t in 0..<T {
            m[t * T + max(t - s, 0)] += a
            m[t * T + t] -= 2 * a
            m[t * T + min(t + s, T - 1)] += a
        }
    }
    return m
}

/// sup over θ ∈ [0, π] of |h(θ)|, h(θ) = 1 − 4·Σ_s alpha_s·sin²(s·θ/2), never below 1: the step's
/// factor on the infinite line (periodic, T → ∞). Rigorous from above: h is smooth, so |h| peaks at
/// θ = 0, π (grid points) or at an extremum of h, where the grid (spacing Δ) misses at most
/// ½·max|h''|·(Δ/2)², max|h''| ≤ 2·Σ_s |alpha_s|·s². The spectral radius of the clamped T×T matrix
/// stayed at or below this bound in every check (DiffusionStabilityTests, docs/diffusion-sites.md)
/// and approaches it as T grows (alpha 0.6 at scale 1: 1.3986 at T = 64, 1.3996 at T = 128, bound 1.4).
public func diffusionSymbolBound(alphas: [Double], scales: [Int]) -> Double {
    let n = 256 * max(scales.max() ?? 1, 1)
    var peak = 1.0
    var curvature = 0.0
    for (a, s) in zip(alphas, scales) { curvature += 2 * abs(a) * Double(s * s) }
    for i in 0...n {
        let theta = Double.pi * Double(i) / Double(n)
        var h = 1.0
        for (a, s) in zip(alphas, scales) {
            let sn = sin(Double(s) * theta / 2)
            h -= 4 * a * sn * sn
        }
        peak = max(peak, abs(h))
    }
    let half = Double.pi / Double(n) / 2
    return peak + 0.5 * curvature * half * half
}

/// ρ(M), the spectral radius of one explicit step on one channel (never below 1, since M·1 = 1).
/// - alpha ≥ 0 with Σ alpha ≤ 1/2: exactly 1 (non-negative rows summing to 1).
/// - otherwise, T ≤ `diffusionExactStabilityMaxT`: the largest |eigenvalue| of the T×T matrix.
/// - otherwise: `diffusionSymbolBound` (the T → ∞ limit, from above).
/// Non-finite alphas give +∞.
public func diffusionSpectralRadius(alphas: [Double], scales: [Int], T: Int) -> Double {
    guard alphas.allSatisfy(\.isFinite) else { return .infinity }
    let sum = alphas.reduce(0, +)
    if alphas.allSatisfy({ $0 >= 0 }) && sum <= Double(diffusionAlphaSumLimit) { return 1 }
    guard T >= 2 else { return 1 }
    guard T <= diffusionExactStabilityMaxT,
          let eigen = hessenbergEigenvalues(diffusionStepMatrix(alphas: alphas, scales: scales, T: T), n: T)
    else { return diffusionSymbolBound(alphas: alphas, scales: scales) }
    var rho = 1.0
    for (re, im) in eigen { rho = max(rho, (re * re + im * im).squareRoot()) }
    return rho
}

/// ρ(M)^steps for one channel: how much `steps` repeated explicit steps can amplify a mode.
public func diffusionAmplification(alphas: [Float], scales: [Int], T: Int, steps: Int) -> Double {
    let rho = diffusionSpectralRadius(alphas: alphas.map(Double.init), scales: scales, T: T)
    return pow(rho, Double(max(steps, 1)))
}

/// True when an amplification (ρ^steps) is above 1 by more than the tolerance (NaN counts as unstable).
public func diffusionIsUnstable(amplification: Double) -> Bool {
    !(amplification <= 1 + diffusionStabilityTolerance)
}

/// The stability of one diffusion layer: its worst channel.
public struct DiffusionStability: Equatable, Sendable, Codable {
    public var amplification: Double   // max over channels of ρ(M_c)^steps
    public var channel: Int            // a channel that attains it
    public var maxAlphaSum: Float      // max over channels of Σ_s alpha_s[c] (the sufficient rule's figure)

    public init(amplification: Double, channel: Int, maxAlphaSum: Float) {
        self.amplification = amplification
        self.channel = channel
        self.maxAlphaSum = maxAlphaSum
    }

    public var unstable: Bool { diffusionIsUnstable(amplification: amplification) }
}

/// The worst channel of a layer with `alpha` (S, C) row-major (alpha[s·C + c]).
/// Channels with identical alphas are computed once; channels are visited in decreasing order of
/// their symbol bound and the search stops once no remaining bound can beat the worst found.
public func diffusionLayerStability(alpha: [Float], scales: [Int], C: Int, T: Int, steps: Int) -> DiffusionStability {
    let S = scales.count
    guard C > 0, S > 0, alpha.count >= S * C else { return DiffusionStability(amplification: 1, channel: 0, maxAlphaSum: 0) }
    var maxSum = -Float.infinity
    var unique: [[Float]: Int] = [:]            // alphas → first channel
    var order: [(bound: Double, channel: Int, alphas: [Double])] = []
    for c in 0..<C {
        let a = (0..<S).map { alpha[$0 * C + c] }
        let sum = a.reduce(0, +)
        maxSum = sum.isNaN || maxSum.isNaN ? .nan : max(maxSum, sum)
        guard unique[a] == nil else { continue }
        unique[a] = c
        let d = a.map(Double.init)
        let easy = d.allSatisfy { $0 >= 0 } && d.reduce(0, +) <= Double(diffusionAlphaSumLimit)
        let bound = !d.allSatisfy(\.isFinite) ? Double.infinity : (easy ? 1 : diffusionSymbolBound(alphas: d, scales: scales))
        order.append((bound, c, d))
    }
    order.sort { $0.bound != $1.bound ? $0.bound > $1.bound : $0.channel < $1.channel }
    var worst = 1.0, worstChannel = 0
    for item in order {
        if item.bound <= worst && item.bound.isFinite { break }
        let rho = diffusionSpectralRadius(alphas: item.alphas, scales: scales, T: T)
        if rho > worst || (rho == worst && item.channel < worstChannel) { worst = rho; worstChannel = item.channel }
        if rho.isInfinite { break }
    }
    return DiffusionStability(amplification: pow(worst, Double(max(steps, 1))), channel: worstChannel, maxAlphaSum: maxSum)
}

// MARK: - eigenvalues of a general real matrix

/// All eigenvalues (re, im) of the n×n row-major matrix `a`: reduction to upper Hessenberg form by
/// stabilised elementary similarity transforms, then the Francis double-shift QR iteration (the
/// classical EISPACK elmhes + hqr). nil when the iteration does not converge (30 sweeps for one
/// eigenvalue) or an input is not finite.
public func hessenbergEigenvalues(_ matrix: [Double], n: Int) -> [(Double, Double)]? {
    guard n >= 1, matrix.count == n * n, matrix.allSatisfy(\.isFinite) else { return nil }
    var a = matrix
    @inline(__always) func idx(_ i: Int, _ j: Int) -> Int { i * n + j }
    // elmhes
    if n > 2 {
        for m in 1..<(n - 1) {
            var x = 0.0
            var pivot = m
            for j in m..<n where abs(a[idx(j, m - 1)]) > abs(x) { x = a[idx(j, m - 1)]; pivot = j }
            if pivot != m {
                for j in (m - 1)..<n { a.swapAt(idx(pivot, j), idx(m, j)) }
                for j in 0..<n { a.swapAt(idx(j, pivot), idx(j, m)) }
            }
            guard x != 0 else { continue }
            for i in (m + 1)..<n {
                var y = a[idx(i, m - 1)]
                guard y != 0 else { continue }
                y /= x
                a[idx(i, m - 1)] = y
                for j in m..<n { a[idx(i, j)] -= y * a[idx(m, j)] }
                for j in 0..<n { a[idx(j, m)] += y * a[idx(j, i)] }
            }
        }
    }
    for i in 2..<max(n, 2) { for j in 0..<(i - 1) { a[idx(i, j)] = 0 } }   // drop the multipliers
    return hqr(&a, n)
}

/// Eigenvalues of the upper Hessenberg matrix `a` (n×n, row-major); destroys `a`.
private func hqr(_ a: inout [Double], _ n: Int) -> [(Double, Double)]? {
    @inline(__always) func idx(_ i: Int, _ j: Int) -> Int { i * n + j }
    var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
    var anorm = 0.0
    for i in 0..<n { for j in max(i - 1, 0)..<n { anorm += abs(a[idx(i, j)]) } }
    var nn = n - 1
    var t = 0.0
    var p = 0.0, q = 0.0, r = 0.0, s = 0.0, w = 0.0, x = 0.0, y = 0.0, z = 0.0
    while nn >= 0 {
        var its = 0
        var l = 0
        repeat {
            l = 0
            var ll = nn
            while ll >= 1 {
                s = abs(a[idx(ll - 1, ll - 1)]) + abs(a[idx(ll, ll)])
                if s == 0 { s = anorm }
                if abs(a[idx(ll, ll - 1)]) + s == s { a[idx(ll, ll - 1)] = 0; l = ll; break }
                ll -= 1
            }
            x = a[idx(nn, nn)]
            if l == nn {                                   // one root found
                wr[nn] = x + t; wi[nn] = 0; nn -= 1
            } else {
                y = a[idx(nn - 1, nn - 1)]
                w = a[idx(nn, nn - 1)] * a[idx(nn - 1, nn)]
                if l == nn - 1 {                           // two roots found
                    p = 0.5 * (y - x)
                    q = p * p + w
                    z = abs(q).squareRoot()
                    x += t
                    if q >= 0 {
                        z = p + (p >= 0 ? abs(z) : -abs(z))
                        wr[nn - 1] = x + z; wr[nn] = x + z
                        if z != 0 { wr[nn] = x - w / z }
                        wi[nn - 1] = 0; wi[nn] = 0
                    } else {
                        wr[nn - 1] = x + p; wr[nn] = x + p
                        wi[nn - 1] = -z; wi[nn] = z
                    }
                    nn -= 2
                } else {                                   // no roots yet: one double-shift QR sweep
                    if its == 30 { return nil }
                    if its == 10 || its == 20 {            // exceptional shift
                        t += x
                        for i in 0...nn { a[idx(i, i)] -= x }
                        s = abs(a[idx(nn, nn - 1)]) + abs(a[idx(nn - 1, nn - 2)])
                        x = 0.75 * s; y = x
                        w = -0.4375 * s * s
                    }
                    its += 1
                    var m = nn - 2
                    while m >= l {
                        z = a[idx(m, m)]
                        r = x - z
                        s = y - z
                        p = (r * s - w) / a[idx(m + 1, m)] + a[idx(m, m + 1)]
                        q = a[idx(m + 1, m + 1)] - z - r - s
                        r = a[idx(m + 2, m + 1)]
                        s = abs(p) + abs(q) + abs(r)
                        p /= s; q /= s; r /= s
                        if m == l { break }
                        let u = abs(a[idx(m, m - 1)]) * (abs(q) + abs(r))
                        let v = abs(p) * (abs(a[idx(m - 1, m - 1)]) + abs(z) + abs(a[idx(m + 1, m + 1)]))
                        if u + v == v { break }
                        m -= 1
                    }
                    for i in (m + 2)...nn {
                        a[idx(i, i - 2)] = 0
                        if i != m + 2 { a[idx(i, i - 3)] = 0 }
                    }
                    var k = m
                    while k <= nn - 1 {
                        if k != m {
                            p = a[idx(k, k - 1)]
                            q = a[idx(k + 1, k - 1)]
                            r = k != nn - 1 ? a[idx(k + 2, k - 1)] : 0
                            x = abs(p) + abs(q) + abs(r)
                            if x != 0 { p /= x; q /= x; r /= x }
                        }
                        let norm = (p * p + q * q + r * r).squareRoot()
                        s = p >= 0 ? norm : -norm
                        if s != 0 {
                            if k == m {
                                if l != m { a[idx(k, k - 1)] = -a[idx(k, k - 1)] }
                            } else {
                                a[idx(k, k - 1)] = -s * x
                            }
                            p += s
                            x = p / s; y = q / s; z = r / s
                            q /= p; r /= p
                            for j in k...nn {
                                p = a[idx(k, j)] + q * a[idx(k + 1, j)]
                                if k != nn - 1 {
                                    p += r * a[idx(k + 2, j)]
                                    a[idx(k + 2, j)] -= p * z
                                }
                                a[idx(k + 1, j)] -= p * y
                                a[idx(k, j)] -= p * x
                            }
                            let mmin = nn < k + 3 ? nn : k + 3
                            for i in l...mmin {
                                p = x * a[idx(i, k)] + y * a[idx(i, k + 1)]
                                if k != nn - 1 {
                                    p += z * a[idx(i, k + 2)]
                                    a[idx(i, k + 2)] -= p * r
                                }
                                a[idx(i, k + 1)] -= p * q
                                a[idx(i, k)] -= p
                            }
                        }
                        k += 1
                    }
                }
            }
        } while nn >= 0 && l < nn - 1
    }
    return zip(wr, wi).map { ($0, $1) }
}

/// What a layer's stability depends on (the cache key of `Transformer.layerStability`).
struct StabilityKey: Equatable {
    var alpha: [Float]
    var scales: [Int]
    var T: Int
    var steps: Int
}
