// The explicit heat-diffusion step along the token axis, applied to a pretrained BERT at one of
// the seven `DiffusionSite`s (docs/minilm.md says where each sits in post-LN BERT).
//
// The step is the core's kernel (PDETCore/DiffusionKernel.swift, docs/diffusion-sites.md):
//   u[i] += Σ_s alpha_s · (u[max(i−s, 0)] − 2·u[i] + u[min(i+s, T−1)])
// per channel, with Neumann (clamped) boundaries, one explicit Euler step per `steps`.
// Here alpha_s is the same for every channel and block (nothing is trained).

import PDETCore

/// Which diffusion layer to add to the pretrained model, and how strong.
public struct BertDiffusion: Equatable, Sendable, Codable {
    public var site: DiffusionSite
    public var scales: [Int]     // (S) token offsets s, e.g. [1] or [1, 2, 4]
    public var alphas: [Float]   // (S) alpha_s; Σ alpha_s ≤ 1/2 keeps the step stable
    public var steps: Int        // explicit Euler steps per application

    public static let off = BertDiffusion(site: .off, scales: [1], alphas: [0], steps: 1)

    /// `alpha` is the total, split evenly across `scales` (as the core's `pdeAlpha`).
    public init(site: DiffusionSite, alpha: Float, scales: [Int] = [1], steps: Int = 1) {
        self.init(site: site, scales: scales,
                  alphas: Array(repeating: alpha / Float(max(scales.count, 1)), count: scales.count), steps: steps)
    }

    public init(site: DiffusionSite, scales: [Int], alphas: [Float], steps: Int = 1) {
        self.site = site
        self.scales = scales
        self.alphas = alphas
        self.steps = steps
    }

    /// Throws the first problem (checked before every forward that uses the layer).
    public func validate() throws(BertError) {
        guard site != .off else { return }
        if scales.isEmpty { throw BertError("diffusion: list at least one scale") }
        if scales.count != alphas.count {
            throw BertError("diffusion: \(scales.count) scales but \(alphas.count) alphas")
        }
        if let bad = scales.first(where: { $0 < 1 }) { throw BertError("diffusion: scale \(bad) must be ≥ 1") }
        if let bad = alphas.first(where: { !$0.isFinite }) { throw BertError("diffusion: alpha \(bad) is not finite") }
        if steps < 1 || steps > 64 { throw BertError("diffusion: steps must be in 1...64 (got \(steps))") }
    }

    /// True when this layer acts at `site` (`.off` never acts).
    func acts(at here: DiffusionSite) -> Bool { site != .off && site == here }
}

/// Applies `diffusion.steps` explicit diffusion steps to u (T, C) in place; `scratch` holds ≥ T·C.
func diffusionForward(_ u: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>,
                      _ T: Int, _ C: Int, _ diffusion: BertDiffusion) {
    // The core's kernel takes per-channel alphas (S, C): repeat each alpha_s across channels.
    var alpha = [Float](repeating: 0, count: diffusion.scales.count * C)
    for (s, a) in diffusion.alphas.enumerated() {
        for c in 0..<C { alpha[s * C + c] = a }
    }
    alpha.withUnsafeMutableBufferPointer { a in
        for _ in 0..<diffusion.steps {
            PDETCore.diffusionForward(scratch, u, a.baseAddress!, diffusion.scales, 1, T, C)
            u.update(from: scratch, count: T * C)
        }
    }
}
