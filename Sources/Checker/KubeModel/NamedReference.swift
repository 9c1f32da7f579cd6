import KubeDiagnostics
import KubeYAML

/// What a reference names inside its target: a data key, a port, a listener.
public enum ReferenceMember: Sendable, Hashable, CustomStringConvertible {
    /// A ConfigMap or Secret data key.
    case key(String)
    /// A Service port, by number or name.
    case port(PortReference)
    /// A Gateway listener (`sectionName`).
    case listener(String)

    public var description: String {
        switch self {
        case .key(let key): "key `\(key)`"
        case .port(let port): "port \(port)"
        case .listener(let name): "listener `\(name)`"
        }
    }
}

/// "Object X names object Y (kind, namespace, name, and maybe a key or port)
/// at this node": every by-name wire between objects, in one shape, so one
/// resolver proves them all.
public struct NamedReference: Sendable {
    /// X, the object that holds the reference.
    public var source: ManifestObject
    /// Y's kind (`ConfigMap`, `Secret`, `PersistentVolumeClaim`, `Service`, …).
    public var kind: String
    public var namespace: String
    public var name: String
    /// Where the name is written (the primary span of a finding about it).
    public var nameNode: YAMLNode
    public var member: ReferenceMember?
    public var memberNode: YAMLNode?
    /// `optional: true`: the kubelet starts the pod without the object or key.
    public var optional: Bool
    /// Where the reference sits, for messages: `env DB_URL`, `volume config`.
    public var context: String

    public init(
        source: ManifestObject, kind: String, namespace: String? = nil, name: String, nameNode: YAMLNode,
        member: ReferenceMember? = nil, memberNode: YAMLNode? = nil, optional: Bool = false, context: String
    ) {
        self.source = source
        self.kind = kind
        self.namespace = namespace ?? source.namespace
        self.name = name
        self.nameNode = nameNode
        self.member = member
        self.memberNode = memberNode
        self.optional = optional
        self.context = context
    }

    public var target: ObjectReference { ObjectReference(kind: kind, namespace: namespace, name: name) }
}

/// `optional: true` as the API server reads it (a real boolean).
func isOptional(_ node: YAMLNode?) -> Bool {
    guard let node, node.scalarType == .bool, let text = node.scalar?.lowercased() else { return false }
    return ["true", "yes", "on", "y"].contains(text)
}

