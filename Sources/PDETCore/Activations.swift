// Activation buffers (llm.c's ActivationTensors): every tensor a forward pass produces, as named
// pointers into one allocation, kept for the backward pass and for the metrics. One `BlockSlots`
// per block; the gradient side reuses a single `BlockSlots` as scratch, block after block.

/// One block's tensors. Roles (see Transformer+Forward.swift for the wiring under each norm mode):
struct BlockSlots {
    var x0: FloatPtr      // (B,T,C) pre/none: stream after the before-norm site; post: D(res1) before LN1
    var n1: FloatPtr      // (B,T,C) first norm output (a copy when norm is none)
    var mean1: FloatPtr   // (B,T)
    var rstd1: FloatPtr   // (B,T)
    var ain: FloatPtr     // (B,T,C) attention input after the before-attention site
    var qkv: FloatPtr     // (B,T,3C)
    var att: FloatPtr     // (B,NH,T,T) probabilities
    var atty: FloatPtr    // (B,T,C) heads concatenated, before the output projection
    var aout: FloatPtr    // (B,T,C) attention output (after projection)
    var aD: FloatPtr      // (B,T,C) after the after-attention site
    var res1: FloatPtr    // (B,T,C) first residual sum (= aD when residual is off)
    var n2: FloatPtr      // (B,T,C) second norm output
    var mean2: FloatPtr   // (B,T)
    var rstd2: FloatPtr   // (B,T)
    var fh: FloatPtr      // (B,T,F) fc1 output
    var fg: FloatPtr      // (B,T,F) GELU output
    var ft: FloatPtr      // (B,T,F) GELU's tanh, kept by a training forward for the backward pass
    var fout: FloatPtr    // (B,T,C) FFN output
    var fD: FloatPtr      // (B,T,C) after the after-ffn site
    var res2: FloatPtr    // (B,T,C) second residual sum
    var out: FloatPtr     // (B,T,C) block output after the between-layers site (= x_{l+1})
    var inter: FloatPtr   // ((steps−1), B,T,C) intermediate diffusion states of this block's site

    static func floats(B: Int, T: Int, C: Int, NH: Int, F: Int, steps: Int) -> Int {
        let BTC = B * T * C, BT = B * T
        return 15 * BTC + 4 * BT + B * NH * T * T + 3 * B * T * F + max(steps - 1, 0) * BTC
    }

    init(_ base: FloatPtr, B: Int, T: Int, C: Int, NH: Int, F: Int, steps: Int) {
        var p = base
        func take(_ n: Int) -> FloatPtr { defer { p += n }; return p }
        let BTC = B * T * C, BT = B * T
        x0 = take(BTC); n1 = take(BTC); mean1 = take(BT); rstd1 = take(BT)
        ain = take(BTC); qkv = take(3 * BTC); att = take(B * NH * T * T); atty = take(BTC)
        aout = take(BTC); aD = take(BTC); res1 = take(BTC); n2 = take(BTC); mean2 = take(BT); rstd2 = take(BT)
        fh = take(B * T * F); fg = take(B * T * F); ft = take(B * T * F); fout = take(BTC); fD = take(BTC); res2 = take(BTC)
        out = take(BTC); inter = take(max(steps - 1, 0) * BTC)
    }
}

/// Everything one forward pass of batch size B keeps.
final class Activations {
    let B: Int, T: Int, C: Int, NH: Int, F: Int, K: Int, steps: Int
    let storage: FloatBuffer
    let gradStorage: FloatBuffer
    /// Each block's own buffers (the allocation).
    private(set) var slots: [BlockSlots] = []
    /// Each block's tensors as the last forward pass left them: `slots`, except that a diffusion
    /// site that was an identity points at its input instead of holding a copy of it (x0, ain, aD,
    /// fD, out). Everything that reads activations (backward, metrics) reads these; after a
    /// loss-only forward (`lossOnly`) they are stale: its blocks shared the first two slots.
    var blocks: [BlockSlots] = []
    let grad: BlockSlots           // scratch gradients for the block being back-propagated
    let emb: FloatPtr              // (B,T,C) token + position embedding
    var x0: FloatPtr               // (B,T,C) layer-0 state: after the after-embedding site (= emb when it is off)
    let x0Buffer: FloatPtr         // (B,T,C) where the after-embedding site writes
    let embInter: FloatPtr         // ((steps−1),B,T,C)
    var h: FloatPtr                // (B,T,C) after the before-head site (= x_L when it is off)
    let hBuffer: FloatPtr          // (B,T,C) where the before-head site writes
    let headInter: FloatPtr        // ((steps−1),B,T,C)
    let lnf: FloatPtr              // (B,T,C) final norm output (a copy when norm is none)
    let meanf: FloatPtr, rstdf: FloatPtr   // (B,T)
    let pooled: FloatPtr           // (B,C) classify head only
    let logits: FloatPtr           // (B*T,K) per-token, or (B,K) classify
    let probs: FloatPtr            // same shape as logits
    // gradient buffers outside the blocks
    let dStreamA: FloatPtr, dStreamB: FloatPtr, dEmb: FloatPtr, dH: FloatPtr, dLnf: FloatPtr   // (B,T,C)
    let dPooled: FloatPtr          // (B,C)
    let dLogits: FloatPtr          // like logits
    let dSiteA: FloatPtr, dSiteB: FloatPtr   // (B,T,C) ping-pong for multi-step diffusion backward
    /// Whether the last forward kept GELU's tanh in each block's `ft` (a training forward).
    var geluTanhKept = false
    /// Whether each block's `att` holds every head's Pᵀ (key, query) rather than P (a training
    /// forward where attention runs transposed: attentionRunsTransposed).
    var attTransposed = false
    /// The last forward kept only what the loss needs (forwardPass): attention's probabilities
    /// were dropped (the blocks' `att` is stale) and GELU ran in place (each block's `fg` is its `fh`).
    var lossOnly = false
    var tokens: [Int32] = []
    var targets: [Int32] = []
    /// Packed GEMM operands of the backward pass (matmulBackward), allocated once.
    let packScratch: FloatBuffer

