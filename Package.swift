// swift-tools-version:6.0
import PackageDescription

// Two halves that never import each other: the checker (kubewire, which
// proves the wiring of infra/) and the blog (what infra/ deploys).
//
// `kubewire` links only the checker (libyaml, the Kube* targets) and
// ArgumentParser; `kubewire up` and `kubewire probe` run `kubewire-cluster`
// (LocalCluster, swift-nio, AsyncHTTPClient), installed beside it.
//
// KUBEWIRE_CHECKER_ONLY=1 (make check, make install, make release, the
// GitHub Action, the container) declares the checker half alone, so a cold
// CI runner fetches one dependency (swift-argument-parser) instead of 26.
// Package.resolved keeps every pin; those builds read it with
// --only-use-versions-from-resolved-file and never rewrite it.
let checkerOnly = (Context.environment["KUBEWIRE_CHECKER_ONLY"] ?? "").isEmpty == false

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

// MARK: checker (what `make check` compiles)

let checkerTargets: [Target] = [
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
        dependencies: ["KubeModel", "KubeYAML", "KubeDiagnostics"],
        path: "Sources/Checker/KubeRules"
    ),
    .target(
        name: "KubeReport",
        dependencies: ["KubeDiagnostics"],
        path: "Sources/Checker/KubeReport"
    ),
    // What both executables share: console writes, output options (--format, --output, --report), exit codes.
    .target(
        name: "KubewireCLI",
        dependencies: ["KubeReport", argumentParser],
        path: "Sources/KubewireCLI"
    ),
    .executableTarget(
        name: "kubewire",
        dependencies: [
            "KubeYAML", "KubeModel", "KubeRules", "KubeReport", "KubeDiagnostics", "KubewireCLI", argumentParser,
        ],
        path: "Sources/kubewire"
    ),

    // The checker benchmark (`make bench`); it links nothing the check does not.
    // The baseline: libyaml's event loop in C, no Swift value per event (used only by wire-bench).
    .target(name: "CRawParse", dependencies: ["CYAML"], path: "bench/CRawParse"),
    .executableTarget(
        name: "wire-bench",
        dependencies: ["CRawParse", "KubeYAML", "KubeModel", "KubeRules", "KubeReport", "KubeDiagnostics"],
        path: "bench/wire-bench"
    ),

    .testTarget(name: "KubeYAMLTests", dependencies: ["KubeYAML", "KubeDiagnostics"], path: "Tests/KubeYAMLTests"),
    .testTarget(
        name: "KubeModelTests", dependencies: ["KubeModel", "KubeYAML", "KubeDiagnostics"],
        path: "Tests/KubeModelTests"),
    .testTarget(
        name: "KubeRulesTests",
        dependencies: ["KubeRules", "KubeModel", "KubeYAML", "KubeDiagnostics"],
        path: "Tests/KubeRulesTests"
    ),
    .testTarget(
        name: "KubeReportTests", dependencies: ["KubeReport", "KubeDiagnostics"], path: "Tests/KubeReportTests"),
    // Runs the built kubewire (KUBEWIRE_BIN_DIR); KubeYAML reads the hook, Action and recipe files.
    .testTarget(name: "KubewireCLITests", dependencies: ["KubeYAML"], path: "Tests/KubewireCLITests"),
]

// MARK: local cluster, blog, benchmarks

let clusterAndBlogTargets: [Target] = [
    .target(
        name: "LocalCluster",
        dependencies: [
            "KubeModel", "KubeRules", "KubeReport", "KubeYAML", "KubeDiagnostics",
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
            "KubeModel", "KubeRules", "KubeReport", "KubeDiagnostics", "KubewireCLI", "LocalCluster", argumentParser,
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ],
        path: "Sources/kubewire-cluster"
    ),

    // MARK: blog
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

    // MARK: benchmarks (`make bench`)
    .executableTarget(
        name: "blog-bench",
        dependencies: ["BlogHarness", "LocalCluster", argumentParser],
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

/// What every blog service imports.
var blogService: [Target.Dependency] {
    [
        "BlogCore",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "GRDB", package: "GRDB.swift"),
    ]
}

let package = Package(
    name: "kubewire",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "kubewire", targets: ["kubewire"])]
        + (checkerOnly
            ? []
            : [
                .executable(name: "kubewire-cluster", targets: ["kubewire-cluster"]),
                .executable(name: "posts", targets: ["posts"]),
                .executable(name: "comments", targets: ["comments"]),
                .executable(name: "moderation", targets: ["moderation"]),
                .executable(name: "query", targets: ["query"]),
                .executable(name: "event-bus", targets: ["event-bus"]),
                .executable(name: "client", targets: ["client"]),
            ]),
    dependencies: [.package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")]
        + (checkerOnly
            ? []
            : [
                .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
                .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
                .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
                .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
                .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
                .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
            ]),
    targets: checkerTargets + (checkerOnly ? [] : clusterAndBlogTargets)
)
