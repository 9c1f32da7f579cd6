import KubeDiagnostics
import KubeModel
import KubeYAML

/// Hosts the inputs declare to Istio's registry with a ServiceEntry: a destination naming one
/// is not a Kubernetes Service.
func serviceEntryHosts(in graph: ManifestGraph) -> (hosts: Set<String>, services: Set<NamespacedName>) {
    var hosts = Set<String>()
    var services = Set<NamespacedName>()
    for object in graph.objects where object.kind == "ServiceEntry" && object.apiGroup == VirtualService.group {
        for node in object.spec?["hosts"]?.items ?? [] {
            guard let host = node.string else { continue }
            hosts.insert(host)
            if let service = IstioHost.service(host, ruleNamespace: object.namespace) { services.insert(service) }
        }
    }
    return (hosts, services)
}

/// A Service reference for a host Istio reads as a Kubernetes Service, or nil for external hosts,
/// wildcards, other domains and ServiceEntry hosts.
func serviceReference(
    host: String, node: YAMLNode, of object: ManifestObject, port: (Int, YAMLNode)?, context: String,
    entries: (hosts: Set<String>, services: Set<NamespacedName>)
) -> NamedReference? {
    guard let service = IstioHost.service(host, ruleNamespace: object.namespace), !entries.hosts.contains(host),
        !entries.services.contains(service)
    else { return nil }
    return NamedReference(
        source: object, kind: BuiltinKind.service, namespace: service.namespace, name: service.name, nameNode: node,
        member: port.map { .port(.number($0.0)) }, memberNode: port?.1, context: context)
}

extension RuleInfo {
    /// The resolver's findings for Istio hosts: a did-you-mean for a cluster-local host keeps the
    /// host's form (`reviewz.shop.svc.cluster.local` → `reviews.shop.svc.cluster.local`).
    ///
    /// An absent Service is proven missing only by a near name: mesh routes often reach Services
    /// that other releases or installers create (a kustomize component's base, istiod, the
    /// gateways, ACME solvers), so other Services of the namespace prove nothing.
    func hostFindings(
        _ references: [(NamedReference, host: String)], in graph: ManifestGraph, context: RuleContext
    ) -> [Diagnostic] {
        let together = AppliedTogether(graph, context: context)
        return references.compactMap { reference, host in
            // A Service of another group with the name (a Knative Service) makes the core one.
            guard
                graph.service(named: reference.name, in: reference.namespace) != nil
                    || graph.object(reference.target) == nil,
                var problem = ReferenceResolver.problem(reference, in: graph, together: together)
            else {
                return nil
            }
            let absent = graph.service(named: reference.name, in: reference.namespace) == nil
            // A sibling is no typo: `model-registry-service` beside `model-registry-ui-service` is
            // another Service, so a did-you-mean proves a host missing only within two edits.
            if absent, let guess = problem.fix?.replacement, guess.lowercased() != reference.name.lowercased(),
                NearName.editDistance(reference.name, guess) > 2
            {
                return nil
            }
            if host != reference.name, let fix = problem.fix, let guess = fix.replacement, let fixSpan = fix.span,
                problem.span == reference.source.span(reference.nameNode)
            {
                let full = guess + host.dropFirst(reference.name.count)
                problem.fix = SuggestedFix(
                    "did you mean `\(full)`?", replacing: fixSpan, with: full, applicability: .maybeIncorrect)
            }
            return diagnostic(
                problem.message, at: problem.span, object: reference.source, notes: problem.notes, fix: problem.fix)
        }.uniqued()
    }
}
