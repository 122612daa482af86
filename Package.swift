// swift-tools-version:6.0
// pdet-tui: a terminal explorer that takes a small Transformer apart while it runs.
// Dependencies point one way (each module imports only modules above it in this list):
//   CLanes, PDETText, CPosix, CZlib, CNcurses           no project dependencies
//   PDETCore       ← CLanes                             the numeric core (CLanes: register transposes)
//   PDETTasks      ← PDETCore, CZlib                    task generators, the digits data
//   PDETIO         ← PDETCore, PDETText, CPosix          safetensors, checkpoints, the one output writer
//   PDETBert       ← PDETCore, PDETIO                    MiniLM on PDETCore's kernels
//   PDETRender     ← PDETText                            state-free widgets: a grid of cells
//   PDETScript     ← PDETCore, PDETRender, PDETIO, PDETText        scripts, lessons, asciicast
//   PDETReproduce  ← PDETCore, PDETTasks, PDETText                 the experiment grid
//   PDETExplorer   ← PDETCore, PDETTasks, PDETIO, PDETRender, PDETBert, PDETScript, PDETText   screens
//   PDETTerminal   ← CNcurses, PDETRender                the only code that knows ncurses
//   pdet-tui       ← all of them                          the CLI
// Each target declares exactly the modules its files import (scripts/check-imports.sh checks it).
import PackageDescription
import Foundation

/// Release builds of the numeric code drop bounds and overflow checks: about a 3x speedup on the
/// inner loops. Debug builds keep every check, which is what the tests rely on to catch mistakes.
///
/// The vector path of the numeric targets is chosen at build time from the build host's
/// /proc/cpuinfo (the binary is meant for the machine that builds it):
/// - `avx512`: AVX-512 F/BW/DQ/VL and FMA: compiled for that CPU class (`znver4` on AMD,
///   `skylake-avx512` elsewhere) with `-DPDET_AVX512 -DPDET_FMA`; the GEMM tiles use
///   SIMD16<Float> (one 512-bit register, 32 of them).
/// - `avx2`: AVX2 and FMA: compiled for Haswell with `-DPDET_FMA`; SIMD8<Float> tiles.
/// - `portable`: anything else (arm64, macOS, old x86): the baseline target.
/// Every path computes each output element with the same operations in the same order (vectors
/// run across output columns, never across a sum; the GEMM chains are fused multiply-adds on
/// all three), so a checkpoint trained on any of them is byte-identical: docs/performance.md,
/// scripts/bits-test.sh. `PDET_SIMD=avx512|avx2|portable` overrides the detection (the bits test
/// builds every path on one machine that way, each into its own --scratch-path).
enum SIMDPath: String { case avx512, avx2, portable }

let simdPath: SIMDPath = {
    if let forced = ProcessInfo.processInfo.environment["PDET_SIMD"], let path = SIMDPath(rawValue: forced) {
        return path
    }
    #if arch(x86_64) && os(Linux)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return .portable }
    let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
    let words = Set(flags.split(separator: " "))
    guard words.contains("avx2") && words.contains("fma") else { return .portable }
    let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { words.contains(Substring($0)) }
    return avx512 ? .avx512 : .avx2
    #else
    return .portable
    #endif
}()

let hostIsAMD: Bool = {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
    return info.contains("AuthenticAMD")
}()

let simdFlags: [String] = switch simdPath {
case .avx512: ["-target-cpu", hostIsAMD ? "znver4" : "skylake-avx512", "-DPDET_FMA", "-DPDET_AVX512"]
case .avx2: ["-target-cpu", "haswell", "-DPDET_FMA"]
case .portable: []
}

let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
] + (simdFlags.isEmpty ? [] : [.unsafeFlags(simdFlags)])

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
        .target(name: "CLanes"),
        .target(name: "PDETCore", dependencies: ["CLanes"], swiftSettings: numericSettings),
        .target(name: "PDETText"),
        .systemLibrary(name: "CZlib"),
        .target(name: "PDETTasks", dependencies: ["PDETCore", "CZlib"], swiftSettings: numericSettings),
        .target(name: "CPosix"),
        .target(name: "PDETIO", dependencies: ["PDETCore", "PDETText", "CPosix"]),
        .target(name: "PDETBert", dependencies: ["PDETCore", "PDETIO"], swiftSettings: numericSettings),

        // MARK: screen (pure: state → grid of cells)
        .target(name: "PDETRender", dependencies: ["PDETText"]),
        .target(name: "PDETScript", dependencies: ["PDETCore", "PDETRender", "PDETIO", "PDETText"]),
        .target(name: "PDETReproduce", dependencies: ["PDETCore", "PDETTasks", "PDETText"]),
        .target(name: "PDETExplorer", dependencies: ["PDETCore", "PDETTasks", "PDETIO", "PDETRender", "PDETBert", "PDETScript", "PDETText"]),

        // MARK: terminal backend (the only code that knows ncurses)
        .systemLibrary(name: "CNcurses"),
        .target(name: "PDETTerminal", dependencies: ["CNcurses", "PDETRender"]),

        // MARK: command line
        .executableTarget(name: "pdet-tui", dependencies: [
            "PDETCore", "PDETTasks", "PDETIO", "PDETRender", "PDETScript", "PDETExplorer", "PDETTerminal", "PDETBert", "PDETReproduce", "PDETText", "CPosix",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: tests
        .testTarget(name: "PDETCoreTests", dependencies: ["PDETCore"]),
        .testTarget(name: "PDETTasksTests", dependencies: ["PDETTasks", "PDETCore"]),
        .testTarget(name: "PDETIOTests", dependencies: ["PDETIO", "PDETCore", "PDETText", "CPosix"]),
        .testTarget(name: "PDETBertTests", dependencies: ["PDETBert", "PDETCore", "PDETIO"], exclude: ["Resources"]),
        .testTarget(name: "PDETRenderTests", dependencies: ["PDETRender", "PDETText"]),
        .testTarget(name: "PDETExplorerTests", dependencies: ["PDETExplorer", "PDETRender", "PDETCore", "PDETIO", "PDETTasks", "PDETBert", "PDETScript"],
                    exclude: ["Golden"]),
        .testTarget(name: "PDETScriptTests", dependencies: ["PDETScript", "PDETCore", "PDETRender", "PDETText"]),
        .testTarget(name: "PDETTextTests", dependencies: ["PDETText"]),
        .testTarget(name: "PDETTerminalTests", dependencies: ["PDETTerminal", "PDETRender", "CNcurses"]),
        .testTarget(name: "PDETReproduceTests", dependencies: ["PDETReproduce", "PDETCore", "PDETTasks"]),
        .testTarget(name: "CLITests", dependencies: []),
    ],
    swiftLanguageModes: [.v6]
)
