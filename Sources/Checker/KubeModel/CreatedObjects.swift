import KubeYAML

// What the cluster creates from the inputs, beyond the objects written in them: the labels
// controllers add to the pods they create, and the pods (and Services, Secrets) operators
// create from custom resources. Rules count them as present, so a reference to them is never
// reported as missing.

extension ManifestObject {
    /// API groups served by Kubernetes itself whose names contain a dot (the others have none:
    /// `apps`, `batch`, `policy`, …), and tool configuration groups that no controller serves.
    private static let nonCustomGroups: Set<String> = [
        "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
        "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io", "coordination.k8s.io",
        "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io",
        "networking.k8s.io", "node.k8s.io", "rbac.authorization.k8s.io", "resource.k8s.io",
        "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
        "kustomize.config.k8s.io", "config.kubernetes.io",
    ]

    /// Custom resource groups whose objects only configure something else (routing, scraping,
    /// certificates, autoscaling): their controllers create no pods or Services. (cert-manager's
    /// Certificates and ExternalSecrets create Secrets; the graph models those by name.)
    private static let configurationGroups: Set<String> = [
        "cert-manager.io", "networking.istio.io", "security.istio.io", "telemetry.istio.io",
        "external-secrets.io", "bitnami.com", "keda.sh", "autoscaling.k8s.io", "traefik.io", "traefik.containo.us",
        "split.smi-spec.io", "policy.linkerd.io",
    ]

    /// Kinds of otherwise creating groups that only configure (prometheus-operator's monitors and
    /// rules beside its Prometheus and Alertmanager; Gateway API routes beside Gateways).
    private static let configurationKinds: Set<String> = [
        "ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig", "AlertmanagerConfig",
        "HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute", "ReferenceGrant", "GatewayClass",
        "BackendTLSPolicy", "AnalysisTemplate", "ClusterAnalysisTemplate",
    ]

    /// Custom kinds the graph models as workloads (an Argo Rollout's pods are its template's, like
    /// a Deployment's): their controller creates those pods and no Services or Secrets.
    private static let modelledWorkloadKinds: Set<String> = ["argoproj.io/Rollout"]

    /// An object of a custom resource kind (a dotted API group that Kubernetes does not serve)
    /// whose controller, an operator, may create pods, Services and Secrets the inputs never name.
    public var isCustomResource: Bool {
        let group = apiGroup
        // The byte test first: most objects are in an undotted group, and `contains` on a String is
        // Foundation's search.
        return group.utf8.contains(UInt8(ascii: ".")) && group.contains(".") && !Self.nonCustomGroups.contains(group)
            && !Self.configurationGroups.contains(group) && !Self.configurationKinds.contains(kind)
            && !Self.modelledWorkloadKinds.contains("\(group)/\(kind)")
    }
}

/// The pod labels a custom resource asks its operator to put on the pods it creates: a pod
/// template (`spec.template`, `spec.podTemplate`, as in Argo Rollouts and ECK) or pod metadata
/// (`spec.podMetadata`, as in prometheus-operator's Prometheus and Alertmanager), at any depth
/// of the spec (ECK's `nodeSets[].podTemplate`).
public struct OperatorPodLabels: Sendable {
    public var object: ManifestObject
    public var labels: [LabelEntry]
    public var labelsNode: YAMLNode

    /// How deep in a spec a pod template is looked for: enough for ECK's
    /// `spec.nodeSets[].podTemplate` and `spec.deployment.podTemplate`.
    private static let searchDepth = 5

    static func found(in object: ManifestObject) -> [OperatorPodLabels] {
        guard let spec = object.spec else { return [] }
        var result: [OperatorPodLabels] = []
        func visit(_ node: YAMLNode, depth: Int) {
            guard depth < searchDepth else { return }
            if node.isSequence {
                for item in node.items { visit(item, depth: depth + 1) }
                return
            }
            for pair in node.pairs {
                let labels: YAMLNode?
                switch pair.key.scalar {
                case "podMetadata": labels = pair.value["labels"]
                case "template", "podTemplate": labels = pair.value["metadata"]?["labels"]
                default: labels = nil
                }
                if let labels {
                    let entries = LabelEntry.entries(of: labels)
                    if !entries.isEmpty {
                        result.append(OperatorPodLabels(object: object, labels: entries, labelsNode: labels))
                    }
                    continue
                }
                visit(pair.value, depth: depth + 1)
            }
        }
        visit(spec, depth: 0)
        return result
    }

    /// The pods of an Argo Rollout's canary experiments: the Rollouts controller creates an
    /// Experiment per step, whose pods carry each experiment template's `metadata.labels`
    /// (`strategy.canary.steps[].experiment.templates[]`). A Rollout is modelled as a workload, not
    /// a custom resource, so these are its only operator-made pods.
    static func experimentPods(of object: ManifestObject) -> [OperatorPodLabels] {
        guard object.kind == "Rollout", object.apiGroup == "argoproj.io" else { return [] }
        var result: [OperatorPodLabels] = []
        for step in object.spec?["strategy"]?["canary"]?["steps"]?.items ?? [] {
            for template in step["experiment"]?["templates"]?.items ?? [] {
                guard let labels = template["metadata"]?["labels"] else { continue }
                let entries = LabelEntry.entries(of: labels)
                if !entries.isEmpty {
                    result.append(OperatorPodLabels(object: object, labels: entries, labelsNode: labels))
                }
            }
        }
        return result
    }
}

