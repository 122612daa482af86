// The probe's findings (issue 11), each reproduced: every one must end in a file written or one
// clear error line and a non-zero status, never a trap (132/133/134), a hang or a silent default.
import Foundation
import XCTest

final class ProbeCLITests: XCTestCase {
    func run(_ script: String) throws -> BashOutcome {
        let dir = NSTemporaryDirectory() + "pdet-probe-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try runBash(script, in: dir)
    }

    /// One line on stderr starting with "Error:", status 1 (or 64 for usage errors).
    func assertOneLineError(_ r: BashOutcome, containing text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(r.status == 1 || r.status == 64, "status \(r.status): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(text), "expected '\(text)' in: \(r.stderr)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See ") && !$0.isEmpty }
        XCTAssertEqual(lines.count, 1, "more than one line: \(r.stderr)", file: file, line: line)
    }

    func testSizesThatCannotFitAreRefusedWithTheFigure() throws {
        for args in ["train --seq-len 4096 --steps 1", "train --batch 4096 --seq-len 4096 --steps 1",
                     "snapshot --d-model 4096 --heads 4 --d-ff 16384 --seq-len 4096"] {
            let r = try run("$P \(args)")
            assertOneLineError(r, containing: "GiB available")
        }
        let r = try run("echo '{\"seqLen\": 4096, \"batch\": 4096}' > big.json; $P train --config big.json --steps 1")
        assertOneLineError(r, containing: "GiB available")
    }

    func testAnAbsurdCheckpointStepIsRefused() throws {
        let r = try run("""
            $P train --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2 --steps 1 --eval-size 4 --save c.safetensors >/dev/null || exit 9
            python3 - <<'PY'
            import json, struct
            b = open('c.safetensors', 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8+n])
            h['__metadata__']['step'] = str(2**63 - 1)
            text = json.dumps(h, separators=(',', ':')).encode(); text += b' ' * ((8 - len(text) % 8) % 8)
            open('big.safetensors', 'wb').write(struct.pack('<Q', len(text)) + text + b[8+n:])
            PY
            $P snapshot --checkpoint big.safetensors --steps 2
            """)
        assertOneLineError(r, containing: "\"step\" must be an integer in 0...1000000000")
    }

    func testAShortHeaderLengthIsRefused() throws {
        for short in 1...4 {
            let r = try run("""
                $P train --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2 --steps 1 --eval-size 4 --save c.safetensors >/dev/null || exit 9
                python3 -c "
                import struct; b = bytearray(open('c.safetensors','rb').read()); n = struct.unpack('<Q', bytes(b[:8]))[0]
                b[:8] = struct.pack('<Q', n - \(short)); open('s.safetensors','wb').write(bytes(b))"
                $P snapshot --checkpoint s.safetensors
                """)
            XCTAssertEqual(r.status, 1, "short by \(short): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("header length") || r.stderr.contains("not valid JSON"), "short by \(short): \(r.stderr)")
        }
    }

    func testAMissingConfigKeyAndLenientJSONAreRefused() throws {
        let r = try run("""
            $P train --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2 --steps 1 --eval-size 4 --save c.safetensors >/dev/null || exit 9
            python3 - <<'PY'
            import json, struct
            b = open('c.safetensors', 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8+n])
            c = json.loads(h['__metadata__']['config']); del c['heads']; h['__metadata__']['config'] = json.dumps(c)
            text = json.dumps(h, separators=(',', ':')).encode(); text += b' ' * ((8 - len(text) % 8) % 8)
            open('m.safetensors', 'wb').write(struct.pack('<Q', len(text)) + text + b[8+n:])
            PY
            $P snapshot --checkpoint m.safetensors
            """)
        assertOneLineError(r, containing: "lacks the required key \"heads\"")
        let dup = try run("echo '{\"layers\": 2, \"layers\": 3}' > d.json; $P snapshot --config d.json")
        assertOneLineError(dup, containing: "duplicate key")
        let comma = try run("echo '{\"layers\": 2,}' > t.json; $P snapshot --config t.json")
        assertOneLineError(comma, containing: "not valid JSON")
    }

    func testUnboundedLoopsAreBounded() throws {
        assertOneLineError(try run("$P bench --warmup 1000000000"), containing: "--warmup must be in 0...10000")
        let keys = try run("printf 'keys %s\\n' \"$(head -c 1000000 /dev/zero | tr '\\0' r)\" > k.script; $P snapshot --script k.script")
        XCTAssertEqual(keys.status, 1, keys.stderr)
        XCTAssertTrue(keys.stderr.contains("'keys' takes at most 256 keys"), keys.stderr)
    }

    func testADivergedRunSaysWhereAndFails() throws {
        let r = try run("$P train --init-gain 50 --norm none --residual off --steps 20 --save x.safetensors; echo status=$?; test -e x.safetensors && echo saved")
        XCTAssertTrue(r.stdout.contains("status=1"), r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("training diverged at step 1"), r.stderr)
        XCTAssertFalse(r.stdout.contains("saved"))
    }

    func testFlagsThatDoNotApplyAreErrors() throws {
        assertOneLineError(try run("$P snapshot --beat 2"), containing: "--beat applies to --lesson N only")
        assertOneLineError(try run("$P snapshot --residual-off-layer 2"), containing: "--residual-off-layer applies to --model DIR only")
        assertOneLineError(try run("$P snapshot --model /nonexistent --task listops --lr 0.01"), containing: "--task, --lr do not apply with --model")
        assertOneLineError(try run("$P snapshot --model /nonexistent --checkpoint x"), containing: "--checkpoint does not apply with --model")
        assertOneLineError(try run("$P snapshot --lesson 1 --simulator"), containing: "--simulator applies to the toy model")
        assertOneLineError(try run("$P train --weights-only --steps 1"), containing: "--weights-only applies to --save")
    }

    func testInterruptedSavesLeaveNoTemporaryFile() throws {
        // A checkpoint of ~40 MB takes long enough to write that signals land mid-save.
        let r = try run("""
            for i in $(seq 1 12); do
                for sig in INT TERM HUP; do
                    $P train --task reverse --layers 4 --d-model 256 --heads 4 --d-ff 1024 --steps 0 --eval-size 1 --save big.safetensors >/dev/null 2>&1 &
                    pid=$!
                    sleep 0.$((RANDOM % 9 + 1))
                    kill -$sig $pid 2>/dev/null
                    wait $pid
                done
            done
            ls -a | grep -c 'tmp-' || true
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0", "temporary files left behind")
    }
}
