import Foundation
import KubeModel
import Testing

@testable import LocalCluster

/// Two workloads: `posts-depl` (3 replicas, image built by an artifact naming
/// its executable in a build argument) and `widget-depl` (artifact without build
/// arguments, so the image's last path component names the executable).
private let clusterYAML = """
    apiVersion: skaffold/v4beta14
    kind: Config
    build:
      artifacts:
        - image: blog/posts-image
          docker:
            buildArgs:
              SERVICE: posts
        - image: example.com/team/widget
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: posts-depl
    spec:
      replicas: 3
      selector:
        matchLabels:
          app: posts
      template:
        metadata:
          labels:
            app: posts
        spec:
          containers:
            - name: posts
              image: blog/posts-image:1.0
              ports:
                - name: http
                  containerPort: 4000
              env:
                - name: PORT
                  value: "4000"
                - name: DATA_DIR
                  value: /data/db
                - name: WIDGET_URL
                  value: http://widget-srv:4005/hook
                - name: SECRET
                  valueFrom:
                    secretKeyRef:
                      name: s
                      key: k
              volumeMounts:
                - name: data
                  mountPath: /data
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: widget-depl
    spec:
      selector:
        matchLabels:
          app: widget
      template:
        metadata:
          labels:
            app: widget
        spec:
          containers:
            - name: widget
              image: example.com/team/widget:2.1
              ports:
                - containerPort: 4005
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: posts-srv
    spec:
      selector:
        app: posts
      ports:
        - port: 80
          targetPort: http
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: widget-srv
    spec:
      selector:
        app: widget
      ports:
        - port: 4005

    """

/// A workload whose image is not among the skaffold artifacts.
private let unbuiltYAML = """
    apiVersion: skaffold/v4beta14
    kind: Config
    build:
      artifacts:
        - image: blog/posts
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: stray-depl
    spec:
      selector:
        matchLabels:
          app: stray
      template:
        metadata:
          labels:
            app: stray
        spec:
          containers:
            - name: stray
              image: someone/stray:3

    """

@Suite struct ClusterPlanTests {
    let root: String

    init() throws { root = try temporaryDirectory("plan") }

    private func plan(_ yaml: String, executables: [String]) throws -> ClusterPlan {
        let bin = try binDirectory(with: executables, in: root)
        return try ClusterPlan.make(
            graph: graph(yaml), options: PlanOptions(binDirectory: bin, stateDirectory: root + "/state"))
    }

    @Test func executableComesFromTheArtifactBuildArgumentBeforeTheImageName() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Both names exist: the build argument must win over the image's last component.
        let plan = try plan(clusterYAML, executables: ["posts", "posts-image", "widget"])
        let posts = plan.pods.filter { $0.name.hasPrefix("posts-depl") }
        #expect(!posts.isEmpty)
        for pod in posts { #expect(pod.executable == root + "/bin/posts") }
    }

