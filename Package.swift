// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "Tribelog",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "EventLogPostgres", targets: ["EventLogPostgres"]),
        .library(name: "TribeDomain", targets: ["TribeDomain"]),
        .library(name: "ProjectionKit", targets: ["ProjectionKit"]),
        .library(name: "TribeProjections", targets: ["TribeProjections"]),
        .library(name: "TribelogServer", targets: ["TribelogServer"]),
        .executable(name: "tribelog", targets: ["tribelog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB", path: "Sources/CLMDB", pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(
            name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        // No C and no log: helpers every layer uses (work off the cooperative pool, child processes).
        .target(name: "TribelogSupport", path: "Sources/TribelogSupport", swiftSettings: strict),
        // The log's protocol and what every engine shares, without C: events, conditions,
        // queries, the canonical envelope, the hash chain, NDJSON.
        .target(
            name: "EventLogCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/EventLogCore", swiftSettings: strict),
        .target(
            name: "EventLog",
            dependencies: [
                "CLMDB", "CZstd", "EventLogCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/EventLog", swiftSettings: strict),
        // The log on PostgreSQL, for servers that share one log (DESIGN.md "Two engines, one log").
        .target(
            name: "EventLogPostgres",
            dependencies: [
                "EventLogCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/EventLogPostgres", swiftSettings: strict),
        .target(
            name: "TribeDomain",
            dependencies: [
                "EventLog",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/TribeDomain", swiftSettings: strict),
        .target(
            name: "ProjectionKit",
            dependencies: ["EventLog", "TribelogSupport", .product(name: "Logging", package: "swift-log")],
            path: "Sources/ProjectionKit", swiftSettings: strict),
        .target(
            name: "TribeProjections",
            dependencies: ["EventLog", "TribeDomain", "ProjectionKit"],
            path: "Projections", swiftSettings: strict),
        .target(
            name: "TribelogServer",
            dependencies: [
                "EventLog", "EventLogPostgres", "TribeDomain", "ProjectionKit", "TribeProjections", "TribelogSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/TribelogServer",
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: strict),
        .executableTarget(
            name: "tribelog",
            dependencies: [
                "EventLog", "EventLogPostgres", "TribeDomain", "ProjectionKit", "TribeProjections", "TribelogServer", "TribelogSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/tribelog",
            resources: [.copy("Bench/lmdb_ceiling.c"), .copy("Bench/samework_ceiling.c"), .copy("Bench/join.lua"), .copy("Bench/reads.lua")],
            swiftSettings: strict),
        // Private mount namespaces (tmpfs with a size, read-only binds) for the fault tests.
        .target(name: "MountSupport", dependencies: ["TribelogSupport"], path: "Tests/MountSupport", swiftSettings: strict),
        // A database of its own per test on the PostgreSQL server Tools/test starts.
        .target(name: "PostgresTestSupport",
                dependencies: ["TribelogSupport", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log")],
                path: "Tests/PostgresTestSupport", swiftSettings: strict),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "MountSupport", "TribelogSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/EventLogTests", swiftSettings: strict),
        // One suite, every engine: the promises of EventLogStore checked against LMDB and PostgreSQL.
        .testTarget(
            name: "LogContractTests",
            dependencies: [
                "EventLog", "EventLogCore", "EventLogPostgres", "PostgresTestSupport", "TribelogSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/LogContractTests", swiftSettings: strict),
        .testTarget(
            name: "TribeDomainTests",
            dependencies: [
                "TribeDomain", "EventLog", "TribelogSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TribeDomainTests", swiftSettings: strict),
        .testTarget(
            name: "ProjectionKitTests",
            dependencies: ["ProjectionKit", "EventLog", "TribelogSupport"],
            path: "Tests/ProjectionKitTests", swiftSettings: strict),
        .testTarget(
            name: "TribeProjectionsTests",
            dependencies: ["TribeProjections", "TribeDomain", "ProjectionKit", "EventLog", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TribeProjectionsTests", swiftSettings: strict),
        .testTarget(
            name: "TribelogCLITests",
            dependencies: [
                "tribelog", "EventLog", "TribeDomain", "ProjectionKit", "TribeProjections", "MountSupport", "TribelogSupport",
                "PostgresTestSupport", "TribelogServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TribelogCLITests", swiftSettings: strict),
        .testTarget(
            name: "TribelogServerTests",
            dependencies: [
                "TribelogServer", "EventLog", "TribeDomain", "ProjectionKit", "TribeProjections", "TribelogSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TribelogServerTests", swiftSettings: strict),
    ]
)
