import Foundation
import KubeModel
import Testing

@testable import LocalCluster

/// Loads YAML held in memory through the real loader and fails the test on load problems.
func graph(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> ManifestGraph {
    let loaded = ManifestLoader.load(text: yaml, name: "test.yaml")
    #expect(loaded.problems.isEmpty, "load problems: \(loaded.problems.map(\.message))", sourceLocation: sourceLocation)
    return loaded.graph
}

/// A fresh folder under the temporary directory, removed by the caller.
func temporaryDirectory(_ label: String = "lc") throws -> String {
    let path = NSTemporaryDirectory() + "kubewire-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A bin folder holding an executable stub for every name.
func binDirectory(with names: [String], in parent: String) throws -> String {
    let bin = parent + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    for name in names {
        let path = bin + "/" + name
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }
    return bin
}

/// A Service plan with one port; `endpoints` pods behind it (0: none).
func servicePlan(_ name: String, port: Int, listener: Int, endpoints: Int = 1, namespace: String = "default")
    -> ServicePlan
{
    let list = (0..<endpoints).map { Endpoint(pod: "\(name)-pod-\($0)", port: 20000 + $0) }
    return ServicePlan(
        name: name, namespace: namespace,
        ports: [ServicePortPlan(port: port, target: .number(port), localPort: listener, endpoints: list)])
}

/// A v1 Service object (only what the ingress planner reads).
func serviceYAML(_ name: String, port: Int, namespace: String = "default") -> String {
    """
    apiVersion: v1
    kind: Service
    metadata:
      name: \(name)
      namespace: \(namespace)
    spec:
      selector:
        app: \(name)
      ports:
        - name: http
          port: \(port)
          targetPort: \(port)

    """
}

/// The course's Ingress in its 2024 form (infra/k8s/ingress-srv.yaml).
let courseIngressYAML = """
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: ingress-srv
      annotations:
        nginx.ingress.kubernetes.io/use-regex: "true"
    spec:
      ingressClassName: nginx
      rules:
        - host: posts.com
          http:
            paths:
              - path: /posts/create
                pathType: Prefix
                backend:
                  service:
                    name: posts-clusterip-srv
                    port:
                      number: 4000
              - path: /posts
                pathType: Prefix
                backend:
                  service:
                    name: query-srv
                    port:
                      number: 4002
              - path: /posts/?(.*)/comments
                pathType: ImplementationSpecific
                backend:
                  service:
                    name: comments-srv
                    port:
                      number: 4001
              - path: /?(.*)
                pathType: ImplementationSpecific
                backend:
                  service:
                    name: client-srv
                    port:
                      number: 3000

    """

/// Services for the course Ingress and plans giving each a listener and one endpoint.
let courseServicesYAML = [
    serviceYAML("posts-clusterip-srv", port: 4000), serviceYAML("query-srv", port: 4002),
    serviceYAML("comments-srv", port: 4001), serviceYAML("client-srv", port: 3000),
].joined(separator: "---\n")

let courseServicePlans = [
    servicePlan("posts-clusterip-srv", port: 4000, listener: 14000),
    servicePlan("query-srv", port: 4002, listener: 14002),
    servicePlan("comments-srv", port: 4001, listener: 14001),
    servicePlan("client-srv", port: 3000, listener: 13000),
]

func coursePlan() throws -> IngressPlan {
    try IngressPlan.make(graph: graph(courseIngressYAML + "---\n" + courseServicesYAML), services: courseServicePlans)
}
