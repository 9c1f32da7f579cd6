import Foundation
import KubeYAML

/// One key of a ConfigMap or Secret, with its nodes.
public struct ConfigKey: Sendable {
    public var key: String
    public var keyNode: YAMLNode
    public var valueNode: YAMLNode
    /// `data` of a Secret and `binaryData` of a ConfigMap hold base64.
    public var isBase64: Bool
}

/// A ConfigMap or a Secret as its users see it: a name and a set of keys.
/// A Secret may also be defined by an object that creates it (cert-manager
/// Certificate, ExternalSecret, SealedSecret, an Ingress annotated for
/// cert-manager); then its keys may be unknown.
public struct ConfigData: Sendable {
    public var kind: String
    public var namespace: String
    public var name: String
    /// The object that defines it: the ConfigMap or Secret itself, or its creator.
    public var definer: ManifestObject
    /// Where the name is defined (for "defined here" notes).
    public var nameNode: YAMLNode?
    /// Keys in order (`stringData` after `data`: it wins on conflicts); nil when unknown.
    public var keys: [ConfigKey]?

    public var isCreatedByAnotherObject: Bool { definer.kind != kind }

    public func entry(_ key: String) -> ConfigKey? {
        keys?.last { $0.key == key }
    }

    /// The value of `key` as the container sees it (base64 decoded); nil
    /// when absent, not a string, or not valid base64 / UTF-8.
    public func value(_ key: String) -> String? {
        guard let entry = entry(key), let text = entry.valueNode.scalar, entry.valueNode.isScalar else { return nil }
        guard entry.isBase64 else { return text }
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Kinds whose objects define a ConfigMap or Secret.
    static let definingKinds: Set<String> = [
        BuiltinKind.configMap, BuiltinKind.secret, "Certificate", "ExternalSecret", "SealedSecret", BuiltinKind.ingress,
    ]

    static let certManagerAnnotations = [
        "cert-manager.io/cluster-issuer", "cert-manager.io/issuer", "kubernetes.io/tls-acme",
    ]

    /// What an object defines: itself (ConfigMap, Secret) or the Secrets it creates.
    static func defined(by object: ManifestObject) -> [ConfigData] {
        let metadataName = object.metadata?["name"]
        switch (object.kind, object.apiGroup) {
        case (BuiltinKind.configMap, ""), (BuiltinKind.secret, ""):
            let fields: [(String, Bool)] =
                object.kind == BuiltinKind.secret
                ? [("data", true), ("stringData", false)] : [("data", false), ("binaryData", true)]
            var keys: [ConfigKey] = []
            for (field, base64) in fields {
                for pair in object.root[field]?.pairs ?? [] {
                    guard let key = pair.key.scalar else { continue }
                    keys.append(ConfigKey(key: key, keyNode: pair.key, valueNode: pair.value, isBase64: base64))
                }
            }
            return [
                ConfigData(
                    kind: object.kind, namespace: object.namespace, name: object.name, definer: object,
                    nameNode: metadataName, keys: keys)
            ]
        case ("Certificate", "cert-manager.io"):
            guard let node = object.spec?["secretName"], let name = node.string else { return [] }
            return [secret(name, node, object)]
        case ("ExternalSecret", "external-secrets.io"):
            let node = object.spec?["target"]?["name"]
            let name = node?.string ?? object.name
            return [secret(name, node ?? metadataName, object)]
        case ("SealedSecret", "bitnami.com"):
            let node = object.spec?["template"]?["metadata"]?["name"]
            return [secret(node?.string ?? object.name, node ?? metadataName, object)]
        case (BuiltinKind.ingress, _):
            guard certManagerAnnotations.contains(where: { object.annotation($0) != nil }) else { return [] }
            return (object.spec?["tls"]?.items ?? []).compactMap { tls in
                guard let node = tls["secretName"], let name = node.string else { return nil }
                return secret(name, node, object)
            }
        default:
            return []
        }
    }

    /// A Secret another object creates: its keys are not in the inputs.
    private static func secret(_ name: String, _ node: YAMLNode?, _ object: ManifestObject) -> ConfigData {
        ConfigData(
            kind: BuiltinKind.secret, namespace: object.namespace, name: name, definer: object, nameNode: node,
            keys: nil)
    }
}
