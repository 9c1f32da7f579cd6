import KubeModel

/// Values the API server's validation enforces beyond the schema's types
/// (the schema says `string`; validation says which strings). Read from
/// kubernetes/kubernetes `pkg/apis/core/validation/validation.go`,
/// `pkg/apis/apps/validation/validation.go` and
/// `pkg/apis/batch/validation/validation.go`.
enum ValueRule: Sendable {
    /// One of these exact (case-sensitive) values; an empty string is defaulted and accepted.
    case oneOf([String])
    /// A pod's restartPolicy, which depends on the workload kind.
    case podRestartPolicy
    /// A port number in this range (0 where 0 means "not set").
    case port(ClosedRange<Int>)
    /// A count that cannot be negative (replicas).
    case nonNegative
}

enum ValueRules {
    /// The rule with code `code` (1-based; 0 is "no rule").
    static func rule(_ code: UInt16) -> ValueRule? { code == 0 ? nil : table[Int(code) - 1].rule }

    static let protocols = ValueRule.oneOf(["TCP", "UDP", "SCTP"])

    /// `ShortDefinitionName.field` → rule, for definitions of the built-in API groups.
    static let table: [(key: String, rule: ValueRule)] = [
        // validation.go: supportedPortProtocols, validateContainerPorts, ValidatePortNumOrName
        ("ContainerPort.protocol", protocols),
        ("ServicePort.protocol", protocols),
        ("EndpointPort.protocol", protocols),
        ("NetworkPolicyPort.protocol", protocols),
        ("ContainerPort.containerPort", .port(1...65535)),
        ("ContainerPort.hostPort", .port(0...65535)),
        ("ServicePort.port", .port(1...65535)),
        ("ServicePort.nodePort", .port(0...65535)),
        ("ServicePort.targetPort", .port(0...65535)),
        ("HTTPGetAction.port", .port(1...65535)),
        ("TCPSocketAction.port", .port(1...65535)),
        ("GRPCAction.port", .port(1...65535)),
        ("ServiceBackendPort.number", .port(1...65535)),
        // validation.go: supportedPullPolicies, validateRestartPolicy, validateDNSPolicy
        ("Container.imagePullPolicy", .oneOf(["Always", "IfNotPresent", "Never"])),
        ("EphemeralContainer.imagePullPolicy", .oneOf(["Always", "IfNotPresent", "Never"])),
        ("Container.restartPolicy", .oneOf(["Always"])),
        ("Container.terminationMessagePolicy", .oneOf(["File", "FallbackToLogsOnError"])),
        ("PodSpec.restartPolicy", .podRestartPolicy),
        ("PodSpec.dnsPolicy", .oneOf(["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"])),
        ("PodSpec.preemptionPolicy", .oneOf(["PreemptLowerPriority", "Never"])),
        ("HTTPGetAction.scheme", .oneOf(["HTTP", "HTTPS"])),
        ("VolumeMount.mountPropagation", .oneOf(["None", "HostToContainer", "Bidirectional"])),
        // validation.go: validateServiceSpec (supportedServiceType, ServiceExternalTrafficPolicy, sessionAffinity)
        ("ServiceSpec.type", .oneOf(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"])),
        ("ServiceSpec.externalTrafficPolicy", .oneOf(["Cluster", "Local"])),
        ("ServiceSpec.internalTrafficPolicy", .oneOf(["Cluster", "Local"])),
        ("ServiceSpec.sessionAffinity", .oneOf(["None", "ClientIP"])),
        ("ServiceSpec.ipFamilyPolicy", .oneOf(["SingleStack", "PreferDualStack", "RequireDualStack"])),
        // validation.go: validateTolerations, validateNodeSelectorRequirement, validateTopologySpreadConstraints
        ("Toleration.operator", .oneOf(["Exists", "Equal"])),
        ("Toleration.effect", .oneOf(["NoSchedule", "PreferNoSchedule", "NoExecute"])),
        ("Taint.effect", .oneOf(["NoSchedule", "PreferNoSchedule", "NoExecute"])),
        ("NodeSelectorRequirement.operator", .oneOf(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"])),
        ("TopologySpreadConstraint.whenUnsatisfiable", .oneOf(["DoNotSchedule", "ScheduleAnyway"])),
        ("TopologySpreadConstraint.nodeAffinityPolicy", .oneOf(["Honor", "Ignore"])),
        ("TopologySpreadConstraint.nodeTaintsPolicy", .oneOf(["Honor", "Ignore"])),
        // validation.go: ValidatePersistentVolumeClaimSpec (supportedAccessModes, supportedVolumeModes)
        (
            "PersistentVolumeClaimSpec.accessModes",
            .oneOf(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"])
        ),
        ("PersistentVolumeClaimSpec.volumeMode", .oneOf(["Filesystem", "Block"])),
        // apps/validation.go: ValidateDeploymentStrategy, ValidateStatefulSetSpec, ValidateDaemonSetUpdateStrategy
        ("DeploymentStrategy.type", .oneOf(["Recreate", "RollingUpdate"])),
        ("StatefulSetSpec.podManagementPolicy", .oneOf(["OrderedReady", "Parallel"])),
        ("StatefulSetUpdateStrategy.type", .oneOf(["RollingUpdate", "OnDelete"])),
        ("DaemonSetUpdateStrategy.type", .oneOf(["RollingUpdate", "OnDelete"])),
        ("DeploymentSpec.replicas", .nonNegative),
        ("StatefulSetSpec.replicas", .nonNegative),
        ("ReplicaSetSpec.replicas", .nonNegative),
        ("ReplicationControllerSpec.replicas", .nonNegative),
        // batch/validation.go: validateConcurrencyPolicy, supportedPodFailurePolicyActions
        ("CronJobSpec.concurrencyPolicy", .oneOf(["Allow", "Forbid", "Replace"])),
        ("JobSpec.completionMode", .oneOf(["NonIndexed", "Indexed"])),
        ("JobSpec.podReplacementPolicy", .oneOf(["TerminatingOrFailed", "Failed"])),
    ]

    static let index: [String: UInt16] = {
        var result: [String: UInt16] = [:]
        for (offset, entry) in table.enumerated() { result[entry.key] = UInt16(offset + 1) }
        return result
    }()

    /// Definitions whose rules apply: the built-in groups, not CRD or aggregated APIs.
    static func applies(to definition: String) -> Bool {
        definition.hasPrefix("io.k8s.api.")
    }

    /// The definitions `table` names (`ContainerPort`): a field of any other has no rule, known
    /// without building its key.
    static let definitions = Set(table.map { String($0.key.prefix { $0 != "." }) })

    /// Assigns rules to fields while a release is decoded.
    struct Lookup {
        private var prefix: String?

        mutating func enter(definition: String) {
            guard ValueRules.applies(to: definition) else {
                prefix = nil
                return
            }
            let name = lastDottedComponent(definition)
            prefix = ValueRules.definitions.contains(name) ? name : nil
        }

        func rule(field: String) -> UInt16 {
            guard let prefix else { return 0 }
            return ValueRules.index[prefix + "." + field] ?? 0
        }
    }

    /// restartPolicy values a pod template of this kind accepts (apps/validation.go
    /// ValidatePodTemplateSpecForReplicaSet & co.: only Always; batch/validation.go: OnFailure or Never).
    static func restartPolicies(forKind kind: String) -> [String] {
        switch kind {
        case BuiltinKind.deployment, BuiltinKind.replicaSet, BuiltinKind.statefulSet, BuiltinKind.daemonSet,
            BuiltinKind.replicationController:
            ["Always"]
        case BuiltinKind.job, BuiltinKind.cronJob: ["OnFailure", "Never"]
        default: ["Always", "OnFailure", "Never"]
        }
    }
}

/// Kubernetes' quantity grammar (apimachinery `pkg/api/resource/quantity.go`):
///
///     <quantity> ::= <signedNumber><suffix>
///     <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | m | "" | k | M | G | T | P | E | (e|E)<signedNumber>
///     <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
public enum Quantity {
    /// Whether `text` parses as a quantity.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var position = 0
        let count = bytes.count
        func digits() -> Int {
            let start = position
            while position < count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            return position - start
        }
        func signedNumber(allowFraction: Bool) -> Bool {
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            let whole = digits()
            var fraction = 0
            if allowFraction, position < count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                fraction = digits()
            }
            return whole + fraction > 0
        }
        guard count > 0, signedNumber(allowFraction: true) else { return false }
        let rest = count - position
        if rest == 0 { return true }
        let first = bytes[position]
        if rest == 1 {
            return [
                UInt8(ascii: "m"), UInt8(ascii: "k"), UInt8(ascii: "M"), UInt8(ascii: "G"), UInt8(ascii: "T"),
                UInt8(ascii: "P"), UInt8(ascii: "E"),
            ].contains(first)
        }
        if rest == 2, bytes[position + 1] == UInt8(ascii: "i") {
            return [
                UInt8(ascii: "K"), UInt8(ascii: "M"), UInt8(ascii: "G"), UInt8(ascii: "T"), UInt8(ascii: "P"),
                UInt8(ascii: "E"),
            ].contains(first)
        }
        guard first == UInt8(ascii: "e") || first == UInt8(ascii: "E") else { return false }
        position += 1
        // The exponent is a whole number (quantity.go parseQuantityString reads digits only).
        guard signedNumber(allowFraction: false) else { return false }
        return position == count
    }

    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValid($0) }
    }

    /// A likely intended spelling of a wrong quantity (`128mb` → `128Mi`), or nil.
    public static func suggestion(for text: String) -> String? {
        let number = text.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty else { return nil }
        let unit = text.dropFirst(number.count).trimmingCharacters(in: .whitespaces).lowercased()
        let binary = [
            "k": "Ki", "kb": "Ki", "kib": "Ki", "ki": "Ki", "m": "Mi", "mb": "Mi", "mib": "Mi", "mi": "Mi",
            "g": "Gi", "gb": "Gi", "gib": "Gi", "gi": "Gi", "t": "Ti", "tb": "Ti", "tib": "Ti", "ti": "Ti",
        ]
        guard let suffix = binary[unit] else { return nil }
        let candidate = String(number) + suffix
        return isValid(candidate) ? candidate : nil
    }
}

/// Base64 as the API server decodes `[]byte` fields: Go's `base64.StdEncoding` (encoding/json),
/// which skips `\r` and `\n`, requires `=` padding to a whole group of four, and allows nothing
/// but line breaks after the padding.
public enum Base64 {
    /// The offset of the first byte the decoder refuses (`bytes.count` when the text ends inside a
    /// group), or nil when `bytes` decodes.
    public static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var inGroup = 0
        var padding = 0
        for (offset, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { continue }
            if byte == UInt8(ascii: "=") {
                // One `=` after three characters, two after two; never more, never earlier.
                guard inGroup + padding >= 2, inGroup + padding < 4 else { return offset }
                padding += 1
                if inGroup + padding == 4 { inGroup = 4 }
                continue
            }
            // Anything after the padding, or outside the alphabet.
            guard padding == 0, isAlphabet(byte) else { return offset }
            inGroup = inGroup == 3 ? 0 : inGroup + 1
        }
        if padding > 0 { return inGroup == 4 ? nil : bytes.count }
        return inGroup == 0 ? nil : bytes.count
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "/")
    }
}
