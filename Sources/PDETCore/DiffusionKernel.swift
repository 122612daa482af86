// The PDE diffusion layer: one explicit Euler step of 1-D heat smoothing along the sequence,
// per channel, at one or more scales s:
//   out[t] = u[t] + Σ_s alpha[s, c] · (u[max(t−s, 0)] − 2·u[t] + u[min(t+s, T−1)])
// Clamped indices are the Neumann (zero-flux) boundary. Linear in T. For scale 1 the step
// conserves Σ_t u exactly; for alpha ≥ 0 and Σ_s alpha ≤ 1/2 each output is a convex combination
// of inputs (a maximum principle: the step never amplifies), the set the clamp projects onto.
// That is sufficient, not necessary: whether a layer amplifies is decided by the spectral radius
// of the actual step matrix (DiffusionStability.swift); with scale 1 alone, past Σ alpha = 1/2 the
// highest frequency is multiplied by about |1 − 4·alpha| > 1 and grows.
#if canImport(Glibc)
import Glibc
#endif

/// out (B, T, C) = one diffusion step of inp (B, T, C); alpha (S, C); scales (S).
public func diffusionForward(_ out: FloatPtr, _ inp: FloatPtr, _ alpha: FloatPtr, _ scales: [Int],
                      _ B: Int, _ T: Int, _ C: Int) {
    for b in 0..<B {
        let u = inp + b * T * C
        let o = out + b * T * C
        o.update(from: u, count: T * C)
        for (si, s) in scales.enumerated() {
            let a = alpha + si * C
            for t in 0..<T {
                let l = u + max(t - s, 0) * C, m = u + t * C, r = u + min(t + s, T - 1) * C
                let ot = o + t * C
                for c in 0..<C { ot[c] += a[c] * (l[c] - 2 * m[c] + r[c]) }
            }
        }
    }
}

/// dinp (B, T, C) += (∂out/∂inp)ᵀ · dout; dalpha (S, C) += Σ_{b,t} dout · Laplacian_s(inp).
public func diffusionBackward(_ dinp: FloatPtr, _ dalpha: FloatPtr?, _ dout: FloatPtr, _ inp: FloatPtr,
                       _ alpha: FloatPtr, _ scales: [Int], _ B: Int, _ T: Int, _ C: Int) {
    for b in 0..<B {
        let u = inp + b * T * C
        let g = dout + b * T * C
        let du = dinp + b * T * C
        for i in 0..<(T * C) { du[i] += g[i] }
        for (si, s) in scales.enumerated() {
            let a = alpha + si * C
            for t in 0..<T {
                let tl = max(t - s, 0), tr = min(t + s, T - 1)
                let l = u + tl * C, m = u + t * C, r = u + tr * C
                let gt = g + t * C
                let dl = du + tl * C, dm = du + t * C, dr = du + tr * C
                for c in 0..<C {
                    let ag = a[c] * gt[c]
                    dl[c] += ag
                    dm[c] -= 2 * ag
                    dr[c] += ag
                }
                if let dalpha {
                    let da = dalpha + si * C
                    for c in 0..<C { da[c] += gt[c] * (l[c] - 2 * m[c] + r[c]) }
                }
            }
        }
    }
}

/// H(k) = 1 − Σ_s 4·alpha_s·sin²(π·k·s/T) for k = 0…T/2: the gain of one step on the k-th Fourier
/// mode under the periodic approximation (exact away from the boundary). Returns (T/2 + 1) values.
public func diffusionResponse(alphas: [Float], scales: [Int], T: Int) -> [Float] {
    (0...(T / 2)).map { k in
        var h = 1.0
        for (a, s) in zip(alphas, scales) {
            let sn = sin(Double.pi * Double(k * s) / Double(T))
            h -= 4 * Double(a) * sn * sn
        }
        return Float(h)
    }
}

/// |DFT| of the mean-removed signal x (T) at k = 0…T/2 (a direct O(T²) transform: T ≤ 4096 here).
public func amplitudeSpectrum(_ x: [Float]) -> [Float] {
    let T = x.count
    guard T > 0 else { return [] }
    let mean = x.reduce(0.0) { $0 + Double($1) } / Double(T)
    // k·t mod T takes only T values: one cos and sin each instead of one per (k, t).
    let angles = (0..<T).map { 2 * Double.pi * Double($0) / Double(T) }
    let cosines = angles.map { cos($0) }, sines = angles.map { sin($0) }
    return (0...(T / 2)).map { k in
        var re = 0.0, im = 0.0
        for t in 0..<T {
            let j = k * t % T
            let v = Double(x[t]) - mean
            re += v * cosines[j]
            im -= v * sines[j]
        }
        return Float((re * re + im * im).squareRoot())
    }
}

/// Projects one diffusion layer's alpha (S, C) onto the sufficient set: each alpha ≥ 0 and, per channel,
/// Σ_s alpha ≤ 1/2 (scaled down proportionally when above). Non-finite values become 0.
func clampAlphas(_ alpha: FloatPtr, _ S: Int, _ C: Int) {
    for c in 0..<C {
        var sum: Float = 0
        for s in 0..<S {
            let v = alpha[s * C + c]
            alpha[s * C + c] = v.isFinite ? max(0, v) : 0
            sum += alpha[s * C + c]
        }
        if sum > diffusionAlphaSumLimit {
            for s in 0..<S { alpha[s * C + c] *= diffusionAlphaSumLimit / sum }
        }
    }
}
