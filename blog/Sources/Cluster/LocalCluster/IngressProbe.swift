import AsyncHTTPClient
import Foundation
import KubeDiagnostics
import KubeModel
import NIOCore
import NIOHTTP1
import NIOPosix

/// One request the probe sends: an Ingress path and the backend it should reach.
public struct ProbeTarget: Sendable {
    public var host: String?
    public var path: String
    public var requestPath: String
    /// `namespace/service:port`, or nil when the backend names no Service port.
    public var expected: String?
    public var span: SourceSpan
    public var object: ObjectReference
}

public struct ProbeResult: Sendable {
    public var target: ProbeTarget
    public var status: Int?
    public var reached: String?
    public var failure: ProbeFailure?

    public init(target: ProbeTarget, status: Int? = nil, reached: String? = nil, failure: ProbeFailure? = nil) {
        self.target = target
        self.status = status
        self.reached = reached
        self.failure = failure
    }
}

/// Why a probe failed, and so what to do about it.
public struct ProbeFailure: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No location matched: the default backend's 404.
        case defaultBackend
        /// The Service has no ready endpoint: 503.
        case noEndpoints
        /// Another location's backend answered.
        case swallowed
        /// The backend refused or broke the connection: 502.
        case badGateway
        /// The backend took longer than the ingress waits: 504.
        case gatewayTimeout
        /// Nothing listens at the base URL.
        case refused
        /// The base URL's host name does not resolve.
        case unresolved
        /// No answer in time (connecting or waiting for the response).
        case timeout
        /// Any other failure to get an answer.
        case noAnswer
    }

    public var kind: Kind
    /// What happened, e.g. `the backend has no endpoints: ingress answered 503`.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// What to do, specific to what happened.
    public var help: String {
        switch kind {
        case .defaultBackend:
            "no Ingress rule matched this host and path: check the rule's `host` (the request's Host header must "
                + "equal it), the path and its pathType, and that the Ingress has `ingressClassName: nginx`"
        case .noEndpoints:
            "the Service has no ready pod: compare its `selector` with the pod template's labels, and check the "
                + "pods' readiness probes (`kubectl get endpoints <service>` lists what is ready)"
        case .swallowed:
            "a location tried before this path matched the request: with use-regex, paths are tried longest "
                + "first as case-insensitive regexes anchored only at the start; make the other path more "
                + "specific (end it with `$`) or change the order of the paths"
        case .badGateway:
            "the ingress reached no listening process: the Service's `targetPort` must equal the port the "
                + "container listens on (`containerPort`), and the pod must not be crashing (check its logs)"
        case .gatewayTimeout:
            "the backend accepted the request but did not answer within the ingress's 60 s: it may wait for a "
                + "service that is down; check its logs"
        case .refused:
            "start the ingress first (`kubewire up infra/ skaffold.yaml` prints the URL to pass as --base-url), "
                + "or check the address and port of --base-url"
        case .unresolved:
            "the host name of --base-url does not resolve: add it to /etc/hosts (e.g. `127.0.0.1 posts.com`) or "
                + "pass the ingress address, e.g. --base-url http://127.0.0.1:8080"
        case .timeout:
            "nothing answered in time: check that --base-url points at the ingress and that no firewall drops "
                + "the connection"
        case .noAnswer:
            "check that --base-url points at the ingress and that it speaks plain HTTP (or https://)"
        }
    }

    /// The connection-level failure `error` is, if it is one (the same for every path, so reported
    /// once): refused, unresolved host, connect timeout.
    public static func connection(_ error: any Error, authority: String) -> ProbeFailure? {
        var errors: [any Error] = [error]
        if let connection = error as? NIOConnectionError {
            if connection.dnsAError != nil || connection.dnsAAAAError != nil, connection.connectionErrors.isEmpty {
                return ProbeFailure(.unresolved, "cannot resolve \(connection.host): no address for that name")
            }
            errors = connection.connectionErrors.map(\.error)
        }
        for error in errors {
            if let io = error as? IOError {
                switch io.errnoCode {
                case ECONNREFUSED: return ProbeFailure(.refused, "connection refused: nothing listens at \(authority)")
                case ETIMEDOUT: return ProbeFailure(.timeout, "no answer from \(authority): the connection timed out")
                case EHOSTUNREACH, ENETUNREACH:
                    return ProbeFailure(.noAnswer, "\(authority) cannot be reached: no route to that host")
                default: break
                }
            }
            if let channel = error as? ChannelError, case .connectTimeout = channel {
                return ProbeFailure(.timeout, "no answer from \(authority): the connection timed out")
            }
            if let client = error as? HTTPClientError, client == .connectTimeout {
                return ProbeFailure(.timeout, "no answer from \(authority): the connection timed out")
            }
        }
        return nil
    }
}

