import KubeDiagnostics
import KubeModel
import KubeSchema

/// An autoscaler whose target does not exist scales nothing, silently.
struct ScaleTargetRule: Rule {
    let info = RuleInfo(
        id: .scaleTarget,
        summary: "HorizontalPodAutoscaler scaleTargetRef names a workload of its namespace, in its API group",
        why:
            "An HPA whose scaleTargetRef names no object reports `FailedGetScale` in its events and never scales; nothing else fails, so the workload silently runs at its fixed replica count. The target ships with its autoscaler, so when the inputs define objects of that kind in the namespace an absent one is a mistake. The controller finds the target by kind and the group of scaleTargetRef.apiVersion (pkg/controller/podautoscaler/horizontal.go), so a group other than the target's (`v1` or `extensions/v1beta1` for an apps/v1 Deployment) fails the same way.",
        fix:
            "Set scaleTargetRef.kind and .name to the Deployment or StatefulSet the HPA should scale, and .apiVersion to its apiVersion."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        info.findings(graph.autoscalers.compactMap(\.target), in: graph, context: context, shipsWithUsers: true)
            + graph.autoscalers.compactMap { wrongGroup($0, in: graph, minor: context.kubeVersion.minor) }
    }

    /// The controller maps scaleTargetRef to a resource by the group of its apiVersion and its
    /// kind, never the version (podautoscaler/horizontal.go: `schema.GroupKind{Kind: ref.Kind,
    /// Group: targetGV.Group}`), so `apps/v1beta2` still finds an apps/v1 Deployment but `v1` or
    /// `extensions/v1beta1` finds nothing.
    ///
    /// Only for built-in kinds, and only when the written group does not serve the kind at the
    /// target release: an HPA that says `apps/v1` for a Deployment written in a removed
    /// `extensions/v1beta1` is right, and api-removed reports the Deployment.
    private func wrongGroup(_ autoscaler: HorizontalPodAutoscaler, in graph: ManifestGraph, minor: Int) -> Diagnostic? {
        guard let target = autoscaler.target, let written = autoscaler.targetAPIVersion, !written.isEmpty,
            let versionNode = autoscaler.targetNode?["apiVersion"],
            let workload = graph.object(
                ObjectReference(kind: target.kind, namespace: autoscaler.object.namespace, name: target.name))
        else { return nil }
        let group = Self.group(of: written)
        guard group != workload.apiGroup, let schema = BuiltinSchema.release(minor: minor) else { return nil }
        let servingGroups = Set(
            schema.apiVersions.filter { schema.root(apiVersion: $0, kind: target.kind) != nil }.map(Self.group))
        guard !servingGroups.isEmpty, !servingGroups.contains(group) else { return nil }
        let object = autoscaler.object
        let span = object.span(versionNode)
        return info.diagnostic(
            "scaleTargetRef.apiVersion is \(written), but \(target.kind) \(target.name) is \(workload.apiVersion): the autoscaler looks for a \(target.kind) in the \(group.isEmpty ? "core" : "`\(group)`") group, finds none (FailedGetScale) and never scales",
            at: span, object: object,
            notes: [DiagnosticNote("\(target.kind) \(target.name) is defined here", at: workload.nameSpan)],
            fix: SuggestedFix("write `\(workload.apiVersion)`", replacing: span, with: workload.apiVersion))
    }

    private static func group(of apiVersion: String) -> String {
        apiVersion.firstIndex(of: "/").map { String(apiVersion[..<$0]) } ?? ""
    }
}
