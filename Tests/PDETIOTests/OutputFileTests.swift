// The one writer against regular files, symlinks, FIFOs, devices (made in a temporary folder with
// mknod, never the real /dev/null) and names that are not files; and the temporary-file registry
// that signal handlers empty.
import CPosix
import Foundation
@testable import PDETIO
import XCTest

final class OutputFileTests: XCTestCase {
    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "pdet-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<unreadable>" }

    func testARegularFileIsReplacedAndKeepsItsMode() throws {
        let dir = try folder()
        let path = dir + "/f.txt"
        try writeFileAtomically(path: path, bytes: Array("one".utf8))
        chmod(path, 0o600)
        try writeFileAtomically(path: path, bytes: Array("two".utf8))
        XCTAssertEqual(read(path), "two")
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["f.txt"], "no temporary file left")
    }

    func testASymlinkIsFollowedAndKept() throws {
        let dir = try folder()
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: false)
        XCTAssertEqual(symlink("real/target", dir + "/link"), 0)          // dangling: the target is created
        try writeFileAtomically(path: dir + "/link", bytes: Array("first".utf8))
        XCTAssertEqual(read(dir + "/real/target"), "first")
        try writeFileAtomically(path: dir + "/link", bytes: Array("second".utf8))
        XCTAssertEqual(read(dir + "/real/target"), "second")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link"), "real/target")
        XCTAssertEqual(try resolveOutput(dir + "/link"), .regularFile(dir + "/real/target"))
    }

    func testAFIFOIsWrittenThroughToItsReader() throws {
        let dir = try folder()
        let fifo = dir + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        // Without a reader: an error at once, never a hang.
        XCTAssertThrowsError(try writeFileAtomically(path: fifo, bytes: [1])) { error in
            XCTAssertTrue("\(error)".contains("no process is reading the FIFO"), "\(error)")
        }
        let received = expectation(description: "reader")
        nonisolated(unsafe) var got = ""
        Thread.detachNewThread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 64)
            var bytes: [UInt8] = []
            while true {
                let n = Glibc.read(fd, &buffer, 64)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            close(fd)
            got = String(decoding: bytes, as: UTF8.self)
            received.fulfill()
        }
        var attempts = 0
        while true {        // the reader thread needs a moment to open its end
            do { try writeFileAtomically(path: fifo, bytes: Array("through the pipe".utf8)); break } catch {
                attempts += 1
                if attempts > 200 { throw error }
                usleep(10_000)
            }
        }
        wait(for: [received], timeout: 10)
        XCTAssertEqual(got, "through the pipe")
        var st = stat()
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(pdet_mode_is_fifo(st.st_mode), 1, "the FIFO stays a FIFO")
    }

    func testACharacterDeviceStaysADevice() throws {
        let dir = try folder()
        let device = dir + "/null"
        let nullDevice = dev_t((1 << 8) | 3)      // makedev(1, 3), a macro Swift cannot import
        guard mknod(device, S_IFCHR | 0o666, nullDevice) == 0 else { throw XCTSkip("mknod needs root") }
        try writeFileAtomically(path: device, bytes: Array("gone".utf8))
        let stream = try openOutputStream(path: device)
        try writeToStream(stream, path: device, bytes: Array("also gone".utf8))
        close(stream)
        var st = stat()
        XCTAssertEqual(lstat(device, &st), 0)
        XCTAssertEqual(pdet_mode_is_char_device(st.st_mode), 1, "the device was replaced")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["null"])
    }

    func testNamesThatAreNoFileAndMissingFolders() throws {
        let dir = try folder()
        for bad in ["", ".", "..", dir + "/", dir + "/.", dir + "/x/.."] {
            XCTAssertThrowsError(try writeFileAtomically(path: bad, bytes: [1]), "'\(bad)'")
        }
        XCTAssertThrowsError(try checkOutputPath(dir + "/no/such/file")) { error in
            XCTAssertEqual("\(error)", "cannot write '\(dir)/no/such/file': folder '\(dir)/no/such' does not exist")
        }
        FileManager.default.createFile(atPath: dir + "/plain", contents: Data())
        XCTAssertThrowsError(try checkOutputPath(dir + "/plain/x")) { error in
            XCTAssertTrue("\(error)".contains("is not a folder"), "\(error)")
        }
        XCTAssertThrowsError(try checkOutputPath(dir)) { error in
            XCTAssertTrue("\(error)".contains("a folder of that name exists"), "\(error)")
        }
        XCTAssertNoThrow(try checkOutputPath("-"))
        XCTAssertEqual(try resolveOutput("-"), .standardOutput)
    }

    func testExclusiveCreationNeverOverwrites() throws {
        let dir = try folder()
        XCTAssertTrue(try createFileExclusively(path: dir + "/a", bytes: Array("1".utf8)))
        XCTAssertFalse(try createFileExclusively(path: dir + "/a", bytes: Array("2".utf8)))
        XCTAssertEqual(read(dir + "/a"), "1")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a"])
    }

    func testTheSignalRegistryRemovesTemporaryFiles() throws {
        let dir = try folder()
        let temp = dir + "/.x.tmp-1"
        FileManager.default.createFile(atPath: temp, contents: Data([1]))
        let slot = pdet_temp_remember(temp)
        XCTAssertGreaterThanOrEqual(slot, 0)
        pdet_temp_remove_all()          // what the SIGINT/SIGTERM/SIGHUP/SIGQUIT handler calls
        XCTAssertFalse(FileManager.default.fileExists(atPath: temp))
        let kept = dir + "/.y.tmp-1"
        FileManager.default.createFile(atPath: kept, contents: Data([1]))
        pdet_temp_forget(pdet_temp_remember(kept))
        pdet_temp_remove_all()
        XCTAssertTrue(FileManager.default.fileExists(atPath: kept), "a forgotten file is not the handler's")
    }
}
