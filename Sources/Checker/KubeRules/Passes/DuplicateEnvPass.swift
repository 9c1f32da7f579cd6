import KubeDiagnostics
import KubeModel
import KubeYAML

/// The same variable twice in one container's `env`, in one walk: different values are a proven
/// mistake (duplicate-env), the same value repeated only clutter (duplicate-env-repeated).
struct DuplicateEnvPass: RulePass {
    let rules: [RuleInfo] = [.duplicateEnv, .duplicateEnvRepeated]

    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        PassResult(findings: DuplicateEnv.findings(in: graph, enabled: enabled))
    }
}

enum DuplicateEnv {
    static func findings(in graph: ManifestGraph, enabled: Set<String>) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            for container in workload.template.containers {
                // Distinct names, as nearly always: no finding, and no table to build.
                if hasDistinctNames(container.env) { continue }
                var first: [String: EnvEntry] = [:]
                for entry in container.env {
                    // `name` is read from the `name` node: the node is there whenever it is.
                    guard let name = entry.name else { continue }
                    guard let earlier = first[name] else {
                        first[name] = entry
                        continue
                    }
                    let sameValue = source(of: earlier) == source(of: entry)
                    let rule: RuleInfo = sameValue ? .duplicateEnvRepeated : .duplicateEnv
                    guard enabled.contains(rule.id), let nameNode = entry.nameNode else { continue }
                    let place = container.name.map { "container \($0)" } ?? "this container"
                    let message =
                        sameValue
                        ? "env \(name) is defined twice in \(place) with the same value"
                        : "env \(name) is defined twice in \(place) with different values; only the later one takes effect"
                    findings.append(
                        rule.diagnostic(
                            message, at: object.span(nameNode), object: object,
                            notes: [DiagnosticNote("first defined here", at: earlier.nameNode.map(object.span))],
                            fix: SuggestedFix("remove one of the two \(name) entries")))
                }
            }
        }
        return findings
    }

    /// What an entry sets, comparable: its literal value or its valueFrom, as written.
    private static func source(of entry: EnvEntry) -> String {
        if let value = entry.valueNode { return "value:" + (value.scalar ?? "") }
        guard let from = entry.node["valueFrom"] else { return "value:" }
        return "valueFrom:" + flatten(from)
    }

    private static func flatten(_ node: YAMLNode) -> String {
        if let scalar = node.scalar { return scalar }
        if node.isSequence { return "[" + node.items.map(flatten).joined(separator: ",") + "]" }
        return "{" + node.pairs.map { ($0.key.scalar ?? "") + ":" + flatten($0.value) }.sorted().joined(separator: ",")
            + "}"
    }

    /// Whether no two entries have the same name (pairwise: a container sets tens of variables).
    private static func hasDistinctNames(_ env: [EnvEntry]) -> Bool {
        guard env.count <= 64 else {
            let names = env.compactMap(\.name)
            return Set(names).count == names.count
        }
        for (index, entry) in env.enumerated() {
            guard let name = entry.name else { continue }
            if env[..<index].contains(where: { $0.name == name }) { return false }
        }
        return true
    }
}
