import KubeDiagnostics
import KubeModel
import KubeYAML

/// Every Ingress backend must name a Service in the Ingress's namespace and a
/// port that Service exposes. A Service that exists but leads nowhere
/// (selector, targetPort) is reported once, at the Service, by
/// service-selector and service-target-port, with a note for each path it breaks.
struct IngressBackendRule: Rule {
    let info = RuleInfo(
        id: .ingressBackend,
        summary: "Ingress backends (rules and defaultBackend) name an existing Service and a port it exposes",
        why:
            "ingress-nginx answers 503 for a backend whose Service, Service port or endpoints are missing; the path is dead although every object applies cleanly. A Service missing from the inputs is reported only when the namespace defines one with a near name (a case or small edit, or one name token more or fewer: `posts-srv`, `posts-clusterip-srv`): backends are often installed separately (a dashboard, an echo server a guide asks for), and on real repositories a missing Service without a near name was a prerequisite every time. On an AWS ALB Ingress (class alb, or an IngressClass of controller ingress.k8s.aws/alb in the inputs), a backend with `port.name: use-annotation` names an ALB action (`alb.ingress.kubernetes.io/actions.<name>`, often written at run time by an Argo Rollout), not a Service, and is not checked. A backend that is an ExternalName Service has no ports to check: ingress-nginx proxies to the external name on the port the Ingress gives.",
        fix:
            "Name a Service in the Ingress's namespace and one of its `port` numbers or port names (not the targetPort)."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        let together = AppliedTogether(graph, context: context)
        for ingress in graph.ingresses {
            if let backend = ingress.defaultBackend,
                let finding = check(backend, owner: .defaultBackend, ingress, graph, together)
            {
                findings.append(finding)
            }
            for rule in ingress.rules {
                for path in rule.paths {
                    guard let backend = path.backend else {
                        findings.append(
                            info.diagnostic(
                                "path \(path.effectivePath) has no backend", at: ingress.object.span(path.node),
                                object: ingress.object))
                        continue
                    }
                    if let finding = check(
                        backend, owner: .path(path.effectivePath, host: rule.host), ingress, graph, together)
                    {
                        findings.append(finding)
                    }
                }
            }
        }
        return findings
    }

    /// Whose backend it is, put into words only for a finding: most backends are fine, and a large
    /// Ingress has thousands.
    private enum BackendOwner {
        case defaultBackend
        case path(String, host: String?)

        var label: String {
            switch self {
            case .defaultBackend: "the default backend"
            case .path(let path, let host): "path \(path)" + (host.map { " of host \($0)" } ?? "")
            }
        }
    }

