import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// spec.ingressClassName and the legacy class annotation agree.
struct IngressClassConflictRule: Rule {
    let info = RuleInfo(
        id: .ingressClassConflict,
        summary: "An Ingress does not set spec.ingressClassName and the class annotation to different classes",
        why: "The API server rejects an Ingress whose two class settings disagree.",
        fix: "Remove the kubernetes.io/ingress.class annotation: spec.ingressClassName replaces it."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        graph.ingresses.compactMap { ingress in
            let object = ingress.object
            guard let fieldNode = object.spec?["ingressClassName"],
                let annotationNode = object.metadata?["annotations"]?[Ingress.classAnnotation],
                let field = fieldNode.scalar, let annotation = annotationNode.scalar, field != annotation
            else { return nil }
            return info.diagnostic(
                "annotation \(Ingress.classAnnotation): \(annotation) differs from spec.ingressClassName: \(field); the API server rejects an Ingress whose two class settings disagree",
                at: object.span(annotationNode), object: object,
                notes: [DiagnosticNote("spec.ingressClassName is set here", at: object.span(fieldNode))],
                fix: SuggestedFix(
                    "remove the \(Ingress.classAnnotation) annotation (spec.ingressClassName replaces it)"))
        }
    }
}
