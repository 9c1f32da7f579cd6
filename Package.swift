// swift-tools-version:6.0
import PackageDescription

// Two halves that never import each other: the checker (kubewire, which
// proves the wiring of infra/) and the blog (what infra/ deploys).
let package = Package(
    name: "kubewire",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kubewire", targets: ["kubewire"]),
        .executable(name: "posts", targets: ["posts"]),
        .executable(name: "comments", targets: ["comments"]),
        .executable(name: "moderation", targets: ["moderation"]),
        .executable(name: "query", targets: ["query"]),
        .executable(name: "event-bus", targets: ["event-bus"]),
        .executable(name: "client", targets: ["client"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // MARK: checker
        .systemLibrary(
            name: "CYAML",
            path: "Sources/Checker/CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "KubeDiagnostics", path: "Sources/Checker/KubeDiagnostics"),
        .target(
            name: "KubeYAML",
            dependencies: ["CYAML", "KubeDiagnostics"],
            path: "Sources/Checker/KubeYAML"
        ),
        .target(
            name: "KubeModel",
            dependencies: ["KubeYAML", "KubeDiagnostics"],
            path: "Sources/Checker/KubeModel"
        ),
        .target(
            name: "KubeRules",
            dependencies: ["KubeModel", "KubeDiagnostics"],
            path: "Sources/Checker/KubeRules"
        ),
        .target(
            name: "KubeReport",
            dependencies: ["KubeDiagnostics"],
            path: "Sources/Checker/KubeReport"
        ),
        .target(
            name: "LocalCluster",
            dependencies: [
                "KubeModel", "KubeRules", "KubeReport", "KubeDiagnostics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Sources/Cluster/LocalCluster"
        ),
        .executableTarget(
            name: "kubewire",
            dependencies: [
                "KubeYAML", "KubeModel", "KubeRules", "KubeReport", "KubeDiagnostics", "LocalCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Sources/kubewire"
        ),

        // MARK: blog
        .target(
            name: "BlogCore",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Blog/BlogCore"
        ),
        .target(name: "PostsService", dependencies: ["BlogCore"], path: "Sources/Blog/PostsService"),
        .target(name: "CommentsService", dependencies: ["BlogCore"], path: "Sources/Blog/CommentsService"),
        .target(name: "ModerationService", dependencies: ["BlogCore"], path: "Sources/Blog/ModerationService"),
        .target(
            name: "QueryService",
            dependencies: [
                "BlogCore",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/Blog/QueryService"
        ),
        .target(name: "EventBusService", dependencies: ["BlogCore"], path: "Sources/Blog/EventBusService"),
        .target(name: "ClientService", dependencies: ["BlogCore"], path: "Sources/Blog/ClientService"),
        .executableTarget(name: "posts", dependencies: ["PostsService"], path: "Sources/Blog/Apps/posts"),
        .executableTarget(name: "comments", dependencies: ["CommentsService"], path: "Sources/Blog/Apps/comments"),
        .executableTarget(
            name: "moderation", dependencies: ["ModerationService"], path: "Sources/Blog/Apps/moderation"),
        .executableTarget(name: "query", dependencies: ["QueryService"], path: "Sources/Blog/Apps/query"),
        .executableTarget(name: "event-bus", dependencies: ["EventBusService"], path: "Sources/Blog/Apps/event-bus"),
        .executableTarget(name: "client", dependencies: ["ClientService"], path: "Sources/Blog/Apps/client"),

        // MARK: benchmarks (`make bench`)
        .executableTarget(
            name: "wire-bench",
            dependencies: ["CYAML", "KubeYAML", "KubeModel", "KubeRules", "KubeDiagnostics"],
            path: "bench/wire-bench"
        ),
        .executableTarget(
            name: "blog-bench",
            dependencies: [
                "BlogHarness", "LocalCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/blog-bench"
        ),

        // MARK: tests
        // Test support, not product: the six services as local processes, for BlogIntegrationTests and blog-bench.
        .target(
            name: "BlogHarness",
            dependencies: [
                "LocalCluster",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/Support/BlogHarness"
        ),
        .testTarget(name: "KubeYAMLTests", dependencies: ["KubeYAML"], path: "Tests/KubeYAMLTests"),
        .testTarget(
            name: "KubeModelTests", dependencies: ["KubeModel", "KubeYAML"], path: "Tests/KubeModelTests"),
        .testTarget(
            name: "KubeRulesTests",
            dependencies: ["KubeRules", "KubeModel", "KubeYAML", "KubeDiagnostics"],
            path: "Tests/KubeRulesTests"
        ),
        .testTarget(
            name: "KubeReportTests", dependencies: ["KubeReport", "KubeDiagnostics"], path: "Tests/KubeReportTests"),
        .testTarget(name: "KubewireCLITests", path: "Tests/KubewireCLITests"),
        .testTarget(
            name: "BlogServiceTests",
            dependencies: [
                "BlogCore", "PostsService", "CommentsService", "ModerationService", "QueryService",
                "EventBusService", "ClientService",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/BlogServiceTests"
        ),
        .testTarget(
            name: "BlogIntegrationTests",
            dependencies: ["BlogHarness"],
            path: "Tests/BlogIntegrationTests"
        ),
        .testTarget(
            name: "LocalClusterTests",
            dependencies: ["LocalCluster", "KubeModel", "KubeYAML"],
            path: "Tests/LocalClusterTests"
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/EndToEndTests"
        ),
    ]
)
