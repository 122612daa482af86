import XCTest
import PDETCore
@testable import PDETIO

/// Seeded mutations of a valid checkpoint: decoding must succeed or throw a one-line error, never trap.
final class CheckpointFuzzTests: XCTestCase {
    /// Pieces spliced into the header JSON: structure, bad numbers, bad escapes, other dtypes.
    let tokens: [String] = [
        "\"", "{", "}", "[", "]", ",", ":", " ", "-1", "0", "1e309", "99999999999999999999", "1.5", "null", "true",
        "\"F16\"", "\"I64\"", "\"X\"", "\\u", "\\ud800", "\\n", "[[[[[[[[", "\"shape\":[]", "\"data_offsets\":[0,0]",
        "\"__metadata__\"", "4611686018427387904", "-9223372036854775808", "\u{FF}", "é",
    ]

    func headerLength(_ b: [UInt8]) -> UInt64 {
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(b[i]) << (8 * UInt64(i)) }
        return n
    }

    func setHeaderLength(_ b: inout [UInt8], _ n: UInt64) {
        for i in 0..<8 { b[i] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(i))) }
    }

    /// One random edit of `b` (which stays at least 1 byte long where it matters).
    func mutate(_ b: inout [UInt8], _ rng: inout SplitMix64) {
        let headerEnd = b.count >= 8 ? 8 + Int(min(headerLength(b), UInt64(b.count - 8))) : b.count
        func pos(inHeader: Bool) -> Int {
            if inHeader, headerEnd > 8 { return 8 + rng.nextInt(below: headerEnd - 8) }
            return rng.nextInt(below: max(b.count, 1))
        }
        switch rng.nextInt(below: 7) {
        case 0:  // bit flip, mostly in the header where it matters
            guard !b.isEmpty else { return }
            let p = pos(inHeader: rng.nextInt(below: 4) != 0)
            b[p] ^= UInt8(1) << UInt8(rng.nextInt(below: 8))
        case 1:  // truncation
            b.removeLast(rng.nextInt(below: b.count + 1))
        case 2:  // byte insertion
            let p = b.isEmpty ? 0 : pos(inHeader: true)
            b.insert(UInt8(truncatingIfNeeded: rng.next()), at: p)
        case 3:  // byte deletion
            guard !b.isEmpty else { return }
            b.remove(at: pos(inHeader: true))
        case 4:  // header length edit
            guard b.count >= 8 else { return }
            let n = headerLength(b)
            let choices: [UInt64] = [n &+ 1, n &- 1, n &+ 8, n / 2, 0, UInt64(b.count), rng.next(), 100_000_001, UInt64.max]
            setHeaderLength(&b, choices[rng.nextInt(below: choices.count)])
        case 5:  // header JSON edit: replace a span by a token, keeping the length prefix consistent
            guard b.count >= 8, headerEnd > 8 else { return }
            let start = pos(inHeader: true)
            let end = min(headerEnd, start + rng.nextInt(below: 6))
            let token = Array(tokens[rng.nextInt(below: tokens.count)].utf8)
            b.replaceSubrange(start..<end, with: token)
            setHeaderLength(&b, UInt64(headerEnd - 8 - (end - start) + token.count))
        default:  // change one digit of the header (shapes and offsets)
            guard b.count >= 8, headerEnd > 8 else { return }
            let digits = (8..<headerEnd).filter { b[$0] >= 0x30 && b[$0] <= 0x39 }
            guard !digits.isEmpty else { return }
            b[digits[rng.nextInt(below: digits.count)]] = 0x30 + UInt8(rng.nextInt(below: 10))
        }
    }

    func testMutatedCheckpointsNeverTrap() throws {
        var c = ModelConfig()
        c.layers = 1; c.dModel = 4; c.heads = 2; c.dFF = 8; c.seqLen = 4; c.pde = .beforeHead; c.pdeScales = [1, 2]
        let layout = documentedLayout(c, vocab: 5, outputs: 3)
        let base = encodeCheckpoint(config: c, vocabSize: 5, outputs: 3, head: .classify, step: 9,
                                    tensors: layout.views, params: sampleParams(layout.count))
        XCTAssertNoThrow(try decodeCheckpoint(bytes: base))

        var rng = SplitMix64(seed: 20_261_125)
        var decoded = 0, rejected = 0, matched = 0
        var reasons = Set<String>()
        let iterations = 3200
        for _ in 0..<iterations {
            var b = base
            for _ in 0..<(1 + rng.nextInt(below: 3)) { mutate(&b, &rng) }

            // The generic reader: every tensor's floats, whatever its dtype.
            if let file = try? SafeTensorsFile(bytes: b) {
                for t in file.tensors { _ = try? file.floats(t.name) }
            }
            do {
                let ck = try decodeCheckpoint(bytes: b)
                decoded += 1
                if (try? flatParameters(ck, layout: layout.views, count: layout.count)) != nil { matched += 1 }
            } catch {
                rejected += 1
                XCTAssertFalse(error.message.contains("\n"), error.message)
                XCTAssertFalse(error.message.isEmpty)
                reasons.insert(String(error.message.prefix(40)))
            }
        }
        XCTAssertEqual(decoded + rejected, iterations)
        // Both outcomes must be common, or the mutations are not exercising the reader.
        XCTAssertGreaterThan(rejected, iterations / 4)
        XCTAssertGreaterThan(decoded, 50)
        XCTAssertGreaterThan(matched, 20)
        XCTAssertGreaterThan(reasons.count, 15, "too few distinct failure kinds: \(reasons.sorted())")
    }

    /// The optimizer and history keys: seeded edits of their values and metadata, then byte
    /// mutations on top. Whatever decodes must keep every invariant the loader promises.
    func testMutatedOptimizerStateAndHistoryDecodeOnlyWhenConsistent() throws {
        let valid = StatefulCheckpointParts.valid()
        XCTAssertNoThrow(try decodeCheckpoint(bytes: valid.bytes))
        let specials: [Float] = [.infinity, -.infinity, .nan, -1, -1e-30, -0.0, 0, 1e30, .greatestFiniteMagnitude]
        let keyValues = ["0", "1", "39", "40", "41", "-1", "1000000000", "", "x", "20,30", "30,20,40", "20,20,40", "20,30,40,50",
                         "20,,40", "4611686018427387904", " 40"]
        let keys = [CheckpointKey.optimizerStep, CheckpointKey.rewarmup, CheckpointKey.historyFirstStep, CheckpointKey.heldOutSteps,
                    CheckpointKey.step, CheckpointKey.optimizer]
        let stateTensors = valid.tensors.indices.filter { valid.tensors[$0].name.hasPrefix("optim.") || valid.tensors[$0].name.hasPrefix("history.") }
        var rng = SplitMix64(seed: 20_260_023)
        var decoded = 0, rejected = 0
        var reasons = Set<String>()
        let iterations = 2400
        for _ in 0..<iterations {
            var parts = valid
            for _ in 0..<(1 + rng.nextInt(below: 2)) {
                switch rng.nextInt(below: 4) {
                case 0:  // one value of a moment or history tensor
                    let t = stateTensors[rng.nextInt(below: stateTensors.count)]
                    guard !parts.tensors[t].data.isEmpty else { continue }
                    parts.tensors[t].data[rng.nextInt(below: parts.tensors[t].data.count)] = specials[rng.nextInt(below: specials.count)]
                case 1:  // one metadata value
                    parts.metadata[keys[rng.nextInt(below: keys.count)]] = keyValues[rng.nextInt(below: keyValues.count)]
                case 2:  // a metadata key gone
                    parts.metadata[keys[rng.nextInt(below: keys.count)]] = nil
                default:  // a history series longer or shorter
                    let t = stateTensors.filter { parts.tensors[$0].name.hasPrefix("history.") }.randomElement(using: &rng)!
                    var data = parts.tensors[t].data
                    if rng.nextInt(below: 2) == 0 || data.isEmpty { data += Array(repeating: 0.5, count: 1 + rng.nextInt(below: 3000)) } else { data.removeLast() }
                    parts.replace(parts.tensors[t].name, with: data)
                }
            }
            var b = parts.bytes
            if rng.nextInt(below: 4) == 0 { mutate(&b, &rng) }
            do {
                let ck = try decodeCheckpoint(bytes: b)
                decoded += 1
                if let moments = ck.moments {
                    XCTAssertLessThanOrEqual(moments.optimizerStep, ck.step)
                    XCTAssertTrue(moments.m.values.allSatisfy { $0.data.allSatisfy(\.isFinite) })
                    XCTAssertTrue(moments.v.values.allSatisfy { $0.data.allSatisfy { $0.isFinite && $0 >= 0 } })
                }
                if let h = ck.history {
                    XCTAssertEqual(Set([h.loss.count, h.accuracy.count, h.gradNorm.count, h.lr.count]).count, 1)
                    XCTAssertLessThanOrEqual(h.loss.count, checkpointHistoryLimit)
                    XCTAssertLessThanOrEqual(h.heldOut.count, checkpointHistoryLimit)
                    XCTAssertLessThanOrEqual(h.firstStep, ck.step + 1)
                    XCTAssertTrue(zip(h.heldOut, h.heldOut.dropFirst()).allSatisfy { $0.step < $1.step }, "\(h.heldOut.map(\.step))")
                    XCTAssertLessThanOrEqual(h.heldOut.last?.step ?? 0, ck.step)
                }
            } catch {
                rejected += 1
                XCTAssertFalse(error.message.contains("\n"), error.message)
                reasons.insert(String(error.message.prefix(50)))
            }
        }
        XCTAssertGreaterThan(decoded, iterations / 20, "the edits must leave some files valid")
        XCTAssertGreaterThan(rejected, iterations / 4)
        XCTAssertGreaterThan(reasons.count, 12, "too few distinct failure kinds: \(reasons.sorted())")
    }
}
