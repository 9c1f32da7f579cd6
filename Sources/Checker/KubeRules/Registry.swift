import KubeDiagnostics
import KubeModel

/// Every rule kubewire knows, in the order `kubewire rules` lists them.
public enum RuleRegistry {
    public static let all: [any Rule] = [
        ServiceSelectorRule(),
        WorkloadSelectorRule(),
        ServiceTargetPortRule(),
        ServiceTargetPortPartialRule(),
        ServiceTargetPortUndeclaredRule(),
        IngressBackendRule(),
        ServiceURLRule(),
        ProbePortRule(),
        ProbePortUndeclaredRule(),
        ConfigMapReferenceRule(),
        SecretReferenceRule(),
        VolumeClaimRule(),
        ServiceAccountRule(),
        ScaleTargetRule(),
        DisruptionBudgetRule(),
        NetworkPolicyRule(),
        StatefulSetServiceRule(),
        StatefulSetHeadlessRule(),
        IngressTLSRule(),
        GatewayParentRule(),
        GatewayBackendRule(),
        IngressPathRule(),
        IngressPathShadowedRule(),
        IngressLiteralRegexRule(),
        IngressClassRule(),
        IngressClassConflictRule(),
        SkaffoldImageRule(),
        SkaffoldArtifactUnusedRule(),
        SkaffoldContextRule(),
        SkaffoldManifestsRule(),
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
        DuplicateEnvRepeatedRule(),
        DuplicatePortRule(),
        DuplicateContainerPortRule(),
        DuplicateNameRule(),
    ]

    public static func rule(id: String) -> (any Rule)? { all.first { $0.info.id == id } }
}
