// The check before work tries the name the save will write (issue 23): a legal name of 245-255
// bytes gets a temporary name that fits, one the folder cannot hold fails at the check; two paths
// to one file are recognised; stale temporary files of dead processes are removed, live ones kept.
import Foundation
@testable import PDETIO
import XCTest

final class OutputNameTests: XCTestCase {
    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "pdet-names-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testEveryLegalNameIsSavedAndTheCheckRefusesWhatCannotBe() throws {
        let dir = try folder()
        for length in [1, 200, 244, 245, 246, 250, 255] {
            let path = dir + "/" + String(repeating: "é", count: length / 2) + String(repeating: "x", count: length % 2)
            XCTAssertEqual(baseNameOf(path).utf8.count, length)
            XCTAssertLessThanOrEqual(baseNameOf(temporaryPath(for: path, pid: Int32.max)).utf8.count, 255, "\(length)")
            XCTAssertNoThrow(try checkOutputPath(path), "\(length)")
            XCTAssertNoThrow(try writeFileAtomically(path: path, bytes: [UInt8(length % 256)]), "\(length)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([UInt8(length % 256)]))
            XCTAssertNoThrow(try writeFileAtomically(path: path, bytes: [7]), "replacing \(length)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }, [], "nothing left")
        // Short names keep the readable temporary name.
        XCTAssertEqual(baseNameOf(temporaryPath(for: dir + "/m.safetensors", pid: 42)), ".m.safetensors.tmp-42")
        XCTAssertThrowsError(try checkOutputPath(dir + "/" + String(repeating: "x", count: 256))) { e in
            XCTAssertTrue("\(e)".contains("the file name is 256 bytes; this file system allows at most 255"), "\(e)")
        }
        // A folder occupying the temporary name is found by the check, before any work.
        let blocked = dir + "/blocked.txt"
        try FileManager.default.createDirectory(atPath: temporaryPath(for: blocked), withIntermediateDirectories: false)
        XCTAssertThrowsError(try checkOutputPath(blocked)) { e in
            XCTAssertTrue("\(e)".contains("cannot create its temporary file '.blocked.txt.tmp-"), "\(e)")
        }
    }

    func testTwoPathsToOneFileHaveOneIdentity() throws {
        let dir = try folder()
        XCTAssertEqual(outputFileIdentity(dir + "/new"), outputFileIdentity(dir + "/./new"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "new")
        XCTAssertEqual(outputFileIdentity(dir + "/link"), outputFileIdentity(dir + "/new"))
        try Data([1]).write(to: URL(fileURLWithPath: dir + "/a"))
        XCTAssertEqual(link(dir + "/a", dir + "/hard"), 0)
        XCTAssertEqual(outputFileIdentity(dir + "/hard"), outputFileIdentity(dir + "/a"))
        XCTAssertNotEqual(outputFileIdentity(dir + "/a"), outputFileIdentity(dir + "/new"))
        XCTAssertNil(outputFileIdentity("-"), "standard output may be shared")
    }

    func testOnlyTemporaryFilesOfDeadProcessesAreRemoved() throws {
        let dir = try folder()
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier, live = getppid()
        let target = dir + "/model.safetensors"
        for pid in [dead, live, getpid()] { try Data([1]).write(to: URL(fileURLWithPath: temporaryPath(for: target, pid: pid))) }
        try Data([1]).write(to: URL(fileURLWithPath: dir + "/.model.safetensors.tmp-\(dead)x"))       // not a PID
        try Data([1]).write(to: URL(fileURLWithPath: temporaryPath(for: dir + "/other", pid: dead)))  // another output
        XCTAssertEqual(removeStaleTemporaries(for: target), [".model.safetensors.tmp-\(dead)"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(),
                       [".model.safetensors.tmp-\(getpid())", ".model.safetensors.tmp-\(dead)x", ".model.safetensors.tmp-\(live)",
                        ".other.tmp-\(dead)"].sorted())
    }
}
