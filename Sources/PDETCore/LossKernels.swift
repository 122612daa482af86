// The output heads and the loss: mean-pooling for classification, softmax cross-entropy with
// ignored targets, and argmax predictions.
#if canImport(Glibc)
import Glibc
#endif

/// out (B, C) = mean over T of inp (B, T, C).
func meanPoolForward(_ out: FloatPtr, _ inp: FloatPtr, _ B: Int, _ T: Int, _ C: Int) {
    for b in 0..<B {
        let o = out + b * C
        zero(o, C)
        for t in 0..<T { axpy(o, 1, inp + (b * T + t) * C, C) }
        for c in 0..<C { o[c] /= Float(T) }
    }
}

/// dinp (B, T, C) += dout (B, C) / T at every position.
func meanPoolBackward(_ dinp: FloatPtr, _ dout: FloatPtr, _ B: Int, _ T: Int, _ C: Int) {
    let invT = 1 / Float(T)
    for b in 0..<B {
        for t in 0..<T { axpy(dinp + (b * T + t) * C, invT, dout + b * C, C) }
    }
}

/// Softmax cross-entropy over rows of logits (N, K) with targets (N) (Batch.ignore = skip).
/// probs (N, K) saved for backward. Returns (mean loss, correct count, counted rows); the loss is
/// summed in Double so that gradient checks by finite differences are not drowned in rounding.
func crossEntropyForward(_ probs: FloatPtr, _ logits: FloatPtr, _ targets: UnsafePointer<Int32>,
                         _ N: Int, _ K: Int) -> (loss: Double, correct: Int, counted: Int) {
    var loss = 0.0
    var correct = 0, counted = 0
    for n in 0..<N {
        let l = logits + n * K, p = probs + n * K
        var maxv = -Float.infinity
        var arg = 0
        for k in 0..<K where l[k] > maxv { maxv = l[k]; arg = k }
        if !maxv.isFinite { maxv = 0 }
        var sum = 0.0
        for k in 0..<K { let e = exp(Double(l[k] - maxv)); p[k] = Float(e); sum += e }
        for k in 0..<K { p[k] = Float(Double(p[k]) / sum) }
        let target = Int(targets[n])
        guard target >= 0 && target < K else { continue }
        counted += 1
        if arg == target { correct += 1 }
        loss -= Double(l[target] - maxv) - log(sum)
    }
    return (counted > 0 ? loss / Double(counted) : .nan, correct, counted)
}

/// dlogits (N, K) += (probs − onehot(target)) / counted, for rows with a target.
func crossEntropyBackward(_ dlogits: FloatPtr, _ probs: FloatPtr, _ targets: UnsafePointer<Int32>,
                          _ N: Int, _ K: Int, counted: Int) {
    guard counted > 0 else { return }
    let inv = 1 / Float(counted)
    for n in 0..<N {
        let target = Int(targets[n])
        guard target >= 0 && target < K else { continue }
        let p = probs + n * K, d = dlogits + n * K
        for k in 0..<K { d[k] += (p[k] - (k == target ? 1 : 0)) * inv }
    }
}

/// Argmax of each row of logits (N, K); NaN rows give 0.
func argmaxRows(_ logits: FloatPtr, _ N: Int, _ K: Int) -> [Int32] {
    (0..<N).map { n in
        var best = 0
        var bestv = -Float.infinity
        for k in 0..<K where logits[n * K + k] > bestv { bestv = logits[n * K + k]; best = k }
        return Int32(best)
    }
}
