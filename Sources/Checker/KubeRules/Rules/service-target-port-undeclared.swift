import KubeDiagnostics

extension RuleInfo {
    /// A numeric targetPort that the selected containers do not declare, while they declare others.
    ///
    /// Reported by `ServiceTargetPortPass` (Passes/ServiceTargetPortPass.swift).
    static let serviceTargetPortUndeclared = RuleInfo(
        id: .serviceTargetPortUndeclared,
        summary: "A numeric Service targetPort is among the containerPorts the selected pods declare",
        why:
            "The kubelet does not need containerPort declarations, so a pod may serve a port it does not declare; when its containers declare other ports, a targetPort outside them can be a typo that gives connection refused (502 through the ingress). A note, not a warning: on real repositories most such ports were served undeclared on purpose (metrics and admin listeners), so the finding was right about 1 time in 4. Containers that declare no ports are not reported. A number declared only for another protocol (a Service sending UDP to 5353, a container declaring 5353/TCP) is this note too: declared protocols are informational as well.",
        fix: "Set targetPort to one of the declared containerPorts, or declare the port the container listens on.",
        defaultSeverity: .note
    )
}
