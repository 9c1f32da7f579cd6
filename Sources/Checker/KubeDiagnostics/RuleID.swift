/// A rule's id: what findings carry, users write (`--disable`, `kubewire.dev/disable`,
/// .kubewire.yaml, `kubewire rules ID`) and renderers print. Every id of the checker is a constant
/// here, written once: code names a rule by its constant, so a misspelt id is a compile error, never
/// a comparison that is silently false (`RuleIDTests` keeps this list and the registry equal).
public struct RuleID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// For ids outside the checker's registry (the local cluster's probes) and ids read from users.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (a: RuleID, b: RuleID) -> Bool { a.rawValue < b.rawValue }
}

extension RuleID {
    // Rules (KubeRules' registry).
    public static let serviceAccount = RuleID("service-account")
    public static let configmapRef = RuleID("configmap-ref")
    public static let duplicateContainerPort = RuleID("duplicate-container-port")
    public static let skaffoldImage = RuleID("skaffold-image")
    public static let skaffoldArtifactUnused = RuleID("skaffold-artifact-unused")
    public static let duplicatePort = RuleID("duplicate-port")
    public static let duplicateObject = RuleID("duplicate-object")
    public static let probePort = RuleID("probe-port")
    public static let probePortUndeclared = RuleID("probe-port-undeclared")
    public static let ingressPathUnmatchable = RuleID("ingress-path-unmatchable")
    public static let disableAnnotation = RuleID("disable-annotation")
    public static let disruptionBudget = RuleID("disruption-budget")
    public static let networkPolicy = RuleID("network-policy")
    public static let statefulsetService = RuleID("statefulset-service")
    public static let statefulsetHeadless = RuleID("statefulset-headless")
    public static let ingressPath = RuleID("ingress-path")
    public static let ingressBackend = RuleID("ingress-backend")
    public static let ingressClass = RuleID("ingress-class")
    public static let rolloutService = RuleID("rollout-service")
    public static let ingressClassConflict = RuleID("ingress-class-conflict")
    public static let scaledObjectTarget = RuleID("scaled-object-target")
    public static let nodePortRange = RuleID("node-port-range")
    public static let volumeMount = RuleID("volume-mount")
    public static let apiRemoved = RuleID("api-removed")
    public static let serviceUrl = RuleID("service-url")
    public static let ingressPathShadowed = RuleID("ingress-path-shadowed")
    public static let ingressTls = RuleID("ingress-tls")
    public static let skaffoldContext = RuleID("skaffold-context")
    public static let duplicateEnv = RuleID("duplicate-env")
    public static let duplicateEnvRepeated = RuleID("duplicate-env-repeated")
    public static let secretRef = RuleID("secret-ref")
    public static let gatewayParent = RuleID("gateway-parent")
    public static let gatewayBackend = RuleID("gateway-backend")
    public static let scaleTarget = RuleID("scale-target")
    public static let virtualService = RuleID("virtual-service")
    public static let destinationRule = RuleID("destination-rule")
    public static let serviceSelector = RuleID("service-selector")
    public static let rolloutTrafficRouting = RuleID("rollout-traffic-routing")
    public static let serviceMonitor = RuleID("service-monitor")
    public static let podMonitor = RuleID("pod-monitor")
    public static let apiDeprecated = RuleID("api-deprecated")
    public static let skaffoldManifests = RuleID("skaffold-manifests")
    public static let duplicateName = RuleID("duplicate-name")
    public static let nameFormat = RuleID("name-format")
    public static let volumeClaim = RuleID("volume-claim")
    public static let ingressLiteralRegex = RuleID("ingress-literal-regex")
    public static let workloadSelector = RuleID("workload-selector")
    public static let serviceTargetPort = RuleID("service-target-port")
    public static let serviceTargetPortPartial = RuleID("service-target-port-partial")
    public static let serviceTargetPortUndeclared = RuleID("service-target-port-undeclared")

    // Rules whose findings come from the schema pass (KubeSchema).
    public static let apiKind = RuleID("api-kind")
    public static let unknownField = RuleID("unknown-field")
    public static let requiredField = RuleID("required-field")
    public static let fieldType = RuleID("field-type")
    public static let fieldValue = RuleID("field-value")
    public static let patternUnchecked = RuleID("pattern-unchecked")

    // Input problems (`InputProblem`) and the configuration file.
    public static let yamlSyntax = RuleID("yaml-syntax")
    public static let duplicateKey = RuleID("duplicate-key")
    public static let notAnObject = RuleID("not-an-object")
    public static let unreadableInput = RuleID("unreadable-input")
    public static let inputLimit = RuleID("input-limit")
    public static let noObjects = RuleID("no-objects")
    public static let renderFailed = RuleID("render-failed")
    public static let notRendered = RuleID("not-rendered")
    public static let config = RuleID("config")

    /// Every rule of the registry and of the schema pass (`RuleIDTests`: the registry's ids, no more, no less).
    public static let checkerRules: [RuleID] =
        [
            serviceAccount, configmapRef, duplicateContainerPort, skaffoldImage, skaffoldArtifactUnused, duplicatePort,
            duplicateObject, probePort, probePortUndeclared, ingressPathUnmatchable, disableAnnotation,
            disruptionBudget, networkPolicy, statefulsetService, statefulsetHeadless, ingressPath, ingressBackend,
            ingressClass, rolloutService, ingressClassConflict, scaledObjectTarget, nodePortRange, volumeMount,
            apiRemoved, serviceUrl, ingressPathShadowed, ingressTls, skaffoldContext, duplicateEnv,
            duplicateEnvRepeated, secretRef, gatewayParent, gatewayBackend, scaleTarget, virtualService,
            destinationRule, serviceSelector, rolloutTrafficRouting, serviceMonitor, podMonitor, apiDeprecated,
            skaffoldManifests, duplicateName, nameFormat, volumeClaim, ingressLiteralRegex, workloadSelector,
            serviceTargetPort, serviceTargetPortPartial, serviceTargetPortUndeclared,
        ] + schemaPass

    /// The rules whose findings the schema pass produces, in `SchemaPass` order.
    public static let schemaPass: [RuleID] = [
        apiKind, unknownField, requiredField, fieldType, fieldValue, patternUnchecked,
    ]
}
