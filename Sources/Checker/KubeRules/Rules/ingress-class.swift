import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// An Ingress names the controller that serves it.
struct IngressClassRule: Rule {
    let info = RuleInfo(
        id: .ingressClass,
        summary: "Every Ingress names its class (spec.ingressClassName or the class annotation)",
        why:
            "A stock ingress-nginx serves only Ingresses of its class; one without a class is served only where a default IngressClass is configured, so on a fresh cluster every request to it gets 404. A note, not a warning: GKE, managed controllers and clusters with a default IngressClass serve class-less Ingresses, and on real repositories the finding was right about 1 time in 10.",
        fix:
            "Set `spec.ingressClassName: nginx` (or the class of your controller); turn this rule off if the cluster has a default IngressClass.",
        defaultSeverity: .note
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        graph.ingresses.compactMap { ingress in
            let object = ingress.object
            guard object.spec?["ingressClassName"] == nil,
                object.metadata?["annotations"]?[Ingress.classAnnotation] == nil,
                // Meant for GKE's or AWS's load balancer, whose controllers serve class-less Ingresses.
                !NginxHosts.isForAnotherController(ingress)
            else { return nil }
            let anchor = object.root.keyNode("spec").map(object.span) ?? object.nameSpan
            return info.diagnostic(
                "Ingress \(object.name) has neither spec.ingressClassName nor the \(Ingress.classAnnotation) annotation; unless the cluster has a default IngressClass, ingress-nginx ignores it and every request gets 404",
                at: anchor, object: object, fix: SuggestedFix("add `ingressClassName: nginx` under spec"))
        }
    }
}
