// swift-tools-version:5.9
// The Lianjian core for iOS: an XCFramework built from lianjian-ffi by
// scripts/build-xcframework.sh, plus the Swift that uniffi generates from
// it (copied into Sources/LianjianCore by the same script; never committed).
import PackageDescription

let package = Package(
    name: "LianjianCore",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "LianjianCore", targets: ["LianjianCore"]),
    ],
    targets: [
        .binaryTarget(name: "LianjianFFI", path: "build/LianjianFFI.xcframework"),
        .target(name: "LianjianCore", dependencies: ["LianjianFFI"], path: "Sources/LianjianCore"),
        .testTarget(name: "LianjianCoreTests", dependencies: ["LianjianCore"], path: "Tests/LianjianCoreTests"),
    ]
)
