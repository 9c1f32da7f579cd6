import KubeDiagnostics
import KubeModel

/// Every rule kubewire knows, in the order `kubewire rules` lists them.
public enum RuleRegistry {
    public static let all: [any Rule] = [
        ServiceSelectorRule(),
        WorkloadSelectorRule(),
        ServiceTargetPortRule(),
        IngressBackendRule(),
        ServiceURLRule(),
        ProbePortRule(),
        IngressPathRule(),
        SkaffoldImageRule(),
        SkaffoldContextRule(),
        APIKindRule(),
        APIRemovedRule(),
        APIDeprecatedRule(),
        UnknownFieldRule(),
        RequiredFieldRule(),
        FieldTypeRule(),
        FieldValueRule(),
        NameFormatRule(),
        DuplicateObjectRule(),
        DuplicateEnvRule(),
        DuplicatePortRule(),
        DuplicateContainerPortRule(),
        DuplicateNameRule(),
    ]

    public static func rule(id: String) -> (any Rule)? { all.first { $0.info.id == id } }
}
