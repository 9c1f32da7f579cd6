import AsyncHTTPClient
import Foundation
import KubeModel
import Testing

@testable import LocalCluster

#if canImport(Glibc)
    import Glibc
#endif

/// A socket listening on 127.0.0.1 at a free port, standing for "another process holds the
/// ingress port". Closed by `close()`.
struct HeldPort {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        descriptor = fd
        guard fd >= 0, bound else { throw RunError("cannot hold a port: errno \(errno)") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// `LocalCluster` against real nginx: the ingress port, readiness, the actor.
@Suite(.serialized, .enabled(if: RunOptions.findNginx() != nil, "needs nginx (make deps)"))
struct LocalClusterRunTests {
    let root: String

    init() throws { root = try temporaryDirectory("run") }

    /// A cluster of the course Ingress alone: no pods, so `start()` goes straight to nginx.
    func cluster(ingressPort: Int) throws -> LocalCluster {
        let manifests = graph(
            """
            apiVersion: skaffold/v4beta14
            kind: Config
            build:
              artifacts: []
            ---

            """ + courseIngressYAML)
        let plan = try ClusterPlan.make(
            graph: manifests,
            options: PlanOptions(binDirectory: try binDirectory(with: [], in: root), stateDirectory: root + "/state"))
        return LocalCluster(
            plan: plan, graph: manifests,
            options: RunOptions(
                nginxPath: try #require(RunOptions.findNginx()), stateDirectory: root + "/state",
                ingressPort: ingressPort, readyTimeout: .seconds(5), log: { _ in }))
    }

    @Test func localClusterIsAnActor() {
        #expect((LocalCluster.self as Any.Type) is any Actor.Type)
    }

    @Test func aTakenIngressPortFailsBeforeAnythingStartsNamingThePort() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let held = try HeldPort()
        defer { held.close() }
        let cluster = try cluster(ingressPort: held.port)
        let started = ContinuousClock.now
        do {
            _ = try await cluster.start()
            Issue.record("start() succeeded on a taken port")
        } catch let error as IngressPortUnavailable {
            #expect(error.port == held.port)
            #expect(
                error.description.hasPrefix(
                    "ingress port \(held.port) on 127.0.0.1 cannot be used: address already in use"))
            #expect(error.description.contains("nginx could not bind to it"))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        // Nothing was started or written.
        #expect(!FileManager.default.fileExists(atPath: root + "/state/nginx.conf"))
        await cluster.stop()
    }

    @Test func nginxThatCannotBindIsAFailureInItsOwnWordsNotAReadyCluster() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Port 0 asked (no check before start), and the port taken between rendering and nginx: the
        // failure comes from watching nginx.
        let cluster = try cluster(ingressPort: 0)
        let held = try HeldPort()
        defer { held.close() }
        let configPath = try writeConfig(port: held.port, token: cluster.readinessToken)
        let started = ContinuousClock.now
        do {
            try await cluster.startNginx(configPath: configPath, port: held.port)
            Issue.record("nginx was reported ready on a port another process holds")
        } catch let error as IngressPortUnavailable {
            #expect(error.port == held.port)
            #expect(error.reason == "address already in use")
        }
        // nginx retries a bind for about 2.5 s before it gives up.
        #expect(ContinuousClock.now - started < .seconds(10))
        await cluster.stop()
    }

    @Test func readinessMeansNginxAnswersWithThisRunsToken() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cluster = try cluster(ingressPort: try PortAllocator.freePort())
        let endpoints = try await cluster.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: endpoints.ingressURL + NginxConfig.readinessPath)
        request.headers.replaceOrAdd(name: "Host", value: NginxConfig.readinessHost)
        let response = try await client.execute(request, timeout: .seconds(5))
        let body = String(buffer: try await response.body.collect(upTo: 1024))
        #expect(response.status.code == 200)
        #expect(body == cluster.readinessToken + "\n")
        // The Ingress hosts are served as before: the readiness server is not the default one.
        var other = HTTPClientRequest(url: endpoints.ingressURL + NginxConfig.readinessPath)
        other.headers.replaceOrAdd(name: "Host", value: "posts.com")
        let routed = try await client.execute(other, timeout: .seconds(5))
        #expect(routed.headers.first(name: IngressProbe.markerHeader) != nil)
        try await client.shutdown()
        await cluster.stop()
        await cluster.stop()  // twice is harmless
    }

    @Test func nginxBindErrorLinesAreRead() {
        let line =
            "2026/12/06 20:40:01 [emerg] 4242#4242: bind() to 127.0.0.1:18080 failed (98: Address already in use)"
        let failure = LocalCluster.bindFailure(in: "something\n" + line + "\n", port: 18080)
        #expect(failure?.port == 18080)
        #expect(failure?.reason == "address already in use")
        #expect(LocalCluster.bindFailure(in: line, port: 18081) == nil)
        #expect(LocalCluster.bindFailure(in: "nginx: [emerg] unknown directive", port: 18080) == nil)
    }

    private func writeConfig(port: Int, token: String) throws -> String {
        let state = root + "/state"
        for folder in ["", "/nginx-body", "/nginx-proxy", "/nginx-fastcgi", "/nginx-uwsgi", "/nginx-scgi"] {
            try FileManager.default.createDirectory(atPath: state + folder, withIntermediateDirectories: true)
        }
        let config = try NginxConfig(
            plan: try coursePlan(), listenPort: port, stateDirectory: state, readinessToken: token
        ).render()
        let path = state + "/nginx.conf"
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
