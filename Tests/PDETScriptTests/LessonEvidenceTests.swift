import XCTest
@testable import PDETScript

/// Lessons quote measured numbers from the committed reports (docs/results/). These tests re-read
/// the report and fail when a lesson's figure no longer matches it (a re-run report, an edited
/// caption): a claim in a lesson carries the report's figure, rounded, and its verdict.
final class LessonEvidenceTests: XCTestCase {
    private static let root: String = {
        // Tests/PDETScriptTests/LessonEvidenceTests.swift → repository root.
        #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
    }()

    private func read(_ path: String) throws -> String {
        try String(contentsOfFile: Self.root + "/" + path, encoding: .utf8)
    }

    /// The numbers in `text` (signs kept), e.g. "+0.0150 [+0.0131, +0.0169]" → [0.015, 0.0131, 0.0169].
    private func numbers(_ text: Substring) -> [Double] {
        var out: [Double] = [], cur = ""
        for ch in text + " " {
            if ch.isNumber || ch == "." || ((ch == "-" || ch == "+") && cur.isEmpty) { cur.append(ch); continue }
            if let v = Double(cur) { out.append(v) }
            cur = ""
        }
        return out
    }

    private func rounded(_ v: Double, _ places: Int = 3) -> String {
        String(format: "%.\(places)f", v)
    }

    func testLessonSixQuotesTheMiniLMReport() throws {
        let report = try read("docs/results/attention-fit-minilm.md")
        // | **all** | cos [lo, hi] | uniform | diff [lo, hi] | JSD heat | JSD uniform | κ | verdict |
        let all = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("| **all** |") })
        let cells = all.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(cells.count, 8, "\(all)")
        guard cells.count == 8 else { return }
        let cos = numbers(Substring(cells[1])), uniform = try XCTUnwrap(numbers(Substring(cells[2])).first)
        let diff = numbers(Substring(cells[3]))
        let verdict = cells[7]
        guard cos.count == 3, diff.count == 3 else { return XCTFail("unexpected row: \(all)") }
        // "Without [CLS]/[SEP] (word pieces only): **…** (cosine 0.6999 [0.6900, 0.7098], uniform 0.6353, …"
        let wp = try XCTUnwrap(report.range(of: "Without [CLS]/[SEP]"))
        let wordPieces = numbers(report[wp.upperBound...].prefix(200).drop { $0 != "(" })
        guard wordPieces.count >= 4 else { return XCTFail("unexpected word-piece sentence") }
        let wpCos = wordPieces[0], wpUniform = wordPieces[3]

        let lesson = try parseLesson(try read("assets/lessons/06-attention-as-diffusion.lesson"),
                                     fileName: "06-attention-as-diffusion.lesson")
        let beat = try XCTUnwrap(lesson.beats.first { $0.title == "On a real model" })
        let caption = beat.caption
        for quoted in [
            "cosine \(rounded(cos[0])) (95% CI \(rounded(cos[1]))-\(rounded(cos[2])))",
            "uniform \(rounded(uniform))",
            "difference +\(rounded(diff[0])) (+\(rounded(diff[1])) to +\(rounded(diff[2])))",
            "\(rounded(wpCos)) against \(rounded(wpUniform))",
        ] {
            XCTAssertTrue(caption.contains(quoted), "lesson 6 should quote '\(quoted)' from the report; caption: \(caption)")
        }
        // The verdict word the lesson uses is the report's.
        let word = verdict.replacingOccurrences(of: " here", with: "")
        XCTAssertTrue(caption.contains("is \(word) there"), "report verdict '\(verdict)'; caption: \(caption)")
    }
}
