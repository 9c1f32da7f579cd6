import KubeDiagnostics
import KubeModel
import KubeYAML

/// Names the API server validates by syntax: object names, label keys and
/// values, container, container-port, Service-port and target port names.
struct NameFormatRule: Rule {
    let info = RuleInfo(
        id: .nameFormat,
        summary:
            "Object, label (and Service selector), container and port names have the syntax the API server requires",
        why:
            "The API server rejects the whole object when a name breaks its syntax: most names are DNS-1123 subdomains (≤ 253, lower case), Service names DNS-1035 labels (≤ 63, starting with a letter), container and Service port names DNS-1123 labels, container port names and string targetPorts IANA service names (≤ 15 chars, at least one letter — so a quoted `targetPort: \"3000\"` is an invalid name, not a number), label keys and values ≤ 63 alphanumerics with `-_.` inside, in metadata.labels, pod template labels and a Service's selector (validation.go ValidateServiceSpec validates spec.selector with ValidateLabels).",
        fix:
            "Rename to lower case alphanumerics and `-`; write numeric ports unquoted; keep port names ≤ 15 characters with a letter."
    )

    private static let subdomainKinds: Set<String> = [
        "Pod", "Deployment", "ReplicaSet", "DaemonSet", "ReplicationController", "Job", "ConfigMap",
        "Secret",
        "Ingress", "IngressClass", "ServiceAccount", "PersistentVolumeClaim", "PersistentVolume",
        "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "StorageClass",
        "PriorityClass",
        "EndpointSlice", "CronJob",
    ]
    private static let labelKinds: Set<String> = ["Namespace", "StatefulSet"]

    private enum Syntax {
        case subdomain, label, dns1035, iana

        func problem(_ text: String) -> String? {
            switch self {
            case .subdomain: NameValidation.dns1123Subdomain(text)
            case .label: NameValidation.dns1123Label(text)
            case .dns1035: NameValidation.dns1035Label(text)
            case .iana: NameValidation.ianaServiceName(text)
            }
        }