extension PodTemplate {
    /// Every object the pods name: ConfigMaps and Secrets (env, envFrom,
    /// volumes, projected sources, image pull secrets), claims and the
    /// ServiceAccount. Read from the nodes on use: most runs never ask.
    /// - Parameter wanted: only references to objects of this kind (each reference rule asks for
    ///   one kind; the others' context texts are then never built).
    public func references(of object: ManifestObject, kind wanted: String? = nil) -> [NamedReference] {
        var result: [NamedReference] = []
        func add(
            _ kind: String, _ nameNode: YAMLNode?, member: ReferenceMember? = nil, memberNode: YAMLNode? = nil,
            optional: @autoclosure () -> Bool = false, context: @autoclosure () -> String
        ) {
            if let wanted, kind != wanted { return }
            guard let nameNode, let name = nameNode.string, !name.isEmpty else { return }
            result.append(
                NamedReference(
                    source: object, kind: kind, name: name, nameNode: nameNode, member: member,
                    memberNode: memberNode, optional: optional(), context: context()))
        }
        // Each part below names only the kinds it lists: a rule asking for another skips it unread.
        let wantsConfigData = wanted == nil || wanted == BuiltinKind.configMap || wanted == BuiltinKind.secret
        let wantsVolumes = wantsConfigData || wanted == BuiltinKind.persistentVolumeClaim
        for container in containers where wantsConfigData {
            let owner = "container \(container.name ?? "?")"
            for entry in container.env {
                guard let from = entry.node["valueFrom"] else { continue }
                for (field, kind) in [("configMapKeyRef", BuiltinKind.configMap), ("secretKeyRef", BuiltinKind.secret)]
                {
                    guard let ref = from[field] else { continue }
                    let keyNode = ref["key"]
                    add(
                        kind, ref["name"], member: keyNode?.string.map(ReferenceMember.key), memberNode: keyNode,
                        optional: isOptional(ref["optional"]),
                        context: "env \(entry.name ?? "?") of \(owner) (valueFrom.\(field))")
                }
            }
            for source in container.node["envFrom"]?.items ?? [] {
                for (field, kind) in [("configMapRef", BuiltinKind.configMap), ("secretRef", BuiltinKind.secret)] {
                    guard let ref = source[field] else { continue }
                    add(
                        kind, ref["name"], optional: isOptional(ref["optional"]),
                        context: "envFrom of \(owner) (\(field))")
                }
            }
        }
        let spec = specNode
        // The StatefulSet controller replaces a pod volume named like one of its volumeClaimTemplates
        // with that template's claim (`updateStorage` in stateful_set_utils.go): its own source is never used.
        let replacedByClaimTemplates: Set<String> =
            wantsVolumes && object.kind == "StatefulSet"
            ? Set((object.spec?["volumeClaimTemplates"]?.items ?? []).compactMap { $0["metadata"]?["name"]?.string })
            : []
        for volume in (wantsVolumes ? spec?["volumes"]?.items : nil) ?? [] {
            let volumeName = volume["name"]?.scalar ?? "?"
            if replacedByClaimTemplates.contains(volumeName) { continue }
            func addData(_ kind: String, _ body: YAMLNode, nameField: String, context: String) {
                if let wanted, kind != wanted { return }
                let optional = isOptional(body["optional"])
                let items = body["items"]?.items ?? []
                add(kind, body[nameField], optional: optional, context: context)
                for item in items {
                    guard let keyNode = item["key"], let key = keyNode.string else { continue }
                    add(
                        kind, body[nameField], member: .key(key), memberNode: keyNode, optional: optional,
                        context: context)
                }
            }
            if let body = volume["configMap"] {
                addData(BuiltinKind.configMap, body, nameField: "name", context: "volume \(volumeName)")
            }
            if let body = volume["secret"] {
                addData(BuiltinKind.secret, body, nameField: "secretName", context: "volume \(volumeName)")
            }
            for source in volume["projected"]?["sources"]?.items ?? [] {
                if let body = source["configMap"] {
                    addData(BuiltinKind.configMap, body, nameField: "name", context: "projected volume \(volumeName)")
                }
                if let body = source["secret"] {
                    addData(BuiltinKind.secret, body, nameField: "name", context: "projected volume \(volumeName)")
                }
            }
            if let claim = volume["persistentVolumeClaim"] {
                add(BuiltinKind.persistentVolumeClaim, claim["claimName"], context: "volume \(volumeName)")
            }
        }
        for secret in (wanted == nil || wanted == BuiltinKind.secret ? spec?["imagePullSecrets"]?.items : nil) ?? [] {
            add(BuiltinKind.secret, secret["name"], context: "imagePullSecrets")
        }
        // `default` exists in every namespace; `serviceAccount` is the deprecated spelling.
        if wanted == nil || wanted == BuiltinKind.serviceAccount,
            let node = spec?["serviceAccountName"] ?? spec?["serviceAccount"], node.string != "default"
        {
            add(BuiltinKind.serviceAccount, node, context: "serviceAccountName")
        }
        return result
    }
}

extension Container {
    /// The env values a container sees as written, each with the object that
    /// holds it: literal `value`s (in the workload) and the ConfigMap `data`
    /// and Secret `stringData` values that `valueFrom` and `envFrom` bring in
    /// (in the ConfigMap or Secret), so URLs in them are checked where they are written.
    public func environmentValues(of object: ManifestObject, in graph: ManifestGraph) -> [(
        node: YAMLNode, object: ManifestObject
    )] {
        var result: [(node: YAMLNode, object: ManifestObject)] = []
        func data(_ kind: String, _ nameNode: YAMLNode?) -> ConfigData? {
            guard let name = nameNode?.string else { return nil }
            guard let data = graph.configData(kind: kind, named: name, in: object.namespace),
                !data.isCreatedByAnotherObject
            else { return nil }
            return data
        }
        func textValues(_ data: ConfigData, key: String? = nil) -> [(node: YAMLNode, object: ManifestObject)] {
            (data.keys ?? []).filter { !$0.isBase64 && (key == nil || $0.key == key) }.map {
                (node: $0.valueNode, object: data.definer)
            }
        }
        for source in node["envFrom"]?.items ?? [] {
            if let found = data(BuiltinKind.configMap, source["configMapRef"]?["name"]) { result += textValues(found) }
            if let found = data(BuiltinKind.secret, source["secretRef"]?["name"]) { result += textValues(found) }
        }
        for entry in env {
            if let value = entry.valueNode {
                result.append((node: value, object: object))
                continue
            }
            guard let from = entry.node["valueFrom"] else { continue }
            for (field, kind) in [("configMapKeyRef", BuiltinKind.configMap), ("secretKeyRef", BuiltinKind.secret)] {
                guard let ref = from[field], let key = ref["key"]?.string, let found = data(kind, ref["name"])
                else { continue }
                result += textValues(found, key: key).suffix(1)
            }
        }
        return result
    }
}
