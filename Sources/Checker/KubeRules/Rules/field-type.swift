import KubeDiagnostics

extension RuleInfo {
    /// Every value has the type its field declares, as the API server decodes YAML.
    ///
    /// Reported by the schema walk (`APIPass`): `ObjectValidator.typeError` in KubeSchema/ObjectValidator.swift.
    static let fieldType = RuleInfo(
        id: .fieldType,
        summary:
            "Values have their field's type as the API server decodes them: strings, integers, booleans, objects, lists, int-or-string, quantities",
        why:
            "Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml): plain `4000`, `true`, `yes`, `on` are numbers or booleans, and the API server rejects them where a string is required (env `value`, label and annotation values: `cannot unmarshal number into Go struct field EnvVar.value of type string`); a quoted `\"4000\"` where an integer is required, a map where a list is required (`env:` written as `KEY: value`) are rejected the same way. null is accepted everywhere, as the decoder does.",
        fix:
            "Quote string values (`value: \"4000\"`, `use-regex: \"true\"`), write integers and booleans unquoted, and lists as `- ` items."
    )
}
