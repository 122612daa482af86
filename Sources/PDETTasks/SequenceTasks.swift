// reverse, sort, copy: per-token tasks over a 10-symbol alphabet (docs/tasks.md).
//
// Each example holds n symbols x[0..<n] (n random, see `lengths`) and PAD elsewhere:
//   reverse  x centred at s = (T-n)/2 (T-n even): tokens[s+i] = x[i], target[s+i] = x[n-1-i].
//            So target[p] = tokens[T-1-p] wherever there is a symbol: one fixed mirror for
//            every n (a reflection of the sequence; the attention map is an anti-diagonal).
//   sort     x at the start: tokens[i] = x[i], target[i] = sorted(x)[i] (global counting).
//   copy     h = ⌊T/2⌋: x at the start, SEP at h-1, BLANK at h..<h+n (n ≤ h-1),
//            target[h+j] = x[j]: a shift by h for every n (a translation, like advection).
// Every other position has target Batch.ignore. Shapes: tokens (T), targets (T).

import PDETCore

/// Token ids shared by reverse, sort and copy.
public enum SequenceVocab {
    public static let symbols = 10          // ids 0..<10 are the symbols "0"…"9" (also the K outputs)
    public static let pad: Int32 = 10       // after the last symbol
    public static let separator: Int32 = 11 // copy: ends the source half
    public static let blank: Int32 = 12     // copy: a slot whose target is a copied symbol
    public static let count = 13            // V
    static let labels = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "·", "|", "_"]
}

public struct SequenceTask: TaskDataset {
    public let kind: TaskKind
    public let seqLen: Int
    let stream: ExampleStream

    /// The smallest T every per-token task accepts (copy needs a symbol, SEP and BLANK).
    public static let minimumSeqLen = 4

    /// `kind` must be .reverse, .sort or .copy (makeTask sees to that).
    init(_ kind: TaskKind, seqLen: Int, seed: UInt64) throws(TaskError) {
        precondition([.reverse, .sort, .copy].contains(kind), "SequenceTask is reverse, sort or copy")
        if seqLen < Self.minimumSeqLen {
            throw .seqLenTooShort(task: kind, seqLen: seqLen, minimum: Self.minimumSeqLen)
        }
        self.kind = kind
        self.seqLen = seqLen
        stream = ExampleStream(kind: kind, seed: seed, seqLen: seqLen)
    }

    public var vocabSize: Int { SequenceVocab.count }
    public var outputs: Int { SequenceVocab.symbols }
    public var head: HeadKind { .perToken }
    public var testSize: Int { generatedTestSize }

    /// Lengths n of the symbol run: from about half the room up to all of it (reverse: only n with
    /// T - n even, so the run can be centred).
    public var lengths: [Int] {
        let room = kind == .copy ? seqLen / 2 - 1 : seqLen
        let all = Array(max(1, (room + 1) / 2)...room)
        return kind == .reverse ? all.filter { (seqLen - $0) % 2 == 0 } : all
    }

    public func trainBatch(index: Int, batchSize: Int) -> Batch {
        stream.trainBatch(index: index, batchSize: batchSize) { rng, _, _ in example(&rng) }
    }

    public func testBatch(index: Int, batchSize: Int) -> Batch {
        stream.testBatch(index: index, batchSize: batchSize) { rng, _, _ in example(&rng) }
    }

    public func tokenLabel(_ id: Int32) -> String { label(id, in: SequenceVocab.labels) }

    func example(_ rng: inout SplitMix64) -> Example {
        let choices = lengths
        let n = choices[rng.nextInt(below: choices.count)]
        let x = (0..<n).map { _ in Int32(rng.nextInt(below: SequenceVocab.symbols)) }
        return Self.layout(kind, symbols: x, seqLen: seqLen)
    }

    /// Tokens and targets of one example holding `symbols` (the definitions at the top of the file).
    /// The caller keeps n = symbols.count in `lengths`.
    static func layout(_ kind: TaskKind, symbols x: [Int32], seqLen: Int) -> Example {
        let n = x.count
        var tokens = [Int32](repeating: SequenceVocab.pad, count: seqLen)
        var targets = [Int32](repeating: Batch.ignore, count: seqLen)
        switch kind {
        case .reverse:
            let start = (seqLen - n) / 2
            for i in 0..<n {
                tokens[start + i] = x[i]
                targets[start + i] = x[n - 1 - i]
            }
        case .sort:
            let sorted = x.sorted()
            for i in 0..<n {
                tokens[i] = x[i]
                targets[i] = sorted[i]
            }
        default: // .copy
            let h = seqLen / 2
            for i in 0..<n { tokens[i] = x[i] }
            tokens[h - 1] = SequenceVocab.separator
            for j in 0..<n {
                tokens[h + j] = SequenceVocab.blank
                targets[h + j] = x[j]
            }
        }
        return Example(tokens: tokens, targets: targets)
    }
}
