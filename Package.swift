// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// The proxy's release build leaves out the run-time exclusivity checks (about 150 calls into the
// Swift runtime per proxied request, measured at 1.9 µs of latency at one request in flight).
// The compile-time checks stay, and debug builds, which every test runs, keep the run-time ones.
let proxyPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

// The release build of `gangway` is linked by lld, which places the functions a proxied request
// runs next to each other, in the order of scripts/hot-functions.txt (scripts/build-release also
// gives every function a section of its own, which the layout needs; Benchmarks/PROFILING.md).
// A name the code no longer has is skipped: a stale list makes the layout worse, never the binary wrong.
// Linux only (these are lld's options; Apple's linker has its own, `-order_file`).
let hotFunctionLayout: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/scripts/hot-functions.txt",
            "-Xlinker", "--no-warn-symbol-ordering",
        ],
        .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "gangway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gangway", targets: ["gangway"]),
        .library(name: "GangwayCore", targets: ["GangwayCore"]),
        .library(name: "GangwayServer", targets: ["GangwayServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure logic: Foundation and swift-crypto only. No sockets, files, clocks or logging.
        .target(
            name: "GangwayCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GangwayStore",
            dependencies: [
                "GangwayCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GangwayMockModel",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "GangwayServer",
            dependencies: [
                "CGangwayHeap",
                "GangwayCore",
                "GangwayStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings + proxyPathSettings
        ),
        .target(
            name: "GangwayTesting",
            dependencies: [
                "GangwayCore",
                "GangwayServer",
                "GangwayMockModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Installs Swift concurrency's enqueue hook found by the linker (see EventLoopTakeover).
        .target(name: "CGangwayExecutorHook"),
        // The C allocator's free memory and its trim (see HeapTrimmer).
        .target(name: "CGangwayHeap"),
        .executableTarget(
            name: "gangway",
            dependencies: [
                "CGangwayExecutorHook",
                "GangwayCore",
                "GangwayServer",
                "GangwayMockModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: hotFunctionLayout
        ),
        .executableTarget(
            name: "gangway-loadgen",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/LoadGen",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "gangway-bench",
            dependencies: [
                "GangwayCore", "GangwayServer", "GangwayStore", .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/GangwayBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GangwayMockModelTests",
            dependencies: [
                "GangwayMockModel",
                "GangwayTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "GangwayCoreTests", dependencies: ["GangwayCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "GangwayStoreTests", dependencies: ["GangwayStore", "GangwayCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "GangwayServerTests",
            dependencies: [
                "GangwayServer", "GangwayTesting", "GangwayMockModel", "GangwayCore", "GangwayStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