    @Test func executableFallsBackToTheImageLastPathComponent() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try plan(clusterYAML, executables: ["posts", "widget"])
        let widget = try #require(plan.pods.first { $0.name.hasPrefix("widget-depl") })
        #expect(widget.executable == root + "/bin/widget")
    }

    @Test func replicasGiveThatManyPodsEachWithItsOwnPortAndEndpoint() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try plan(clusterYAML, executables: ["posts", "widget"])
        let posts = plan.pods.filter { $0.name.hasPrefix("posts-depl") }
        #expect(posts.map(\.name) == ["posts-depl-0", "posts-depl-1", "posts-depl-2"])
        #expect(plan.pods.filter { $0.name.hasPrefix("widget-depl") }.map(\.name) == ["widget-depl-0"])
        let localPorts = posts.compactMap { $0.localPort(for: .number(4000)) }
        #expect(localPorts.count == 3)
        #expect(Set(localPorts).count == 3)
        // The named targetPort `http` resolves to each replica's local port.
        let service = try #require(plan.services.first { $0.name == "posts-srv" })
        let port = try #require(service.ports.first)
        #expect(port.port == 80)
        #expect(Set(port.endpoints) == Set(zip(posts, localPorts).map { Endpoint(pod: $0.name, port: $1) }))
        #expect(!localPorts.contains(port.localPort))
    }

    @Test func envNamingAServiceIsKeptAsWrittenAndResolvesToAPlannedListener() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifests = graph(clusterYAML)
        let bin = try binDirectory(with: ["posts", "widget"], in: root)
        let plan = try ClusterPlan.make(
            graph: manifests, options: PlanOptions(binDirectory: bin, stateDirectory: root + "/state"))
        let pod = try #require(plan.pods.first { $0.name == "posts-depl-0" })
        let environment = Dictionary(pod.environment.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        // As written in the plan; valueFrom entries are not planned, and say so.
        #expect(environment["WIDGET_URL"] == "http://widget-srv:4005/hook")
        #expect(environment["SECRET"] == nil)
        #expect(plan.warnings.contains { $0.contains("SECRET") && $0.contains("valueFrom") })
        // The URL names a Service the plan gives a listener with the widget pod behind it: what `up` rewrites to.
        let url = try #require(ServiceURL.find(in: environment["WIDGET_URL"] ?? "").first)
        let target = try #require(
            url.serviceTarget(defaultNamespace: pod.namespace, knownNamespaces: manifests.namespaces, graph: manifests))
        #expect(target.name == "widget-srv")
        #expect(target.namespace == "default")
        let service = try #require(plan.services.first { $0.name == target.name && $0.namespace == target.namespace })
        let listener = try #require(service.ports.first { $0.port == url.port })
        let widget = try #require(plan.pods.first { $0.name == "widget-depl-0" })
        #expect(
            listener.endpoints == [
                Endpoint(pod: "widget-depl-0", port: try #require(widget.localPort(for: .number(4005))))
            ])
        #expect(
            url.replacingAuthority(with: "127.0.0.1:\(listener.localPort)")
                == "http://127.0.0.1:\(listener.localPort)/hook")
    }

    @Test func localEnvironmentRewritesPortAndMountPaths() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifests = graph(clusterYAML)
        let bin = try binDirectory(with: ["posts", "widget"], in: root)
        let state = root + "/state"
        let plan = try ClusterPlan.make(
            graph: manifests, options: PlanOptions(binDirectory: bin, stateDirectory: state))
        let pod = try #require(plan.pods.first { $0.name == "posts-depl-1" })
        let cluster = LocalCluster(
            plan: plan, graph: manifests,
            options: RunOptions(nginxPath: "/usr/sbin/nginx", stateDirectory: state, log: { _ in }))
        let environment = try await cluster.environment(for: pod)
        await cluster.stop()
        #expect(environment["PORT"] == String(try #require(pod.localPort(for: .number(4000)))))
        let volume = state + "/volumes/default/posts-depl-1/data"
        #expect(environment["DATA_DIR"] == volume + "/db")
        #expect(FileManager.default.fileExists(atPath: volume))
        #expect(environment["HOST"] == "127.0.0.1")
    }

    @Test func imageBuiltByNoArtifactIsAnErrorNamingTheImage() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = try #require(throws: PlanError.self) { try plan(unbuiltYAML, executables: ["posts", "stray"]) }
        #expect(error.description.contains("someone/stray:3"))
        #expect(error.description.contains("stray-depl"))
        #expect(error.description.contains("no skaffold artifact"))
    }

    @Test func missingExecutableIsAnErrorNamingTheImageAndTheNamesTried() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = try #require(throws: PlanError.self) { try plan(clusterYAML, executables: ["widget"]) }
        #expect(error.description.contains("blog/posts-image:1.0"))
        #expect(error.description.contains("looked for posts, posts-image"))
        #expect(error.description.contains(root + "/bin"))
    }

    @Test func buildArgumentThatIsAPathIsNotFollowed() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let yaml = clusterYAML.replacingOccurrences(of: "SERVICE: posts", with: "SERVICE: ../evil")
        // An executable `evil` beside the bin folder must not be picked up through `../`.
        try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: root + "/evil"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/evil")
        let error = try #require(throws: PlanError.self) { try plan(yaml, executables: ["widget"]) }
        #expect(error.description.contains("no executable for image blog/posts-image:1.0"))
    }

    @Test func withoutSkaffoldConfigPlanningFailsAndSaysWhy() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let yaml = clusterYAML.components(separatedBy: "---\n").dropFirst().joined(separator: "---\n")
        let error = try #require(throws: PlanError.self) { try plan(yaml, executables: ["posts", "widget"]) }
        #expect(error.description.contains("no skaffold Config"))
    }

    @Test func jobsAreNotStartedButWarnedAbout() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let job = """
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: migrate
                      image: blog/posts-image

            """
        let plan = try plan(clusterYAML + job, executables: ["posts", "widget"])
        #expect(!plan.pods.contains { $0.name.hasPrefix("migrate") })
        #expect(plan.warnings.contains { $0.contains("Job migrate") })
    }
}
