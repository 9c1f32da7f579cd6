import KubeDiagnostics

extension RuleInfo {
    /// Every key is a field of its object's type (open maps excepted).
    ///
    /// Reported by the schema walk (`APIPass`): `ObjectValidator.unknownField` and `ObjectValidator.legacyBackend` in KubeSchema/ObjectValidator.swift.
    static let unknownField = RuleInfo(
        id: .unknownField,
        summary: "Every key is a field the API defines (labels, annotations, data and preserved fields stay open)",
        why:
            "Since Kubernetes 1.27, `kubectl apply` uses strict server-side field validation and rejects an object with an unknown field (`strict decoding error: unknown field \"spec.template.spec.containers[0].ports[0].contianerPort\"`); older clients silently dropped it, so a misspelt `replica:` or `targetport:` never took effect. Fields come from the release's OpenAPI schema (kubernetes-validate's strict JSON Schema, embedded).",
        fix: "Rename the key to the field the message suggests, or move it to the object that defines it."
    )
}
