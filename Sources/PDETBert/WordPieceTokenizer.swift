// The BERT uncased tokenizer, step for step as Hugging Face's BertTokenizer (BasicTokenizer then
// WordpieceTokenizer), so token ids match the reference exactly:
//   1. special tokens written in the text ("[MASK]", "[SEP]", ...) are split out first, untouched;
//   2. clean: drop NUL, U+FFFD and control/format characters (category C*), map whitespace to " ";
//   3. put spaces around CJK ideographs (each becomes its own word);
//   4. NFC, split on whitespace; per word: lowercase, strip accents (NFD, drop nonspacing marks),
//      split on punctuation (ASCII symbol ranges plus Unicode P*);
//   5. WordPiece: greedy longest match first, "##" marks a continuation; a word longer than
//      100 characters or with no match becomes [UNK].
// Everything works on Unicode scalars (Python code points), never on Swift Characters, and the
// vocabulary is keyed by UTF-8 bytes: Swift String equality is canonical equivalence, Python's is not.

import Foundation

/// A tokenized input: `[CLS] … [SEP]`, at most `maxLength` tokens.
public struct TokenizedText: Equatable, Sendable, Codable {
    public var tokens: [String]   // (T) token strings, e.g. ["[CLS]", "cafe", "##s", "[SEP]"]
    public var ids: [Int]         // (T) vocabulary ids
    public var truncated: Bool    // true when word pieces were dropped to fit `maxLength`
}

public struct WordPieceTokenizer: Sendable {
    public let idToToken: [String]              // (V) token string of each id, the vocab.txt lines
    private let tokenToId: [[UInt8]: Int]       // UTF-8 bytes → id (the last line wins, as in HF)
    public var lowercase = true                 // do_lower_case (also strips accents, as HF does)
    public var maxInputCharsPerWord = 100
    public let unkId: Int
    public let clsId: Int
    public let sepId: Int
    /// Special tokens that are split out of the text before anything else and kept whole.
    public let specialTokens: [String]

