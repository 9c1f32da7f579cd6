import KubeDiagnostics
import KubeModel

/// Follows a Service port to the pods behind it; shared by the rules that
/// continue a chain (Ingress → Service → container, env URL → Service).
enum Wiring {
    /// Why traffic to `port` of `service` reaches no container, or nil when it does.
    static func deadEnd(_ service: Service, _ port: ServicePort, in graph: ManifestGraph) -> (
        reason: String, note: DiagnosticNote
    )? {
        let object = service.object
        guard service.type != "ExternalName", !service.selector.isEmpty else { return nil }
        let workloads = graph.workloads(selectedBy: service)
        guard !workloads.isEmpty else {
            return (
                "its selector \(service.selector.rendered) matches no pod, so it has no endpoints (503)",
                DiagnosticNote(
                    "Service \(object.name) selects here",
                    at: (object.spec?.keyNode("selector") ?? service.selectorNode).map(object.span) ?? object.startSpan)
            )
        }
        guard let target = port.effectiveTarget else { return nil }
        for workload in workloads where !listens(workload, on: target, protocol: port.protocol) {
            if case .number = target, workload.template.servingContainers.allSatisfy({ $0.ports.isEmpty }) {
                continue  // nothing declared: unproven, reported by service-target-port as a warning
            }
            return (
                "its targetPort \(target) is not a container port of \(workload.object.kind) \(workload.object.name)",
                DiagnosticNote(
                    "Service \(object.name) port \(port.port.map(String.init) ?? "?") targets \(target) here",
                    at: object.span(port.targetPortNode ?? port.node))
            )
        }
        return nil
    }

    static func listens(_ workload: Workload, on target: PortReference, protocol: String) -> Bool {
        let ports = workload.template.servingContainers.flatMap(\.ports)
        switch target {
        case .number(let number): return ports.contains { $0.number == number && $0.protocol == `protocol` }
        case .name(let name): return ports.contains { $0.name == name && $0.protocol == `protocol` }
        }
    }
}