extension Workload {
    /// Whether the pods of this workload carry `key: value`: written in the template, or added by
    /// the controller that creates them (kubernetes/kubernetes pkg/controller: the StatefulSet
    /// pod name and index, the revision and template hashes, the Job's name, index and uid).
    public func podsCarry(_ key: String, _ value: String) -> Bool {
        if let written = template.labels.last(where: { $0.key == key }) { return written.value == value }
        return controllerLabel(key, allows: value)
    }

    /// Whether the pods carry `key` with some value, written or added by their controller.
    public func podsCarryKey(_ key: String) -> Bool { podsLabel(key) != nil || controllerAddsLabel(key) }

    /// The value of `key` written in the pod template.
    public func podsLabel(_ key: String) -> String? {
        template.labels.last(where: { $0.key == key })?.value
    }

    /// Whether the controller puts `key` on every pod it creates.
    public func controllerAddsLabel(_ key: String) -> Bool {
        switch object.kind {
        case BuiltinKind.statefulSet:
            ["statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "controller-revision-hash"]
                .contains(key)
        case BuiltinKind.daemonSet: ["controller-revision-hash", "pod-template-generation"].contains(key)
        case BuiltinKind.deployment: key == "pod-template-hash"
        case BuiltinKind.job, BuiltinKind.cronJob:
            [
                "job-name", "batch.kubernetes.io/job-name", "controller-uid", "batch.kubernetes.io/controller-uid",
                "batch.kubernetes.io/job-completion-index",
            ].contains(key)
        default: false
        }
    }

    private func controllerLabel(_ key: String, allows value: String) -> Bool {
        guard controllerAddsLabel(key) else { return false }
        func isIndex(_ text: Substring) -> Bool {
            guard !text.isEmpty, text.allSatisfy(\.isASCII), let index = Int(text) else { return false }
            return index >= 0 && index < max(replicas, 1) && String(index) == text
        }
        switch key {
        case "statefulset.kubernetes.io/pod-name":
            let prefix = object.name + "-"
            return value.hasPrefix(prefix) && isIndex(value.dropFirst(prefix.count))
        case "apps.kubernetes.io/pod-index":
            return isIndex(Substring(value))
        case "job-name", "batch.kubernetes.io/job-name":
            // A CronJob's Jobs are named `<cronjob>-<scheduled time>`.
            return object.kind == BuiltinKind.job ? value == object.name : value.hasPrefix(object.name + "-")
        case "batch.kubernetes.io/job-completion-index":
            return !value.isEmpty && value.allSatisfy(\.isNumber)
        default:
            // Hashes and uids: any value.
            return true
        }
    }

    /// Whether pods of this workload carry every label of `entries` (a Service or matchLabels selector).
    public func podsCarry(all entries: [LabelEntry]) -> Bool {
        entries.allSatisfy { podsCarry($0.key, $0.value) }
    }

    /// Whether pods of this workload are selected by `selector` (matchLabels and matchExpressions).
    public func podsMatch(_ selector: LabelSelector) -> Bool {
        podsCarry(all: selector.matchLabels)
            && selector.matchExpressions.allSatisfy { requirement in
                let key = requirement.key
                let written = template.labels.last(where: { $0.key == key })?.value
                switch requirement.operator {
                case .in?: return requirement.values.contains { podsCarry(key, $0) }
                case .notIn?:
                    if let written { return !requirement.values.contains(written) }
                    // A controller's label takes values per pod; some pods may fall outside the list.
                    return true
                case .exists?: return written != nil || controllerAddsLabel(key)
                case .doesNotExist?: return written == nil && !controllerAddsLabel(key)
                case nil: return false
                }
            }
    }
}

/// Pods every kubeadm-style cluster runs without any manifest in the inputs: the static
/// control-plane pods the kubelet creates in kube-system from /etc/kubernetes/manifests, labelled
/// `component: <name>` and `tier: control-plane` (kubeadm's static pod manifests). Monitoring
/// stacks ship Services selecting them to scrape their metrics.
public enum ControlPlanePods {
    static let components: Set<String> = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"]

    /// Whether a selector in `namespace` with these `matchLabels` may select static control-plane pods.
    public static func mayBeSelected(by matchLabels: [LabelEntry], in namespace: String) -> Bool {
        guard namespace == "kube-system",
            let component = matchLabels.last(where: { $0.key == "component" })?.value,
            components.contains(component)
        else { return false }
        return matchLabels.allSatisfy { entry in
            switch entry.key {
            case "component": true
            case "tier": entry.value == "control-plane"
            default: false
            }
        }
    }
}
