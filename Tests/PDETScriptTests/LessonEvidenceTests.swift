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

    // MARK: the standard grid (docs/results/standard.md), quoted by lessons 3–5

    /// A claim row of the report's claims tables: "| 1 | <claim or task> | paper | +0.2 pp [-0.3, +0.7] | ±0.5 pp | **verdict** |".
    /// `values`: the numbers of the "here" cell (an effect, then its CI, for claims 1–3).
    private struct ClaimRow {
        let values: [Double], verdict: String
        var mean: Double { values.count >= 3 ? values[0] : .nan }
        var lo: Double { values.count >= 3 ? values[1] : .nan }
        var hi: Double { values.count >= 3 ? values[2] : .nan }
    }

    private func claimRow(_ report: String, claim: Int, task: String?) throws -> ClaimRow {
        let rows = report.split(separator: "\n").filter { $0.hasPrefix("| \(claim) | ") }
        let row = try XCTUnwrap(rows.first { line in
            let second = line.split(separator: "|")[1].trimmingCharacters(in: .whitespaces)
            if let task { return second == task || second.hasPrefix(task + " (") }
            return !["listops", "digits", "pathfinder"].contains { second == $0 || second.hasPrefix($0 + " (") }
        }, "claim \(claim) \(task ?? "pooled") in docs/results/standard.md")
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        return ClaimRow(values: numbers(Substring(cells[3])), verdict: cells[5].replacingOccurrences(of: "*", with: ""))
    }

    /// "+4.1 pp (95% CI +2.0 to +6.2)", as the lessons write a measured effect.
    private func quoted(_ r: ClaimRow) -> String {
        XCTAssertEqual(r.values.count, 3, "an effect and its CI: \(r.values)")
        func s(_ v: Double) -> String { (v >= 0 ? "+" : "") + String(format: "%.1f", v) }
        return "\(s(r.mean)) pp (95% CI \(s(r.lo)) to \(s(r.hi)))"
    }

    private func beat(_ file: String, _ title: String) throws -> String {
        let lesson = try parseLesson(try read("assets/lessons/" + file), fileName: file)
        return try XCTUnwrap(lesson.beats.first { $0.title == title }, "\(file): beat '\(title)'").caption
    }

    func testLessonsThreeToFiveQuoteTheStandardGrid() throws {
        let report = try read("docs/results/standard.md")
        // Lesson 3: one heat step after the embedding, per task (claim 1's per-task rows).
        let three = try beat("03-diffusion-low-pass.lesson", "Measured")
        for task in ["listops", "digits", "pathfinder"] {
            let r = try claimRow(report, claim: 1, task: task)
            XCTAssertTrue(three.contains("\(task) \(quoted(r))"), "lesson 3 should quote \(task) \(quoted(r)); caption: \(three)")
        }
        // Lesson 4: the two site claims, pooled, with their verdicts beside the paper's figures.
        let four = try beat("04-diffusion-sites.lesson", "Measured")
        for (claim, paper) in [(1, "+4.1"), (2, "-2.5")] {
            let r = try claimRow(report, claim: claim, task: nil)
            XCTAssertTrue(four.contains(quoted(r)), "lesson 4 should quote claim \(claim) as \(quoted(r)); caption: \(four)")
            XCTAssertTrue(four.contains("paper \(paper) pp"), "lesson 4 should give the paper's \(paper); caption: \(four)")
            XCTAssertTrue(four.contains(r.verdict), "lesson 4 should say claim \(claim) is '\(r.verdict)'; caption: \(four)")
        }
        // Lesson 5: multi-scale against single-scale, pooled.
        let five = try beat("05-multiscale.lesson", "Measured")
        let r = try claimRow(report, claim: 3, task: nil)
        XCTAssertTrue(five.contains(quoted(r)), "lesson 5 should quote \(quoted(r)); caption: \(five)")
        XCTAssertTrue(five.contains(r.verdict), "lesson 5 should say '\(r.verdict)'; caption: \(five)")
    }

    func testLessonSixQuotesTheStandardGridsAttentionFit() throws {
        let report = try read("docs/results/standard.md")
        // "6. **Attention is close …**: **verdict**. baseline model, …: heat-kernel cosine 0.2551, 95% CI
        // [0.2200, 0.2903], uniform cosine 0.2528; fit − uniform 0.0023, 95% CI [0.0003, 0.0043] (n = 15 cells)."
        let start = try XCTUnwrap(report.range(of: "heat-kernel cosine "), "claim 6's details in docs/results/standard.md")
        let v = numbers(report[start.upperBound...].prefix(160))
        // [cos, 95, lo, hi, uniform, diff, 95, lo, hi, …] ("95" from "95% CI")
        guard v.count >= 9 else { return XCTFail("unexpected claim 6 details") }
        let (cos, lo, hi, uniform, diff, dlo, dhi) = (v[0], v[2], v[3], v[4], v[5], v[7], v[8])
        let verdict = try claimRow(report, claim: 6, task: nil).verdict
        let caption = try beat("06-attention-as-diffusion.lesson", "The trained toy models")
        func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + rounded(x) }
        for quoted in [
            "cosine \(rounded(cos)) (95% CI \(rounded(lo))-\(rounded(hi)))",
            "uniform \(rounded(uniform))",
            "fit minus uniform \(signed(diff)) (\(signed(dlo)) to \(signed(dhi)))",
            verdict,
        ] {
            XCTAssertTrue(caption.contains(quoted), "lesson 6 should quote '\(quoted)' from the report; caption: \(caption)")
        }
    }

    // MARK: lessons 1 and 2 quote the standard grid's stabiliser claims (4 drift, 5 explosion)

    func testLessonsOneAndTwoQuoteTheStabiliserClaims() throws {
        let report = try read("docs/results/standard.md")
        // "| 4 | Without residual connections … | drift rises | 0.197 [0.134, 0.260] | ±0.063 | **holds here** |"
        let drift = try claimRow(report, claim: 4, task: nil)
        guard drift.values.count >= 3 else { return XCTFail("claim 4: \(drift.values)") }
        let one = try beat("01-residuals.lesson", "Drift rises")
        let quotedDrift = "drift \(rounded(drift.mean)) higher without residuals (95% CI \(rounded(drift.lo)) to \(rounded(drift.hi))): \(drift.verdict)"
        XCTAssertTrue(one.contains(quotedDrift), "lesson 1 should quote '\(quotedDrift)'; caption: \(one)")
        // "| 5 | Without LayerNorm … | explodes | ×0.30, log CI [-1.94, -0.46]; 0 non-finite | ×2.10 | **contradicted here** |"
        let rms = try claimRow(report, claim: 5, task: nil)
        guard rms.values.count >= 4 else { return XCTFail("claim 5: \(rms.values)") }
        let two = try beat("02-layernorm.lesson", "Measured")
        for quoted in [
            "is \(rms.verdict): RMS growth x\(String(format: "%.2f", rms.values[0])) without LayerNorm "
                + "(log CI \(String(format: "%.2f", rms.values[1])) to \(String(format: "%.2f", rms.values[2])))",
            "\(Int(rms.values[3])) non-finite cells",
        ] {
            XCTAssertTrue(two.contains(quoted), "lesson 2 should quote '\(quoted)'; caption: \(two)")
        }
    }
}
