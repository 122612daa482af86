// swift-tools-version:6.0
// pdet-tui: a terminal explorer that takes a small Transformer apart while it runs.
// Dependencies point one way: PDETCore ← PDETTasks/PDETIO ← PDETRender ← PDETExplorer ← PDETTerminal ← pdet-tui.
import PackageDescription

/// Release builds of the numeric code drop bounds and overflow checks: about a 3x speedup on the
/// inner loops. Debug builds keep every check, which is what the tests rely on to catch mistakes.
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

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
        .target(name: "PDETIO", dependencies: ["PDETCore"]),

        // MARK: screen (pure: state → grid of cells)
        .target(name: "PDETRender"),
        .target(name: "PDETScript", dependencies: ["PDETCore", "PDETRender"]),
        .target(name: "PDETExplorer", dependencies: ["PDETCore", "PDETTasks", "PDETIO", "PDETRender"]),

        // MARK: terminal backend (the only code that knows ncurses)
        .systemLibrary(name: "CNcurses"),
        .target(name: "PDETTerminal", dependencies: ["CNcurses", "PDETRender"]),

        // MARK: command line
        .executableTarget(name: "pdet-tui", dependencies: [
            "PDETCore", "PDETTasks", "PDETIO", "PDETRender", "PDETExplorer", "PDETTerminal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: tests
        .testTarget(name: "PDETCoreTests", dependencies: ["PDETCore"]),
        .testTarget(name: "PDETTasksTests", dependencies: ["PDETTasks", "PDETCore"]),
        .testTarget(name: "PDETIOTests", dependencies: ["PDETIO", "PDETCore"]),
        .testTarget(name: "PDETRenderTests", dependencies: ["PDETRender"]),
        .testTarget(name: "PDETExplorerTests", dependencies: ["PDETExplorer", "PDETRender", "PDETCore", "PDETIO", "PDETTasks"],
                    exclude: ["Golden"]),
        .testTarget(name: "PDETScriptTests", dependencies: ["PDETScript", "PDETCore", "PDETRender"]),
        .testTarget(name: "PDETTerminalTests", dependencies: ["PDETTerminal", "PDETRender", "CNcurses"]),
        .testTarget(name: "CLITests", dependencies: []),
    ],
    swiftLanguageModes: [.v6]
)
