import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// The CustomResourceDefinitions of the inputs, compiled into a `Schema`
/// of their own: each served version's `openAPIV3Schema` validates the
/// custom resources of that group, version and kind with the same walk.
struct CustomResources {
    struct Definition {
        var object: ManifestObject
        var kind: String
        var versions: [String]
    }

    /// A served version's schema and the file of its CRD.
    struct DefinedRoot {
        var file: String
        var root: TypeRef
    }

    let schema: Schema
    /// Group → its CRDs.
    let groups: [String: [Definition]]
    /// `apiVersion kind` → every CRD's schema of it, when several CRDs define it: repositories keep
    /// an older copy of a CRD (an upgrade test's bundle) beside the current one, in another file.
    let alternatives: [String: [DefinedRoot]]

    init(_ objects: [ManifestObject]) {
        var builder = Builder()
        var kinds: [String: [String: TypeRef]] = [:]
        var groups: [String: [Definition]] = [:]
        var roots: [String: [DefinedRoot]] = [:]
        for object in objects
        where object.kind == BuiltinKind.customResourceDefinition && object.apiVersion == "apiextensions.k8s.io/v1" {
            guard let spec = object.spec, let group = spec["group"]?.string,
                let kind = spec["names"]?["kind"]?.string
            else { continue }
            var versions: [String] = []
            for version in spec["versions"]?.items ?? [] {
                guard let name = version["name"]?.string else { continue }
                versions.append(name)
                if version["served"]?.scalar == "false" { continue }
                let root: TypeRef
                if let schema = version["schema"]?["openAPIV3Schema"], schema.isMapping {
                    root = builder.type(schema, name: kind, isRoot: true, depth: 0)
                } else {
                    root = TypeRef(.any)
                }
                kinds[group + "/" + name, default: [:]][kind] = root
                roots[group + "/" + name + " " + kind, default: []].append(DefinedRoot(file: object.file, root: root))
            }
            groups[group, default: []].append(Definition(object: object, kind: kind, versions: versions))
        }
        schema = Schema(
            minor: 0, objects: builder.objects, objectNames: builder.objectNames, fields: builder.fields,
            elements: builder.elements,
            constraints: builder.constraints, kinds: kinds)
        self.groups = groups
        alternatives = roots.filter { $0.value.count > 1 }
    }

