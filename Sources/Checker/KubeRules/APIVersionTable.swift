import KubeDiagnostics
import KubeModel

/// apiVersions Kubernetes removed or deprecated, after pluto's versions
/// table; `api-removed` and `api-deprecated` report them, and the schema
/// pass does not report them again as unknown.
enum APIVersionTable {
    struct Entry: Sendable {
        var kinds: [String]
        var apiVersions: [String]
        var deprecated: KubeVersion?
        var removed: KubeVersion
        /// nil when there is no replacement.
        var replacement: String?
        /// What else changes when moving (empty when only apiVersion changes).
        var migration: String
    }

    private static func v(_ minor: Int) -> KubeVersion { KubeVersion(major: 1, minor: minor) }

    private static let appsMigration =
        "apps/v1 requires spec.selector (matching the template labels) and no longer defaults it"
    private static let ingressMigration =
        "in networking.k8s.io/v1 a backend is `service: {name: …, port: {number: …}}` (not serviceName/servicePort), every path needs pathType, spec.backend becomes spec.defaultBackend, and the class is spec.ingressClassName"

    /// Reference §2.7 (pluto versions.yaml), plus the other 1.22 removals of the upstream migration guide.
    static let table: [Entry] = [
        Entry(
            kinds: ["Deployment"], apiVersions: ["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"],
            deprecated: v(9), removed: v(16), replacement: "apps/v1", migration: appsMigration),
        Entry(
            kinds: ["DaemonSet"], apiVersions: ["extensions/v1beta1", "apps/v1beta2"], deprecated: v(9),
            removed: v(16), replacement: "apps/v1", migration: appsMigration),
        Entry(
            kinds: ["ReplicaSet"], apiVersions: ["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"],
            deprecated: nil, removed: v(16), replacement: "apps/v1", migration: appsMigration),
        Entry(
            kinds: ["StatefulSet"], apiVersions: ["apps/v1beta1", "apps/v1beta2"], deprecated: v(9),
            removed: v(16),
            replacement: "apps/v1", migration: appsMigration),
        Entry(
            kinds: ["NetworkPolicy"], apiVersions: ["extensions/v1beta1"], deprecated: v(9),
            removed: v(16),
            replacement: "networking.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["PodSecurityPolicy"], apiVersions: ["extensions/v1beta1"], deprecated: v(10),
            removed: v(16),
            replacement: "policy/v1beta1", migration: ""),
        Entry(
            kinds: ["Ingress"], apiVersions: ["extensions/v1beta1"], deprecated: v(14), removed: v(22),
            replacement: "networking.k8s.io/v1", migration: ingressMigration),
        Entry(
            kinds: ["Ingress"], apiVersions: ["networking.k8s.io/v1beta1"], deprecated: v(19),
            removed: v(22),
            replacement: "networking.k8s.io/v1", migration: ingressMigration),
        Entry(
            kinds: ["IngressClass"], apiVersions: ["networking.k8s.io/v1beta1"], deprecated: v(19),
            removed: v(22),
            replacement: "networking.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["CustomResourceDefinition"], apiVersions: ["apiextensions.k8s.io/v1beta1"],
            deprecated: v(16),
            removed: v(22), replacement: "apiextensions.k8s.io/v1",
            migration: "v1 requires a structural schema per version"),
        Entry(
            kinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
            apiVersions: ["admissionregistration.k8s.io/v1beta1"], deprecated: v(16), removed: v(22),
            replacement: "admissionregistration.k8s.io/v1",
            migration: "v1 requires sideEffects and admissionReviewVersions"),
        Entry(
            kinds: ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
            apiVersions: ["rbac.authorization.k8s.io/v1alpha1", "rbac.authorization.k8s.io/v1beta1"],
            deprecated: v(17), removed: v(22), replacement: "rbac.authorization.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["PriorityClass"], apiVersions: ["scheduling.k8s.io/v1beta1"], deprecated: v(14),
            removed: v(22),
            replacement: "scheduling.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"],
            apiVersions: ["storage.k8s.io/v1beta1"], deprecated: nil, removed: v(22),
            replacement: "storage.k8s.io/v1",
            migration: ""),
        Entry(
            kinds: ["CertificateSigningRequest"], apiVersions: ["certificates.k8s.io/v1beta1"],
            deprecated: v(19),
            removed: v(22), replacement: "certificates.k8s.io/v1",
            migration: "v1 requires spec.signerName"),
        Entry(
            kinds: ["Lease"], apiVersions: ["coordination.k8s.io/v1beta1"], deprecated: v(19),
            removed: v(22),
            replacement: "coordination.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["APIService"], apiVersions: ["apiregistration.k8s.io/v1beta1"], deprecated: v(19),
            removed: v(22),
            replacement: "apiregistration.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["CronJob"], apiVersions: ["batch/v1beta1"], deprecated: v(21), removed: v(25),
            replacement: "batch/v1", migration: ""),
        Entry(
            kinds: ["PodDisruptionBudget"], apiVersions: ["policy/v1beta1"], deprecated: v(21),
            removed: v(25),
            replacement: "policy/v1",
            migration: "in policy/v1 an empty spec.selector selects every pod in the namespace"),
        Entry(
            kinds: ["PodSecurityPolicy"], apiVersions: ["policy/v1beta1"], deprecated: v(21),
            removed: v(25),
            replacement: nil, migration: "use Pod Security Admission (namespace labels) instead"),
        Entry(
            kinds: ["EndpointSlice"], apiVersions: ["discovery.k8s.io/v1beta1"], deprecated: v(21),
            removed: v(25),
            replacement: "discovery.k8s.io/v1", migration: "topology becomes per-endpoint zone and hints"),
        Entry(
            kinds: ["Event"], apiVersions: ["events.k8s.io/v1beta1"], deprecated: v(19), removed: v(25),
            replacement: "events.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["HorizontalPodAutoscaler"], apiVersions: ["autoscaling/v2beta1"], deprecated: v(22),
            removed: v(25), replacement: "autoscaling/v2",
            migration: "metric targets become `target: {type: Utilization, averageUtilization: …}`"),
        Entry(
            kinds: ["HorizontalPodAutoscaler"], apiVersions: ["autoscaling/v2beta2"], deprecated: v(23),
            removed: v(26), replacement: "autoscaling/v2", migration: ""),
        Entry(
            kinds: ["RuntimeClass"], apiVersions: ["node.k8s.io/v1beta1"], deprecated: v(22),
            removed: v(25),
            replacement: "node.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["CSIStorageCapacity"], apiVersions: ["storage.k8s.io/v1beta1"], deprecated: v(24),
            removed: v(27), replacement: "storage.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["FlowSchema", "PriorityLevelConfiguration"],
            apiVersions: ["flowcontrol.apiserver.k8s.io/v1beta1"], deprecated: v(23), removed: v(26),
            replacement: "flowcontrol.apiserver.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["FlowSchema", "PriorityLevelConfiguration"],
            apiVersions: ["flowcontrol.apiserver.k8s.io/v1beta2"], deprecated: v(26), removed: v(29),
            replacement: "flowcontrol.apiserver.k8s.io/v1", migration: ""),
        Entry(
            kinds: ["FlowSchema", "PriorityLevelConfiguration"],
            apiVersions: ["flowcontrol.apiserver.k8s.io/v1beta3"], deprecated: v(29), removed: v(32),
            replacement: "flowcontrol.apiserver.k8s.io/v1", migration: ""),
    ]

    /// Every apiVersion of `table`: nearly no object's is one of them, and one set lookup says so
    /// (the scan compared each object's kind and apiVersion with every entry's: 3,600 instructions).
    private static let retiredAPIVersions = Set(table.flatMap(\.apiVersions))

    static func entry(kind: String, apiVersion: String) -> Entry? {
        guard retiredAPIVersions.contains(apiVersion) else { return nil }
        return table.first { $0.kinds.contains(kind) && $0.apiVersions.contains(apiVersion) }
    }

    /// The retirement of an object's apiVersion at `target`, if any: removed (true) or only deprecated (false).
    static func status(of object: ManifestObject, at target: KubeVersion) -> (entry: Entry, removed: Bool)? {
        guard var entry = Self.entry(kind: object.kind, apiVersion: object.apiVersion) else { return nil }
        // A replacement that is itself gone at the target (PSP extensions → policy/v1beta1).
        if let to = entry.replacement, let next = Self.entry(kind: object.kind, apiVersion: to), target >= next.removed
        {
            entry.replacement = next.replacement
            entry.migration = next.migration
        }
        let removed = target >= entry.removed
        let deprecated = entry.deprecated.map { target >= $0 } ?? false
        guard removed || deprecated else { return nil }
        return (entry, removed)
    }

    static func diagnostic(_ object: ManifestObject, _ entry: Entry, removed: Bool, target: KubeVersion, info: RuleInfo)
        -> Diagnostic
    {
        let span = object.root["apiVersion"].map(object.span) ?? object.startSpan
        let replacement = entry.replacement.map { "use \($0)" } ?? "it has no replacement"
        let status =
            removed
            ? "was removed in Kubernetes \(entry.removed) (target \(target))"
            : "is deprecated since Kubernetes \(entry.deprecated.map(\.description) ?? "?") and removed in \(entry.removed) (target \(target))"
        let message = "\(object.kind) \(object.apiVersion) \(status); \(replacement)"
        var fix: SuggestedFix
        if let to = entry.replacement {
            if entry.migration.isEmpty {
                fix = SuggestedFix("change apiVersion to \(to)", replacing: span, with: to)
            } else {
                fix = SuggestedFix("change apiVersion to \(to); \(entry.migration)")
            }
        } else {
            fix = SuggestedFix(entry.migration.isEmpty ? "remove the object" : entry.migration)
        }
        return info.diagnostic(message, at: span, object: object, fix: fix)
    }
}
