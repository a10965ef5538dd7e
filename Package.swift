// swift-tools-version:6.0
//
// Swift 6 tools (WorkerPool imports the Synchronization module, new in Swift 6);
// the targets keep the Swift 5 language mode.
//
// mlx_lite's native half: the Swift scan engine (SwiftScan), the thin C ABI it
// exports (ScanABI), the C vector expressions it inlines (VectorShims), and the
// CPython extension module that calls it (CBridge), linked into one dynamic
// library that setup.py installs as mlx_lite/_core*.so.
import PackageDescription
import Foundation

// CBridge includes Python.h and NumPy's headers; setup.py (and scripts/test.sh)
// pass their directories here, as the interpreter that will load the module knows them.
let pythonIncludes = (ProcessInfo.processInfo.environment["MLX_LITE_C_INCLUDES"] ?? "")
    .split(separator: ":").map { "-I\($0)" }

let package = Package(
    name: "mlx_lite",
    products: [
        .library(name: "MLXLiteCore", type: .dynamic, targets: ["CBridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-numerics", exact: "1.1.1"),
    ],
    targets: [
        .target(name: "ScanABI", path: "Sources/ScanABI", exclude: ["README.md"]),
        .target(name: "VectorShims", path: "Sources/VectorShims", exclude: ["README.md"]),
        .target(
            name: "SwiftScan",
            dependencies: [
                "ScanABI",
                "VectorShims",
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "ComplexModule", package: "swift-numerics"),
            ],
            path: "Sources/SwiftScan",
            exclude: ["README.md"]
        ),
        .target(
            name: "CBridge",
            dependencies: ["ScanABI", "SwiftScan"],
            path: "Sources/CBridge",
            exclude: ["README.md"],
            cSettings: [.unsafeFlags(pythonIncludes + ["-O2", "-fvisibility=hidden"])]
        ),
        .testTarget(
            name: "SwiftScanTests",
            dependencies: ["SwiftScan", "ScanABI"],
            path: "tests/swift/SwiftScanTests"
        ),
    ],
    swiftLanguageModes: [.v5]
)
