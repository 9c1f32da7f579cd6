import KubeDiagnostics

extension RuleInfo {
    /// The same variable twice in one container's `env` with the same value: clutter, not a mistake.
    ///
    /// Reported by `DuplicateEnvPass` (Passes/DuplicateEnvPass.swift).
    static let duplicateEnvRepeated = RuleInfo(
        id: .duplicateEnvRepeated,
        summary: "No environment variable is repeated with the same value in one container",
        why:
            "A repeated entry changes nothing today, but an edit to one copy is silently overridden by the other, and `kubectl apply` merges env by name.",
        fix: "Delete the repeated entry.",
        defaultSeverity: .warning
    )
}
