// The memory check reads every bound that can stop an allocation (issue 23): MemAvailable, the
// address-space limit and the cgroup v2/v1 limits of this process's cgroup and its ancestors.
import Foundation
@testable import PDETCore
import XCTest

final class MemoryHeadroomTests: XCTestCase {
    func tree(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "pdet-cgroup-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    func testCgroupV2TakesTheTightestAncestorMinusUsage() throws {
        let root = try tree([
            "memory.max": "max\n",
            "slurm/memory.max": "8000000000\n", "slurm/memory.current": "1000000000\n",
            "slurm/job_7/memory.max": "max\n", "slurm/job_7/memory.current": "500000000\n",
        ])
        XCTAssertEqual(cgroupHeadroom(root: root, membership: "0::/slurm/job_7\n"), 7_000_000_000)
        XCTAssertNil(cgroupHeadroom(root: root, membership: "0::/\n"), "max everywhere: no limit")
    }

    func testCgroupV1ReadsTheMemoryControllerAndIgnoresUnlimited() throws {
        let root = try tree([
            "memory/memory.limit_in_bytes": "9223372036854771712\n",
            "memory/docker/abc/memory.limit_in_bytes": "2147483648\n", "memory/docker/abc/memory.usage_in_bytes": "147483648\n",
        ])
        XCTAssertEqual(cgroupHeadroom(root: root, membership: "4:memory:/docker/abc\n3:cpu:/\n"), 2_000_000_000)
        XCTAssertNil(cgroupHeadroom(root: root, membership: "4:memory:/\n"))
        // A cgroup path that is not mounted here (a namespace) falls back to the visible root.
        XCTAssertNil(cgroupHeadroom(root: root, membership: "4:memory:/elsewhere/x\n"))
    }

    func testTheHeadroomIsTheSmallestBound() {
        guard let headroom = memoryHeadroom() else { return XCTFail("no bound readable on Linux") }
        XCTAssertGreaterThan(headroom.bytes, 0)
        XCTAssertLessThanOrEqual(headroom.bytes, meminfoBytes("MemAvailable:") ?? .infinity)
        if let left = addressSpaceHeadroom() { XCTAssertLessThanOrEqual(headroom.bytes, left) }
    }
}
