import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An Ingress that names no namespace: where its backend lives comes from the configuration.
private let ingress = """
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: web
    spec:
      ingressClassName: nginx
      rules:
        - host: posts.com
          http:
            paths:
              - path: /posts
                pathType: Prefix
                backend:
                  service:
                    name: posts-srv
                    port:
                      number: 4000

    """

/// An HTTP server on a loopback port that answers every request 200, marked as `kubewire up`'s
/// locations mark theirs: reached `backend`. It stands in for an ingress; the probe is the real one.
private final class MarkedServer: @unchecked Sendable {
    let port: Int
    private let held: HeldPort

    init(backend: String) throws {
        held = try HeldPort()
        port = held.port
        let descriptor = held.descriptor
        let response = Array(
            "HTTP/1.1 200 OK\r\nX-Kubewire-Backend: \(backend)\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8
        )
        Thread.detachNewThread {
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { return }  // closed: the test is over
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = recv(client, &buffer, buffer.count, 0)
                _ = response.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                Glibc.close(client)
            }
        }
    }

    func stop() {
        shutdown(held.descriptor, Int32(SHUT_RDWR))
        held.close()
    }
}

/// `kubewire probe` reads `.kubewire.yaml` as `kubewire check` and `kubewire up` do (found from the
/// working directory, or `--config`), through the real command, in folders outside any repository.
@Suite(.serialized) struct ProbeConfigTests {
    private func probe(_ arguments: [String], in folder: String, port: Int) throws -> ProcessResult {
        try run(
            Paths.kubewire,
            ["probe", "ingress.yaml", "--base-url", "http://127.0.0.1:\(port)", "--color", "never"] + arguments,
            in: folder, timeout: .seconds(60))
    }

    @Test func theConfigurationsNamespaceIsWhereTheBackendsAre() throws {
        let folder = try Paths.temporaryDirectory("probe-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(ingress.utf8).write(to: URL(fileURLWithPath: folder + "/ingress.yaml"))
        let server = try MarkedServer(backend: "blog/posts-srv:4000")
        defer { server.stop() }

        // Without a configuration the Ingress is in default, so the backend reached is not its own.
        let unconfigured = try probe([], in: folder, port: server.port)
        #expect(unconfigured.status == 1, "\(unconfigured.output)\(unconfigured.errors)")
        #expect(
            unconfigured.output.contains("reached blog/posts-srv:4000 instead of default/posts-srv:4000"),
            "\(unconfigured.output)")

        try Data("namespace: blog\n".utf8).write(to: URL(fileURLWithPath: folder + "/.kubewire.yaml"))
        let configured = try probe([], in: folder, port: server.port)
        #expect(configured.status == 0, "\(configured.output)\(configured.errors)")
        #expect(
            configured.output.contains("PASS posts.com /posts → GET /posts: 200 via blog/posts-srv:4000"),
            "\(configured.output)")

        // A flag wins over its key.
        let flagged = try probe(["--namespace", "default"], in: folder, port: server.port)
        #expect(flagged.status == 1, "\(flagged.output)\(flagged.errors)")

        // --config names another file; the one found is then not read.
        try Data("namespace: default\n".utf8).write(to: URL(fileURLWithPath: folder + "/other.yaml"))
        let named = try probe(["--config", "other.yaml"], in: folder, port: server.port)
        #expect(named.status == 1, "\(named.output)\(named.errors)")
        #expect(named.output.contains("instead of default/posts-srv:4000"), "\(named.output)")
    }

    @Test func aBadConfigurationIsReportedAtItsLineAndExits2() throws {
        let folder = try Paths.temporaryDirectory("probe-bad-config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(ingress.utf8).write(to: URL(fileURLWithPath: folder + "/ingress.yaml"))
        try Data("disable: []\nnamespce: blog\n".utf8).write(to: URL(fileURLWithPath: folder + "/.kubewire.yaml"))
        // Nothing listens: a run that got past the configuration would fail on the connection (exit 1).
        let held = try HeldPort()
        let port = held.port
        held.close()

        let found = try probe([], in: folder, port: port)
        #expect(found.status == 2, "\(found.output)\(found.errors)")
        #expect(found.output.contains("error[config]"), "\(found.output)")
        #expect(found.output.contains(".kubewire.yaml:2:1"), "\(found.output)")
        #expect(found.output.contains("namespace"), "\(found.output)")  // the key it meant
        #expect(!found.output.contains("connection refused"), "\(found.output)")

        try Data("kubeVersion: \"1.2\"\n".utf8).write(to: URL(fileURLWithPath: folder + "/bad.yaml"))
        let named = try probe(["--config", "bad.yaml", "--format", "json"], in: folder, port: port)
        #expect(named.status == 2, "\(named.output)\(named.errors)")
        #expect(
            named.output.contains("\"rule\" : \"config\"") || named.output.contains("\"rule\": \"config\""),
            "\(named.output)")
        #expect(named.output.contains("bad.yaml"), "\(named.output)")
        #expect(named.output.contains("\"line\"") && named.output.contains("\"column\""), "\(named.output)")

        let missing = try probe(["--config", "absent.yaml"], in: folder, port: port)
        #expect(missing.status == 2, "\(missing.output)\(missing.errors)")
        #expect(missing.output.contains("error[unreadable-input]: cannot read absent.yaml"), "\(missing.output)")
    }
}
