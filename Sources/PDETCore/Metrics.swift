// What a forward pass and a training step report: the dynamics a teacher points at.
// All values are Float and may be NaN or Inf: those are data to show, never a reason to trap.
// JSON schema: docs/metrics-schema.md.

/// Per-layer dynamics of the token states x_l, l = 0…L (0 = embedding output, after the
/// diffusion layer when it sits at after-embedding; l ≥ 1 = output of block l−1).
/// Averaged over the batch rows the forward pass saw.
public struct LayerMetrics: Equatable, Sendable, Codable {
    public var rms: Float            // sqrt(mean over tokens and channels of x²)
    public var drift: Float          // 1 − mean_i cos(x_l[i], x_0[i])
    public var updateRatio: Float    // ‖x_l − x_{l−1}‖ / ‖x_{l−1}‖ (0 at l = 0)
    public var uniformity: Float     // mean pairwise cosine between tokens (i ≠ j)
    public var rankCollapse: Float   // ‖X − 1·mean(X)‖ / ‖X‖ (Dong et al. 2021); → 0 when collapsed

    public init(rms: Float, drift: Float, updateRatio: Float, uniformity: Float, rankCollapse: Float) {
        self.rms = rms
        self.drift = drift
        self.updateRatio = updateRatio
        self.uniformity = uniformity
        self.rankCollapse = rankCollapse
    }
}

/// Where the first non-finite value appeared. `layer` is −1 for the embedding and L for the head.
public struct NonFinite: Equatable, Sendable, Codable {
    public var step: Int
    public var layer: Int
    public var tensor: String        // e.g. "attn.out", "ffn.h", "diffusion", "logits", "grad.w1"

    public init(step: Int, layer: Int, tensor: String) {
        self.step = step
        self.layer = layer
        self.tensor = tensor
    }
}

/// The diffusion layer seen as a filter: one channel before/after, spectra, and H(k).
public struct DiffusionProbe: Equatable, Sendable, Codable {
    public var site: DiffusionSite
    public var instance: Int         // which diffusion layer (block index for per-block sites, else 0)
    public var channel: Int          // channel c shown
    public var before: [Float]       // (T) u[:, c] entering the layer, batch row 0
    public var after: [Float]        // (T) u[:, c] leaving the layer (after all `steps` Euler steps)
    public var spectrumBefore: [Float]  // (T/2 + 1) |DFT| of `before`, mean-removed
    public var spectrumAfter: [Float]   // (T/2 + 1) |DFT| of `after`, mean-removed
    public var response: [Float]     // (T/2 + 1) H(k)^steps, H(k) = 1 − Σ_s 4·alpha_s[c]·sin²(π·k·s/T) (periodic)
    public var alphaSum: Float       // Σ_s alpha_s[c] for the channel shown (≤ 1/2 with alpha ≥ 0 is sufficient for stability)
    public var alphas: [Float]       // (S) alpha_s[c] for the channel shown
    public var meanAlphaSum: Float   // Σ_s alpha_s averaged over channels, this instance
    public var amplification: Float  // max over channels of ρ(M_c)^steps, M_c the T×T step matrix (> 1 is unstable)
    public var worstChannel: Int     // a channel that attains `amplification`
    public var channelAmplification: Float  // ρ(M_c)^steps for the channel shown
    public var maxAlphaSum: Float    // max over channels of Σ_s alpha_s[c], this instance

    public init(site: DiffusionSite, instance: Int, channel: Int, before: [Float], after: [Float],
                spectrumBefore: [Float], spectrumAfter: [Float], response: [Float],
                alphaSum: Float, alphas: [Float], meanAlphaSum: Float,
                amplification: Float = 1, worstChannel: Int = 0, channelAmplification: Float = 1,
                maxAlphaSum: Float? = nil) {
        self.site = site
        self.instance = instance
        self.channel = channel
        self.before = before
        self.after = after
        self.spectrumBefore = spectrumBefore
        self.spectrumAfter = spectrumAfter
        self.response = response
        self.alphaSum = alphaSum
        self.alphas = alphas
        self.meanAlphaSum = meanAlphaSum
        self.amplification = amplification
        self.worstChannel = worstChannel
        self.channelAmplification = channelAmplification
        self.maxAlphaSum = maxAlphaSum ?? alphaSum
    }

    /// True when the layer's worst channel amplifies (ρ^steps above 1 + `diffusionStabilityTolerance`).
    public var unstable: Bool { diffusionIsUnstable(amplification: Double(amplification)) }
}

/// Everything one forward pass reports.
public struct ForwardMetrics: Equatable, Sendable, Codable {
    public var loss: Float
    public var accuracy: Float                 // token accuracy (per-token) or sequence accuracy (classify)
    public var layers: [LayerMetrics]          // (L + 1)
    public var attention: [[[Float]]]          // (L, NH, T*T) probabilities of batch row 0, row-major [query][key]
    public var attentionEntropy: [[Float]]     // (L, NH) mean over queries of −Σ p log p (nats), batch row 0
    public var diffusion: DiffusionProbe?      // nil when the diffusion site is off
    public var nonFinite: NonFinite?           // first non-finite activation, in forward order

    public init(loss: Float, accuracy: Float, layers: [LayerMetrics], attention: [[[Float]]],
                attentionEntropy: [[Float]], diffusion: DiffusionProbe?, nonFinite: NonFinite?) {
        self.loss = loss
        self.accuracy = accuracy
        self.layers = layers
        self.attention = attention
        self.attentionEntropy = attentionEntropy
        self.diffusion = diffusion
        self.nonFinite = nonFinite
    }
}

/// Everything one training step reports (the forward's loss/accuracy are those before the update).
public struct StepMetrics: Equatable, Sendable, Codable {
    public var step: Int                       // 1-based count of updates applied so far
    public var loss: Float
    public var accuracy: Float
    public var gradNorm: Float                 // global L2 norm of all gradients, before clipping
    public var layerGradNorms: [Float]         // (L) L2 norm of each block's parameter gradients
    public var alphas: [[Float]]               // (instances, S) mean over channels of alpha_s per diffusion layer
    public var nonFinite: NonFinite?           // first non-finite value this step (forward, then gradients)
    public var lr: Float                       // learning rate used (after warm-up)

    public init(step: Int, loss: Float, accuracy: Float, gradNorm: Float, layerGradNorms: [Float],
                alphas: [[Float]], nonFinite: NonFinite?, lr: Float) {
        self.step = step
        self.loss = loss
        self.accuracy = accuracy
        self.gradNorm = gradNorm
        self.layerGradNorms = layerGradNorms
        self.alphas = alphas
        self.nonFinite = nonFinite
        self.lr = lr
    }
}
