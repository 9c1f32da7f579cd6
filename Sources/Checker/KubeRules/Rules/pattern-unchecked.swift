import KubeDiagnostics

extension RuleInfo {
    /// A CRD `pattern` kubewire could not evaluate on a value: said, never guessed.
    ///
    /// Reported by the schema walk (`APIPass`): `ObjectValidator.constrained` in KubeSchema/ObjectValidator.swift.
    static let patternUnchecked = RuleInfo(
        id: .patternUnchecked,
        summary: "A value whose CRD pattern kubewire's regex engine could not evaluate is reported, not guessed",
        why:
            "The API server evaluates a CRD's `pattern` with RE2, in linear time. kubewire uses ICU, which backtracks: a pattern with nested repetition (`^(a|aa)*c$`) can take exponential time on a value, and a long value can exhaust its stack. The search is bounded; when ICU gives up, kubewire knows nothing about the value and says so, rather than calling it wrong (or right).",
        fix:
            "Check the object against the cluster (`kubectl apply --dry-run=server`), or write the pattern without nested repetition.",
        defaultSeverity: .note
    )
}
