import AsyncHTTPClient
import Foundation
import KubeDiagnostics
import KubeModel
import NIOCore
import NIOHTTP1

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
    public var failure: String?
}

/// Sends a request for every ingress path and proves it reached its backend.
public enum IngressProbe {
    public static let rule = RuleInfo(
        id: "probe-route",
        summary: "A live request for an ingress path reaches the path's own backend",
        why:
            "Static wiring can be right and traffic still go elsewhere: a longer regex path can swallow a shorter one, a Service can have no ready pod, or the deployed objects can differ from the files.",
        fix:
            "Read the message: it says which backend answered instead (or the status); fix the path order/regex, the Service's pods, or redeploy."
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

    public static func run(_ targets: [ProbeTarget], baseURL: String, client: HTTPClient) async -> [ProbeResult] {
        var results: [ProbeResult] = []
        for target in targets {
            results.append(await probe(target, baseURL: baseURL, client: client))
        }
        return results
    }

    static func probe(_ target: ProbeTarget, baseURL: String, client: HTTPClient) async -> ProbeResult {
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
            result.failure = "no answer from \(base): \(error)"
            return result
        }
        let status = Int(response.status.code)
        result.status = status
        let marker = response.headers.first(name: markerHeader)
        result.reached = marker
        if let marker {
            if marker == "default-backend" {
                result.failure = "no location matched: the default backend answered \(status)"
            } else if marker == "unavailable" {
                result.failure = "the backend has no endpoints: ingress answered \(status)"
            } else if let expected = target.expected, marker != expected {
                result.failure =
                    "reached \(marker) instead of \(expected): a location tried before this path swallowed the request"
            } else if [502, 503, 504].contains(status) {
                result.failure = "reached \(marker) but it answered \(status): no pod is serving"
            }
        } else if status == 404 && (body.contains("<center>nginx</center>") || body.contains("default backend")) {
            result.failure = "the default backend answered 404: no ingress rule matched"
        } else if [502, 503, 504].contains(status) {
            result.failure = "the ingress answered \(status): the backend has no ready endpoint"
        }
        return result
    }

    public static func diagnostics(_ results: [ProbeResult]) -> [Diagnostic] {
        results.compactMap { result in
            guard let failure = result.failure else { return nil }
            let target = result.target
            let request = "GET \(target.requestPath)" + (target.host.map { " (Host: \($0))" } ?? "")
            return Diagnostic(
                ruleID: rule.id, severity: .error, span: target.span,
                message: "ingress path \(target.path): \(request) \(failure)",
                fix: SuggestedFix(rule.fix), object: target.object)
        }
    }
}
