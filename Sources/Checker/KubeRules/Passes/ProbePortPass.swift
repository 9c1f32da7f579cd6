import KubeDiagnostics
import KubeModel
import KubeYAML

/// A probe the kubelet cannot aim fails forever: the pod never becomes
/// ready, or is restarted in a loop. Proven when the port name does not
/// resolve or the port is declared only as UDP (every probe is TCP).
struct ProbePortRule: Rule {
    let info = RuleInfo(
        id: .probePort,
        summary:
            "Probe ports resolve: a named port is declared by the probing container, and no probe targets a port declared only as UDP",
        why:
            "A probe port name must be a containerPort name of the same container, or the probe fails forever; httpGet, tcpSocket and grpc probes connect over TCP, so a port declared only as UDP never answers. A failing readiness probe keeps the pod out of every Service (503); a failing liveness probe restarts the container in a loop.",
        fix: "Probe a containerPort of the same container by its name or number, over the protocol it serves."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        ProbePorts.findings(in: graph, proven: true, info: info)
    }
}

/// A numeric probe port the container does not declare, while it declares others.
struct ProbePortUndeclaredRule: Rule {
    let info = RuleInfo(
        id: .probePortUndeclared,
        summary: "A numeric probe port is among the ports its container declares",
        why:
            "The kubelet probes the pod IP, so an undeclared port is legal (declaring containerPort is informational); when the container declares other ports, a probe elsewhere can be a typo that fails forever. A note, not a warning: on real repositories nearly every such probe targets a health listener of its own (ingress-nginx 10254, controller-runtime's 8081 beside metrics on 8080), so it was right far less than 4 times in 5. Containers that declare no ports are not reported.",
        fix: "Probe one of the declared ports, or declare the port the probe targets.",
        defaultSeverity: .note
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        ProbePorts.findings(in: graph, proven: false, info: info)
    }
}

enum ProbePorts {
    static func findings(in graph: ManifestGraph, proven: Bool, info: RuleInfo) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            for container in workload.template.containers {
                for probe in container.probes {
                    if let (isProven, finding) = check(probe, container, object, info: info), isProven == proven {
                        findings.append(finding)
                    }
                }
            }
        }
        return findings
    }

    private static func check(_ probe: Probe, _ container: Container, _ object: ManifestObject, info: RuleInfo)
        -> (Bool, Diagnostic)?
    {
        let containerName = container.name ?? "?"
        guard let port = probe.port, let portNode = probe.portNode else {
            guard probe.handler != .grpc || probe.portNode != nil else { return nil }
            return (
                true,
                info.diagnostic(
                    "\(probe.kind.rawValue).\(probe.handler.rawValue) of container \(containerName) has no port",
                    at: object.span(probe.node), object: object)
            )
        }
        let declared = container.ports
        guard declared.allSatisfy(\.isWellFormed) else { return nil }  // the schema rules report the port itself
        let matching: [ContainerPort]
        switch port {
        case .name(let name): matching = declared.filter { $0.name == name }
        case .number(let number): matching = declared.filter { $0.number == number }
        }
        // The common case, a declared TCP port, is settled before any message is built.
        if matching.contains(where: { $0.protocol == "TCP" }) { return nil }
        if case .number = port, declared.isEmpty { return nil }
        let primary = object.span(portNode)
        let what = "\(probe.kind.rawValue) of container \(containerName)"
        let note = DiagnosticNote(
            declared.isEmpty
                ? "container \(containerName) declares no ports"
                : "container \(containerName) declares "
                    + declared.map {
                        ($0.number.map(String.init) ?? "?") + ($0.name.map { " (\($0))" } ?? "")
                            + ($0.protocol == "TCP" ? "" : "/\($0.protocol)")
                    }
                    .joined(separator: ", "),
            at: object.span(container.node["ports"] ?? container.node))
        if !matching.isEmpty {
            return (
                true,
                info.diagnostic(
                    "\(what) probes port \(port) over TCP (\(probe.handler.rawValue)), but the container declares it only as \(matching[0].protocol)",
                    at: primary, object: object, notes: [note],
                    fix: SuggestedFix("probe a TCP port of the container"))
            )
        }
        switch port {
        case .name(let name):
            let names = declared.compactMap(\.name)
            return (
                true,
                info.diagnostic(
                    "\(what) uses port name `\(name)`, which the container does not declare",
                    at: primary, object: object, notes: [note],
                    fix: (NearName.inputName.nearest(name, in: names) ?? (names.count == 1 ? names[0] : nil)).map {
                        SuggestedFix(
                            "did you mean `\($0)`?", replacing: primary, with: $0, applicability: .maybeIncorrect)
                    })
            )
        case .number(let number):
            let numbers = declared.compactMap(\.number)
            return (
                false,
                info.diagnostic(
                    "\(what) probes port \(number), but the container declares \(numbers.map(String.init).joined(separator: ", "))",
                    at: primary, object: object, notes: [note],
                    fix: PortNumbers.nearest(to: number, among: numbers).map {
                        SuggestedFix(
                            "did you mean \($0)?", replacing: primary, with: String($0), applicability: .maybeIncorrect)
                    })
            )
        }
    }
}
