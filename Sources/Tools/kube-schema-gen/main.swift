// kube-schema-gen: compiles `<dir>/v1.XX/definitions.json` (JSON Schema of
// each Kubernetes release's built-in API) into the compact text kubewire
// embeds, written as one C string literal:
//
//   kube-schema-gen <schemas-dir> <output.c>
//
// The format (read by KubeSchema's `SchemaDecoder`), one item a line:
//
//   R <first-minor> <last-minor>    releases covered; bit i of a mask is release first+i
//   D <definition name>             next definition (numbered from 0 in order)
//   K <apiVersion> <kind>           the definition is this top-level kind
//   = <mask hex> <type>             a variant of the definition for the releases in mask
//    <field>[!] <type>              a field of that (object) variant; `!`: required
//
// Types: s string, B base64 bytes (format: byte), i integer, I int32, b boolean, n number, q quantity,
// x int-or-string, * anything, O any mapping, #N definition N, [T list of T,
// {T map of T, o object (its fields follow). Descriptions are dropped;
// a definition that does not change between releases is stored once.
//
// The same file holds a second string, the API's vocabulary (one word a
// line): every field name, kind and apiVersion of any release, and the
// curated words below. KubeYAML keeps one copy of each for the whole run
// (its shared scalar text), so a manifest's keys cost no text of their own.

import Foundation

struct GeneratorError: Error, CustomStringConvertible {
    var description: String
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: kube-schema-gen <schemas-dir> <output.c>\n".utf8))
    exit(2)
}
let root = arguments[1]
let outputPath = arguments[2]

/// Definitions whose JSON Schema is a `oneOf` or empty: what they mean to the API server.
let specialTypes: [String: String] = [
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "q",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "x",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "*",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "*",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "*",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "*",
]

func releases() throws -> [(minor: Int, path: String)] {
    let entries = try FileManager.default.contentsOfDirectory(atPath: root)
    var found: [(Int, String)] = []
    for entry in entries where entry.hasPrefix("v1.") {
        guard let minor = Int(entry.dropFirst(3)) else { continue }
        let path = root + "/" + entry + "/definitions.json"
        if FileManager.default.fileExists(atPath: path) { found.append((minor, path)) }
    }
    found.sort { $0.0 < $1.0 }
    guard let first = found.first, let last = found.last, last.0 - first.0 + 1 == found.count else {
        throw GeneratorError(description: "\(root): expected v1.N … v1.M with no gap, found \(found.map(\.0))")
    }
    return found
}

func definitions(_ path: String) throws -> [String: [String: Any]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let defs = document["$defs"] as? [String: [String: Any]]
    else { throw GeneratorError(description: "\(path): no $defs object") }
    return defs
}

func typeNames(_ schema: [String: Any]) -> [String] {
    if let name = schema["type"] as? String { return [name] }
    if let names = schema["type"] as? [String] { return names.filter { $0 != "null" } }
    return []
}

func refName(_ schema: [String: Any]) -> String? {
    guard let ref = schema["$ref"] as? String, let hash = ref.range(of: "/$defs/") else { return nil }
    return String(ref[hash.upperBound...])
}

/// A field's type expression; definitions are named (numbered later).
func expression(_ schema: [String: Any]) throws -> String {
    if let name = refName(schema) { return "#" + name }
    switch typeNames(schema).first {
    case "string": return schema["format"] as? String == "byte" ? "B" : "s"
    case "integer": return schema["format"] as? String == "int32" ? "I" : "i"
    case "boolean": return "b"
    case "number": return "n"
    case "array":
        guard let items = schema["items"] as? [String: Any] else { return "[*" }
        return "[" + (try expression(items))
    case "object":
        if schema["properties"] != nil { throw GeneratorError(description: "inline object with properties") }
        if let values = schema["additionalProperties"] as? [String: Any] { return "{" + (try expression(values)) }
        return "O"
    case nil: return "*"
    case let other?: throw GeneratorError(description: "unknown type \(other)")
    }
}

