import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// `http://event-bus-srv:4005/events` in an env value is a wire like any
/// other: the Service must exist and expose that port.
struct ServiceURLRule: Rule {
    let info = RuleInfo(
        id: "service-url",
        summary: "Service URLs in container env values, command and args name an existing Service exposing that port",
        why: "A URL such as http://query-srv:4002 that names a missing Service or a port it does not expose fails only at run time, with a DNS error or connection refused.",
        fix: "Use the name of a Service in the pod's namespace (or NAME.NAMESPACE[.svc[.cluster.local]]) and one of its `port` numbers."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        let namespaces = graph.namespaces
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            for container in workload.template.containers {
                let values = container.env.compactMap(\.valueNode) + container.command + container.args
                for node in values {
                    guard let text = node.string else { continue }
                    for url in ServiceURL.find(in: text) {
                        if let finding = check(url, node: node, workload: workload, graph: graph, namespaces: namespaces)
                        {
                            findings.append(finding)
                        }
                    }
                }
            }
        }
        return findings
    }

    private func check(
        _ url: ServiceURL, node: YAMLNode, workload: Workload, graph: ManifestGraph, namespaces: Set<String>
    ) -> Diagnostic? {
        let object = workload.object
        guard let target = url.serviceTarget(defaultNamespace: object.namespace, knownNamespaces: namespaces, graph: graph)
        else { return nil }
        let span = url.span(in: node, object: object)
        guard let service = graph.service(named: target.name, in: target.namespace) else {
            let names = graph.services.filter { $0.object.namespace == target.namespace }.map(\.object.name)
            let guess = nearest(target.name, in: names)
            var notes: [DiagnosticNote] = []
            if let guess, let found = graph.service(named: guess, in: target.namespace) {
                notes.append(DiagnosticNote("Service \(guess) is defined here", at: found.object.nameSpan))
            }
            return info.diagnostic(
                "\(url.text) names Service \(target.name) in namespace \(target.namespace), which does not exist",
                at: span, object: object, notes: notes,
                fix: guess.map { SuggestedFix("did you mean \($0)?", with: url.text.replacingOccurrences(of: "//\(url.host)", with: "//" + url.host.replacingOccurrences(of: target.name, with: $0))) })
        }
        let serviceNote = DiagnosticNote(
            "Service \(service.object.name) exposes \(IngressBackendRule.describe(service.ports))",
            at: service.object.span(service.object.spec?["ports"] ?? service.object.root))
        guard let port = service.ports.first(where: { $0.port == url.port }) else {
            let guess = service.ports.compactMap(\.port).min { abs($0 - url.port) < abs($1 - url.port) }
            let portText = url.explicitPort ? "port \(url.port)" : "the default port \(url.port) for \(url.scheme)"
            return info.diagnostic(
                "\(url.text) uses \(portText), but Service \(service.object.name) does not expose it",
                at: span, object: object, notes: [serviceNote],
                fix: guess.map { SuggestedFix("did you mean port \($0)?") })
        }
        if let (reason, note) = Wiring.deadEnd(service, port, in: graph) {
            return info.diagnostic(
                "\(url.text) reaches Service \(service.object.name) port \(url.port), but \(reason)", at: span,
                object: object, notes: [note])
        }
        return nil
    }
}

/// An http(s) URL found in a string, with its offset for precise columns.
struct ServiceURL {
    var text: String
    var scheme: String
    var host: String
    var port: Int
    var explicitPort: Bool
    /// Offset of the URL in the scalar's value, in Unicode scalars.
    var offset: Int

    /// URLs in a value: whole value, or separated by commas or whitespace.
    static func find(in value: String) -> [ServiceURL] {
        var results: [ServiceURL] = []
        var offset = 0
        var token = ""
        var tokenStart = 0
        func flush() {
            if let url = ServiceURL(token, offset: tokenStart) { results.append(url) }
            token = ""
        }
        for scalar in value.unicodeScalars {
            if scalar == "," || scalar == " " || scalar == "\t" || scalar == "\n" || scalar == ";" {
                flush()
                tokenStart = offset + 1
            } else {
                if token.isEmpty { tokenStart = offset }
                token.unicodeScalars.append(scalar)
            }
            offset += 1
        }
        flush()
        return results
    }

    init?(_ token: String, offset: Int) {
        let lower = token.lowercased()
        let scheme: String
        if lower.hasPrefix("http://") {
            scheme = "http"
        } else if lower.hasPrefix("https://") {
            scheme = "https"
        } else {
            return nil
        }
        let rest = token.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        var host = hostPort
        var port = scheme == "http" ? 80 : 443
        var explicit = false
        if let colon = hostPort.lastIndex(of: ":") {
            guard let number = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
            host = String(hostPort[..<colon])
            port = number
            explicit = true
        }
        // Templated values ($(VAR), {{ }}) are resolved elsewhere.
        guard !host.isEmpty, !host.contains("$"), !host.contains("{") else { return nil }
        self.text = token
        self.scheme = scheme
        self.host = host.hasSuffix(".") ? String(host.dropLast()) : host
        self.port = port
        self.explicitPort = explicit
        self.offset = offset
    }

    /// The Service this host names, or nil for hosts outside the cluster.
    func serviceTarget(defaultNamespace: String, knownNamespaces: Set<String>, graph: ManifestGraph) -> NamespacedName? {
        let labels = host.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if labels.contains(where: \.isEmpty) { return nil }
        switch labels.count {
        case 1:
            if labels[0] == "localhost" || labels[0].allSatisfy(\.isNumber) { return nil }
            return NamespacedName(namespace: defaultNamespace, name: labels[0])
        case 2:
            // `name.namespace`, but only when that namespace is one we know: `example.com` is not.
            guard knownNamespaces.contains(labels[1]) || graph.service(named: labels[0], in: labels[1]) != nil
            else { return nil }
            return NamespacedName(namespace: labels[1], name: labels[0])
        case 3 where labels[2] == "svc":
            return NamespacedName(namespace: labels[1], name: labels[0])
        case 5 where labels[2] == "svc" && labels[3] == "cluster" && labels[4] == "local":
            return NamespacedName(namespace: labels[1], name: labels[0])
        default:
            return nil
        }
    }

    /// The span of the URL inside a one-line scalar; the whole scalar otherwise.
    func span(in node: YAMLNode, object: ManifestObject) -> SourceSpan {
        guard node.start.line == node.end.line, let style = node.style, style != .literal, style != .folded,
            let raw = node.scalar, !(style == .doubleQuoted && raw.contains("\\"))
        else { return object.span(node) }
        let column = Int(node.start.column) + (style.isQuoted ? 1 : 0) + offset
        let length = text.unicodeScalars.count
        return SourceSpan(
            file: object.file, line: Int(node.start.line), column: column, endLine: Int(node.start.line),
            endColumn: column + length)
    }
}