/// Every path's result, or the one connection failure that stopped the run before any path.
public struct ProbeRun: Sendable {
    public var results: [ProbeResult]
    public var connectionFailure: ProbeFailure?
}

/// Sends a request for every ingress path and proves it reached its backend.
public enum IngressProbe {
    public static let rule = RuleInfo(
        id: "probe-route",
        summary: "A live request for an ingress path reaches the path's own backend",
        why:
            "Static wiring can be right and traffic still go elsewhere: a longer regex path can swallow a shorter one, a Service can have no ready pod, or the deployed objects can differ from the files.",
        fix:
            "Each failure says what to do: a 404 from the default backend is a rule that matches nothing, 503 a Service without ready pods, 502 a wrong targetPort, 504 a backend that hangs, another backend a path swallowed by a longer one."
    )
    public static let blogFlowRule = RuleInfo(
        id: "probe-blog-flow",
        summary: "Through the ingress, a post and its comments are created and moderated",
        why: "Every path can route and the application still be broken end to end.",
        fix: "Check the logs of the service named in the message.")
    public static let markerHeader = "X-Kubewire-Backend"

    public static func targets(graph: ManifestGraph) -> [ProbeTarget] {
        var result: [ProbeTarget] = []
        var regexHosts = Set<String>()
        for ingress in graph.ingresses where ingress.isNginxClass {
            for rule in ingress.rules {
                for path in rule.paths where ingress.usesRegex || ingress.rewrites(path.effectivePath) {
                    regexHosts.insert(rule.host ?? "_")
                }
            }
        }
        for ingress in graph.ingresses where ingress.isNginxClass {
            let object = ingress.object
            for rule in ingress.rules {
                for path in rule.paths {
                    let value = path.effectivePath
                    let regex = regexHosts.contains(rule.host ?? "_")
                    let request = regex ? (LocationRegex.requestSample(for: value) ?? value) : value
                    var expected: String?
                    if let backend = path.backend, let name = backend.serviceName, let reference = backend.port {
                        let service = graph.service(named: name, in: object.namespace)
                        let number: Int? =
                            switch reference {
                            case .number(let number): number
                            case .name: service?.port(matching: reference)?.port
                            }
                        expected = number.map { "\(object.namespace)/\(name):\($0)" }
                    }
                    result.append(
                        ProbeTarget(
                            host: rule.host, path: value, requestPath: request, expected: expected,
                            span: object.span(path.pathNode ?? path.node), object: object.reference))
                }
            }
        }
        return result
    }

    /// Probes every target in order. A connection failure (nothing listens, the host does not
    /// resolve) is the same for every path: it stops the run and is reported once.
    public static func run(_ targets: [ProbeTarget], baseURL: String, client: HTTPClient) async -> ProbeRun {
        // One plain connection first: HTTPClient retries a refused connection until the request's
        // deadline, which would cost every path its whole timeout to say the same thing.
        if let failure = await connectionCheck(baseURL: baseURL) {
            return ProbeRun(results: [], connectionFailure: failure)
        }
        var results: [ProbeResult] = []
        for target in targets {
            let (result, connectionFailure) = await probe(target, baseURL: baseURL, client: client)
            if let connectionFailure { return ProbeRun(results: [], connectionFailure: connectionFailure) }
            results.append(result)
        }
        return ProbeRun(results: results, connectionFailure: nil)
    }