        var description: String {
            switch self {
            case .subdomain: "a DNS-1123 subdomain"
            case .label: "a DNS-1123 label"
            case .dns1035: "a DNS-1035 label"
            case .iana: "an IANA service name"
            }
        }
    }

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for object in graph.objects where !object.apiVersion.hasPrefix("skaffold/") {
            if let node = object.metadata?["name"] {
                let syntax: Syntax? =
                    object.kind == "Service" && object.apiGroup.isEmpty
                    ? .dns1035
                    : Self.labelKinds.contains(object.kind)
                        ? .label : Self.subdomainKinds.contains(object.kind) ? .subdomain : nil
                if let syntax {
                    check(node, as: syntax, what: "\(object.kind) name", object: object, into: &findings)
                }
                if object.kind == "CronJob", let name = node.string, name.count > 52 {
                    findings.append(
                        info.diagnostic(
                            "CronJob name \(UserText.shown(name)) is \(name.count) characters; at most 52 are allowed (the controller appends a suffix for Jobs)",
                            at: object.span(node), object: object, fix: SuggestedFix("shorten the name")))
                }
            }
            if let node = object.metadata?["namespace"] {
                check(node, as: .label, what: "namespace", object: object, into: &findings)
            }
            checkLabels(object.metadata?["labels"], what: "label", object: object, into: &findings)
            checkKeys(
                object.metadata?["annotations"], what: "annotation", object: object, into: &findings)
        }
        for workload in graph.workloads {
            let object = workload.object
            if object.kind != "Pod" {
                checkLabels(
                    workload.template.labelsNode, what: "pod template label", object: object, into: &findings)
            }
            for container in workload.template.containers {
                if let node = container.node["name"] {
                    check(node, as: .label, what: "container name", object: object, into: &findings)
                }
                for port in container.ports {
                    if let node = port.node["name"] {
                        check(node, as: .iana, what: "container port name", object: object, into: &findings)
                    }
                }
                for probe in container.probes {
                    if let node = probe.portNode, node.string != nil {
                        checkPortName(
                            node, what: "\(probe.kind.rawValue) port", object: object, into: &findings)
                    }
                }
            }
        }
        for service in graph.services {
            let object = service.object
            // ValidateServiceSpec validates the selector with ValidateLabels, like metadata.labels.
            checkLabels(service.selectorNode, what: "selector label", object: object, into: &findings)
            for port in service.ports {
                if let node = port.node["name"] {
                    check(node, as: .label, what: "Service port name", object: object, into: &findings)
                }
                if let node = port.targetPortNode, node.string != nil {
                    checkPortName(node, what: "targetPort", object: object, into: &findings)
                }
            }
        }
        for ingress in graph.ingresses {
            let object = ingress.object
            for rule in ingress.rules {
                if let node = rule.hostNode, let host = node.string, !host.isEmpty {
                    let bare = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
                    if let problem = NameValidation.dns1123Subdomain(bare) {
                        findings.append(
                            info.diagnostic(
                                "Ingress host \(UserText.shown(host)) is invalid: it \(problem) (a DNS-1123 subdomain, optionally starting with `*.`)",
                                at: object.span(node), object: object,
                                fix: SuggestedFix("use a lower case DNS name")))
                    }
                }
            }
            let backends =
                ingress.rules.flatMap { $0.paths.compactMap(\.backend) }
                + [ingress.defaultBackend].compactMap { $0 }
            for backend in backends {
                if let node = backend.serviceNameNode {
                    check(node, as: .dns1035, what: "backend Service name", object: object, into: &findings)
                }
                let portNameNode =
                    ingress.isLegacy ? backend.node["servicePort"] : backend.node["service"]?["port"]?["name"]
                if let node = portNameNode, node.string != nil {
                    checkPortName(node, what: "backend Service port", object: object, into: &findings)
                }
            }
        }
        return findings
    }

    private func check(
        _ node: YAMLNode, as syntax: Syntax, what: String, object: ManifestObject,
        into findings: inout [Diagnostic]
    ) {
        // Non-string values are field-type's.
        guard let text = node.string, let problem = syntax.problem(text) else { return }
        let span = object.span(node)
        let fix =
            NameValidation.suggestion(for: text) { syntax.problem($0) == nil }
            .map { SuggestedFix("use `\($0)`", replacing: span, with: $0, applicability: .maybeIncorrect) }
            ?? SuggestedFix(
                syntax == .iana
                    ? "rename it, e.g. `http` (≤ 15 lower case letters, digits and '-', with at least one letter), and use the same name wherever a targetPort or probe refers to it"
                    : "rename it to \(syntax.description)")
        findings.append(
            info.diagnostic(
                "\(what) \(text.isEmpty ? "\"\"" : UserText.shown(text)) is not \(syntax.description): it \(problem)",
                at: span,
                object: object, fix: fix))
    }

    /// A string port reference is a port *name*: `"3000"` is an invalid one.
    private func checkPortName(
        _ node: YAMLNode, what: String, object: ManifestObject, into findings: inout [Diagnostic]
    ) {
        guard let text = node.string, let problem = NameValidation.ianaServiceName(text) else { return }
        let span = object.span(node)
        if let number = Int(text), node.style?.isQuoted == true {
            findings.append(
                info.diagnostic(
                    "\(what) \"\(UserText.shown(text))\" is quoted, so it is a port name, and an invalid one: it \(problem); the API server rejects the object",
                    at: span, object: object,
                    fix: SuggestedFix(
                        "remove the quotes to make it a port number", replacing: span, with: String(number))))
            return
        }
        let fix =
            NameValidation.suggestion(for: text) { NameValidation.ianaServiceName($0) == nil }
            .map {
                SuggestedFix(
                    "use `\($0)` (and the same name on the container port)", replacing: span, with: $0,
                    applicability: .maybeIncorrect)
            }
            ?? SuggestedFix("use the container port's number or a valid port name")
        findings.append(
            info.diagnostic(
                "\(what) \(UserText.shown(text)) is not a valid port name (IANA service name): it \(problem)", at: span,
                object: object,
                fix: fix))
    }

    private func checkLabels(
        _ map: YAMLNode?, what: String, object: ManifestObject, into findings: inout [Diagnostic]
    ) {
        checkKeys(map, what: what, object: object, into: &findings)
        map?.forEachPair { keyNode, valueNode in
            // Valid ASCII values, nearly all, are settled from their bytes.
            guard valueNode.scalarType == .string,
                !NameValidation.isValidQualifiedNamePart(valueNode, allowEmpty: true),
                let value = valueNode.string, let problem = NameValidation.qualifiedNamePart(value, allowEmpty: true)
            else { return }
            let key = keyNode.scalar ?? "?"
            let span = object.span(valueNode)
            let fix =
                NameValidation.suggestion(for: value) {
                    NameValidation.qualifiedNamePart($0, allowEmpty: true) == nil
                }
                .map { SuggestedFix("use `\($0)`", replacing: span, with: $0, applicability: .maybeIncorrect) }
                ?? SuggestedFix("use at most 63 alphanumerics with `-`, `_` or `.` inside")
            findings.append(
                info.diagnostic(
                    "\(what) value \(UserText.shown(value)) (key \(UserText.shown(key))) is invalid: it \(problem)",
                    at: span, object: object,
                    fix: fix))
        }
    }

    private func checkKeys(
        _ map: YAMLNode?, what: String, object: ManifestObject, into findings: inout [Diagnostic]
    ) {
        // Annotation keys are validated lower-cased; label keys as written.
        let lowerCased = what.hasSuffix("annotation")
        map?.forEachPair { keyNode, _ in
            guard !NameValidation.isValidQualifiedName(keyNode, lowerCasedFirst: lowerCased), let key = keyNode.scalar
            else { return }
            let checked = lowerCased ? NameValidation.lowercased(key) : key
            guard let problem = NameValidation.qualifiedName(checked) else { return }
            findings.append(
                info.diagnostic(
                    "\(what) key \(UserText.shown(key)) is invalid: \(problem)", at: object.span(keyNode),
                    object: object,
                    fix: SuggestedFix(
                        "use an optional DNS prefix, `/`, and a name of ≤ 63 alphanumerics with `-_.` inside")))
        }
    }
}
