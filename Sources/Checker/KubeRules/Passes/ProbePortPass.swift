import KubeDiagnostics
import KubeModel
import KubeYAML

/// A probe the kubelet cannot aim fails forever: the pod never becomes ready, or is restarted in
/// a loop. Proven when the port name does not resolve or the port is declared only as UDP (every
/// probe is TCP): probe-port. A number the container does not declare among others it does may
/// still be served: the note probe-port-undeclared.
struct ProbePortPass: RulePass {
    let rules: [RuleInfo] = [.probePort, .probePortUndeclared]

    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        PassResult(findings: ProbePorts.findings(in: graph, enabled: enabled))
    }
}

enum ProbePorts {
    static func findings(in graph: ManifestGraph, enabled: Set<String>) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            for container in workload.template.containers {
                for probe in container.probes {
                    if let finding = check(probe, container, object), enabled.contains(finding.ruleID) {
                        findings.append(finding)
                    }
                }
            }
        }
        return findings
    }

    private static func check(_ probe: Probe, _ container: Container, _ object: ManifestObject) -> Diagnostic? {
        let containerName = container.name ?? "?"
        guard let port = probe.port, let portNode = probe.portNode else {
            guard probe.handler != .grpc || probe.portNode != nil else { return nil }
            return RuleInfo.probePort.diagnostic(
                "\(probe.kind.rawValue).\(probe.handler.rawValue) of container \(containerName) has no port",
                at: object.span(probe.node), object: object)
        }
        let declared = container.ports
        // The common case, a declared TCP port, is settled before any list or message is built.
        if declared.contains(where: { $0.protocol == "TCP" && port.matches($0) }) { return nil }
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
            return RuleInfo.probePort.diagnostic(
                "\(what) probes port \(port) over TCP (\(probe.handler.rawValue)), but the container declares it only as \(matching[0].protocol)",
                at: primary, object: object, notes: [note],
                fix: SuggestedFix("probe a TCP port of the container"))
        }
        switch port {
        case .name(let name):
            let names = declared.compactMap(\.name)
            return RuleInfo.probePort.diagnostic(
                "\(what) uses port name `\(name)`, which the container does not declare",
                at: primary, object: object, notes: [note],
                fix: (NearName.inputName.nearest(name, in: names) ?? (names.count == 1 ? names[0] : nil)).map {
                    SuggestedFix(
                        "did you mean `\($0)`?", replacing: primary, with: $0, applicability: .maybeIncorrect)
                })
        case .number(let number):
            let numbers = declared.compactMap(\.number)
            return RuleInfo.probePortUndeclared.diagnostic(
                "\(what) probes port \(number), but the container declares \(numbers.map(String.init).joined(separator: ", "))",
                at: primary, object: object, notes: [note],
                fix: PortNumbers.nearest(to: number, among: numbers).map {
                    SuggestedFix(
                        "did you mean \($0)?", replacing: primary, with: String($0), applicability: .maybeIncorrect)
                })
        }
    }
}