    /// `vocab[i]` is the token of id i.
    public init(vocab: [String]) throws(BertError) {
        var map: [[UInt8]: Int] = [:]
        map.reserveCapacity(vocab.count)
        for (id, token) in vocab.enumerated() { map[Array(token.utf8)] = id }
        func require(_ token: String) throws(BertError) -> Int {
            guard let id = map[Array(token.utf8)] else { throw BertError("vocabulary has no \(token) token") }
            return id
        }
        idToToken = vocab
        tokenToId = map
        unkId = try require("[UNK]")
        clsId = try require("[CLS]")
        sepId = try require("[SEP]")
        specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].filter { map[Array($0.utf8)] != nil }
    }

    /// Reads vocab.txt: one token per line, id = line number − 1 (only "\n" ends a line, as in HF).
    public init(vocabFile path: String) throws(BertError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BertError("\(path): cannot read the vocabulary (missing file?)")
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        if lines.isEmpty { throw BertError("\(path): the vocabulary is empty") }
        do { try self.init(vocab: lines) } catch { throw BertError("\(path): \(error.message)") }
    }

    public var vocabSize: Int { idToToken.count }

    /// The id of `token`, or nil when it is not in the vocabulary.
    public func id(of token: String) -> Int? { tokenToId[Array(token.utf8)] }

    // MARK: whole pipeline

    /// Word pieces of `text` without [CLS]/[SEP].
    public func tokenize(_ text: String) -> [String] {
        var out: [String] = []
        for piece in splitOnSpecialTokens(Array(text.unicodeScalars)) {
            switch piece {
            case .special(let token): out.append(token)
            case .text(let scalars):
                for word in basicTokenize(scalars) { out.append(contentsOf: wordPiece(word)) }
            }
        }
        return out
    }

    /// `[CLS] pieces [SEP]`, keeping at most `maxLength` tokens (`maxLength` ≥ 2); sets `truncated`
    /// when pieces were dropped (HF's `truncation=True, max_length=maxLength`).
    public func encode(_ text: String, maxLength: Int) -> TokenizedText {
        var pieces = tokenize(text)
        let room = max(maxLength - 2, 0)
        let truncated = pieces.count > room
        if truncated { pieces.removeLast(pieces.count - room) }
        let tokens = [idToToken[clsId]] + pieces + [idToToken[sepId]]
        var ids = [clsId]
        for piece in pieces { ids.append(id(of: piece) ?? unkId) }
        ids.append(sepId)
        return TokenizedText(tokens: tokens, ids: ids, truncated: truncated)
    }

    // MARK: step 1, special tokens

    private enum Piece { case special(String), text([Unicode.Scalar]) }

    private func splitOnSpecialTokens(_ scalars: [Unicode.Scalar]) -> [Piece] {
        let specials = specialTokens.map { Array($0.unicodeScalars) }
        var pieces: [Piece] = []
        var start = 0, i = 0
        scan: while i < scalars.count {
            if scalars[i] == "[" {
                for special in specials where i + special.count <= scalars.count
                    && scalars[i..<(i + special.count)].elementsEqual(special) {
                    if start < i { pieces.append(.text(Array(scalars[start..<i]))) }
                    pieces.append(.special(String(String.UnicodeScalarView(special))))
                    i += special.count
                    start = i
                    continue scan
                }
            }
            i += 1
        }
        if start < scalars.count { pieces.append(.text(Array(scalars[start...]))) }
        return pieces
    }

    // MARK: steps 2-4, BasicTokenizer

    /// Words after cleaning, CJK splitting, lowercasing, accent stripping and punctuation splitting.
    public func basicTokenize(_ text: String) -> [String] {
        basicTokenize(Array(text.unicodeScalars)).map { String(String.UnicodeScalarView($0)) }
    }

    func basicTokenize(_ text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if Self.isCJK(scalar.value) {
                cleaned.append(" "); cleaned.append(scalar); cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        let normalized = String(cleaned).precomposedStringWithCanonicalMapping
        var words: [[Unicode.Scalar]] = []
        for word in Self.splitOnWhitespace(normalized.unicodeScalars) {
            let folded = lowercase ? Self.stripAccents(Self.lowercased(word)) : word
            Self.splitOnPunctuation(folded, into: &words)
        }
        return words
    }

    /// HF `_is_control`: category C* except tab, newline and carriage return (those are whitespace).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// HF `_is_whitespace`: space, tab, newline, carriage return, or category Zs.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.generalCategory == .spaceSeparator
    }

    /// HF `_is_chinese_char`: the CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana).
    static func isCJK(_ cp: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(cp) || (0x3400...0x4DBF).contains(cp)
            || (0x20000...0x2A6DF).contains(cp) || (0x2A700...0x2B73F).contains(cp)
            || (0x2B740...0x2B81F).contains(cp) || (0x2B820...0x2CEAF).contains(cp)
            || (0xF900...0xFAFF).contains(cp) || (0x2F800...0x2FA1F).contains(cp)
    }

    /// HF `_is_punctuation`: the four ASCII symbol ranges (so "$", "+", "^" count) plus category P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let cp = s.value
        if (33...47).contains(cp) || (58...64).contains(cp) || (91...96).contains(cp) || (123...126).contains(cp) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// Python's `str.split()` on cleaned text: what is left of Python whitespace after cleaning is
    /// the space, U+2028 and U+2029 (Unicode White_Space covers exactly those here).
    static func splitOnWhitespace(_ text: String.UnicodeScalarView) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in text {
            if scalar == " " || scalar.properties.isWhitespace {
                if !current.isEmpty { words.append(current); current.removeAll() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Full Unicode lowercase mapping, one code point at a time (so "Σ" always becomes "σ": HF
    /// lowercases the text character by character before its BasicTokenizer sees it).
    static func lowercased(_ word: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(word.count)
        for scalar in word {
            if scalar.isASCII {
                out.append(scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// NFD, then drop nonspacing marks (category Mn): "café" → "cafe", "Å" → "a" after lowercasing.
    static func stripAccents(_ word: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if word.allSatisfy(\.isASCII) { return word }
        let decomposed = String(String.UnicodeScalarView(word)).decomposedStringWithCanonicalMapping
        return decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
    }

    /// Every punctuation scalar becomes its own word; the runs between stay whole.
    static func splitOnPunctuation(_ word: [Unicode.Scalar], into words: inout [[Unicode.Scalar]]) {
        var current: [Unicode.Scalar] = []
        for scalar in word {
            if isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll() }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
    }

    // MARK: step 5, WordPiece

    /// Greedy longest-match-first pieces of one word; `["[UNK]"]` when the word is longer than
    /// `maxInputCharsPerWord` code points or some part of it matches nothing.
    public func wordPiece(_ word: String) -> [String] {
        wordPiece(Array(word.unicodeScalars))
    }

    func wordPiece(_ chars: [Unicode.Scalar]) -> [String] {
        let unk = [idToToken[unkId]]
        if chars.count > maxInputCharsPerWord { return unk }
        // UTF-8 offsets of each code point, so every candidate is a slice of one byte array.
        var bytes: [UInt8] = []
        var offsets: [Int] = [0]
        for scalar in chars {
            bytes.append(contentsOf: String(String.UnicodeScalarView([scalar])).utf8)
            offsets.append(bytes.count)
        }
        var pieces: [String] = []
        var start = 0
        while start < chars.count {
            var end = chars.count
            var found: Int? = nil
            while start < end {
                var key: [UInt8] = start > 0 ? [UInt8(ascii: "#"), UInt8(ascii: "#")] : []
                key.append(contentsOf: bytes[offsets[start]..<offsets[end]])
                if let id = tokenToId[key] { found = id; break }
                end -= 1
            }
            guard let id = found else { return unk }
            pieces.append(idToToken[id])
            start = end
        }
        return pieces
    }
}
