// listops: nested list operations as in LRA ListOps (Nangia & Bowman 2018; Tay et al. 2021).
//
//   [MAX 2 9 [MIN 4 7 ] 0 ]  →  9
//
// Operators: MAX, MIN, MED (median; for an even count the floor of the mean of the two middle
// values, as LRA's int(np.median)), SM (sum mod 10). Arguments are digits 0-9 or nested lists.
// Each example is one expression padded with PAD to T; the label (K = 10) is its value.
// Shapes: tokens (T), targets (1).

import PDETCore

/// Token ids of listops.
public enum ListOpsVocab {
    // ids 0...9 are the digits
    public static let max: Int32 = 10
    public static let min: Int32 = 11
    public static let median: Int32 = 12
    public static let sumMod: Int32 = 13
    public static let close: Int32 = 14
    public static let pad: Int32 = 15
    public static let count = 16            // V
    static let labels = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                         "[MX", "[MN", "[MD", "[SM", "]", "·"]
    /// The LRA spelling of each token, for parsing and printing expressions.
    static let words = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                        "[MAX", "[MIN", "[MED", "[SM", "]", "PAD"]
}

public enum ListOps {
    /// Token ids of an expression written as text, e.g. "[MAX 2 9 [MIN 4 7 ] 0 ]"; nil if a word
    /// is not a token.
    public static func tokens(_ text: String) -> [Int32]? {
        var out: [Int32] = []
        for word in text.split(separator: " ") {
            guard let id = ListOpsVocab.words.firstIndex(of: String(word)) else { return nil }
            out.append(Int32(id))
        }
        return out
    }

    /// The text of an expression (PAD tokens omitted).
    public static func text(_ tokens: [Int32]) -> String {
        tokens.filter { $0 != ListOpsVocab.pad }
            .map { label($0, in: ListOpsVocab.words) }
            .joined(separator: " ")
    }

    /// The value 0...9 of one expression followed by any number of PAD tokens; nil when the
    /// tokens are not exactly one well-formed expression (unbalanced, empty list, trailing tokens).
    public static func evaluate(_ tokens: [Int32]) -> Int? {
        var stack: [(op: Int32, args: [Int])] = []   // open lists, innermost last
        var result: Int?
        var end = tokens.count
        while end > 0 && tokens[end - 1] == ListOpsVocab.pad { end -= 1 }
        for t in tokens[0..<end] {
            if result != nil { return nil }          // tokens after a complete expression
            switch t {
            case 0...9:
                if stack.isEmpty { result = Int(t) } else { stack[stack.count - 1].args.append(Int(t)) }
            case ListOpsVocab.max...ListOpsVocab.sumMod:
                stack.append((t, []))
            case ListOpsVocab.close:
                guard let list = stack.popLast(), !list.args.isEmpty else { return nil }
                let value = apply(list.op, list.args)
                if stack.isEmpty { result = value } else { stack[stack.count - 1].args.append(value) }
            default:
                return nil                           // PAD inside, or an unknown id
            }
        }
        return stack.isEmpty ? result : nil
    }

    static func apply(_ op: Int32, _ args: [Int]) -> Int {
        switch op {
        case ListOpsVocab.max: return args.max()!
        case ListOpsVocab.min: return args.min()!
        case ListOpsVocab.median:
            let s = args.sorted()
            let m = s.count / 2
            return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
        default: return args.reduce(0, +) % 10
        }
    }
}

public struct ListOpsTask: TaskDataset {
    public let seqLen: Int
    let stream: ExampleStream

    /// "[SM 3 4 ]" is the shortest expression with an operator.
    public static let minimumSeqLen = 4
    /// Arguments per list: 2...maxArguments.
    static let maxArguments = 5
    /// A non-root argument is a digit with this probability (else a nested list, depth permitting).
    static let leafProbability: Float = 0.4
    /// Draws per example while looking for an expression with the wanted label (classes balanced).
    static let labelAttempts = 200

    init(seqLen: Int, seed: UInt64) throws(TaskError) {
        if seqLen < Self.minimumSeqLen {
            throw .seqLenTooShort(task: .listops, seqLen: seqLen, minimum: Self.minimumSeqLen)
        }
        self.seqLen = seqLen
        stream = ExampleStream(kind: .listops, seed: seed, seqLen: seqLen)
    }

    public var kind: TaskKind { .listops }
    public var vocabSize: Int { ListOpsVocab.count }
    public var outputs: Int { 10 }
    public var head: HeadKind { .classify }
    public var testSize: Int { generatedTestSize }

    /// Deepest nesting (root = depth 0): grows with T so longer sequences hold deeper trees
    /// (mean length ≈ 35 tokens at depth 3, ≈ 75 at depth 4).
    public var maxDepth: Int { seqLen <= 96 ? 3 : (seqLen <= 384 ? 4 : 5) }

    public func trainBatch(index: Int, batchSize: Int) -> Batch {
        stream.trainBatch(index: index, batchSize: batchSize) { rng, _, _ in
            example(&rng, label: rng.nextInt(below: 10))
        }
    }

    /// The held-out set has exactly testSize / 10 examples of each label (slot % 10).
    public func testBatch(index: Int, batchSize: Int) -> Batch {
        stream.testBatch(index: index, batchSize: batchSize) { rng, slot, _ in
            example(&rng, label: slot % 10)
        }
    }

    public func tokenLabel(_ id: Int32) -> String { label(id, in: ListOpsVocab.labels) }

    /// An expression whose value is `wanted` (by rejection; after `labelAttempts` misses the last
    /// draw is kept with its own value, which in practice never happens).
    func example(_ rng: inout SplitMix64, label wanted: Int) -> Example {
        var expression: [Int32] = []
        var value = -1
        for _ in 0..<Self.labelAttempts {
            expression.removeAll(keepingCapacity: true)
            value = generate(&rng, budget: seqLen, depth: 0, into: &expression)
            if value == wanted { break }
        }
        var tokens = expression
        tokens += [Int32](repeating: ListOpsVocab.pad, count: seqLen - expression.count)
        return Example(tokens: tokens, targets: [Int32(value)])
    }

    /// Appends a random expression of at most `budget` tokens (budget ≥ 1) and returns its value.
    /// The root (depth 0) is always a list when the budget allows one.
    func generate(_ rng: inout SplitMix64, budget: Int, depth: Int, into out: inout [Int32]) -> Int {
        let leaf = budget < 4 || depth >= maxDepth
            || (depth > 0 && rng.nextUnitFloat() < Self.leafProbability)
        if leaf {
            let digit = rng.nextInt(below: 10)
            out.append(Int32(digit))
            return digit
        }
        let op = ListOpsVocab.max + Int32(rng.nextInt(below: 4))
        var remaining = budget - 2                   // room inside "[OP" … "]"
        let arity = min(2 + rng.nextInt(below: Self.maxArguments - 1), remaining)
        out.append(op)
        var args: [Int] = []
        for k in 0..<arity {
            let reserved = arity - 1 - k             // one token for each later argument
            let start = out.count
            args.append(generate(&rng, budget: remaining - reserved, depth: depth + 1, into: &out))
            remaining -= out.count - start
        }
        out.append(ListOpsVocab.close)
        return ListOps.apply(op, args)
    }
}
