import KubeDiagnostics

extension RuleInfo {
    /// The same variable twice in one container's `env` with different values: only the last
    /// counts, the first is silently ignored (the same value twice: `duplicate-env-repeated`).
    ///
    /// Reported by `DuplicateEnvPass` (Passes/DuplicateEnvPass.swift).
    static let duplicateEnv = RuleInfo(
        id: .duplicateEnv,
        summary: "No environment variable is defined twice in one container with different values",
        why:
            "With two `env` entries of the same name the container sees only the later value (the API server only warns: `hides previous definition`), so the first value is silently ignored; `kubectl apply` merges env by name, so edits to either entry behave unpredictably.",
        fix: "Keep one entry per name with the value the container needs; delete the other."
    )
}
