import KubeDiagnostics

extension RuleInfo {
    /// A named targetPort that some selected pods declare and others lack.
    ///
    /// Reported by `ServiceTargetPortPass` (Passes/ServiceTargetPortPass.swift).
    static let serviceTargetPortPartial = RuleInfo(
        id: .serviceTargetPortPartial,
        summary: "A named Service targetPort is declared by every pod it selects, not only by some",
        why:
            "The EndpointSlice controller skips a pod whose ports lack the targetPort's name and routes to the others, so the Service works, but the pods without the name (often a test or debug pod sharing the app's labels) never get traffic. A warning: the selector may be meant to reach only the pods that serve the port.",
        fix:
            "Declare the named port in the pods listed, or make the selector (or their labels) tell them apart from the pods that serve it.",
        defaultSeverity: .warning
    )
}
