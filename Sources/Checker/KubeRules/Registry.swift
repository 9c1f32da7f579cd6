import KubeDiagnostics
import KubeModel

/// Every pass kubewire runs, and through them every rule it knows.
public enum RuleRegistry {
    /// The passes, in the order of their rules in `all`. A rule with an analysis of its own is a
    /// pass of one rule (`Rule`); ids that share an analysis share a pass (`Passes/`).
    public static let passes: [any RulePass] = [
        ServiceSelectorRule(),
        WorkloadSelectorRule(),
        ServiceTargetPortPass(),
        IngressBackendRule(),
        ServiceURLRule(),
        ProbePortPass(),
        ConfigMapReferenceRule(),
        SecretReferenceRule(),
        VolumeClaimRule(),
        VolumeMountRule(),
        ServiceAccountRule(),
        ScaleTargetRule(),
        DisruptionBudgetRule(),
        NetworkPolicyRule(),
        StatefulSetServiceRule(),
        StatefulSetHeadlessRule(),
        IngressTLSRule(),
        GatewayParentRule(),
        GatewayBackendRule(),
        RolloutServiceRule(),
        RolloutTrafficRoutingRule(),
        ScaledObjectTargetRule(),
        ServiceMonitorRule(),
        PodMonitorRule(),
        VirtualServiceRule(),
        DestinationRuleRule(),
        IngressNginxPass(),
        IngressClassRule(),
        IngressClassConflictRule(),
        SkaffoldImagePass(),
        SkaffoldContextRule(),
        SkaffoldManifestsRule(),
        APIPass(),
        NameFormatRule(),
        NodePortRangeRule(),
        DuplicateObjectRule(),
        DuplicateEnvPass(),
        DuplicatePortRule(),
        DuplicateContainerPortRule(),
        DuplicateNameRule(),
        DisableAnnotationRule(),
    ]

    /// Every rule kubewire knows, in the order `kubewire rules` lists them (and the checker joins
    /// findings): the rules of the passes, pass by pass.
    public static let all: [RuleInfo] = passes.flatMap(\.rules)

    public static func rule(id: String) -> RuleInfo? { all.first { $0.id == id } }
}
