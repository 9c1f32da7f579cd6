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

    /// The syntax of `kind`'s object names, nil for kinds whose names are not checked here.
    private static func nameSyntax(of object: ManifestObject) -> Syntax? {
        switch object.kind {
        case "Service": object.isCoreAPIGroup ? .dns1035 : nil
        case "Namespace", "StatefulSet": .label
        case "Pod", "Deployment", "ReplicaSet", "DaemonSet", "ReplicationController", "Job", "ConfigMap", "Secret",
            "Ingress", "IngressClass", "ServiceAccount", "PersistentVolumeClaim", "PersistentVolume",
            "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "StorageClass", "PriorityClass",
            "EndpointSlice", "CronJob":
            .subdomain
        default: nil
        }
    }

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

        /// Whether ASCII `bytes` are valid: true settles it without a `String` (nearly every name).
        func accepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            switch self {
            case .subdomain: FastASCII.isDNS1123Subdomain(bytes)
            case .label: FastASCII.isDNS1123Label(bytes)
            case .dns1035: FastASCII.isDNS1123Label(bytes) && FastASCII.isLower(bytes[0])
            case .iana: FastASCII.isIANAServiceName(bytes)
            }
        }

        /// True only when `text` is valid: nothing to report for a node holding it.
        func isValid(_ text: String?) -> Bool {
            guard let text else { return false }
            return FastASCII.check(text, accepts)
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
            let metadata = MetadataFields(object.metadata)
            if let node = metadata.name {
                if let syntax = Self.nameSyntax(of: object) {
                    check(node, as: syntax, what: "\(object.kind) name", object: object, into: &findings)
                }
                if object.kind == "CronJob", let name = node.string, name.count > 52 {
                    findings.append(
                        info.diagnostic(
                            "CronJob name \(UserText.shown(name)) is \(name.count) characters; at most 52 are allowed (the controller appends a suffix for Jobs)",
                            at: object.span(node), object: object, fix: SuggestedFix("shorten the name")))
                }
            }
            if let node = metadata.namespace {
                check(node, as: .label, what: "namespace", object: object, into: &findings)
            }
            checkLabels(metadata.labels, what: "label", object: object, into: &findings)
            checkKeys(metadata.annotations, what: "annotation", object: object, into: &findings)
        }
        for workload in graph.workloads {
            let object = workload.object
            if object.kind != "Pod" {
                checkLabels(
                    workload.template.labelsNode, entries: workload.template.labels, what: "pod template label",
                    object: object, into: &findings)
            }
            for container in workload.template.containers {
                // `name` is the node's text: a valid one (nearly all) needs no node; none, no finding.
                if let name = container.name, !Syntax.label.isValid(name), let node = container.node["name"] {
                    check(node, as: .label, what: "container name", object: object, into: &findings)
                }
                for port in container.ports {
                    if let name = port.name, !Syntax.iana.isValid(name), let node = port.node["name"] {
                        check(node, as: .iana, what: "container port name", object: object, into: &findings)
                    }
                }
                // A number (`.number`: YAML reads an int) is no port name: nothing to check.
                for probe in container.probes where !probe.port.isNumber {
                    if let node = probe.portNode {
                        checkPortName(
                            node, what: "\(probe.kind.rawValue) port", object: object, into: &findings)
                    }
                }
            }
        }
        for service in graph.services {
            let object = service.object
            // ValidateServiceSpec validates the selector with ValidateLabels, like metadata.labels.
            checkLabels(
                service.selectorNode, entries: service.selector, what: "selector label", object: object,
                into: &findings)
            for port in service.ports {
                if let name = port.name, !Syntax.label.isValid(name), let node = port.node["name"] {
                    check(node, as: .label, what: "Service port name", object: object, into: &findings)
                }
                if let node = port.targetPortNode, !port.targetPort.isNumber {
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
            // The rules' backends, then the default one (in place: an Ingress may route thousands of paths).
            for rule in ingress.rules {
                for path in rule.paths {
                    if let backend = path.backend {
                        checkBackend(backend, of: ingress, into: &findings)
                    }
                }
            }
            if let backend = ingress.defaultBackend {
                checkBackend(backend, of: ingress, into: &findings)
            }
        }
        return findings
    }

    private func checkBackend(_ backend: IngressBackend, of ingress: Ingress, into findings: inout [Diagnostic]) {
        let object = ingress.object
        // `serviceName` is the node's text: a valid one needs no node.
        if let node = backend.serviceNameNode, !Syntax.dns1035.isValid(backend.serviceName) {
            check(node, as: .dns1035, what: "backend Service name", object: object, into: &findings)
        }
        let portNameNode =
            ingress.isLegacy ? backend.node["servicePort"] : backend.node["service"]?["port"]?["name"]
        if let node = portNameNode {
            checkPortName(node, what: "backend Service port", object: object, into: &findings)
        }
    }

    private func check(
        _ node: YAMLNode, as syntax: Syntax, what: @autoclosure () -> String, object: ManifestObject,
        into findings: inout [Diagnostic]
    ) {
        if NameValidation.isValidASCII(node, syntax.accepts) { return }
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
                "\(what()) \(text.isEmpty ? "\"\"" : UserText.shown(text)) is not \(syntax.description): it \(problem)",
                at: span,
                object: object, fix: fix))
    }

    /// A string port reference is a port *name*: `"3000"` is an invalid one.
    private func checkPortName(
        _ node: YAMLNode, what: @autoclosure () -> String, object: ManifestObject, into findings: inout [Diagnostic]
    ) {
        // Valid names: nothing to report, settled from the bytes (numbers are not strings: `string` below).
        if NameValidation.isValidASCII(node, FastASCII.isIANAServiceName) { return }
        guard let text = node.string, let problem = NameValidation.ianaServiceName(text) else { return }
        let span = object.span(node)
        if let number = Int(text), node.style?.isQuoted == true {
            findings.append(
                info.diagnostic(
                    "\(what()) \"\(UserText.shown(text))\" is quoted, so it is a port name, and an invalid one: it \(problem); the API server rejects the object",
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
                "\(what()) \(UserText.shown(text)) is not a valid port name (IANA service name): it \(problem)",
                at: span,
                object: object,
                fix: fix))
    }

    /// - Parameter entries: the view's entries of `map`, when it keeps them: read instead of the nodes.
    private func checkLabels(
        _ map: YAMLNode?, entries: [LabelEntry]? = nil, what: String, object: ManifestObject,
        into findings: inout [Diagnostic]
    ) {
        guard let map else { return }
        if let entries, Self.allValid(entries, of: map) { return }
        guard !Self.allValidLabels(map) else { return }
        checkKeys(map, what: what, object: object, into: &findings)
        map.forEachPair { keyNode, valueNode in
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
        guard let map, !Self.allValidKeys(map, lowerCasedFirst: lowerCased) else { return }
        map.forEachPair { keyNode, _ in
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

    /// Whether every key and value of a label map is valid ASCII, from the bytes in place: then
    /// there is nothing to report (nearly always) and no `String` is built.
    private static func allValidLabels(_ map: YAMLNode) -> Bool {
        var valid = true
        map.forEachPair { keyNode, valueNode in
            // A value that is not a string is field-type's, not a finding here.
            valid =
                valid && NameValidation.isValidQualifiedName(keyNode, lowerCasedFirst: false)
                && (NameValidation.isValidQualifiedNamePart(valueNode, allowEmpty: true)
                    || valueNode.scalarType != .string)
        }
        return valid
    }

    /// `allValidLabels` from a view's entries of `map`, when they are all of its pairs (entries keep
    /// only scalar pairs; a null value's entry holds "", valid, and YAML reads it as no string).
    private static func allValid(_ entries: [LabelEntry], of map: YAMLNode) -> Bool {
        entries.count == map.childCount
            && entries.allSatisfy { entry in
                FastASCII.check(entry.key, FastASCII.isQualifiedName)
                    && FastASCII.check(entry.value) { FastASCII.isQualifiedNamePart($0, allowEmpty: true) }
            }
    }

    /// Whether every key of a map is a valid ASCII qualified name, from the bytes in place.
    private static func allValidKeys(_ map: YAMLNode, lowerCasedFirst: Bool) -> Bool {
        var valid = true
        map.forEachPair { keyNode, _ in
            valid = valid && NameValidation.isValidQualifiedName(keyNode, lowerCasedFirst: lowerCasedFirst)
        }
        return valid
    }
}

/// The `metadata` fields the rule reads, found in one pass over its pairs rather than one lookup
/// each: each is the first pair with that scalar key, as a lookup finds it.
private struct MetadataFields {
    var name: YAMLNode?
    var namespace: YAMLNode?
    var labels: YAMLNode?
    var annotations: YAMLNode?

    init(_ metadata: YAMLNode?) {
        metadata?.forEachPair { key, value in
            key.withScalarBytes { bytes in
                if Self.isKey(bytes, "name") {
                    if name == nil { name = value }
                } else if Self.isKey(bytes, "namespace") {
                    if namespace == nil { namespace = value }
                } else if Self.isKey(bytes, "labels") {
                    if labels == nil { labels = value }
                } else if Self.isKey(bytes, "annotations") {
                    if annotations == nil { annotations = value }
                }
            }
        }
    }

    private static func isKey(_ bytes: UnsafeBufferPointer<UInt8>, _ key: StaticString) -> Bool {
        bytes.count == key.utf8CodeUnitCount && key.withUTF8Buffer { bytes.elementsEqual($0) }
    }
}

extension PortReference? {
    /// A port number: YAML read the node as an integer, so it is no port name.
    fileprivate var isNumber: Bool {
        if case .number? = self { return true }
        return false
    }
}