    private func check(
        _ backend: IngressBackend, owner: BackendOwner, _ ingress: Ingress, _ graph: ManifestGraph,
        _ together: AppliedTogether
    ) -> Diagnostic? {
        if backend.isResource { return nil }
        if Self.isALBAction(backend, of: ingress, graph) { return nil }
        let object = ingress.object
        let nameField = ingress.isLegacy ? "serviceName" : "service.name"
        guard let name = backend.serviceName, let nameNode = backend.serviceNameNode else {
            // A v1 backend in the v1beta1 form is one unknown-field error, with its conversion.
            if backend.usesLegacyFieldsInV1 { return nil }
            return info.diagnostic(
                "\(owner.label) names no Service (`\(nameField)` is missing)", at: object.span(backend.node),
                object: object)
        }
        // Alternative files may define the Service more than once: the one of the Ingress's own
        // file or folder is meant, and a port any of them exposes is no proven 503.
        // Nearly always one definition, which needs no ranking.
        let definitions = graph.services(named: name, in: object.namespace)
        let services =
            definitions.count > 1
            ? together.preferred(definitions, for: object.file) { $0.object.file } : definitions
        guard let service = services.first else {
            // The one policy: a Service the inputs do not define is often installed with another
            // chart or addon (a prerequisite); only a near name of the namespace proves a typo.
            let span = object.span(nameNode)
            guard
                case .nearName(let guess, let location)? = ReferenceResolver.absence(
                    kind: "Service", name: name, namespace: object.namespace, in: graph, from: object.file,
                    together: together, shipsWithUsers: false)
            else { return nil }
            let notes = [DiagnosticNote("Service \(guess) is defined here", at: location)]
            let fix = SuggestedFix(
                "did you mean \(guess)?", replacing: span, with: guess, applicability: .maybeIncorrect)
            return info.diagnostic(
                "\(owner.label) routes to Service \(name), which does not exist in namespace \(object.namespace) (503)",
                at: span, object: object, notes: notes, fix: fix)
        }
        // Built only for a finding: most backends are fine.
        var serviceNote: DiagnosticNote {
            DiagnosticNote(
                "Service \(name) exposes \(Self.describe(service.ports))",
                at: service.object.span(service.object.spec?["ports"] ?? service.object.root))
        }
        guard let reference = backend.port else {
            if backend.usesLegacyFieldsInV1 { return nil }
            let field = ingress.isLegacy ? "servicePort" : "service.port.number or service.port.name"
            return info.diagnostic(
                "\(owner.label) routes to Service \(name) but gives no port (`\(field)`)",
                at: object.span(backend.portNode ?? nameNode), object: object, notes: [serviceNote])
        }
        // An ExternalName Service has no ports: ingress-nginx proxies to the external name on the
        // Ingress's port, which nothing in the inputs can check.
        if service.type == "ExternalName" { return nil }
        let portNode = backend.portNode ?? nameNode
        guard !services.contains(where: { $0.port(matching: reference) != nil }) else { return nil }
        let primary = object.span(portNode)
        if case .number(let number) = reference,
            let byTarget = service.ports.first(where: { $0.targetPort == .number(number) }),
            let real = byTarget.port
        {
            return info.diagnostic(
                "\(owner.label) routes to port \(number) of Service \(name), which exposes no such port: \(number) is its targetPort, and an Ingress names the Service port (\(real)) (503)",
                at: primary, object: object, notes: [serviceNote],
                fix: SuggestedFix("use port \(real)", replacing: primary, with: String(real)))
        }
        let fix: SuggestedFix?
        switch reference {
        case .number(let number):
            let numbers = service.ports.compactMap(\.port)
            let guess = PortNumbers.nearest(to: number, among: numbers)
            fix = guess.map {
                SuggestedFix(
                    "did you mean \($0)?", replacing: primary, with: String($0), applicability: .maybeIncorrect)
            }
        case .name(let portName):
            let names = service.ports.compactMap(\.name)
            fix = (NearName.inputName.nearest(portName, in: names) ?? (names.count == 1 ? names[0] : nil)).map {
                SuggestedFix("did you mean `\($0)`?", replacing: primary, with: $0, applicability: .maybeIncorrect)
            }
        }
        return info.diagnostic(
            "\(owner.label) routes to port \(reference) of Service \(name), which exposes no such port (503)",
            at: primary, object: object, notes: [serviceNote], fix: fix)
    }

    /// The AWS Load Balancer Controller reads `port.name: use-annotation` as "the backend is the
    /// action `alb.ingress.kubernetes.io/actions.<service name>`", not a Service port. The action
    /// annotation is in the Ingress, or written at run time by an Argo Rollout whose ALB traffic
    /// routing names the Ingress (or by another controller outside the inputs).
    private static func isALBAction(_ backend: IngressBackend, of ingress: Ingress, _ graph: ManifestGraph) -> Bool {
        guard case .name("use-annotation")? = backend.port else { return false }
        guard let className = ingress.className else { return false }
        if className == "alb" { return true }
        return graph.objects.contains { object in
            object.kind == "IngressClass" && object.apiGroup == "networking.k8s.io" && object.name == className
                && object.spec?["controller"]?.scalar == "ingress.k8s.aws/alb"
        }
    }

    static func describe(_ ports: [ServicePort]) -> String {
        guard !ports.isEmpty else { return "no ports" }
        return "ports "
            + ports.map { port in
                (port.port.map(String.init) ?? "?") + (port.name.map { " (\($0))" } ?? "")
            }.joined(separator: ", ")
    }
}
