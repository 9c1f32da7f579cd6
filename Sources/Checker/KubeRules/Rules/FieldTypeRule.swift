import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// Fields whose YAML type the API server rejects: string maps and env values
/// written as YAML 1.1 numbers or booleans, ports and replicas that are not integers.
struct FieldTypeRule: Rule {
    let info = RuleInfo(
        id: "field-type",
        summary:
            "String fields are strings and port/replica fields are integers, as the API server decodes them",
        why:
            "Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml): plain `4000`, `true`, `yes`, `on` are numbers or booleans, and the API server rejects them where a string is required (env `value`, label and annotation values: `cannot unmarshal number into Go struct field EnvVar…of type string`); a quoted `\"4000\"` where an integer port is required is rejected the same way, and ports must lie in 1–65535.",
        fix:
            "Quote string values (`value: \"4000\"`, `use-regex: \"true\"`) and write ports and replicas as plain integers."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for object in graph.objects where !object.apiVersion.hasPrefix("skaffold/") {
            checkStringMap(object.metadata?["labels"], what: "label", object: object, into: &findings)
            checkStringMap(
                object.metadata?["annotations"], what: "annotation", object: object, into: &findings)
        }
        for workload in graph.workloads {
            let object = workload.object
            if object.kind != "Pod" {
                let metadata = workload.template.node["metadata"]
                checkStringMap(
                    metadata?["labels"], what: "pod template label", object: object, into: &findings)
                checkStringMap(
                    metadata?["annotations"], what: "pod template annotation", object: object, into: &findings
                )
            }
            let selector =
                object.kind == "ReplicationController"
                ? object.spec?["selector"] : object.spec?["selector"]?["matchLabels"]
            checkStringMap(selector, what: "selector", object: object, into: &findings)
            if let replicas = object.spec?["replicas"] {
                checkInteger(
                    replicas, field: "replicas", range: 0...Int(Int32.max), object: object, into: &findings)
            }
            for container in workload.template.containers {
                for entry in container.env {
                    guard let value = entry.valueNode, !value.isNull, value.scalarType != .string else {
                        continue
                    }
                    let name = entry.name.map { "env \($0)" } ?? "an env entry"
                    findings.append(
                        notString(value, field: "the value of \(name)", key: "value", object: object))
                }
                for port in container.ports {
                    for field in ["containerPort", "hostPort"] {
                        guard let node = port.node[field] else { continue }
                        checkInteger(node, field: field, range: 1...65535, object: object, into: &findings)
                    }
                }
                for probe in container.probes {
                    guard let node = probe.portNode else { continue }
                    checkIntOrString(
                        node, field: "\(probe.kind.rawValue) port", lowest: 1, object: object, into: &findings)
                }
            }
        }
        for service in graph.services {
            let object = service.object
            checkStringMap(service.selectorNode, what: "selector", object: object, into: &findings)
            for port in service.ports {
                if let node = port.node["port"] {
                    checkInteger(node, field: "port", range: 1...65535, object: object, into: &findings)
                }
                if let node = port.node["nodePort"] {
                    checkInteger(node, field: "nodePort", range: 0...65535, object: object, into: &findings)
                }
                if let node = port.targetPortNode {
                    checkIntOrString(node, field: "targetPort", lowest: 0, object: object, into: &findings)
                }
            }
        }
        for ingress in graph.ingresses where !ingress.isLegacy {
            let backends =
                ingress.rules.flatMap { $0.paths.compactMap(\.backend) }
                + [ingress.defaultBackend].compactMap { $0 }
            for backend in backends {
                guard let node = backend.node["service"]?["port"]?["number"] else { continue }
                checkInteger(
                    node, field: "service.port.number", range: 1...65535, object: ingress.object,
                    into: &findings)
            }
        }
        return findings
    }

    private func checkStringMap(
        _ map: YAMLNode?, what: String, object: ManifestObject, into findings: inout [Diagnostic]
    ) {
        for pair in map?.pairs ?? [] {
            let value = pair.value
            guard !value.isNull, value.scalarType != .string else { continue }
            let key = pair.key.scalar ?? "?"
            findings.append(notString(value, field: "\(what) \(key)", key: key, object: object))
        }
    }

    private func notString(_ value: YAMLNode, field: String, key: String, object: ManifestObject)
        -> Diagnostic
    {
        let span = object.span(value)
        let fix: SuggestedFix
        if let text = value.scalar {
            let quoted =
                "\""
                + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "\"", with: "\\\"") + "\""
            fix = SuggestedFix("quote it: `\(key): \(quoted)`", replacing: span, with: quoted)
        } else {
            fix = SuggestedFix("write a single string value")
        }
        let shown = value.scalar.map { " \($0)" } ?? ""
        return info.diagnostic(
            "\(field) is \(value.typeDescription)\(shown), but it must be a string; the API server rejects the object",
            at: span, object: object, fix: fix)
    }

    private func checkInteger(
        _ node: YAMLNode, field: String, range: ClosedRange<Int>, object: ManifestObject,
        into findings: inout [Diagnostic]
    ) {
        if node.isNull { return }
        let span = object.span(node)
        if let number = node.int {
            guard !range.contains(number) else { return }
            findings.append(
                info.diagnostic(
                    "\(field) \(number) is out of range; expected \(range.lowerBound)–\(range.upperBound)",
                    at: span,
                    object: object,
                    fix: SuggestedFix("use a number in \(range.lowerBound)–\(range.upperBound)")))
            return
        }
        let shown = node.scalar.map { " \(node.style?.isQuoted == true ? "\"\($0)\"" : $0)" } ?? ""
        var fix = SuggestedFix("write \(field) as a plain integer")
        if let text = node.scalar, node.scalarType == .string,
            let number = Int(text.trimmingCharacters(in: .whitespaces))
        {
            fix = SuggestedFix(
                "remove the quotes: `\(field): \(number)`", replacing: span, with: String(number))
        }
        findings.append(
            info.diagnostic(
                "\(field)\(shown) is \(node.typeDescription), but it must be an integer; the API server rejects the object",
                at: span, object: object, fix: fix))
    }

    /// targetPort (0 means "same as port") and probe ports: an integer up to 65535 or a port name (checked by name-format).
    private func checkIntOrString(
        _ node: YAMLNode, field: String, lowest: Int, object: ManifestObject,
        into findings: inout [Diagnostic]
    ) {
        if node.isNull || node.scalarType == .string { return }
        if node.scalarType == .int {
            checkInteger(node, field: field, range: lowest...65535, object: object, into: &findings)
            return
        }
        let shown = node.scalar.map { " \($0)" } ?? ""
        findings.append(
            info.diagnostic(
                "\(field)\(shown) is \(node.typeDescription); expected a port number (1–65535) or a port name",
                at: object.span(node), object: object,
                fix: SuggestedFix("write a port number or the container port's name")))
    }
}
