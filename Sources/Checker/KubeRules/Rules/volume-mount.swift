import KubeDiagnostics
import KubeModel
import KubeYAML

/// A container's volumeMounts and volumeDevices name volumes of its own pod.
struct VolumeMountRule: Rule {
    let info = RuleInfo(
        id: .volumeMount,
        summary: "Every volumeMount and volumeDevice of a container names a volume of its pod",
        why:
            "The API server rejects a pod whose container mounts a volume the pod does not define (kubernetes/kubernetes pkg/apis/core/validation/validation.go ValidateVolumeMounts and ValidateVolumeDevices: `volumeMounts[0].name: Not found`), so the Deployment applies but none of its pods is ever created. A reference inside one object, so the inputs always prove it.",
        fix:
            "Name one of the pod's `volumes` (or, in a StatefulSet, one of its volumeClaimTemplates), or add the volume."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for workload in graph.workloads {
            let object = workload.object
            var volumes: [String: YAMLNode] = [:]
            for volume in workload.template.specNode?["volumes"]?.items ?? [] {
                if let node = volume["name"], let name = node.string, volumes[name] == nil { volumes[name] = node }
            }
            // A StatefulSet's volumeClaimTemplates are volumes of each of its pods.
            if object.kind == BuiltinKind.statefulSet {
                for claim in object.spec?["volumeClaimTemplates"]?.items ?? [] {
                    if let node = claim["metadata"]?["name"], let name = node.string, volumes[name] == nil {
                        volumes[name] = node
                    }
                }
            }
            for container in workload.template.containers {
                let containerName = container.name ?? "?"
                for field in ["volumeMounts", "volumeDevices"] {
                    for mount in container.node[field]?.items ?? [] {
                        guard let node = mount["name"], let name = node.string, !name.isEmpty, volumes[name] == nil
                        else { continue }
                        let span = object.span(node)
                        let guess = NearName.inputName.nearest(name, in: volumes.keys.sorted())
                        var notes: [DiagnosticNote] = []
                        if let guess, let target = volumes[guess] {
                            notes.append(DiagnosticNote("volume \(guess) is defined here", at: object.span(target)))
                        }
                        let defined =
                            volumes.isEmpty
                            ? "the pod defines no volumes"
                            : "the pod's volumes are \(volumes.keys.sorted().joined(separator: ", "))"
                        findings.append(
                            info.diagnostic(
                                "container \(containerName) \(field == "volumeMounts" ? "mounts" : "attaches") volume \(name), but \(object.kind) \(object.name) has no volume of that name (\(defined)); the API server rejects the pod",
                                at: span, object: object, notes: notes,
                                fix: guess.map {
                                    SuggestedFix(
                                        "did you mean \($0)?", replacing: span, with: $0, applicability: .maybeIncorrect
                                    )
                                }
                                    ?? SuggestedFix("add a volume named \(name) to the pod's `volumes`")))
                    }
                }
            }
        }
        return findings
    }
}
