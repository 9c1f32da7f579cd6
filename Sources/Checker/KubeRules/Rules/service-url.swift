import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// `http://event-bus-srv:4005/events` in an env value is a wire like any
/// other: the Service must exist and expose that port.
struct ServiceURLRule: Rule {
    let info = RuleInfo(
        id: .serviceUrl,
        summary:
            "Service URLs in container env values (with the ConfigMap and Secret values they read), command and args name an existing Service exposing that port",
        why:
            "A URL such as http://query-srv:4002 that names a missing Service or a port it does not expose fails only at run time, with a DNS error or connection refused. A Service missing from the inputs is reported only when its namespace defines one with a near name (a case or small edit, or one name token more or fewer): URLs often name Services installed separately (databases, brokers, optional components), and a namespace the inputs do not populate proves nothing. Where alternative files define the Service more than once, a port any of them exposes is no finding. An ExternalName Service is a DNS alias with no ports: the URL's port is not checked.",
        fix:
            "Use the name of a Service in the pod's namespace (or NAME.NAMESPACE[.svc[.cluster.local]]) and one of its `port` numbers."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        let namespaces = graph.namespaces
        let together = AppliedTogether(graph, context: context)
        // Only workloads with a URL naming a missing Service or port can have a finding: the
        // index found them while it read every workload's URLs.
        for index in graph.workloadsWithUnresolvedServiceURLs() {
            for resolved in graph.serviceURLUses(ofWorkload: Int(index), namespaces: namespaces) {
                guard let target = resolved.service else { continue }
                let use = resolved.use
                if let finding = check(
                    use.url, node: use.node, holder: use.holder, target: target, graph: graph, together: together)
                {
                    findings.append(finding)
                }
            }
        }
        // A ConfigMap value used by several workloads is one finding.
        return findings.uniqued()
    }

    private func check(
        _ url: ServiceURL, node: YAMLNode, holder object: ManifestObject, target: NamespacedName, graph: ManifestGraph,
        together: AppliedTogether
    ) -> Diagnostic? {
        // Alternative files may define the Service more than once (one file per model size beside
        // the client that calls them): the one of the workload's own file or folder is meant, and a
        // port any of them exposes is no proven failure. Nearly always one definition.
        let definitions = graph.services(named: target.name, in: target.namespace)
        let services =
            definitions.count > 1
            ? together.preferred(definitions, for: object.file) { $0.object.file } : definitions
        guard let service = services.first else {
            let span = url.span(in: node, object: object)
            // The one policy: a Service the inputs do not define is often installed with another
            // chart or addon (a database, a broker); only a near name of the namespace proves a
            // typo, and a namespace the inputs do not populate proves nothing.
            guard
                case .nearName(let name, let location)? = ReferenceResolver.absence(
                    kind: BuiltinKind.service, name: target.name, namespace: target.namespace, in: graph,
                    from: object.file, together: together, shipsWithUsers: false)
            else { return nil }
            let guess: String? = name
            let notes = [DiagnosticNote("Service \(name) is defined here", at: location)]
            return info.diagnostic(
                "\(UserText.shown(url.text)) names Service \(target.name) in namespace \(target.namespace), which does not exist",
                at: span, object: object, notes: notes,
                fix: guess.map { guess in
                    let corrected = url.replacingServiceName(with: guess)
                    // An edit only where the URL's own columns are known; otherwise the URL in words.
                    return url.exactSpan(in: node, object: object).map {
                        SuggestedFix(
                            "did you mean \(guess)?", replacing: $0, with: corrected, applicability: .maybeIncorrect)
                    } ?? SuggestedFix("did you mean \(guess)? (write `\(corrected)`)")
                })
        }
        // An ExternalName Service is a DNS alias (a CNAME): it has no ports, and the client's port
        // goes to the external name as written.
        if service.type == "ExternalName" { return nil }
        guard services.contains(where: { $0.ports.contains { $0.port == url.port } }) else {
            let span = url.span(in: node, object: object)
            let serviceNote = DiagnosticNote(
                "Service \(service.object.displayName) exposes \(IngressBackendRule.describe(service.ports))",
                at: service.object.span(service.object.spec?["ports"] ?? service.object.root))
            let guess = PortNumbers.nearest(to: url.port, among: service.ports.compactMap(\.port))
            let portText = url.explicitPort ? "port \(url.port)" : "the default port \(url.port) for \(url.scheme)"
            return info.diagnostic(
                "\(UserText.shown(url.text)) uses \(portText), but Service \(service.object.displayName) does not expose it",
                at: span, object: object, notes: [serviceNote],
                fix: guess.map { SuggestedFix("did you mean port \($0)?") })
        }
        // A Service that leads nowhere is reported at the Service, with this URL as a note.
        return nil
    }
}
