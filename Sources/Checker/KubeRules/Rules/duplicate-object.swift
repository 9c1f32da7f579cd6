import KubeDiagnostics
import KubeModel
import KubeYAML

/// Two documents that describe the same object: the later one silently
/// replaces the earlier when applied.
struct DuplicateObjectRule: Rule {
    let info = RuleInfo(
        id: .duplicateObject,
        summary: "No object (API group, kind, namespace, name) is defined twice across the inputs",
        why:
            "`kubectl apply` of both documents applies them one after the other to the same object: the later definition wins and the earlier one is silently lost, usually a copy-paste that forgot to rename. Reported only where the inputs prove both are applied: one file (or one rendered kustomization or chart), files named one by one on the command line, or files one skaffold manifests glob deploys. Two files found by walking folders (one file per test scenario, `install.yaml` beside `namespace-install.yaml`, `envs/dev` and `envs/prod`) are taken for alternatives applied one at a time. One custom resource written once per version of its API group (`v1alpha1` and `v1beta1`) is a sample per served version, as operator-sdk keeps them, not a copy.",
        fix: "Rename one of the two objects (and what refers to it), or delete the stale copy."
    )

    /// Kinds without a namespace: their namespace field is ignored.
    static let clusterScoped: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "IngressClass", "PriorityClass", "RuntimeClass",
        "PodSecurityPolicy",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "CSIDriver",
        "CSINode",
        "VolumeAttachment", "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
    ]

    private struct Key: Hashable {
        var group: String
        var kind: String
        var namespace: String
        var name: String
    }

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        // Positions by key hash: large inputs have tens of thousands of
        // objects, and a table of full keys would be the rule's largest cost.
        var firstByHash: [Int: Int] = [:]
        // Keys whose hash an earlier, different key already took.
        var collided: [Key: Int] = [:]
        var findings: [Diagnostic] = []
        let together = AppliedTogether(graph, context: context)
        var repeated: [Key: [Int]] = [:]
        for (position, object) in graph.objects.enumerated() {
            guard let key = Self.key(of: object) else { continue }
            let hash = key.hashValue
            let earlierPosition: Int?
            if let candidate = firstByHash[hash] {
                if Self.key(of: graph.objects[candidate]) == key {
                    earlierPosition = candidate
                } else {
                    earlierPosition = collided[key]
                    if earlierPosition == nil { collided[key] = position }
                }
            } else {
                firstByHash[hash] = position
                earlierPosition = nil
            }
            guard let earlierPosition else { continue }
            // Later definitions of a key, for a third one to be compared with each.
            let definitions = [earlierPosition] + (repeated[key] ?? [])
            repeated[key, default: []].append(position)
            guard
                let partner = definitions.first(where: {
                    together.provable(graph.objects[$0].file, object.file)
                        && !Self.samplesOfTwoVersions(graph.objects[$0], object)
                })
            else { continue }
            let earlier = graph.objects[partner]
            let scope = key.namespace.isEmpty ? "" : " in namespace \(key.namespace)"
            findings.append(
                info.diagnostic(
                    "\(object.kind) \(object.name)\(scope) is defined twice; applying both keeps only the later definition",
                    at: object.nameSpan, object: object,
                    notes: [DiagnosticNote("first defined here", at: earlier.nameSpan)],
                    fix: SuggestedFix("rename one of them or delete the duplicate")))
        }
        return findings
    }

    /// One custom resource written once per version of its API (`v1alpha1` and `v1beta1`): the samples
    /// operator-sdk keeps in config/samples, one per served version, for the bundle's examples.
    private static func samplesOfTwoVersions(_ first: ManifestObject, _ second: ManifestObject) -> Bool {
        let group = first.apiGroup
        return first.apiVersion != second.apiVersion && group.contains(".") && !group.hasSuffix("k8s.io")
    }

    /// The identity `kubectl apply` uses; nil for objects that have none.
    private static func key(of object: ManifestObject) -> Key? {
        guard !object.apiVersion.hasPrefix("skaffold/"), !object.name.isEmpty,
            // generateName objects get a fresh name each time.
            object.metadata?["name"] != nil
        else { return nil }
        let namespace = clusterScoped.contains(object.kind) ? "" : object.namespace
        return Key(group: object.asciiAPIGroup, kind: object.kind, namespace: namespace, name: object.name)
    }
}
