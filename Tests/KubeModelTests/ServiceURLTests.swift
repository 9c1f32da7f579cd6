import Foundation
import KubeModel
import Testing

@Suite("service URLs in values")
struct ServiceURLTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var value: String
        /// scheme, host, port, explicit port, offset in Unicode scalars, per URL found.
        var expected: [String]
        var testDescription: String { value }
    }

    static let cases: [Case] = [
        Case(value: "http://query-srv:4002/posts", expected: ["http query-srv 4002 explicit @0"]),
        Case(value: "HTTPS://Query-Srv/x", expected: ["https Query-Srv 443 default @0"]),
        Case(value: "http://user:pw@posts-srv:4000", expected: ["http posts-srv 4000 explicit @0"]),
        Case(value: "http://host@", expected: ["http host 80 default @0"]),
        Case(value: "http://@", expected: []),
        Case(value: "http://a@@b:1", expected: ["http b 1 explicit @0"]),
        Case(value: "http://svc:notaport/", expected: []),
        // A port is digits only (Go's url.Parse rejects a sign), and within Int.
        Case(value: "http://svc:+81", expected: []),
        Case(value: "http://svc:-9223372036854775807", expected: []),
        Case(value: "http://svc:99999999999999999999", expected: []),
        Case(value: "http://svc:65536", expected: ["http svc 65536 explicit @0"]),
        Case(value: "http://svc.", expected: ["http svc 80 default @0"]),
        Case(value: "http://$(HOST):80", expected: []),
        Case(value: "http://{{ .host }}", expected: []),
        Case(value: "ftp://files:21", expected: []),
        Case(value: "no url here", expected: []),
        Case(
            value: "a=http://one:1, b=https://two:2;http://three?q=1#f",
            expected: ["http three 80 default @32"]),
        Case(
            value: "http://one:1,https://two:2 http://three#f",
            expected: ["http one 1 explicit @0", "https two 2 explicit @13", "http three 80 default @27"]),
        // Offsets count Unicode scalars; a non-ASCII URL is read through `String`.
        Case(value: "é http://ünï:8080/x", expected: ["http ünï 8080 explicit @2"]),
        Case(value: "http://posts/ä", expected: ["http posts 80 default @0"]),
        // One parser, on bytes: a combining mark after `/` does not hide the path from the host (as
        // `String`'s characters did: `/` + U+0301 is one Character, and the host was `posts/́`).
        Case(value: "http://posts/\u{301}x", expected: ["http posts 80 default @0"]),
        Case(value: "http://posts:80\u{301}", expected: []),
    ]

    @Test(arguments: cases)
    func findsEachURLWithItsParts(_ testCase: Case) {
        let found = ServiceURL.find(in: testCase.value).map {
            "\($0.scheme) \($0.host) \($0.port) \($0.explicitPort ? "explicit" : "default") @\($0.offset)"
        }
        #expect(found == testCase.expected)
    }
}

@Suite("workloads whose Service URLs do not resolve")
struct UnresolvedServiceURLTests {
    static func workload(_ name: String, url: String) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
        spec:
          selector:
            matchLabels: {app: \(name)}
          template:
            metadata:
              labels: {app: \(name)}
            spec:
              containers:
                - name: main
                  image: example/\(name)
                  env:
                    - name: UPSTREAM
                      value: \(url)
        """
    }

    static let services = """
        apiVersion: v1
        kind: Service
        metadata:
          name: api
        spec:
          selector: {app: api}
          ports:
            - port: 8080
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: external
        spec:
          type: ExternalName
          externalName: example.com
        """

    /// Only a URL naming a Service the inputs lack, or a port it does not expose, makes its
    /// workload one service-url reads again; a host outside the cluster and an ExternalName
    /// Service's any port do not.
    @Test func listsOnlyWorkloadsWithAMissingServiceOrPort() {
        let manifests = [
            Self.workload("fine", url: "http://api:8080/x"),
            // Hosts compare lowercased, with the namespace and cluster suffix.
            Self.workload("spelled-out", url: "http://API.default.svc.Cluster.local:8080/x"),
            Self.workload("wrong-port-spelled-out", url: "http://api.DEFAULT.svc:9090/x"),
            Self.workload("wrong-port", url: "http://api:9090/x"),
            Self.workload("outside", url: "https://example.com/x"),
            Self.workload("alias", url: "http://external:1234"),
            Self.workload("missing", url: "http://apj:8080"),
            Self.services,
        ]
        let graph = graph(manifests.joined(separator: "\n---\n"))
        let names = graph.workloadsWithUnresolvedServiceURLs().map { graph.workloads[Int($0)].object.name }
        #expect(names == ["wrong-port-spelled-out", "wrong-port", "missing"])
    }
}

@Suite("objects by file")
struct ObjectsInFileTests {
    /// One file's objects, in input order, whatever other files lie between them in the inputs.
    @Test func listsOneFilesObjectsInInputOrder() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.yaml")
        let second = folder.appendingPathComponent("b.yaml")
        try write(deployment("one") + "\n---\n" + deployment("two"), to: first)
        try write(deployment("three"), to: second)
        let loaded = ManifestLoader.load([.path(first.path), .path(second.path)], options: LoadOptions())
        let graph = loaded.graph
        let file = try #require(graph.objects.first?.file)
        #expect(graph.objects(inFile: file).map(\.name) == ["one", "two"])
        #expect(graph.objects(inFile: "missing.yaml").isEmpty)
    }
}
