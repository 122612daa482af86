// swift-tools-version:6.0
// pdet-tui: a terminal explorer that takes a small Transformer apart while it runs.
// Dependencies point one way: PDETCore ← PDETTasks/PDETIO ← PDETRender ← PDETExplorer ← PDETTerminal ← pdet-tui.
import PackageDescription
import Foundation

/// Release builds of the numeric code drop bounds and overflow checks: about a 3x speedup on the
/// inner loops. Debug builds keep every check, which is what the tests rely on to catch mistakes.
/// On an x86-64 host with AVX2 and FMA (read from /proc/cpuinfo at build time), the numeric targets
/// are compiled for Haswell-class CPUs (AVX2, FMA): SIMD8<Float> becomes one 256-bit register with fused multiply-add,
/// about 2-3x faster matrix kernels. Other hosts get the portable baseline build.
let hostHasAVX2: Bool = {
    #if arch(x86_64) && os(Linux)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
    let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
    let words = Set(flags.split(separator: " "))
    return words.contains("avx2") && words.contains("fma")
    #else
    return false
    #endif
}()

let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
] + (hostHasAVX2 ? [.unsafeFlags(["-target-cpu", "haswell", "-DPDET_FMA"])] : [])

let package = Package(
    name: "pdet-tui",
    products: [
        .executable(name: "pdet-tui", targets: ["pdet-tui"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: numeric core (no UI, no Foundation)
        .target(name: "PDETCore", swiftSettings: numericSettings),
        .systemLibrary(name: "CZlib"),
        .target(name: "PDETTasks", dependencies: ["PDETCore", "CZlib"], swiftSettings: numericSettings),
        .target(name: "CPosix"),
        .target(name: "PDETIO", dependencies: ["PDETCore", "CPosix"]),
        .target(name: "PDETBert", dependencies: ["PDETCore", "PDETIO"], swiftSettings: numericSettings),

        // MARK: screen (pure: state → grid of cells)
        .target(name: "PDETRender"),
        .target(name: "PDETScript", dependencies: ["PDETCore", "PDETRender", "PDETIO"]),
        .target(name: "PDETReproduce", dependencies: ["PDETCore", "PDETTasks", "PDETIO"]),
        .target(name: "PDETExplorer", dependencies: ["PDETCore", "PDETTasks", "PDETIO", "PDETRender", "PDETBert", "PDETScript"]),

        // MARK: terminal backend (the only code that knows ncurses)
        .systemLibrary(name: "CNcurses"),
        .target(name: "PDETTerminal", dependencies: ["CNcurses", "PDETRender"]),

        // MARK: command line
        .executableTarget(name: "pdet-tui", dependencies: [
            "PDETCore", "PDETTasks", "PDETIO", "PDETRender", "PDETExplorer", "PDETTerminal", "PDETBert", "PDETReproduce", "CPosix",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: tests
        .testTarget(name: "PDETCoreTests", dependencies: ["PDETCore"]),
        .testTarget(name: "PDETTasksTests", dependencies: ["PDETTasks", "PDETCore"]),
        .testTarget(name: "PDETIOTests", dependencies: ["PDETIO", "PDETCore", "CPosix"]),
        .testTarget(name: "PDETBertTests", dependencies: ["PDETBert", "PDETCore", "PDETIO"], exclude: ["Resources"]),
        .testTarget(name: "PDETRenderTests", dependencies: ["PDETRender"]),
        .testTarget(name: "PDETExplorerTests", dependencies: ["PDETExplorer", "PDETRender", "PDETCore", "PDETIO", "PDETTasks", "PDETBert", "PDETScript"],
                    exclude: ["Golden"]),
        .testTarget(name: "PDETScriptTests", dependencies: ["PDETScript", "PDETCore", "PDETRender"]),
        .testTarget(name: "PDETTerminalTests", dependencies: ["PDETTerminal", "PDETRender", "CNcurses"]),
        .testTarget(name: "PDETReproduceTests", dependencies: ["PDETReproduce", "PDETCore", "PDETTasks"]),
        .testTarget(name: "CLITests", dependencies: []),
    ],
    swiftLanguageModes: [.v6]
)