/// The lines of one definition in one release (without the `=` mask).
func variant(_ name: String, _ schema: [String: Any]) throws -> [String] {
    if let special = specialTypes[name] { return [special] }
    guard let properties = schema["properties"] as? [String: [String: Any]] else {
        if schema["oneOf"] != nil { throw GeneratorError(description: "\(name): oneOf without a known meaning") }
        return [try expression(schema)]
    }
    let required = Set(schema["required"] as? [String] ?? [])
    var lines = ["o"]
    for field in properties.keys.sorted() {
        guard let property = properties[field] else { continue }
        guard !field.contains(" ") else { throw GeneratorError(description: "\(name): field with a space") }
        lines.append(" \(field)\(required.contains(field) ? "!" : "") \(try expression(property))")
    }
    return lines
}

func kind(_ schema: [String: Any]) -> (apiVersion: String, kind: String)? {
    guard let gvks = schema["x-kubernetes-group-version-kind"] as? [[String: Any]], gvks.count == 1,
        let group = gvks[0]["group"] as? String, let version = gvks[0]["version"] as? String,
        let kind = gvks[0]["kind"] as? String
    else { return nil }
    return (group.isEmpty ? version : group + "/" + version, kind)
}

/// Words the schema does not name but nearly every manifest writes: the values of the enum fields
/// that pkg/apis/core, apps, batch, networking and autoscaling validation enforces, resource
/// names, and the label and annotation keys of kubernetes.io/docs/reference/labels-annotations-taints,
/// of "Recommended labels" and of Prometheus. Only memory depends on this list, never a finding.
let curatedWords = [
    // protocols, schemes, policies (core/v1 types.go)
    "TCP", "UDP", "SCTP", "HTTP", "HTTPS", "Always", "IfNotPresent", "Never", "OnFailure",
    "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None", "File", "FallbackToLogsOnError",
    "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "Cluster", "Local", "ClientIP",
    "SingleStack", "PreferDualStack", "RequireDualStack", "IPv4", "IPv6", "PreemptLowerPriority",
    "RuntimeDefault", "Localhost", "Unconfined", "OnRootMismatch", "Filesystem", "Block",
    "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod", "Retain", "Delete", "Recycle",
    "Immediate", "WaitForFirstConsumer", "DirectoryOrCreate", "Directory", "FileOrCreate", "Socket",
    // selectors and tolerations
    "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Equal", "NoSchedule", "PreferNoSchedule",
    "NoExecute", "DoNotSchedule", "ScheduleAnyway", "Honor", "Ignore",
    // workloads (apps/v1, batch/v1)
    "RollingUpdate", "Recreate", "OnDelete", "OrderedReady", "Parallel", "Allow", "Forbid", "Replace",
    "NonIndexed", "Indexed", "FailJob", "Count", "FailIndex",
    // networking, autoscaling, RBAC
    "Exact", "Prefix", "ImplementationSpecific", "Ingress", "Egress", "Resource", "Pods", "Object",
    "External", "ContainerResource", "Utilization", "Value", "AverageValue", "Percent", "Max", "Min",
    "Disabled", "User", "Group", "ServiceAccount", "get", "list", "watch", "create", "update", "patch",
    "delete", "deletecollection", "*",
    // resource names and units people write
    "cpu", "memory", "ephemeral-storage", "storage", "pods", "services", "secrets", "configmaps",
    "deployments", "true", "false",
    // well-known label and annotation keys
    "app", "tier", "release", "environment", "version", "component", "k8s-app",
    "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
    "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
    "kubernetes.io/hostname", "kubernetes.io/os", "kubernetes.io/arch", "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region", "kubernetes.io/ingress.class", "ingressclass.kubernetes.io/is-default-class",
    "nginx", "nginx.ingress.kubernetes.io/rewrite-target", "nginx.ingress.kubernetes.io/use-regex",
    "nginx.ingress.kubernetes.io/ssl-redirect", "nginx.ingress.kubernetes.io/backend-protocol",
    "deployment.kubernetes.io/revision", "kubectl.kubernetes.io/last-applied-configuration",
    "kubectl.kubernetes.io/default-container", "rbac.authorization.k8s.io",
    // the Prometheus scrape annotations most charts write
    "prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path",
]

