import KubeDiagnostics
import KubeModel
import Testing

/// A graph of thousands of objects builds its object indexes on a thread of its own, beside the
/// views: the answers are those of a small graph, first definitions first.
@Suite("large graph indexes")
struct LargeGraphTests {
    /// `count` Deployments `web-N` with a Service each, a ConfigMap `settings` defined twice, a
    /// Service `web-0` defined twice, and a custom resource in namespace `ops`.
    static func manifests(count: Int) -> String {
        var documents: [String] = []
        for index in 0..<count {
            documents.append(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web-\(index)}
                spec:
                  selector: {matchLabels: {app: web-\(index)}}
                  template:
                    metadata: {labels: {app: web-\(index)}}
                    spec: {containers: [{name: web, image: nginx}]}
                """)
            documents.append(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web-\(index)}
                spec: {selector: {app: web-\(index)}, ports: [{port: \(1000 + index % 1000)}]}
                """)
        }
        documents.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}")
        documents.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '2'}")
        documents.append("apiVersion: v1\nkind: Service\nmetadata: {name: web-0}\nspec: {ports: [{port: 9}]}")
        documents.append("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ops}")
        return documents.joined(separator: "\n---\n")
    }

    @Test func indexesOfThousandsOfObjectsMatchTheInputs() throws {
        let count = 1500
        let graph = graph(Self.manifests(count: count))
        #expect(graph.objects.count == 2 * count + 4)
        #expect(graph.workloads.count == count)
        #expect(graph.objects(kind: "Deployment", in: "default").count == count)
        #expect(graph.objects(kind: "Service", in: "default").count == count + 1)
        let last = try #require(
            graph.object(ObjectReference(kind: "Deployment", namespace: "default", name: "web-\(count - 1)")))
        #expect(last.name == "web-\(count - 1)")
        // The first definition wins; the second is an alternative.
        let settings = graph.configDefinitions(kind: "ConfigMap", named: "settings", in: "default")
        #expect(settings.count == 2)
        #expect(graph.configData(kind: "ConfigMap", in: "default").count == 1)
        let webs = graph.services(named: "web-0", in: "default")
        #expect(webs.map { $0.ports.map(\.port) } == [[1000], [9]])
        let service = try #require(graph.service(named: "web-7", in: "default"))
        #expect(graph.workloads(selectedBy: service).map(\.object.name) == ["web-7"])
        #expect(graph.hasCustomResources(in: "ops"))
        #expect(!graph.hasCustomResources(in: "default"))
    }
}
