import KubeModel

/// The nginx servers and locations ingress-nginx would render from the
/// Ingress objects (see shared/reference §1.10), before any text is written.
public struct IngressPlan: Sendable {
    public var servers: [NginxServer]
    /// Ingresses left out (other class), for the startup summary.
    public var ignored: [String]
}

public struct NginxServer: Sendable {
    /// The rule's host, or `_` for rules without one.
    public var host: String
    public var regexMode: Bool
    public var locations: [NginxLocation]
}

public struct NginxLocation: Sendable {
    public enum Match: Sendable { case regex, exact, prefix }
    public enum Target: Sendable, Equatable {
        /// Proxy to the Service's local listener.
        case service(namespace: String, name: String, port: Int, listener: Int)
        /// Backend exists on paper but has no endpoints: 503.
        case unavailable(String)
        /// No rule matched: the default backend's 404.
        case defaultBackend
    }

    public var path: String
    public var match: Match
    public var target: Target
    /// `namespace/ingress` that defined it (empty for the built-in root).
    public var source: String

    /// The value of the X-Kubewire-Backend header this location adds.
    public var marker: String { Self.marker(for: target) }

    public static func marker(for target: Target) -> String {
        switch target {
        case .service(let namespace, let name, let port, _): "\(namespace)/\(name):\(port)"
        case .unavailable: "unavailable"
        case .defaultBackend: "default-backend"
        }
    }
}

extension IngressPlan {
    static func make(graph: ManifestGraph, services: [ServicePlan]) throws -> IngressPlan {
        struct Draft {
            var path: String
            var exact: Bool
            var target: NginxLocation.Target
            var source: String
            var ownRegex: Bool
        }
        var drafts: [String: [Draft]] = [:]
        var hostOrder: [String] = []
        var regexHosts = Set<String>()
        var ignored: [String] = []
        var catchAllDefault: NginxLocation.Target?

        func target(_ backend: IngressBackend?, namespace: String) -> NginxLocation.Target {
            guard let backend, let name = backend.serviceName, let reference = backend.port else {
                return .unavailable("backend names no Service port")
            }
            guard let service = graph.service(named: name, in: namespace),
                let port = service.port(matching: reference), let number = port.port,
                let plan = services.first(where: { $0.name == name && $0.namespace == namespace })?.ports.first(where: {
                    $0.port == number
                })
            else { return .unavailable("Service \(namespace)/\(name) has no port \(reference)") }
            guard !plan.endpoints.isEmpty else { return .unavailable("Service \(namespace)/\(name) has no endpoints") }
            return .service(namespace: namespace, name: name, port: number, listener: plan.localPort)
        }

        for ingress in graph.ingresses {
            let object = ingress.object
            guard ingress.isNginxClass else {
                ignored.append("\(object.namespace)/\(object.name) (class \(ingress.className ?? "none"))")
                continue
            }
            let source = "\(object.namespace)/\(object.name)"
            if ingress.rules.isEmpty, let backend = ingress.defaultBackend {
                if catchAllDefault == nil { catchAllDefault = target(backend, namespace: object.namespace) }
            }
            for rule in ingress.rules {
                let host = rule.host ?? "_"
                if drafts[host] == nil {
                    hostOrder.append(host)
                    // The Ingress that creates a server gives its root its default backend.
                    let root = ingress.defaultBackend.map { target($0, namespace: object.namespace) } ?? .defaultBackend
                    drafts[host] = [Draft(path: "/", exact: false, target: root, source: "", ownRegex: false)]
                }
                for path in rule.paths {
                    let value = path.effectivePath
                    let exact = path.pathType == "Exact"
                    let ownRegex = ingress.usesRegex || ingress.rewrites(value)
                    if ownRegex { regexHosts.insert(host) }
                    var list = drafts[host] ?? []
                    let draft = Draft(
                        path: value, exact: exact, target: target(path.backend, namespace: object.namespace),
                        source: source, ownRegex: ownRegex)
                    if let index = list.firstIndex(where: { $0.path == value && $0.exact == exact }) {
                        // The built-in root is replaced; a real duplicate is dropped (first wins).
                        if list[index].source.isEmpty { list[index] = draft }
                    } else {
                        list.append(draft)
                    }
                    drafts[host] = list
                }
            }
        }
        if drafts["_"] == nil {
            hostOrder.append("_")
            drafts["_"] = [Draft(path: "/", exact: false, target: .defaultBackend, source: "", ownRegex: false)]
        }
        if let catchAllDefault, var list = drafts["_"], let root = list.firstIndex(where: { $0.source.isEmpty }) {
            list[root].target = catchAllDefault
            drafts["_"] = list
        }

        var servers: [NginxServer] = []
        for host in hostOrder.sorted() {
            let regexMode = regexHosts.contains(host)
            // Longest first; equal lengths in descending byte order (as written).
            let sorted = (drafts[host] ?? []).sorted { a, b in
                let (x, y) = (Array(a.path.utf8), Array(b.path.utf8))
                if x.count != y.count { return x.count > y.count }
                return x.lexicographicallyPrecedes(y) == false && x != y
            }
            var locations: [NginxLocation] = []
            for draft in sorted {
                if draft.exact {
                    locations.append(
                        NginxLocation(
                            path: draft.path, match: regexMode ? .regex : .exact, target: draft.target,
                            source: draft.source))
                    continue
                }
                // Prefix split: `/foo` → `/foo/` plus an exact `/foo`, unless its own Ingress uses regex.
                if draft.path != "/" && !draft.ownRegex {
                    let slashed = draft.path.hasSuffix("/") ? draft.path : draft.path + "/"
                    locations.append(
                        NginxLocation(
                            path: slashed, match: regexMode ? .regex : .prefix, target: draft.target,
                            source: draft.source))
                    if !sorted.contains(where: { $0.exact && $0.path == draft.path }) {
                        locations.append(
                            NginxLocation(
                                path: draft.path, match: regexMode ? .regex : .exact, target: draft.target,
                                source: draft.source))
                    }
                } else {
                    locations.append(
                        NginxLocation(
                            path: draft.path, match: regexMode ? .regex : .prefix, target: draft.target,
                            source: draft.source))
                }
            }
            servers.append(NginxServer(host: host, regexMode: regexMode, locations: locations))
        }
        return IngressPlan(servers: servers, ignored: ignored)
    }
}
