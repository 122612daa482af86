// Multi-head self-attention over a fused QKV tensor (llm.c's attention_forward/backward), here
// bidirectional by default with an optional causal mask. Forward keeps the probabilities, which
// backward needs and which the explorer's Attention panel shows.
#if canImport(Glibc)
import Glibc
#endif

/// out (B, T, C) = softmax(Q·Kᵀ/√HS)·V per head; att (B, NH, T, T) saves the probabilities
/// (row = query, column = key; masked keys hold 0). inp = qkv (B, T, 3C) as [Q | K | V].
func attentionForward(_ out: FloatPtr, _ att: FloatPtr, _ inp: FloatPtr,
                      _ B: Int, _ T: Int, _ C: Int, _ NH: Int, causal: Bool) {
    let C3 = 3 * C, HS = C / NH
    let scale = 1 / Float(HS).squareRoot()
    parallelFor(B * NH, minChunk: 1) { lo, hi in
        for bh in lo..<hi {
            let b = bh / NH, h = bh % NH
            for t in 0..<T {
                let q = inp + b * T * C3 + t * C3 + h * HS
                let row = att + ((b * NH + h) * T + t) * T
                let last = causal ? t : T - 1
                var maxv = -Float.infinity
                for t2 in 0...last {
                    let k = inp + b * T * C3 + t2 * C3 + h * HS + C
                    let v = dot(q, k, HS) * scale
                    row[t2] = v
                    if v > maxv { maxv = v }
                }
                // A NaN or ±Inf score propagates as NaN probabilities: shown, never trapped.
                if !maxv.isFinite { maxv = 0 }
                var sum: Float = 0
                for t2 in 0...last {
                    let e = expf(row[t2] - maxv)
                    row[t2] = e
                    sum += e
                }
                let inv = 1 / sum
                for t2 in 0...last { row[t2] *= inv }
                if last + 1 < T { for t2 in (last + 1)..<T { row[t2] = 0 } }
                let o = out + b * T * C + t * C + h * HS
                zero(o, HS)
                for t2 in 0...last {
                    axpy(o, row[t2], inp + b * T * C3 + t2 * C3 + h * HS + 2 * C, HS)
                }
            }
        }
    }
}

/// dinp (B, T, 3C) += gradients of Q, K, V from dout (B, T, C), using the saved att (B, NH, T, T).
func attentionBackward(_ dinp: FloatPtr, _ dout: FloatPtr, _ inp: FloatPtr, _ att: FloatPtr,
                       _ B: Int, _ T: Int, _ C: Int, _ NH: Int, causal: Bool) {
    let C3 = 3 * C, HS = C / NH
    let scale = 1 / Float(HS).squareRoot()
    // Each (b, h) touches only its own head's slice of dinp: workers never overlap.
    parallelFor(B * NH, minChunk: 1) { lo, hi in
        let datt = FloatPtr.allocate(capacity: T)
        defer { datt.deallocate() }
        for bh in lo..<hi {
            let b = bh / NH, h = bh % NH
            for t in 0..<T {
                let row = att + ((b * NH + h) * T + t) * T
                let g = dout + b * T * C + t * C + h * HS
                let q = inp + b * T * C3 + t * C3 + h * HS
                let dq = dinp + b * T * C3 + t * C3 + h * HS
                let last = causal ? t : T - 1
                // out = Σ att·v  →  datt = g·v, dv += att·g
                var weighted: Float = 0
                for t2 in 0...last {
                    let v = inp + b * T * C3 + t2 * C3 + h * HS + 2 * C
                    let dv = dinp + b * T * C3 + t2 * C3 + h * HS + 2 * C
                    datt[t2] = dot(g, v, HS)
                    axpy(dv, row[t2], g, HS)
                    weighted += row[t2] * datt[t2]
                }
                // softmax: dpre = att ⊙ (datt − Σ att·datt); then scores = q·k·scale
                for t2 in 0...last {
                    let dpre = row[t2] * (datt[t2] - weighted) * scale
                    if dpre == 0 { continue }
                    let k = inp + b * T * C3 + t2 * C3 + h * HS + C
                    let dk = dinp + b * T * C3 + t2 * C3 + h * HS + C
                    axpy(dq, dpre, k, HS)
                    axpy(dk, dpre, q, HS)
                }
            }
        }
    }
}