    init(B: Int, T: Int, C: Int, NH: Int, F: Int, K: Int, L: Int, steps: Int) {
        self.B = B; self.T = T; self.C = C; self.NH = NH; self.F = F; self.K = K; self.steps = steps
        let BTC = B * T * C, BT = B * T
        let perBlock = BlockSlots.floats(B: B, T: T, C: C, NH: NH, F: F, steps: steps)
        let inter = max(steps - 1, 0) * BTC
        let outer = 4 * BTC + 2 * inter + 2 * BT + B * C + 2 * BT * K
        storage = FloatBuffer(count: L * perBlock + outer)
        var p = storage.ptr
        func take(_ n: Int) -> FloatPtr { defer { p += n }; return p }
        for _ in 0..<L { slots.append(BlockSlots(take(perBlock), B: B, T: T, C: C, NH: NH, F: F, steps: steps)) }
        blocks = slots
        emb = take(BTC); x0Buffer = take(BTC); embInter = take(inter); hBuffer = take(BTC); headInter = take(inter)
        x0 = x0Buffer; h = hBuffer
        lnf = take(BTC); meanf = take(BT); rstdf = take(BT); pooled = take(B * C)
        logits = take(BT * K); probs = take(BT * K)

        gradStorage = FloatBuffer(count: perBlock + 9 * BTC + B * C + BT * K)
        var g = gradStorage.ptr
        func takeG(_ n: Int) -> FloatPtr { defer { g += n }; return g }
        grad = BlockSlots(takeG(perBlock), B: B, T: T, C: C, NH: NH, F: F, steps: steps)
        dStreamA = takeG(BTC); dStreamB = takeG(BTC); dEmb = takeG(BTC); dH = takeG(BTC); dLnf = takeG(BTC)
        dPooled = takeG(B * C); dLogits = takeG(BT * K); dSiteA = takeG(BTC); dSiteB = takeG(BTC)
        self.perBlockCount = perBlock
        let linear = [(C, 3 * C), (C, C), (C, F), (F, C), (C, K)]
        packScratch = FloatBuffer(count: linear.map { matmulBackwardScratch(BT, $0.0, $0.1) }.max()!)
    }

    let perBlockCount: Int

    /// Floats an `Activations` of these sizes allocates (storage and gradient scratch), without allocating.
    static func floats(B: Int, T: Int, C: Int, NH: Int, F: Int, K: Int, L: Int, steps: Int) -> Double {
        let b = Double(B), t = Double(T), c = Double(C), nh = Double(NH), f = Double(F), k = Double(K)
        let btc = b * t * c, bt = b * t, inter = Double(max(steps - 1, 0)) * btc
        let perBlock = 15 * btc + 4 * bt + b * nh * t * t + 3 * b * t * f + inter
        let outer = 4 * btc + 2 * inter + 2 * bt + b * c + 2 * bt * k
        let linear = [(C, 3 * C), (C, C), (C, F), (F, C), (C, K)]
        let pack = Double(linear.map { matmulBackwardScratch(B * T, $0.0, $0.1) }.max()!)   // packScratch
        return Double(L) * perBlock + outer + perBlock + 9 * btc + b * c + bt * k + pack
    }

    /// Layer states x_0 … x_L as pointers (B,T,C).
    var states: [FloatPtr] { [x0] + blocks.map(\.out) }
}