/// Longest word worth sharing: KubeYAML shares scalars of at most 48 bytes.
let longestSharedWord = 48

do {
    let found = try releases()
    let first = found[0].minor
    // name -> (kind, [variant lines -> mask])
    var variants: [String: [(lines: [String], mask: Int)]] = [:]
    var kinds: [String: String] = [:]
    for (offset, release) in found.enumerated() {
        for (name, schema) in try definitions(release.path) {
            let lines = try variant(name, schema)
            if let (apiVersion, kindName) = kind(schema) { kinds[name] = "K \(apiVersion) \(kindName)" }
            var list = variants[name, default: []]
            if let same = list.firstIndex(where: { $0.lines == lines }) {
                list[same].mask |= 1 << offset
            } else {
                list.append((lines, 1 << offset))
            }
            variants[name] = list
        }
    }
    let names = variants.keys.sorted()
    var number: [String: Int] = [:]
    for (index, name) in names.enumerated() { number[name] = index }
    func numbered(_ line: String) throws -> String {
        guard let hash = line.firstIndex(of: "#") else { return line }
        let target = String(line[line.index(after: hash)...])
        guard let index = number[target] else { throw GeneratorError(description: "dangling $ref \(target)") }
        return line[..<hash] + "#\(index)"
    }
    var out = ["R \(first) \(found[found.count - 1].minor)"]
    for name in names {
        out.append("D \(name)")
        if let kindLine = kinds[name] { out.append(kindLine) }
        for (lines, mask) in variants[name] ?? [] {
            out.append("= " + String(mask, radix: 16) + " " + (try numbered(lines[0])))
            for line in lines.dropFirst() { out.append(try numbered(line)) }
        }
    }
    // The vocabulary: field names, kinds and apiVersions of every release, and the curated words.
    var words = Set(curatedWords)
    for line in out {
        if line.hasPrefix("K ") {
            words.formUnion(line.dropFirst(2).split(separator: " ").map(String.init))
        } else if line.hasPrefix(" ") {
            // ` field[!] type`
            if let field = line.dropFirst().split(separator: " ").first {
                words.insert(String(field.hasSuffix("!") ? field.dropLast() : field))
            }
        }
    }
    let vocabulary = words.filter { !$0.isEmpty && $0.utf8.count <= longestSharedWord }.sorted()
    for word in vocabulary where word.contains("\\") || word.contains("\"") || word.contains("\n") {
        throw GeneratorError(description: "word \(word) needs escaping")
    }
    var c = """
        // Generated by kube-schema-gen from \((root as NSString).lastPathComponent)/v1.\(first) … v1.\(found[found.count - 1].minor)/definitions.json; do not edit.
        // Regenerate: make schemas (see README, "Kubernetes API schema").
        #include "kube_api_schema.h"

        static const char text[] =

        """
    var bytes = 0
    for line in out {
        c += "\"\(line)\\n\"\n"
        bytes += line.utf8.count + 1
    }
    c += """
        ;

        const char *kube_api_schema_text(void) { return text; }
        unsigned long kube_api_schema_length(void) { return sizeof text - 1; }

        static const char words[] =

        """
    for word in vocabulary { c += "\"\(word)\\n\"\n" }
    c += """
        ;

        const char *kube_api_words_text(void) { return words; }
        unsigned long kube_api_words_length(void) { return sizeof words - 1; }

        """
    try c.write(toFile: outputPath, atomically: true, encoding: .utf8)
    print(
        "kube-schema-gen: \(found.count) releases, \(names.count) definitions, \(variants.values.reduce(0) { $0 + $1.count }) variants, \(bytes) bytes, \(vocabulary.count) words → \(outputPath)"
    )
} catch {
    FileHandle.standardError.write(Data("kube-schema-gen: \(error)\n".utf8))
    exit(1)
}
