import KubeYAML

/// A `matchExpressions` term.
public struct SelectorRequirement: Sendable {
    public enum Operator: String, Sendable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }
    public var key: String
    public var `operator`: Operator?
    public var operatorText: String
    public var values: [String]
    public var node: YAMLNode

    public func matches(_ labels: [String: String]) -> Bool {
        switch `operator` {
        case .in?: labels[key].map(values.contains) ?? false
        case .notIn?: labels[key].map { !values.contains($0) } ?? true
        case .exists?: labels[key] != nil
        case .doesNotExist?: labels[key] == nil
        case nil: false
        }
    }
}

/// A LabelSelector (`matchLabels` AND `matchExpressions`), or a plain map
/// selector (ReplicationController), normalised to the same shape.
public struct LabelSelector: Sendable {
    public var matchLabels: [LabelEntry]
    public var matchExpressions: [SelectorRequirement]
    public var node: YAMLNode

    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        matchLabels.allSatisfy { labels[$0.key] == $0.value } && matchExpressions.allSatisfy { $0.matches(labels) }
    }

    static func labelSelector(_ node: YAMLNode) -> LabelSelector {
        let expressions =
            node["matchExpressions"]?.mapItems { item -> SelectorRequirement in
                let operatorText = item["operator"]?.scalar ?? ""
                var values: [String] = []
                if let list = item["values"], list.isSequence {
                    values.reserveCapacity(list.childCount)
                    list.forEachItem { if let value = $0.scalar { values.append(value) } }
                }
                return SelectorRequirement(
                    key: item["key"]?.scalar ?? "", operator: .init(rawValue: operatorText),
                    operatorText: operatorText, values: values, node: item)
            } ?? []
        return LabelSelector(
            matchLabels: LabelEntry.entries(of: node["matchLabels"]), matchExpressions: expressions, node: node)
    }

    static func plainMap(_ node: YAMLNode) -> LabelSelector {
        LabelSelector(matchLabels: LabelEntry.entries(of: node), matchExpressions: [], node: node)
    }
}

/// Any object that creates pods from a template, built-in or an Argo Rollout (`argoproj.io`).
/// Immutable and a class, like `ManifestObject`: `for workload in graph.workloads` on every thread
/// then costs one reference count a workload, not one per field.
public final class Workload: Sendable {
    public static let kinds: Set<String> = [
        BuiltinKind.pod, BuiltinKind.deployment, BuiltinKind.replicaSet, BuiltinKind.statefulSet, BuiltinKind.daemonSet,
        BuiltinKind.replicationController, BuiltinKind.job, BuiltinKind.cronJob,
        "Rollout",
    ]

    public let object: ManifestObject
    public let template: PodTemplate
    /// The selector as written; nil when absent (Pod, Job, defaulted RC).
    public let selector: LabelSelector?
    public let replicas: Int

    public init?(object: ManifestObject) {
        guard Self.kinds.contains(object.kind) else { return nil }
        // A Rollout is a workload only in Argo's group, and only with its own template (a
        // `workloadRef` Rollout runs the pods of the Deployment it names).
        if object.kind == "Rollout", object.apiGroup != ArgoRollout.group { return nil }
        self.object = object
        let spec = object.spec
        switch object.kind {
        case BuiltinKind.pod:
            template = PodTemplate(node: object.root)
            selector = nil
        case BuiltinKind.cronJob:
            guard let node = spec?["jobTemplate"]?["spec"]?["template"] else { return nil }
            template = PodTemplate(node: node)
            selector = nil
        case BuiltinKind.replicationController:
            guard let node = spec?["template"] else { return nil }
            template = PodTemplate(node: node)
            selector = spec?["selector"].map(LabelSelector.plainMap)
        default:
            guard let node = spec?["template"] else { return nil }
            template = PodTemplate(node: node)
            selector = spec?["selector"].map(LabelSelector.labelSelector)
        }
        replicas = spec?["replicas"]?.int ?? 1
    }

    /// The labels pods of this workload carry.
    public var podLabels: [String: String] { template.labels.dictionary }
}
