import KubeDiagnostics

extension RuleInfo {
    /// A probe the kubelet cannot aim fails forever: the pod never becomes
    /// ready, or is restarted in a loop. Proven when the port name does not
    /// resolve or the port is declared only as UDP (every probe is TCP).
    ///
    /// Reported by `ProbePortPass` (Passes/ProbePortPass.swift).
    static let probePort = RuleInfo(
        id: .probePort,
        summary:
            "Probe ports resolve: a named port is declared by the probing container, and no probe targets a port declared only as UDP",
        why:
            "A probe port name must be a containerPort name of the same container, or the probe fails forever; httpGet, tcpSocket and grpc probes connect over TCP, so a port declared only as UDP never answers. A failing readiness probe keeps the pod out of every Service (503); a failing liveness probe restarts the container in a loop.",
        fix: "Probe a containerPort of the same container by its name or number, over the protocol it serves."
    )
}
