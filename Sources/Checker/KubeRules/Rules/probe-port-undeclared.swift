import KubeDiagnostics

extension RuleInfo {
    /// A numeric probe port the container does not declare, while it declares others.
    ///
    /// Reported by `ProbePortPass` (Passes/ProbePortPass.swift).
    static let probePortUndeclared = RuleInfo(
        id: .probePortUndeclared,
        summary: "A numeric probe port is among the ports its container declares",
        why:
            "The kubelet probes the pod IP, so an undeclared port is legal (declaring containerPort is informational); when the container declares other ports, a probe elsewhere can be a typo that fails forever. A note, not a warning: on real repositories nearly every such probe targets a health listener of its own (ingress-nginx 10254, controller-runtime's 8081 beside metrics on 8080), so it was right far less than 4 times in 5. Containers that declare no ports are not reported.",
        fix: "Probe one of the declared ports, or declare the port the probe targets.",
        defaultSeverity: .note
    )
}
