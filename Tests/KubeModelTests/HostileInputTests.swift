import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML
import Testing

/// Inputs built to trap or exhaust the model: extreme port numbers, regexes whose samples explode,
/// URLs in scalars whose escapes shift columns.
@Suite("hostile input in the model")
struct HostileInputTests {
    @Test func nearestPortNeverOverflows() {
        #expect(PortNumbers.nearest(to: -9_223_372_036_854_775_807, among: [Int.max, 80]) == 80)
        #expect(PortNumbers.nearest(to: Int.max, among: [Int.min, 8080]) == 8080)
        #expect(PortNumbers.nearest(to: Int.min, among: [Int.max]) == Int.max)
        #expect(PortNumbers.distance(Int.min, Int.max) == UInt.max)
        #expect(PortNumbers.nearest(to: 8081, among: [80, 8080, 8082]) == 8080)  // the first on a tie
        #expect(PortNumbers.nearest(to: 1, among: []) == nil)
    }

    @Test func portsPastThirtyTwoBitsAreNoPortsInTheModel() throws {
        let loaded = ManifestLoader.load(
            text: """
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  ports: [{port: 9223372036854775807, targetPort: -9223372036854775808}, {port: 2147483647, targetPort: x}]

                """, name: "m.yaml")
        let service = try #require(loaded.graph.services.first)
        #expect(service.ports.map(\.port) == [nil, 2_147_483_647])
        #expect(service.ports.first?.targetPort == nil)
    }

    @Test func namesInMessagesAreBounded() throws {
        let name = String(repeating: "N", count: 100_000)
        let loaded = ManifestLoader.load(
            text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"\(name)\\e[2J\"}\n", name: "m.yaml")
        let object = try #require(loaded.graph.objects.first)
        #expect(object.name.count == 100_004)
        #expect(object.title.count < 100)
        #expect(object.title.hasSuffix("…"))
        #expect(!object.title.contains("\u{1B}"))
    }

    @Test func nestedQuantifiersGiveUpWithinTheBudget() {
        // 64^5 characters if expanded: no sample, so no shadowing verdict, quickly and in little memory.
        let start = Date()
        #expect(LocationRegex.samples(for: "/(((((a{64}){64}){64}){64}){64})").isEmpty)
        #expect(LocationRegex.samples(for: "/((((((a{64}){64}){64}){64}){64}){64})").isEmpty)
        #expect(LocationRegex.requestSample(for: "/(a{64}){64}") == nil)
        #expect(Date().timeIntervalSince(start) < 5)
        // Within the budget samples still come.
        #expect(LocationRegex.samples(for: "/(a{4}){4}").first == "/" + String(repeating: "a", count: 16))
    }

    @Test func backtrackingLocationRegexesAreBounded() {
        // ICU backtracks exponentially on `(a+)+b` against a run of `a`s (the shadowing check
        // matches one path's sample against another's regex): bounded, and no match.
        let start = Date()
        #expect(!LocationRegex.matches("/" + String(repeating: "a", count: 60), path: "/(a+)+b"))
        #expect(!LocationRegex.matches("/" + String(repeating: "a", count: 60), path: "/(a|aa)*c"))
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(LocationRegex.matches("/posts/1/comments", path: "/posts/?(.*)/comments"))
    }

    @Test func serviceNameDidYouMeanKeepsTheNamespace() throws {
        let url = try #require(ServiceURL.find(in: "http://web.web:80/x").first)
        #expect(url.replacingServiceName(with: "webs") == "http://webs.web:80/x")
        let withUser = try #require(ServiceURL.find(in: "https://web@web.web.svc/x").first)
        #expect(withUser.replacingServiceName(with: "webs") == "https://web@webs.web.svc/x")
        let bare = try #require(ServiceURL.find(in: "http://web").first)
        #expect(bare.replacingServiceName(with: "webs") == "http://webs")
    }

    @Test(arguments: [
        (#"v: 'it''s http://api:80/x'"#, false),
        (#"v: "a\tb\u00e9 http://api:80/x""#, false),
        (#"v: "see http://api:80/x""#, true),
        (#"v: see http://api:80/x"#, true),
    ])
    func urlSpansSubdivideOnlyUnescapedScalars(_ line: String, _ subdivided: Bool) throws {
        let loaded = ManifestLoader.load(
            text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  " + line + "\n", name: "m.yaml")
        let object = try #require(loaded.graph.objects.first)
        let node = try #require(object.root["data"]?["v"])
        let url = try #require(ServiceURL.find(in: node.scalar ?? "").first)
        let span = url.span(in: node, object: object)
        let whole = object.span(node)
        if subdivided {
            #expect(span.endColumn - span.column == "http://api:80/x".count)
            let column = line.distance(from: line.startIndex, to: line.range(of: "http")!.lowerBound) + 3
            #expect(span.column == column)
        } else {
            #expect(span == whole)
        }
    }
}
