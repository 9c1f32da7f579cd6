import KubeModel
import KubeYAML
import Testing

/// The byte-level fast paths of the model read what the `String` paths they replaced read: hosts,
/// label values that may be null, API groups, references asked for by kind.
@Suite("model fast paths")
struct FastPathTests {
    static let services = graph(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: posts, namespace: web}
        spec:
          ports: [{port: 80}]
        """)

    struct HostCase: Sendable, CustomTestStringConvertible {
        var host: String
        /// `namespace/name`, or nil for a host outside the cluster.
        var expected: String?
        var testDescription: String { host }
    }

    static let hosts: [HostCase] = [
        HostCase(host: "Query-Srv", expected: "shop/query-srv"),
        HostCase(host: "localhost", expected: nil),
        HostCase(host: "LocalHost", expected: nil),
        HostCase(host: "10", expected: nil),
        HostCase(host: "posts.web", expected: "web/posts"),
        HostCase(host: "Posts.Web", expected: "web/posts"),
        HostCase(host: "example.com", expected: nil),
        HostCase(host: "posts.web.svc", expected: "web/posts"),
        HostCase(host: "POSTS.WEB.SVC", expected: "web/posts"),
        HostCase(host: "posts.web.svc.cluster", expected: nil),
        HostCase(host: "posts.web.svc.Cluster.LOCAL", expected: "web/posts"),
        HostCase(host: "posts.web.svc.cluster.local.x", expected: nil),
        HostCase(host: "posts..svc", expected: nil),
        HostCase(host: "posts.web.cluster", expected: nil),
        // Not ASCII: read through `String` (lowercased by Unicode, cut at `.` Characters).
        HostCase(host: "Ünï.web.svc", expected: "web/ünï"),
        HostCase(host: "ünï", expected: "shop/ünï"),
        HostCase(host: "١٢", expected: nil),
    ]

    @Test(arguments: hosts)
    func hostsNameTheServicesTheyDid(_ testCase: HostCase) throws {
        let url = try #require(ServiceURL("http://\(testCase.host):80/x", offset: 0))
        let target = url.serviceTarget(defaultNamespace: "shop", knownNamespaces: ["web"], graph: Self.services)
        #expect(target.map { "\($0.namespace)/\($0.name)" } == testCase.expected)
    }

    @Test func nullLabelValuesReadAsEmpty() throws {
        let g = graph(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec:
              selector: {a: ~, b: null, c: !!null x, d: "null", e: NULL, f: nullish, g: }
              ports: [{port: 80}]
            """)
        let selector = try #require(g.services.first).selector
        #expect(selector.map(\.key) == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(selector.map(\.value) == ["", "", "", "null", "", "nullish", ""])
    }

    @Test func apiGroupsCutAtTheFirstSlashCharacter() throws {
        let g = graph(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: a}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b}
            ---
            apiVersion: grôup.example/v1
            kind: Thing
            metadata: {name: c}
            ---
            apiVersion: "a/\\u0301b/v1"
            kind: Thing
            metadata: {name: d}
            """)
        // `/` followed by a combining mark is one Character, not a slash: the group runs on.
        #expect(g.objects.map(\.apiGroup) == ["apps", "", "grôup.example", "a/\u{301}b"])
        #expect(g.hasCustomResources(in: "default"))
    }

    @Test func referencesOfOneKindAreThatKindsShareOfAll() throws {
        let g = graph(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              selector: {matchLabels: {app: db}}
              volumeClaimTemplates: [{metadata: {name: data}}]
              template:
                metadata: {labels: {app: db}}
                spec:
                  serviceAccountName: db-sa
                  imagePullSecrets: [{name: pull}]
                  containers:
                    - name: db
                      env:
                        - {name: A, valueFrom: {configMapKeyRef: {name: settings, key: a}}}
                        - {name: B, valueFrom: {secretKeyRef: {name: creds, key: b, optional: true}}}
                      envFrom: [{configMapRef: {name: more}}, {secretRef: {name: more-creds}}]
                  volumes:
                    - {name: data, configMap: {name: replaced}}
                    - {name: conf, configMap: {name: settings, items: [{key: a, path: a}]}}
                    - {name: keys, secret: {secretName: tls}}
                    - {name: both, projected: {sources: [{configMap: {name: p1}}, {secret: {name: p2}}]}}
                    - {name: scratch, persistentVolumeClaim: {claimName: scratch}}
            """)
        let workload = try #require(g.workloads.first)
        let all = workload.template.references(of: workload.object)
        func describe(_ references: [NamedReference]) -> [String] {
            references.map { "\($0.kind) \($0.name) \($0.member?.description ?? "-") \($0.optional) \($0.context)" }
        }
        #expect(all.count == 12)
        for kind in ["ConfigMap", "Secret", "PersistentVolumeClaim", "ServiceAccount", "Service"] {
            let asked = workload.template.references(of: workload.object, kind: kind)
            #expect(describe(asked) == describe(all.filter { $0.kind == kind }), "\(kind)")
        }
    }
}
