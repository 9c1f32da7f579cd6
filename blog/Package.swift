// swift-tools-version:6.0
import PackageDescription

// The blog that infra/ deploys (six Hummingbird services on SQLite/GRDB) and the local cluster
// that runs it (`kubewire up` and `kubewire probe` call `kubewire-cluster`: LocalCluster,
// swift-nio, AsyncHTTPClient). The checker is the package one folder up, used by path: the local
// cluster reads manifests through its model and rules; the blog never imports it.
//
// `make test` builds here the checker's `kubewire` product too, so kubewire, kubewire-cluster
// and the six services are beside each other in one bin folder, as `kubewire up` expects.

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// A product of the checker package (the repository root).
func checker(_ name: String) -> Target.Dependency { .product(name: name, package: "kubewire") }

// MARK: local cluster

let clusterTargets: [Target] = [
    .target(
        name: "LocalCluster",
        dependencies: [
            checker("KubeModel"), checker("KubeRules"), checker("KubeReport"), checker("KubeYAML"),
            checker("KubeDiagnostics"),
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
        name: "kubewire-cluster",
        dependencies: [
            checker("KubeModel"), checker("KubeRules"), checker("KubeReport"), checker("KubeDiagnostics"),
            checker("KubewireCLI"), "LocalCluster", argumentParser,
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ],
        path: "Sources/kubewire-cluster"
    ),
]

// MARK: blog

/// What every blog service imports.
var blogService: [Target.Dependency] {
    [
        "BlogCore",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "GRDB", package: "GRDB.swift"),
    ]
}

let blogTargets: [Target] = [
    .target(
        name: "BlogCore",
        dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        path: "Sources/Blog/BlogCore"
    ),
    .target(name: "PostsService", dependencies: blogService, path: "Sources/Blog/PostsService"),
    .target(name: "CommentsService", dependencies: blogService, path: "Sources/Blog/CommentsService"),
    .target(name: "ModerationService", dependencies: blogService, path: "Sources/Blog/ModerationService"),
    .target(
        name: "QueryService",
        dependencies: blogService + [
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        path: "Sources/Blog/QueryService"),
    .target(
        name: "EventBusService",
        dependencies: blogService + [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        path: "Sources/Blog/EventBusService"),
    .target(
        name: "ClientService",
        dependencies: [
            "BlogCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ],
        path: "Sources/Blog/ClientService"),
    .executableTarget(name: "posts", dependencies: ["BlogCore", "PostsService"], path: "Sources/Blog/Apps/posts"),
    .executableTarget(
        name: "comments", dependencies: ["BlogCore", "CommentsService"], path: "Sources/Blog/Apps/comments"),
    .executableTarget(
        name: "moderation", dependencies: ["BlogCore", "ModerationService"], path: "Sources/Blog/Apps/moderation"),
    .executableTarget(name: "query", dependencies: ["BlogCore", "QueryService"], path: "Sources/Blog/Apps/query"),
    .executableTarget(
        name: "event-bus", dependencies: ["BlogCore", "EventBusService"], path: "Sources/Blog/Apps/event-bus"),
    .executableTarget(name: "client", dependencies: ["BlogCore", "ClientService"], path: "Sources/Blog/Apps/client"),
]

// MARK: benchmark (`make bench`) and tests

let benchAndTestTargets: [Target] = [
    .executableTarget(
        name: "blog-bench",
        dependencies: ["BlogHarness", "LocalCluster", argumentParser],
        path: "bench/blog-bench"
    ),
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
    .testTarget(
        name: "BlogServiceTests",
        dependencies: [
            "BlogCore", "PostsService", "CommentsService", "ModerationService", "QueryService",
            "EventBusService", "ClientService",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
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
        dependencies: [
            "LocalCluster", checker("KubeModel"), checker("KubeYAML"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ],
        path: "Tests/LocalClusterTests"
    ),
    // Runs kubewire, kubewire-cluster and the services from KUBEWIRE_BIN_DIR over ../infra.
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

let package = Package(
    name: "blog",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kubewire-cluster", targets: ["kubewire-cluster"]),
        .executable(name: "posts", targets: ["posts"]),
        .executable(name: "comments", targets: ["comments"]),
        .executable(name: "moderation", targets: ["moderation"]),
        .executable(name: "query", targets: ["query"]),
        .executable(name: "event-bus", targets: ["event-bus"]),
        .executable(name: "client", targets: ["client"]),
    ],
    dependencies: [
        // The checker (the repository root). Named, because a path dependency's identity is its
        // folder's name, which is whatever the clone was called.
        .package(name: "kubewire", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: clusterTargets + blogTargets + benchAndTestTargets
)
