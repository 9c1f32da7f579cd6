import KubeDiagnostics

@testable import KubeReport

/// A small report shaped like the README example: a Service whose selector
/// has a typo, the Deployment it should have selected, and a warning.
enum Fixtures {
    static let serviceFile = "infra/k8s/posts-srv.yaml"
    static let deploymentFile = "infra/k8s/posts-depl.yaml"

    static let serviceText = """
        apiVersion: v1
        kind: Service
        metadata:
          name: posts-srv
        spec:
          selector:
            app: ports
        """

    static let deploymentText = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: posts-depl
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: posts
          template:
            metadata:
              name: posts
              labels:
                app: posts
            spec:
              containers:
                - name: posts
                  image: posts
        """

    static let selectorRule = RuleInfo(
        id: "service-selector", summary: "Service selector selects no pod template",
        why: "A Service whose selector matches no pod has no endpoints.",
        fix: "Make the selector equal to the pod template's labels.")
    static let latestRule = RuleInfo(
        id: "image-latest", summary: "Container image has no tag",
        why: "An untagged image means :latest, which changes under you.",
        fix: "Pin a tag or digest.", defaultSeverity: .warning)
    static let unusedRule = RuleInfo(
        id: "ingress-backend", summary: "Ingress backend names an existing Service port",
        why: "ingress-nginx answers 503 for a backend without endpoints.",
        fix: "Point the backend at a Service port that exists.")

    static let selectorDiagnostic = Diagnostic(
        ruleID: "service-selector", severity: .error,
        span: SourceSpan(file: serviceFile, line: 7, column: 10, endColumn: 15),
        message: "Service default/posts-srv selects app=ports, but no pod template has that label",
        notes: [
            DiagnosticNote(
                "pods of Deployment posts-depl are labelled here",
                at: SourceSpan(file: deploymentFile, line: 14, column: 14, endColumn: 19)),
            DiagnosticNote("selectors match labels exactly"),
        ],
        fix: SuggestedFix(
            "did you mean `app: posts`?",
            replacing: SourceSpan(file: serviceFile, line: 7, column: 10, endColumn: 15), with: "posts",
            applicability: .maybeIncorrect),
        object: ObjectReference(kind: "Service", namespace: "default", name: "posts-srv"))

    static let latestDiagnostic = Diagnostic(
        ruleID: "image-latest", severity: .warning,
        span: SourceSpan(file: deploymentFile, line: 18, column: 18, endColumn: 23),
        message: "container posts uses image posts without a tag",
        fix: SuggestedFix("pin a tag, e.g. `posts:0.1.0`"),
        object: ObjectReference(kind: "Deployment", namespace: "default", name: "posts-depl"))

    static var sources: SourceMap {
        var map = SourceMap()
        map.add(path: serviceFile, text: serviceText)
        map.add(path: deploymentFile, text: deploymentText)
        return map
    }

    static func report(_ diagnostics: [Diagnostic]? = nil) -> Report {
        Report(
            diagnostics: diagnostics ?? [latestDiagnostic, selectorDiagnostic],
            rules: [selectorRule, latestRule, unusedRule] + InputProblem.all,
            sources: sources, inputCount: 2, objectCount: 3)
    }
}
