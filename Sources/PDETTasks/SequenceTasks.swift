// reverse, sort, copy: per-token tasks over a 10-symbol alphabet (docs/tasks.md).
//
// Each example holds n symbols x[0..<n] (n random, see `lengthRange`), then padding:
//   reverse  target[i] = x[n-1-i]                for i < n
//   sort     target[i] = sorted(x)[i]            for i < n
//   copy     tokens  x[0..<n] SEP BLANK×n PAD…   (n ≤ (T-1)/2)
//            target[n+1+j] = x[j]                for j < n
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

    /// The smallest T every per-token task accepts (copy needs room for two symbols and SEP).
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

    /// Lengths n of the symbol run: from about half the room up to all of it, so the model has
    /// to find where the symbols end (the first PAD) rather than assume a fixed length.
    public var lengthRange: ClosedRange<Int> {
        let room = kind == .copy ? (seqLen - 1) / 2 : seqLen
        return max(1, (room + 1) / 2)...room
    }

    public func trainBatch(index: Int, batchSize: Int) -> Batch {
        stream.trainBatch(index: index, batchSize: batchSize) { rng, _, _ in example(&rng) }
    }

    public func testBatch(index: Int, batchSize: Int) -> Batch {
        stream.testBatch(index: index, batchSize: batchSize) { rng, _, _ in example(&rng) }
    }

    public func tokenLabel(_ id: Int32) -> String { label(id, in: SequenceVocab.labels) }

    func example(_ rng: inout SplitMix64) -> Example {
        let range = lengthRange
        let n = range.lowerBound + rng.nextInt(below: range.count)
        let x = (0..<n).map { _ in Int32(rng.nextInt(below: SequenceVocab.symbols)) }
        return Self.layout(kind, symbols: x, seqLen: seqLen)
    }

    /// Tokens and targets of one example holding `symbols` (the definitions at the top of the file).
    static func layout(_ kind: TaskKind, symbols x: [Int32], seqLen: Int) -> Example {
        let n = x.count
        var tokens = [Int32](repeating: SequenceVocab.pad, count: seqLen)
        var targets = [Int32](repeating: Batch.ignore, count: seqLen)
        for i in 0..<n { tokens[i] = x[i] }
        switch kind {
        case .reverse:
            for i in 0..<n { targets[i] = x[n - 1 - i] }
        case .sort:
            let sorted = x.sorted()
            for i in 0..<n { targets[i] = sorted[i] }
        default: // .copy
            tokens[n] = SequenceVocab.separator
            for j in 0..<n {
                tokens[n + 1 + j] = SequenceVocab.blank
                targets[n + 1 + j] = x[j]
            }
        }
        return Example(tokens: tokens, targets: targets)
    }
}
