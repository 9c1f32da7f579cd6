import KubeDiagnostics

extension RuleInfo {
    /// A named targetPort that no selected pod declares with the Service port's protocol: the pods
    /// get no endpoint for it (only some pods lacking it: `service-target-port-partial`; a number
    /// not declared: the note `service-target-port-undeclared`).
    ///
    /// Reported by `ServiceTargetPortPass` (Passes/ServiceTargetPortPass.swift).
    static let serviceTargetPort = RuleInfo(
        id: .serviceTargetPort,
        summary:
            "A named Service targetPort is declared, with the same protocol, by some pod it selects",
        why:
            "A named targetPort that no selected pod declares with the Service port's protocol gives the Service no endpoint (503 through the ingress). A numeric targetPort is never proof: containerPort declarations (and their protocols) are informational, and a container may serve a number, or another protocol on it, that it does not declare (service-target-port-undeclared, a note). Every Ingress path and service URL through that port breaks with it; they are listed as notes.",
        fix:
            "Set targetPort to a containerPort name the pods declare (or its number), with the same protocol on both sides."
    )
}
