// Issue 23's findings, each rebuilt through the binary: no model trained and then thrown away for
// want of a temporary name, no two outputs on one path, no file written under a name it was not
// given, no flag recorded that did not apply, no abort under a real memory limit, no leftovers.
import Foundation
import XCTest

final class NothingLostCLITests: XCTestCase {
    let tinyTrain = "train --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2 --eval-size 4"
    let tinySnapshot = "snapshot --task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8"

    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "pdet-lost-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// `script` (util-linux) gives a command a pseudo-terminal; the tests that need one skip without it.
    func requireScript() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no /usr/bin/script for a pty") }
    }

    func assertOneLineError(_ r: BashOutcome, containing needle: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, file: file, line: line)
        XCTAssertTrue(r.stderr.contains(needle), "wanted '\(needle)' in: \(r.stderr)", file: file, line: line)
    }

    /// A 246-byte name is legal; its `.NAME.tmp-PID` is not (over 255 bytes): the save must still work.
    func testALongLegalNameIsSavedAndATooLongOneIsRefusedBeforeTraining() throws {
        let dir = try folder()
        let long = String(repeating: "m", count: 234) + ".safetensors"
        XCTAssertEqual(long.utf8.count, 246)
        let saved = try runBash("$P \(tinyTrain) --steps 3 --save \(long) --metrics \(long).jsonl >/dev/null && test -s \(long) && ls -a | grep -c tmp- || true", in: dir)
        XCTAssertEqual(saved.status, 0, saved.stderr)
        XCTAssertEqual(saved.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0", "no temporary file left")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + long))

        // 256 bytes cannot be created at all: refused at once, not after a million steps.
        let tooLong = String(repeating: "m", count: 244) + ".safetensors"
        let start = Date()
        let refused = try runBash("$P \(tinyTrain) --steps 1000000 --save \(tooLong)", in: dir)
        assertOneLineError(refused, containing: "the file name is 256 bytes")
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "refused before training")
    }

    func testTwoOutputsOnOnePathAreRefusedBeforeTheWork() throws {
        let dir = try folder()
        assertOneLineError(try runBash("$P \(tinyTrain) --steps 1000000 --metrics x --save x", in: dir),
                           containing: "--metrics and --save name the same file 'x'")
        assertOneLineError(try runBash("$P \(tinySnapshot) --out y --metrics-json y", in: dir),
                           containing: "--out and --metrics-json name the same file 'y'")
        // Through a symlink, and a hard link to an existing file: the same file by another name.
        assertOneLineError(try runBash("ln -s z link && $P \(tinySnapshot) --out z --metrics-json link", in: dir),
                           containing: "name the same file 'z' and 'link'")
        assertOneLineError(try runBash("echo keep > h && ln h h2 && $P \(tinySnapshot) --out h --metrics-json ./h2", in: dir),
                           containing: "name the same file")
        XCTAssertEqual(try String(contentsOfFile: dir + "/h", encoding: .utf8), "keep\n")
        // Two different files are fine.
        XCTAssertEqual(try runBash("$P \(tinySnapshot) --out a --metrics-json b && test -s a && test -s b", in: dir).status, 0)
    }

    func testANameThatIsNotUTF8IsRefusedNotRenamed() throws {
        let dir = try folder()
        let r = try runBash("$P \(tinySnapshot) --out $'bad\\xff.txt'", in: dir)
        assertOneLineError(r, containing: "is not valid UTF-8")
        XCTAssertTrue(r.stderr.contains("bad\\xFF.txt"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "nothing written under any name")
    }

    /// A save killed by SIGKILL leaves `.NAME.tmp-PID`; the next write of NAME removes it when PID is gone.
    func testAStaleTemporaryFileOfADeadProcessIsRemovedOnTheNextWrite() throws {
        let dir = try folder()
        let r = try runBash("""
            sh -c 'exit 0' & dead=$!; wait $dead
            head -c 100000 /dev/zero > .m.safetensors.tmp-$dead
            echo live > .m.safetensors.tmp-$$
            echo other > .n.safetensors.tmp-$dead
            $P \(tinyTrain) --steps 1 --save m.safetensors > /dev/null || exit 3
            test -s m.safetensors || exit 4
            ls -a | grep tmp- | sed "s/$dead/DEAD/; s/$$/LIVE/"
            """, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").sorted(), [".m.safetensors.tmp-LIVE", ".n.safetensors.tmp-DEAD"],
                       "only m's file of the dead process is removed: a live writer's and another output's stay")
    }

    /// --init-gain only scales the initial weights: with a checkpoint it cannot apply, and must not
    /// be recorded as if it had; without --checkpoint it picks a new model over the shipped one.
    func testInitGainIsRefusedWithACheckpointAndRecordedTruthfullyWithout() throws {
        let dir = try folder()
        let made = try runBash("$P \(tinyTrain) --steps 2 --save m.safetensors", in: dir)
        XCTAssertEqual(made.status, 0, made.stderr)
        assertOneLineError(try runBash("$P snapshot --checkpoint m.safetensors --init-gain 50", in: dir),
                           containing: "--init-gain 50.0 does not apply to a checkpoint")
        assertOneLineError(try runBash("$P train --checkpoint m.safetensors --seed 9 --steps 1", in: dir),
                           containing: "--seed 9 contradicts the checkpoint")
        // The same value as the checkpoint's is what ran: accepted.
        XCTAssertEqual(try runBash("$P snapshot --checkpoint m.safetensors --init-gain 1 >/dev/null", in: dir).status, 0)
        // Without --checkpoint the frame is a new model initialised with gain 50, and says so.
        let fresh = try runBash("$P snapshot --init-gain 50 | grep '^# config' | grep -o '\"initGain\":[0-9.]*'", in: dir)
        XCTAssertEqual(fresh.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "\"initGain\":50", fresh.stderr)
        let line = try runBash("$P snapshot --init-gain 50 | grep -c 'default.safetensors' || true", in: dir)
        XCTAssertEqual(line.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0", "the shipped checkpoint is not opened")
    }

    /// Under `ulimit -v` (or a cgroup limit) the allocator fails long before MemAvailable runs out:
    /// the check before allocating must see that limit and refuse with one line, never abort (134).
    func testAnAddressSpaceLimitIsAClearErrorInTrainSnapshotAndTheExplorer() throws {
        let dir = try folder()
        let big = "--task reverse --layers 2 --d-model 2048 --heads 4 --d-ff 8192 --seq-len 64"
        let limit = "ulimit -v 2000000"   // 2 GB of address space; the model needs about 5 GiB
        assertOneLineError(try runBash("(\(limit); $P train \(big) --steps 1)", in: dir), containing: "address-space limit (ulimit -v) leaves")
        assertOneLineError(try runBash("(\(limit); $P snapshot \(big))", in: dir), containing: "address-space limit (ulimit -v) leaves")
        // The explorer needs a terminal: `script` gives it one; its output is the pty's.
        try requireScript()
        let explorer = try runBash("(\(limit); script -qec '$P \(big)' /dev/null < /dev/null)", in: dir)
        XCTAssertEqual(explorer.status, 1, explorer.stdout + explorer.stderr)
        XCTAssertTrue(explorer.stdout.contains("address-space limit (ulimit -v) leaves"), explorer.stdout)
    }

    /// Optimizer state that cannot be right (+Inf second moment) stops `train` before a step, and
    /// nothing is saved forward.
    func testAnInfiniteSecondMomentIsRefusedAndNotSavedForward() throws {
        let dir = try folder()
        XCTAssertEqual(try runBash("$P \(tinyTrain) --steps 2 --save m.safetensors", in: dir).status, 0)
        // Overwrite the first float of optim.v.head.bias with +Inf (little-endian 0x7F800000).
        let path = dir + "/m.safetensors"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        let entry = try XCTUnwrap(header.range(of: "\"optim.v.head.bias\""))
        let offsets = try XCTUnwrap(header[entry.upperBound...].range(of: "\"data_offsets\":["))
        let begin = try XCTUnwrap(Int(header[offsets.upperBound...].prefix { $0.isNumber }))
        bytes.replaceSubrange((8 + headerLength + begin)..<(8 + headerLength + begin + 4), with: [0x00, 0x00, 0x80, 0x7F])
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        assertOneLineError(try runBash("$P train --checkpoint m.safetensors --steps 2 --save out.safetensors", in: dir),
                           containing: "'optim.v.head.bias' holds a second moment that is not finite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out.safetensors"))
    }

    /// A long export builds its bytes in memory first: on a terminal it says how far it is; into a
    /// pipe or a log it prints no carriage returns.
    func testADatasetExportShowsProgressOnATerminalOnly() throws {
        let dir = try folder()
        try requireScript()
        let export = "$P dataset --task reverse --count 4000 --seq-len 256 --out d.jsonl"
        let tty = try runBash("script -qec '\(export)' /dev/null < /dev/null", in: dir)
        XCTAssertEqual(tty.status, 0, tty.stdout)
        XCTAssertTrue(tty.stdout.contains("\r\u{1B}[Kdataset: ") && tty.stdout.contains("/4000 sequences"), tty.stdout)
        XCTAssertTrue(tty.stdout.contains("dataset: writing"), tty.stdout)
        let piped = try runBash(export + " 2>&1 | cat", in: dir)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertFalse(piped.stdout.contains("\r"), piped.stdout)
        XCTAssertTrue(piped.stdout.contains("4000 train sequences of reverse"), piped.stdout)
        XCTAssertEqual(try String(contentsOfFile: dir + "/d.jsonl", encoding: .utf8).split(separator: "\n").count, 4000)
    }
}
