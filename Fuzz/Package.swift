// swift-tools-version: 6.1
// libFuzzer targets for what Tribelog reads from untrusted bytes. A separate package, so
// that `-sanitize=fuzzer,address` (set by `Tools/fuzz`, which builds and runs every
// target) applies to the fuzz targets and the libraries they test, not to `tribelog`.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .swiftLanguageMode(.v6),
]

/// A fuzz target: `LLVMFuzzerTestOneInput`, and a main.swift that hands it to libFuzzer.
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzChecks", "FuzzDriver"], swiftSettings: strict)
}

let package = Package(
    name: "TribelogFuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fuzz-record", targets: ["fuzz-record"]),
        .executable(name: "fuzz-body", targets: ["fuzz-body"]),
        .executable(name: "fuzz-payload", targets: ["fuzz-payload"]),
        .executable(name: "fuzz-ndjson", targets: ["fuzz-ndjson"]),
        .executable(name: "fuzz-corpus", targets: ["fuzz-corpus"]),
    ],
    dependencies: [
        .package(name: "Tribelog", path: ".."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "FuzzChecks",
            dependencies: [
                .product(name: "EventLog", package: "Tribelog"),
                .product(name: "TribeDomain", package: "Tribelog"),
            ],
            swiftSettings: strict),
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzDriver", dependencies: ["CFuzzDriver"], swiftSettings: strict),
        fuzzTarget("fuzz-record"),
        fuzzTarget("fuzz-body"),
        fuzzTarget("fuzz-payload"),
        fuzzTarget("fuzz-ndjson"),
        // Writes the seed corpus from a demo history; an ordinary program, built without
        // the fuzzer (see `Tools/fuzz corpus`).
        .executableTarget(
            name: "fuzz-corpus",
            dependencies: [
                "FuzzChecks",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
    ]
)
