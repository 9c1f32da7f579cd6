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
// Types: s string, i integer, I int32, b boolean, n number, q quantity,
// x int-or-string, * anything, O any mapping, #N definition N, [T list of T,
// {T map of T, o object (its fields follow). Descriptions are dropped;
// a definition that does not change between releases is stored once.

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
    case "string": return "s"
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

        """
    try c.write(toFile: outputPath, atomically: true, encoding: .utf8)
    print(
        "kube-schema-gen: \(found.count) releases, \(names.count) definitions, \(variants.values.reduce(0) { $0 + $1.count }) variants, \(bytes) bytes → \(outputPath)"
    )
} catch {
    FileHandle.standardError.write(Data("kube-schema-gen: \(error)\n".utf8))
    exit(1)
}
