import Foundation
import KubeModel
import Testing

@testable import LocalCluster

/// A skaffold artifact and one Deployment whose container reads `env` (and `envFrom`), plus `extra` objects.
private func configYAML(env: String, envFrom: String = "[]", extra: String) -> String {
    """
    apiVersion: skaffold/v4beta14
    kind: Config
    build:
      artifacts:
        - image: blog/posts
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: posts-depl
    spec:
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
              image: blog/posts
              envFrom: \(envFrom)
              env: \(env)
    ---
    \(extra)
    """
}

private let settingsYAML = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: blog-config
    data:
      EVENT_BUS_URL: http://event-bus-srv:4005
      MODE: shared
    ---
    apiVersion: v1
    kind: Secret
    metadata:
      name: db
    data:
      password: c2VjcmV0
    stringData:
      user: blog
    """

@Suite struct ConfigEnvironmentTests {
    let root: String

    init() throws { root = try temporaryDirectory("config-env") }

    private func plan(_ yaml: String) throws -> ClusterPlan {
        let bin = try binDirectory(with: ["posts"], in: root)
        return try ClusterPlan.make(
            graph: graph(yaml), options: PlanOptions(binDirectory: bin, stateDirectory: root + "/state"))
    }

    private func environment(_ plan: ClusterPlan) throws -> [String: String] {
        let pod = try #require(plan.pods.first)
        // Later entries win, as in the kubelet.
        return Dictionary(pod.environment.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    @Test func configMapAndSecretValuesAreResolvedFromTheInputs() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try plan(
            configYAML(
                env: """
                    [{name: MODE, value: own},
                     {name: BUS, valueFrom: {configMapKeyRef: {name: blog-config, key: EVENT_BUS_URL}}},
                     {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}},
                     {name: DB_USER, valueFrom: {secretKeyRef: {name: db, key: user}}}]
                    """,
                envFrom: "[{configMapRef: {name: blog-config}}, {prefix: S_, secretRef: {name: db}}]",
                extra: settingsYAML))
        let environment = try environment(plan)
        #expect(environment["BUS"] == "http://event-bus-srv:4005")
        #expect(environment["EVENT_BUS_URL"] == "http://event-bus-srv:4005")
        // env overrides envFrom.
        #expect(environment["MODE"] == "own")
        #expect(environment["DB_PASSWORD"] == "secret")
        #expect(environment["DB_USER"] == "blog")
        #expect(environment["S_password"] == "secret")
        #expect(environment["S_user"] == "blog")
        #expect(plan.brokenReferences.isEmpty)
        #expect(plan.brokenReferenceReport == nil)
    }

    @Test func resolvedValuesReachTheProcessEnvironment() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let yaml = configYAML(
            env: "[{name: BUS, valueFrom: {configMapKeyRef: {name: blog-config, key: EVENT_BUS_URL}}}]",
            extra: settingsYAML + """

                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: event-bus-srv
                spec:
                  selector:
                    app: posts
                  ports:
                    - port: 4005
                """)
        let manifests = graph(yaml)
        let bin = try binDirectory(with: ["posts"], in: root)
        let plan = try ClusterPlan.make(
            graph: manifests, options: PlanOptions(binDirectory: bin, stateDirectory: root + "/state"))
        let cluster = LocalCluster(
            plan: plan, graph: manifests,
            options: RunOptions(nginxPath: "/bin/false", stateDirectory: root + "/state", ingressPort: 0, log: { _ in })
        )
        let pod = try #require(plan.pods.first)
        // Without started listeners the value stays as resolved: what a listener would replace.
        let environment = try await cluster.environment(for: pod)
        #expect(environment["BUS"] == "http://event-bus-srv:4005")
        await cluster.stop()
    }

    @Test func aBrokenKeyStopsTheClusterWithTheCheckersFinding() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let yaml = configYAML(
            env: "[{name: BUS, valueFrom: {configMapKeyRef: {name: blog-config, key: EVENT_BUS_ULR}}}]",
            extra: settingsYAML)
        let manifests = graph(yaml)
        let bin = try binDirectory(with: ["posts"], in: root)
        let plan = try ClusterPlan.make(
            graph: manifests, options: PlanOptions(binDirectory: bin, stateDirectory: root + "/state"))
        #expect(plan.brokenReferences.map(\.ruleID) == ["configmap-ref"])
        let report = try #require(plan.brokenReferenceReport)
        #expect(report.contains("error[configmap-ref]"))
        #expect(report.contains("EVENT_BUS_ULR"))
        #expect(report.contains("did you mean `EVENT_BUS_URL`?"))
        let cluster = LocalCluster(
            plan: plan, graph: manifests,
            options: RunOptions(nginxPath: "/bin/false", stateDirectory: root + "/state", ingressPort: 0, log: { _ in })
        )
        await #expect(throws: RunError.self) { _ = try await cluster.start() }
        await cluster.stop()
    }

    @Test func objectsFromOutsideTheInputsAreWarnedAboutNotRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try plan(
            configYAML(
                env: """
                    [{name: TOKEN, valueFrom: {secretKeyRef: {name: vault-token, key: token}}},
                     {name: FLAG, valueFrom: {configMapKeyRef: {name: flags, key: f, optional: true}}}]
                    """,
                extra: settingsYAML))
        #expect(plan.brokenReferences.isEmpty)
        #expect(try environment(plan)["TOKEN"] == nil)
        #expect(plan.warnings.contains { $0.contains("TOKEN") && $0.contains("vault-token") })
        // optional: true and absent is fine in a cluster, and says nothing.
        #expect(!plan.warnings.contains { $0.contains("FLAG") })
    }
}
