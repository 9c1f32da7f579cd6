import KubeDiagnostics
import KubeModel

/// A route backend must be a Service port, reachable across namespaces only with a ReferenceGrant.
struct GatewayBackendRule: Rule {
    let info = RuleInfo(
        id: .gatewayBackend,
        summary:
            "Route backendRefs name a Service and a port it exposes (port required); cross-namespace ones are granted by a ReferenceGrant",
        why:
            "A backendRef to a Service without a port is rejected, one to a port the Service does not expose or to a missing Service gets 500 responses (`BackendNotFound`), and a reference into another namespace is refused (`RefNotPermitted`) unless a ReferenceGrant there allows it. The port of a backend that is an ExternalName Service (a DNS alias, without ports) is not checked.",
        fix:
            "Name a Service and one of its `port` numbers; for another namespace, add a ReferenceGrant in that namespace from this route kind to Services."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for route in graph.routes {
            let object = route.object
            for backend in route.backends where backend.isService {
                let reference = backend.reference
                if backend.portNode == nil {
                    findings.append(
                        info.diagnostic(
                            "\(object.title) backendRefs names Service \(reference.name) without a port; a Service backend needs `port`",
                            at: object.span(reference.nameNode), object: object,
                            fix: SuggestedFix("add `port:` with one of the Service's port numbers")))
                    continue
                }
                if reference.namespace != object.namespace,
                    let finding = ungranted(reference, route: route, graph: graph)
                {
                    findings.append(finding)
                    continue
                }
                findings += info.findings([reference], in: graph, context: context)
            }
        }
        return findings
    }

    /// A cross-namespace backend with no ReferenceGrant permitting it, proven
    /// only when that namespace's grants are in the inputs.
    private func ungranted(_ reference: NamedReference, route: Route, graph: ManifestGraph) -> Diagnostic? {
        let grants = graph.referenceGrants.filter { $0.object.namespace == reference.namespace }
        guard let first = grants.first,
            !grants.contains(where: {
                $0.permits(route.object, group: "", kind: BuiltinKind.service, name: reference.name)
            })
        else { return nil }
        let object = route.object
        return info.diagnostic(
            "\(object.title) backendRefs names Service \(reference.name) in namespace \(reference.namespace), but no ReferenceGrant there allows \(object.kind)s of namespace \(object.namespace) to reference it",
            at: object.span(reference.nameNode), object: object,
            notes: [
                DiagnosticNote(
                    "ReferenceGrant \(first.object.displayName) of namespace \(reference.namespace) is defined here",
                    at: first.object.nameSpan)
            ],
            fix: SuggestedFix(
                "add a ReferenceGrant in \(reference.namespace) from {group: gateway.networking.k8s.io, kind: \(object.kind), namespace: \(object.namespace)} to {group: \"\", kind: Service}"
            ))
    }
}
