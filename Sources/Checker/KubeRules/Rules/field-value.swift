import KubeDiagnostics

extension RuleInfo {
    /// Values the API server's validation accepts: enums, quantities, port ranges, restartPolicy per kind, base64 bytes.
    ///
    /// Reported by the schema walk (`APIPass`): `ObjectValidator.notAllowed`, `valueError`, `badQuantity`, `badBase64` and `envValueAndValueFrom` in KubeSchema/ObjectValidator.swift.
    static let fieldValue = RuleInfo(
        id: .fieldValue,
        summary:
            "Values validation accepts: enum fields (protocol, imagePullPolicy, restartPolicy per workload, Service type, …), quantities, port ranges, base64 bytes, env `value` or `valueFrom`",
        why:
            "The API server's validation rejects values the schema types allow: `protocol: tcp` (supportedPortProtocols: TCP, UDP, SCTP), `imagePullPolicy: always` (supportedPullPolicies), `type: Nodeport` (supportedServiceType), `restartPolicy: OnFailure` in a Deployment (apps/validation.go: only Always; batch/validation.go: Jobs take OnFailure or Never), dnsPolicy, externalTrafficPolicy, concurrencyPolicy, toleration and node-selector operators (kubernetes/kubernetes pkg/apis/core/validation/validation.go, pkg/apis/apps/validation/validation.go, pkg/apis/batch/validation/validation.go); `memory: 128mb` is not a quantity (apimachinery pkg/api/resource/quantity.go: a number with m, k, M, G, …, Ki, Mi, Gi, … or an exponent); ports lie in 1–65535; an env var's `valueFrom` is refused beside a non-empty `value` (validation.go validateEnvVarValueFrom: `may not be specified when `value` is not empty`); Secret `data`, ConfigMap `binaryData`, `caBundle` and the other `format: byte` fields are base64, decoded by encoding/json's `[]byte` rule (Go's base64.StdEncoding: padded groups of four, line breaks skipped), so `password: hunter2!` fails with `illegal base64 data`. CRD enum, minimum, maximum, pattern and `format: byte` are checked the same way.",
        fix:
            "Use one of the values the message lists (they are case-sensitive), a quantity such as 500m, 0.5, 128Mi, or base64 (`printf %s value | base64`; a Secret takes plain text under `stringData`)."
    )
}
