import KubeDiagnostics

extension RuleInfo {
    /// Fields the API requires are present.
    ///
    /// Reported by the schema walk (`APIPass`): `ObjectValidator.missingRequired` in KubeSchema/ObjectValidator.swift.
    static let requiredField = RuleInfo(
        id: .requiredField,
        summary: "Fields the API requires are present (a container's name, a port's containerPort, …)",
        why:
            "The API server rejects an object that lacks a required field (`spec.template.spec.containers[0].name: Required value`, validation.go validateContainers / validateContainerPorts). Required fields are the OpenAPI schema's `required` lists.",
        fix: "Add the field the message names, under the list item or key it points at."
    )
}
