import KubeDiagnostics
import KubeSchema

/// Fields the API requires are present.
struct RequiredFieldRule: SchemaRule {
    let info = RuleInfo(
        id: .requiredField,
        summary: "Fields the API requires are present (a container's name, a port's containerPort, …)",
        why:
            "The API server rejects an object that lacks a required field (`spec.template.spec.containers[0].name: Required value`, validation.go validateContainers / validateContainerPorts). Required fields are the OpenAPI schema's `required` lists.",
        fix: "Add the field the message names, under the list item or key it points at."
    )
}
