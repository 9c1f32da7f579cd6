import KubeYAML

/// A backend of an Ingress path or its default backend, normalised across
/// `extensions/v1beta1`, `networking.k8s.io/v1beta1` and `networking.k8s.io/v1`.
public struct IngressBackend: Sendable {
    public var serviceName: String?
    public var serviceNameNode: YAMLNode?
    public var port: PortReference?
    public var portNode: YAMLNode?
    /// A `resource` backend (not a Service).
    public var isResource: Bool
    /// A networking.k8s.io/v1 backend written in the v1beta1 form (`serviceName`, `servicePort`,
    /// no `service`): the schema pass reports the form once (unknown-field, with the conversion),
    /// and the Service it names is still resolved.
    public var usesLegacyFieldsInV1: Bool
    public var node: YAMLNode

    init(node: YAMLNode, legacy: Bool) {
        self.node = node
        isResource = node["resource"] != nil
        // Each key looked up once: a large Ingress has thousands of backends.
        let service = legacy ? nil : node["service"]
        if legacy || service == nil {
            serviceNameNode = node["serviceName"]
            portNode = node["servicePort"]
            usesLegacyFieldsInV1 = !legacy && (serviceNameNode != nil || portNode != nil)
        } else {
            usesLegacyFieldsInV1 = false
            serviceNameNode = service?["name"]
            let portMap = service?["port"]
            portNode = portMap?["number"] ?? portMap?["name"] ?? portMap
        }
        serviceName = serviceNameNode?.scalar
        port = portNode.flatMap { $0.isScalar ? PortReference(node: $0) : nil }
    }
}

public struct IngressPath: Sendable {
    /// The path as written; empty means `/`.
    public var path: String
    public var pathNode: YAMLNode?
    public var pathType: String?
    public var pathTypeNode: YAMLNode?
    public var backend: IngressBackend?
    public var node: YAMLNode

    /// ingress-nginx renders a missing pathType and ImplementationSpecific as Prefix.
    public var effectivePath: String { path.isEmpty ? "/" : path }
}

public struct IngressRule: Sendable {
    public var host: String?
    public var hostNode: YAMLNode?
    public var paths: [IngressPath]
    public var node: YAMLNode
}

public struct Ingress: Sendable {
    public static let useRegexAnnotation = "nginx.ingress.kubernetes.io/use-regex"
    public static let rewriteTargetAnnotation = "nginx.ingress.kubernetes.io/rewrite-target"
    public static let classAnnotation = "kubernetes.io/ingress.class"

    public var object: ManifestObject
    /// True for the two v1beta1 forms (serviceName/servicePort, spec.backend).
    public var isLegacy: Bool
    public var className: String?
    public var rules: [IngressRule]
    public var defaultBackend: IngressBackend?

    public init?(object: ManifestObject) {
        guard object.kind == BuiltinKind.ingress,
            ["extensions/v1beta1", "networking.k8s.io/v1beta1", "networking.k8s.io/v1"].contains(object.apiVersion)
        else { return nil }
        self.object = object
        let legacy = object.apiVersion != "networking.k8s.io/v1"
        isLegacy = legacy
        let spec = object.spec
        className = spec?["ingressClassName"]?.scalar ?? object.annotations[Self.classAnnotation]
        defaultBackend = (spec?["defaultBackend"] ?? (legacy ? spec?["backend"] : nil)).map {
            IngressBackend(node: $0, legacy: legacy)
        }
        rules = (spec?["rules"]?.items ?? []).map { rule in
            let paths = (rule["http"]?["paths"]?.items ?? []).map { path in
                let pathNode = path["path"]
                let pathTypeNode = path["pathType"]
                return IngressPath(
                    path: pathNode?.scalar ?? "", pathNode: pathNode, pathType: pathTypeNode?.scalar,
                    pathTypeNode: pathTypeNode,
                    backend: path["backend"].map { IngressBackend(node: $0, legacy: legacy) }, node: path)
            }
            let hostNode = rule["host"]
            let host = hostNode?.scalar
            return IngressRule(host: host?.isEmpty == true ? nil : host, hostNode: hostNode, paths: paths, node: rule)
        }
    }

    /// `use-regex`, read like Go's strconv.ParseBool (anything else is false).
    public var usesRegex: Bool {
        guard let value = object.annotation(Self.useRegexAnnotation) else { return false }
        return ["1", "t", "T", "TRUE", "true", "True"].contains(value)
    }

    /// A rewrite-target that differs from the path also forces regex mode for the host.
    public func rewrites(_ path: String) -> Bool {
        guard let target = rewriteTarget else { return false }
        return target != path
    }

    /// The rewrite-target annotation, when set and not empty.
    public var rewriteTarget: String? {
        guard let target = object.annotation(Self.rewriteTargetAnnotation), !target.isEmpty else { return nil }
        return target
    }

    public static let canaryAnnotation = "nginx.ingress.kubernetes.io/canary"

    /// An ingress-nginx canary (`canary: "true"`): it shares its main Ingress's host and paths by design.
    public var isCanary: Bool {
        guard let value = object.annotation(Self.canaryAnnotation) else { return false }
        return ["1", "t", "T", "TRUE", "true", "True"].contains(value)
    }

    /// Whether ingress-nginx (class `nginx`) serves this Ingress.
    public var isNginxClass: Bool { className == "nginx" }
}