    /// The schemas of a custom resource in `file`, the one it most likely means first: of a CRD in
    /// its own file, then in its folder, an ancestor or a descendant (`FolderScope`), then the
    /// others. Several when alternative CRDs define the kind: a field is unknown only when each
    /// of them rejects it.
    func roots(apiVersion: String, kind: String, for file: String) -> [TypeRef] {
        guard let root = schema.root(apiVersion: apiVersion, kind: kind) else { return [] }
        guard let defined = alternatives[apiVersion + " " + kind] else { return [root] }
        func rank(_ defined: DefinedRoot) -> Int {
            defined.file == file ? 0 : FolderScope.related(defined.file, file) ? 1 : 2
        }
        return defined.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element.root)
    }

    struct Builder {
        var objects: [ObjectType] = []
        var objectNames: [String] = []
        var fields: [Field] = []
        var elements: [TypeRef] = []
        var constraints: [Constraint] = []

        private static func flag(_ node: YAMLNode, _ key: String) -> Bool {
            node[key]?.scalarType == .bool && node[key]?.scalar?.lowercased() == "true"
        }

        mutating func type(_ node: YAMLNode, name: String, isRoot: Bool = false, depth: Int) -> TypeRef {
            guard node.isMapping, depth < 64 else { return TypeRef(.any) }
            let base = baseType(node, name: name, isRoot: isRoot, depth: depth)
            var constraint = Constraint(base: base)
            if let values = node["enum"], values.isSequence {
                constraint.allowed = values.items.compactMap(\.scalar)
            }
            constraint.minimum = node["minimum"]?.scalar.flatMap(Double.init)
            constraint.maximum = node["maximum"]?.scalar.flatMap(Double.init)
            if let pattern = node["pattern"]?.string {
                constraint.pattern = pattern
                constraint.regex = PatternMatch.compile(pattern)
            }
            guard
                constraint.allowed != nil || constraint.minimum != nil || constraint.maximum != nil
                    || constraint.regex != nil
            else { return base }
            constraints.append(constraint)
            return TypeRef(.constrained, Int32(constraints.count - 1))
        }

        private mutating func baseType(_ node: YAMLNode, name: String, isRoot: Bool, depth: Int) -> TypeRef {
            if Self.flag(node, "x-kubernetes-int-or-string") { return TypeRef(.intOrString) }
            let preserve = Self.flag(node, "x-kubernetes-preserve-unknown-fields")
            let properties = node["properties"]
            switch node["type"]?.string {
            // `format: byte` is validated as base64 (kube-openapi's strfmt registry), like built-in byte fields.
            case "string": return TypeRef(node["format"]?.string == "byte" ? .bytes : .string)
            case "integer": return TypeRef(.integer)
            case "number": return TypeRef(.number)
            case "boolean": return TypeRef(.boolean)
            case "array":
                let item = node["items"].map { type($0, name: name, depth: depth + 1) } ?? TypeRef(.any)
                elements.append(item)
                return TypeRef(.list, Int32(elements.count - 1))
            case "object", nil:
                let additional = node["additionalProperties"]
                if let properties, properties.isMapping, properties.childCount > 0 || isRoot {
                    return object(
                        node, properties: properties, name: name, preserve: preserve, isRoot: isRoot, depth: depth)
                }
                if isRoot {
                    return object(node, properties: nil, name: name, preserve: true, isRoot: true, depth: depth)
                }
                if let additional, additional.isMapping {
                    let value = type(additional, name: name, depth: depth + 1)
                    elements.append(value)
                    return TypeRef(.map, Int32(elements.count - 1))
                }
                // No fields declared: the API server prunes what it does not know; unproven here, so open.
                return TypeRef(node["type"] == nil ? .any : .mapping)
            default:
                return TypeRef(.any)
            }
        }

        private mutating func object(
            _ node: YAMLNode, properties: YAMLNode?, name: String, preserve: Bool, isRoot: Bool, depth: Int
        ) -> TypeRef {
            let required = Set((node["required"]?.items ?? []).compactMap(\.string))
            var own: [Field] = []
            properties?.forEachPair { key, value in
                guard let field = key.string else { return }
                let fieldType = type(value, name: name + "." + field, depth: depth + 1)
                // The API server applies a structural schema's defaults before it validates, so a
                // required field with a `default` is never missing.
                let defaulted = value["default"] != nil
                own.append(
                    Field(
                        name: field, hash: fieldHash(field), type: fieldType,
                        required: required.contains(field) && !defaulted, check: 0))
            }
            if isRoot {
                // Every object has these, whatever its schema lists (metadata is always ObjectMeta).
                for implicit in ["apiVersion", "kind", "metadata"] where !own.contains(where: { $0.name == implicit }) {
                    own.append(
                        Field(name: implicit, hash: fieldHash(implicit), type: TypeRef(.any), required: false, check: 0)
                    )
                }
            }
            var additional: TypeRef?
            var open = preserve
            if let extra = node["additionalProperties"] {
                if extra.isMapping {
                    additional = type(extra, name: name, depth: depth + 1)
                } else if extra.scalar?.lowercased() == "true" {
                    open = true
                }
            }
            let start = fields.count
            fields.append(contentsOf: own)
            objectNames.append(name)
            objects.append(
                ObjectType(
                    fields: start..<fields.count,
                    requiredCount: own.reduce(0) { $0 + ($1.required ? 1 : 0) }, additional: additional,
                    preservesUnknown: open))
            return TypeRef(.object, Int32(objects.count - 1))
        }
    }
}
