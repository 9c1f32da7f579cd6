import KubeDiagnostics
import KubeModel

/// A PodDisruptionBudget that selects no pod protects nothing.
struct DisruptionBudgetRule: Rule {
    let info = RuleInfo(
        id: .disruptionBudget,
        summary: "PodDisruptionBudget selector matches the pods of some workload in its namespace",
        why:
            "A PDB whose selector matches no pod protects nothing: a node drain evicts every replica at once, and nothing reports it. The pods ship with their budget, so a selector matching none of the namespace's workloads in the inputs is a mistake (nearest labels suggested), unless none of those pods carries any of its label keys: then it is for pods another install runs.",
        fix: "Make spec.selector.matchLabels equal to the pod template labels of the workload it protects."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        graph.disruptionBudgets.compactMap { budget in
            guard let selector = budget.selector,
                let problem = PodSelectors.problem(selector, field: "selector", of: budget.object, in: graph)
            else { return nil }
            return info.diagnostic(
                problem.message, at: problem.span, object: budget.object, notes: problem.notes, fix: problem.fix)
        }
    }
}