    /// Opens (and closes) one TCP connection to the base URL's host and port; the failure, if any.
    public static func connectionCheck(baseURL: String, timeout: TimeAmount = .seconds(5)) async -> ProbeFailure? {
        guard let url = URL(string: baseURL), let host = url.host else { return nil }
        let port = url.port ?? (url.scheme == "https" ? 443 : 80)
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout).connect(host: host, port: port).get()
            try? await channel.close()
            return nil
        } catch {
            return ProbeFailure.connection(error, authority: "\(host):\(port)")
                ?? ProbeFailure(.noAnswer, "cannot connect to \(host):\(port): \(error)")
        }
    }

    /// `host:port` of a base URL, as a connection failure names it.
    public static func authority(of baseURL: String) -> String {
        guard let url = URL(string: baseURL), let host = url.host else { return baseURL }
        return "\(host):\(url.port ?? (url.scheme == "https" ? 443 : 80))"
    }

    static func probe(_ target: ProbeTarget, baseURL: String, client: HTTPClient) async -> (
        ProbeResult, ProbeFailure?
    ) {
        var result = ProbeResult(target: target)
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        var request = HTTPClientRequest(url: base + target.requestPath)
        request.method = .GET
        if let host = target.host {
            request.headers.replaceOrAdd(name: "Host", value: host.replacingOccurrences(of: "*", with: "probe"))
        }
        let response: HTTPClientResponse
        let body: String
        do {
            response = try await client.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 256 * 1024)
            body = String(buffer: bytes)
        } catch {
            if let connection = ProbeFailure.connection(error, authority: authority(of: baseURL)) {
                return (result, connection)
            }
            if let client = error as? HTTPClientError, client == .deadlineExceeded || client == .readTimeout {
                result.failure = ProbeFailure(.timeout, "no answer within 10 s")
            } else {
                result.failure = ProbeFailure(.noAnswer, "no answer: \(error)")
            }
            return (result, nil)
        }
        let status = Int(response.status.code)
        result.status = status
        let marker = response.headers.first(name: markerHeader)
        result.reached = marker
        if let marker {
            if marker == "default-backend" {
                result.failure = ProbeFailure(
                    .defaultBackend, "no location matched; the default backend answered \(status)")
            } else if marker == "unavailable" {
                result.failure = ProbeFailure(
                    .noEndpoints, "the backend has no endpoints; the ingress answered \(status)")
            } else if let expected = target.expected, marker != expected {
                result.failure = ProbeFailure(
                    .swallowed,
                    "reached \(marker) instead of \(expected); a location tried before this path swallowed the request")
            } else if let kind = gatewayKind(status) {
                result.failure = ProbeFailure(
                    kind, "reached \(marker) but the ingress answered \(status)\(gatewayPhrase(status))")
            }
        } else if status == 404 && (body.contains("<center>nginx</center>") || body.contains("default backend")) {
            result.failure = ProbeFailure(.defaultBackend, "no ingress rule matched; the default backend answered 404")
        } else if let kind = gatewayKind(status) {
            result.failure = ProbeFailure(kind, "the ingress answered \(status)\(gatewayPhrase(status))")
        }
        return (result, nil)
    }

    private static func gatewayKind(_ status: Int) -> ProbeFailure.Kind? {
        switch status {
        case 502: .badGateway
        case 503: .noEndpoints
        case 504: .gatewayTimeout
        default: nil
        }
    }

    private static func gatewayPhrase(_ status: Int) -> String {
        switch status {
        case 502: " (the backend refused or dropped the connection)"
        case 503: " (the backend has no ready endpoint)"
        case 504: " (the backend did not answer in time)"
        default: ""
        }
    }

    public static func diagnostics(_ run: ProbeRun) -> [Diagnostic] {
        if let failure = run.connectionFailure {
            return [
                Diagnostic(
                    ruleID: rule.id, severity: .error, span: nil, message: failure.message,
                    fix: SuggestedFix(failure.help))
            ]
        }
        return run.results.compactMap { result in
            guard let failure = result.failure else { return nil }
            let target = result.target
            let request = "GET \(target.requestPath)" + (target.host.map { " (Host: \($0))" } ?? "")
            return Diagnostic(
                ruleID: rule.id, severity: .error, span: target.span,
                message: "ingress path \(target.path): \(request): \(failure.message)",
                fix: SuggestedFix(failure.help), object: target.object)
        }
    }

    /// One line per path: `PASS posts.com /posts → GET /posts: 200 via default/query-srv:4002`.
    public static func line(_ result: ProbeResult) -> String {
        let target = result.target
        var line =
            "\(result.failure == nil ? "PASS" : "FAIL") \(target.host ?? "*") \(target.path) → GET \(target.requestPath): "
        line += result.status.map(String.init) ?? "no answer"
        line += result.reached.map { " via \($0)" } ?? ""
        return line
    }
}
