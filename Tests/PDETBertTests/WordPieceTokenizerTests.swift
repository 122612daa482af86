// The tokenizer on a tiny vocabulary built here: every step of HF's BasicTokenizer and
// WordpieceTokenizer, without the downloaded model.

@testable import PDETBert
import XCTest

final class WordPieceTokenizerTests: XCTestCase {
    let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat",
                 "un", "##aff", "##able", ".", "!", "$", "^", "a", "##b", "##c", "cafe", "σ", "##σ", "€",
                 "e\u{301}", "ab", "¿"]

    func tokenizer(lowercase: Bool = true) throws -> WordPieceTokenizer {
        var t = try WordPieceTokenizer(vocab: vocab)
        t.lowercase = lowercase
        return t
    }

    func testGreedyLongestMatchWithContinuations() throws {
        let t = try tokenizer()
        XCTAssertEqual(t.tokenize("unaffable"), ["un", "##aff", "##able"])
        XCTAssertEqual(t.tokenize("abc"), ["ab", "##c"])        // "ab" beats "a" + "##b"
        XCTAssertEqual(t.tokenize("abbc"), ["ab", "##b", "##c"])
        XCTAssertEqual(t.tokenize("xyz"), ["[UNK]"])            // nothing matches the start
        XCTAssertEqual(t.tokenize("abx"), ["[UNK]"])            // a dead end anywhere: the whole word
    }

    func testLowercaseAccentsAndPunctuation() throws {
        let t = try tokenizer()
        XCTAssertEqual(t.tokenize("The CAT sat, on the mat!"), ["the", "cat", "sat", "[UNK]", "on", "the", "mat", "!"])
        XCTAssertEqual(t.tokenize("Café ÜNAFFABLE"), ["cafe", "un", "##aff", "##able"])
        XCTAssertEqual(t.tokenize("$5^a"), ["$", "[UNK]", "^", "a"])   // ASCII symbols split like punctuation
        XCTAssertEqual(t.tokenize("¿a€"), ["¿", "[UNK]"])               // Po splits; € (Sc) does not: "a€"
        XCTAssertEqual(t.tokenize("¿a €"), ["¿", "a", "€"])
        XCTAssertEqual(t.tokenize("ΣΣ"), ["σ", "##σ"])                  // per-character lowercase: no final ς
        XCTAssertEqual(t.basicTokenize("Hello-World"), ["hello", "-", "world"])
    }

    func testCleaningAndWhitespace() throws {
        let t = try tokenizer()
        XCTAssertEqual(t.tokenize("the\u{00A0}cat\u{2028}sat\ton\r\nmat\u{3000}."), ["the", "cat", "sat", "on", "mat", "."])
        XCTAssertEqual(t.tokenize("ca\u{7}t c\u{200B}at c\u{0}a\u{FFFD}t"), ["cat", "cat", "cat"])
        XCTAssertEqual(t.tokenize("   "), [])
        XCTAssertEqual(t.tokenize(""), [])
        XCTAssertEqual(t.tokenize("\u{301}"), [])   // a lone accent strips to nothing
    }

    func testCJKIdeographsAreSeparateWords() throws {
        let t = try tokenizer()
        XCTAssertEqual(t.basicTokenize("猫cat犬"), ["猫", "cat", "犬"])
        XCTAssertEqual(t.basicTokenize("ねこcat"), ["ねこcat"])     // Hiragana is not in HF's CJK ranges
    }

    func testSpecialTokensInTextStayWhole() throws {
        let t = try tokenizer()
        XCTAssertEqual(t.tokenize("the[MASK]cat [SEP]"), ["the", "[MASK]", "cat", "[SEP]"])
        // Lowercase "[mask]" is plain text: "[" and "]" split off, none of the three is in this vocab.
        XCTAssertEqual(t.tokenize("[mask]"), ["[UNK]", "[UNK]", "[UNK]"])
    }

    func testLongWordsBecomeUnknown() throws {
        let t = try tokenizer()
        let hundred = "a" + String(repeating: "c", count: 99)   // "a", then 99 × "##c"
        XCTAssertEqual(t.tokenize(hundred).count, 100)
        XCTAssertEqual(t.tokenize(hundred + "c"), ["[UNK]"])
        // Code points are counted after accent stripping: 100 "áb…" letters are 100 code points.
        XCTAssertEqual(t.tokenize("\u{E1}" + String(repeating: "c", count: 99)).count, 100)
    }

    func testVocabularyIsKeyedByBytesNotCanonicalEquivalence() throws {
        // Swift would call "é" (U+E9) and "e\u{301}" equal; Python's dict does not. Without
        // lowercasing (no accent stripping), NFC turns the decomposed input into U+E9, which the
        // vocabulary (holding only the decomposed form) does not contain.
        let t = try tokenizer(lowercase: false)
        XCTAssertEqual(t.tokenize("e\u{301}"), ["[UNK]"])
        XCTAssertEqual(t.id(of: "e\u{301}"), 24)
        XCTAssertNil(t.id(of: "\u{E9}"))
    }

    func testEncodeAddsSpecialTokensAndTruncates() throws {
        let t = try tokenizer()
        let full = t.encode("the cat sat", maxLength: 5)
        XCTAssertEqual(full.tokens, ["[CLS]", "the", "cat", "sat", "[SEP]"])
        XCTAssertEqual(full.ids, [2, 5, 6, 7, 3])
        XCTAssertFalse(full.truncated)
        let cut = t.encode("the cat sat on", maxLength: 5)
        XCTAssertEqual(cut.tokens, ["[CLS]", "the", "cat", "sat", "[SEP]"])
        XCTAssertTrue(cut.truncated)
        XCTAssertEqual(t.encode("", maxLength: 5).ids, [2, 3])
    }

    func testVocabularyErrors() throws {
        assertBertError(try WordPieceTokenizer(vocab: ["[CLS]", "[SEP]"]), contains: ["[UNK]"])
        assertBertError(try WordPieceTokenizer(vocabFile: "/nonexistent/vocab.txt"), contains: ["/nonexistent/vocab.txt"])
    }
}
