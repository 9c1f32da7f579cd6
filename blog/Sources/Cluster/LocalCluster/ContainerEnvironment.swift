import KubeDiagnostics
import KubeModel
import KubeReport
import KubeRules
import KubeYAML

/// A container's environment as the kubelet builds it: every `envFrom`
/// source in order, then the `env` entries (a later name wins), with
/// ConfigMap and Secret values read from the inputs (`data`, `binaryData`,
/// `stringData`; base64 decoded where the API stores base64).
struct ContainerEnvironment {
    var variables: [(name: String, value: String)] = []
    /// Values that cannot be known locally (created in the cluster, fieldRef, …).
    var warnings: [String] = []
    /// References the checker proves broken: the pod would not start.
    var broken: [Diagnostic] = []

    /// The proven-broken ConfigMap and Secret references of a graph, by the span
    /// the checker reports them at: the same findings `kubewire check` prints under
    /// the same policy (a rule turned off, or made a warning, refuses nothing).
    static func brokenReferences(in graph: ManifestGraph, policy: Policy) -> [SourceSpan: Diagnostic] {
        let rules = ["configmap-ref", "secret-ref"].compactMap(RuleRegistry.rule(id:))
        var result: [SourceSpan: Diagnostic] = [:]
        for finding in Checker(rules: rules, policy: policy).check(graph) where finding.severity == .error {
            if let span = finding.span, result[span] == nil { result[span] = finding }
        }
        return result
    }

    init(
        _ container: Container, of workload: Workload, graph: ManifestGraph, broken proven: [SourceSpan: Diagnostic]
    ) throws {
        let object = workload.object
        let owner = object.displayName
        var variables: [(name: String, value: String)] = []
        var warnings: [String] = []
        var broken: [Diagnostic] = []
        defer {
            self.variables = variables
            self.warnings = warnings
            self.broken = broken
        }
        /// Nil when the reference cannot be resolved; records why.
        func lookup(_ kind: String, _ nameNode: YAMLNode?, optional: Bool, what: String) -> ConfigData? {
            guard let nameNode, let name = nameNode.string, !name.isEmpty else { return nil }
            if let data = graph.configData(kind: kind, named: name, in: object.namespace) { return data }
            if let finding = proven[object.span(nameNode)] {
                broken.append(finding)
            } else if !optional {
                warnings.append(
                    "\(what) of \(owner) reads \(kind) \(name), which is not in the inputs; it is not set locally")
            }
            return nil
        }
        for source in container.node["envFrom"]?.items ?? [] {
            let prefix = source["prefix"]?.string ?? ""
            for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                guard let ref = source[field] else { continue }
                guard
                    let data = lookup(
                        kind, ref["name"], optional: ref["optional"]?.scalar == "true", what: "envFrom")
                else { continue }
                guard let keys = data.keys else {
                    warnings.append(
                        "envFrom of \(owner) reads \(kind) \(data.name), which \(data.definer.title) creates in the cluster; it is not set locally"
                    )
                    continue
                }
                for key in keys {
                    guard let value = data.value(key.key) else {
                        warnings.append("\(kind) \(data.name) key \(key.key) is not text; not set locally")
                        continue
                    }
                    variables.append((prefix + key.key, value))
                }
            }
        }
        for entry in container.env {
            guard let name = entry.name else { continue }
            if let value = entry.valueNode {
                guard let text = value.string else {
                    throw PlanError("env \(name) of \(owner) is not a string (\(object.span(value))); quote it")
                }
                variables.append((name, text))
                continue
            }
            let from = entry.node["valueFrom"]
            guard
                let (field, kind) = [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")].first(where: {
                    from?[$0.0] != nil
                }), let ref = from?[field]
            else {
                warnings.append("env \(name) of \(owner) uses valueFrom; it is not set locally")
                continue
            }
            let optional = ref["optional"]?.scalar == "true"
            guard let data = lookup(kind, ref["name"], optional: optional, what: "env \(name) (valueFrom)"),
                let keyNode = ref["key"], let key = keyNode.string
            else { continue }
            guard let keys = data.keys else {
                warnings.append(
                    "env \(name) of \(owner) reads \(kind) \(data.name), which \(data.definer.title) creates in the cluster; it is not set locally"
                )
                continue
            }
            guard keys.contains(where: { $0.key == key }) else {
                if let finding = proven[object.span(keyNode)] {
                    broken.append(finding)
                } else if !optional {
                    // The policy turned the check off: said, not refused.
                    warnings.append(
                        "env \(name) of \(owner) reads key \(key) of \(kind) \(data.name), which does not hold it; it is not set locally"
                    )
                }
                continue
            }
            guard let value = data.value(key) else {
                throw PlanError(
                    "env \(name) of \(owner): \(kind) \(data.name) key \(key) is not valid base64-encoded UTF-8 text")
            }
            variables.append((name, value))
        }
    }
}

extension ClusterPlan {
    /// The proven-broken references as `kubewire check` prints them.
    static func report(_ broken: [Diagnostic], in graph: ManifestGraph) -> String? {
        guard !broken.isEmpty else { return nil }
        let report = Report(
            diagnostics: broken,
            rules: ["configmap-ref", "secret-ref"].compactMap(RuleRegistry.rule(id:)),
            inputCount: Set(graph.objects.map(\.file)).count, objectCount: graph.objects.count)
        return render(report, as: .text, options: RenderOptions(color: false))
    }
}
