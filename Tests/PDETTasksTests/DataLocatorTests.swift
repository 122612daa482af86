// Finding assets/data: environment, current directory and executable, in that order.

import PDETCore
@testable import PDETTasks
import XCTest

final class DataLocatorTests: XCTestCase {
    private var repository: String { parentPath(parentPath(repositoryDataDirectory())) }

    func testPathHelpers() {
        XCTAssertEqual(parentPath("/a/b/c"), "/a/b")
        XCTAssertEqual(parentPath("/a/b/"), "/a")
        XCTAssertEqual(parentPath("/a"), "/")
        XCTAssertEqual(parentPath("/"), "/")
        XCTAssertEqual(parentPath("c"), ".")
        XCTAssertEqual(ancestors(of: "/a/b"), ["/a/b", "/a", "/"])
        XCTAssertEqual(joinPath("/a/", "b"), "/a/b")
        XCTAssertEqual(joinPath("/a", "b"), "/a/b")
    }

    func testSearchOrder() throws {
        let data = repository + "/assets/data"
        XCTAssertEqual(try locateDataDirectory(environment: repository + "/assets", currentDirectory: "/", executable: nil), data)
        XCTAssertEqual(try locateDataDirectory(environment: nil, currentDirectory: repository + "/Sources/PDETTasks",
                                               executable: nil), data)
        XCTAssertEqual(try locateDataDirectory(environment: "", currentDirectory: "/",
                                               executable: repository + "/.build/debug/pdet-tui"), data)
    }

    func testNotFoundNamesWhereItLooked() {
        XCTAssertThrowsError(try locateDataDirectory(environment: "/nonexistent-assets", currentDirectory: "/proc",
                                                     executable: "/proc/self/exe")) { error in
            guard case .dataDirectoryNotFound(let searched)? = error as? TaskError else { return XCTFail("\(error)") }
            XCTAssertEqual(searched, ["$PDET_ASSETS=/nonexistent-assets", "/proc and its parents", "/proc/self and its parents"])
            XCTAssertTrue("\(error)".hasPrefix("data directory assets/data not found"))
        }
    }

    func testDefaultSearchFindsTheRepositoryData() throws {
        // `swift test` runs in the package root and the test binary sits under .build/, so the
        // search succeeds (PDET_ASSETS, if set, may point at another checkout's assets).
        let found = try locateDataDirectory()
        XCTAssertTrue(found.hasSuffix("/data") && isDirectory(found), found)
        XCTAssertEqual(try makeTask(.digits, seqLen: 64, seed: 1, dataDirectory: nil).testSize, 359)
    }
}
