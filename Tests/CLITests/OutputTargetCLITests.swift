// Every output flag against the file-system objects a careful user points it at: a character
// device (made with mknod in a temporary folder, never the real /dev/null), a FIFO with a reader,
// a symlink, `-` (standard output), one-character names, and folders that do not exist. The binary
// runs under bash so FIFOs and background readers are set up the way a user would.
import Foundation
import XCTest

final class OutputTargetCLITests: XCTestCase {
    typealias Outcome = BashOutcome

    /// A fresh temporary folder, removed after the test.
    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "pdet-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func bash(_ script: String, in directory: String) throws -> Outcome { try runBash(script, in: directory) }

    /// Each output flag, as `ARGS {}` with {} standing for the path, and what the file must start with.
    let outputs: [(name: String, args: String, prefix: String)] = [
        ("snapshot --out", "snapshot --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --out {}", "# pdet-tui"),
        ("snapshot --metrics-json", "snapshot --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --out snap.txt --metrics-json {}", "{"),
        ("train --save", "train --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2 --steps 2 --eval-size 4 --save {}", ""),
        ("train --metrics", "train --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2 --steps 2 --eval-size 4 --metrics {}", "{"),
        ("snapshot --record", "snapshot --script demo.script --record {}", "{\"version\": 2"),
    ]

    let demoScript = "key r\nsteps 1\n"

    func testACharacterDeviceStaysADevice() throws {
        let dir = try folder()
        let made = try bash("mknod null c 1 3 && chmod 666 null", in: dir)
        guard made.status == 0 else { throw XCTSkip("mknod needs root here: \(made.stderr)") }
        try demoScript.write(toFile: dir + "/demo.script", atomically: true, encoding: .utf8)
        for o in outputs {
            let r = try bash("$P " + o.args.replacingOccurrences(of: "{}", with: "null") + " >/dev/null && test -c null && echo still-a-device", in: dir)
            XCTAssertEqual(r.status, 0, "\(o.name): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("still-a-device"), "\(o.name) replaced the device: \(r.stdout) \(r.stderr)")
        }
        XCTAssertEqual(try bash("ls -a | grep -c tmp- || true", in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    func testAFIFOReaderGetsTheBytes() throws {
        let dir = try folder()
        try demoScript.write(toFile: dir + "/demo.script", atomically: true, encoding: .utf8)
        for o in outputs {
            let r = try bash("""
                rm -f fifo got; mkfifo fifo
                cat fifo > got & reader=$!
                $P \(o.args.replacingOccurrences(of: "{}", with: "fifo")) >/dev/null || exit 3
                wait $reader
                test -p fifo || exit 4
                head -c 40 got
                """, in: dir)
            XCTAssertEqual(r.status, 0, "\(o.name): \(r.stderr)")
            XCTAssertTrue(r.stdout.hasPrefix(o.prefix), "\(o.name): the reader got '\(r.stdout)'")
            if o.prefix.isEmpty { XCTAssertFalse(r.stdout.isEmpty, "\(o.name): the reader got nothing") }
        }
    }

    func testAFIFOWithoutAReaderIsAnErrorNotAHang() throws {
        let dir = try folder()
        let r = try bash("mkfifo fifo; $P snapshot --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --out fifo", in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("no process is reading the FIFO"), r.stderr)
    }

    func testASymlinkIsFollowedAndKept() throws {
        let dir = try folder()
        try demoScript.write(toFile: dir + "/demo.script", atomically: true, encoding: .utf8)
        for o in outputs {
            let r = try bash("""
                mkdir -p real; rm -f real/target link; echo old > real/target; ln -s real/target link
                $P \(o.args.replacingOccurrences(of: "{}", with: "link")) >/dev/null || exit 3
                test -L link || exit 4
                test "$(readlink link)" = real/target || exit 5
                head -c 40 real/target
                """, in: dir)
            XCTAssertEqual(r.status, 0, "\(o.name): \(r.stderr)")
            XCTAssertTrue(r.stdout.hasPrefix(o.prefix) && !r.stdout.hasPrefix("old"), "\(o.name): target holds '\(r.stdout)'")
        }
    }

    func testDashIsStandardOutput() throws {
        let dir = try folder()
        try demoScript.write(toFile: dir + "/demo.script", atomically: true, encoding: .utf8)
        for o in outputs {
            let r = try bash("""
                $P \(o.args.replacingOccurrences(of: "{}", with: "-")) > out.bin || exit 3
                grep -a -c -F -e '\(o.prefix.isEmpty ? "__metadata__" : o.prefix)' out.bin
                """, in: dir)
            XCTAssertEqual(r.status, 0, "\(o.name): \(r.stderr)")
            XCTAssertNotEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0", "\(o.name): nothing on stdout")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/-"), "\(o.name) made a file named '-'")
        }
    }

    func testOneCharacterNamesAreWritten() throws {
        let dir = try folder()
        let r = try bash("""
            $P snapshot --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --out a --metrics-json b || exit 3
            $P train --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2 --steps 1 --eval-size 4 --save c >/dev/null || exit 4
            printf 'key r\\nsnapshot d\\n' > s.script
            $P snapshot --script s.script >/dev/null || exit 5
            $P snapshot --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --out é || exit 6
            test -s a && test -s b && test -s c && test -s d && test -s é && echo all-written
            """, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("all-written"), r.stdout + r.stderr)
    }

    func testNamesThatAreNoFileAreOneLine() throws {
        let dir = try folder()
        for name in [".", "./", "..", "x/"] {
            let r = try bash("$P snapshot --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --out '\(name)'", in: dir)
            XCTAssertEqual(r.status, 1, "\(name): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("Error: cannot "), "\(name): \(r.stderr)")
        }
    }

    func testLessonsWithAOneCharacterArgv0() throws {
        let dir = try folder()
        let r = try bash("cd / && env -u PDET_ASSETS bash -c 'exec -a x \"$P\" lessons'", in: dir)
        // Run from /, the lessons are found beside the executable (/proc/self/exe), not through argv[0].
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Open one with"), r.stdout + r.stderr)
    }

    func testAMissingFolderFailsBeforeTraining() throws {
        let dir = try folder()
        let r = try bash("$P train --task reverse --steps 150 --save nowhere/x.safetensors", in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("folder 'nowhere' does not exist"), r.stderr)
        XCTAssertFalse(r.stdout.contains("held-out"), "it trained first: \(r.stdout)")
        let m = try bash("$P train --task reverse --steps 150 --metrics nowhere/m.jsonl", in: dir)
        XCTAssertEqual(m.status, 1)
        XCTAssertTrue(m.stderr.contains("does not exist"), m.stderr)
    }
}
