import KubeDiagnostics

extension Report {
    /// Rule metadata in a stable order: `rules` as given (first occurrence of
    /// an id wins), then a stand-in for any rule id that only appears in a
    /// diagnostic, in order of first appearance.
    var ruleCatalog: [RuleInfo] {
        var seen = Set<String>()
        var catalog: [RuleInfo] = []
        for rule in rules where seen.insert(rule.id).inserted {
            catalog.append(rule)
        }
        for diagnostic in Diagnostic.sortedForOutput(allDiagnostics)
        where seen.insert(diagnostic.ruleID).inserted {
            catalog.append(
                RuleInfo(
                    id: diagnostic.ruleID,
                    summary: "kubewire rule \(diagnostic.ruleID)",
                    why: "No description was registered for rule \(diagnostic.ruleID).",
                    fix: "See the finding's message.",
                    defaultSeverity: diagnostic.severity))
        }
        return catalog
    }
}

/// Rule ids of the load-error pseudo-rules.
let inputProblemIDs: Set<String> = Set(InputProblem.all.map(\.id))
