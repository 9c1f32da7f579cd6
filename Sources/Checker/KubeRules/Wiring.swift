import KubeDiagnostics
import KubeModel
import KubeYAML

/// Who depends on a Service: the Ingress paths and service URLs that a
/// broken Service (selector, targetPort) breaks. They become notes on the
/// Service's one error, not errors of their own.
enum Wiring {
    /// At most this many "breaks this" notes per finding.
    static let maximumUserNotes = 8

    /// What a request through a broken Service meets (ingress-nginx-and-k8s-detail §1.9).
    enum Breakage {
        /// No endpoints (selector matches nothing, named targetPort undeclared): ingress-nginx answers 503.
        case noEndpoints
        /// Endpoints exist but the pod does not accept the connection on the target port
        /// (a wrong numeric targetPort, another protocol): refused, 502 from ingress-nginx.
        case refused

        var ingressResult: String {
            switch self {
            case .noEndpoints: "gets 503 (the Service has no endpoints)"
            case .refused: "gets 502 (the pod refuses the connection on that port)"
            }
        }

        var clientResult: String {
            switch self {
            case .noEndpoints: "fails (the Service has no endpoints)"
            case .refused: "gets a refused connection"
            }
        }
    }

    /// Ingress backends and URLs in env values, command and args that reach
    /// `service` at `port` (any port when nil).
    static func users(
        of service: Service, port: ServicePort?, in graph: ManifestGraph, breakage: Breakage = .noEndpoints
    ) -> [DiagnosticNote] {
        let object = service.object
        var notes: [DiagnosticNote] = []
        func reaches(_ reference: PortReference?) -> Bool {
            guard let port else { return true }
            guard let reference, let reached = service.port(matching: reference) else { return false }
            return reached.port == port.port && reached.name == port.name
        }
        for ingress in graph.ingresses where ingress.object.namespace == object.namespace {
            var backends: [(String, IngressBackend)] =
                ingress.defaultBackend.map { [("the default backend", $0)] } ?? []
            for rule in ingress.rules {
                for path in rule.paths {
                    // Labels only for the backends that name this Service: an Ingress can hold thousands.
                    guard let backend = path.backend, backend.serviceName == object.name else { continue }
                    backends.append(
                        ("path \(path.effectivePath)" + (rule.host.map { " of host \($0)" } ?? ""), backend))
                }
            }
            for (label, backend) in backends
            where backend.serviceName == object.name && reaches(backend.port) {
                notes.append(
                    DiagnosticNote(
                        "\(label) of \(ingress.object.title) routes here and \(breakage.ingressResult)",
                        at: ingress.object.span(backend.serviceNameNode ?? backend.node)))
            }
        }
        for resolved in graph.serviceURLUses(naming: NamespacedName(namespace: object.namespace, name: object.name)) {
            let use = resolved.use
            guard reaches(.number(use.url.port)) else { continue }
            let workload = graph.workloads[resolved.workloadIndex]
            let place =
                use.holder.reference == workload.object.reference
                ? workload.object.title : "\(use.holder.title) (read by \(workload.object.title))"
            let note = DiagnosticNote(
                "\(use.url.text) in \(place) reaches this Service and \(breakage.clientResult)",
                at: use.url.span(in: use.node, object: use.holder))
            if !notes.contains(note) { notes.append(note) }
        }
        if notes.count > maximumUserNotes {
            let rest = notes.count - maximumUserNotes
            notes = Array(notes.prefix(maximumUserNotes)) + [DiagnosticNote("and \(rest) more users of this Service")]
        }
        return notes
    }
}
