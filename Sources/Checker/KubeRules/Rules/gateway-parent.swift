import KubeDiagnostics
import KubeModel

/// A route attached to a Gateway or listener that does not exist is never served.
struct GatewayParentRule: Rule {
    let info = RuleInfo(
        id: .gatewayParent,
        summary: "HTTPRoute and GRPCRoute parentRefs name a Gateway, and sectionName one of its listeners",
        why:
            "A route whose parentRef names no Gateway, or a listener the Gateway lacks, is not accepted (`NoMatchingParent`) and serves nothing. Gateways are often shared and defined elsewhere, so an absent Gateway is reported only as a near-miss of one in the inputs; a listener is checked whenever the Gateway is in the inputs.",
        fix: "Name the Gateway (and namespace) the route should attach to, and a listener `name` it defines."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.findings(graph.routes.flatMap(\.parents), in: graph, context: context)
    }
}
