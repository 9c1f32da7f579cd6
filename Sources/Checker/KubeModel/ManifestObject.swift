import KubeDiagnostics
import KubeYAML

/// One Kubernetes object as written: its root mapping plus the identity
/// fields every rule needs. Typed views (`Workload`, `Service`, …) read
/// from `root` and keep node positions.
public struct ManifestObject: Sendable {
    public var file: String
    public var documentIndex: Int
    public var root: YAMLNode
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var namespace: String

    public var reference: ObjectReference { ObjectReference(kind: kind, namespace: namespace, name: name) }

    /// The name for messages: `(unnamed)` when `metadata.name` is missing or empty.
    /// The name for messages, through `UserText` (an invalid name may be a megabyte long, or hold
    /// control characters).
    public var displayName: String { name.isEmpty ? "(unnamed)" : UserText.shown(name) }

    /// `Deployment posts-depl`, or `Deployment (unnamed)`, for messages.
    public var title: String { "\(kind) \(displayName)" }

    public var metadata: YAMLNode? { root["metadata"] }

    /// A Helm hook (`helm.sh/hook`: a test pod, a pre-install Job): it runs around a release and is
    /// gone in steady state, so it is checked as an object but no Service routes to its pods.
    public var isTransient: Bool { annotation("helm.sh/hook") != nil }
    public var spec: YAMLNode? { root["spec"] }

    /// Where the object starts (its first key), for findings about the whole object.
    public var startSpan: SourceSpan {
        span(root.keyNode("kind") ?? root)
    }

    /// The `metadata.name` value, or the object start when it has none.
    public var nameSpan: SourceSpan {
        if let node = metadata?["name"] { return span(node) }
        return startSpan
    }

    public func span(_ node: YAMLNode) -> SourceSpan {
        // A block collection ends where the next token starts, often lines later: underline its
        // first line's entry (the list item, the `key: value`), not the whole block.
        if !node.isScalar {
            if node.end.line == node.start.line && node.end.column > node.start.column {
                // A flow collection on one line.
                return SourceSpan(
                    file: file, line: Int(node.start.line), column: Int(node.start.column),
                    endColumn: Int(node.end.column))
            }
            let end = Self.firstLineEnd(of: node, line: node.start.line) ?? node.start.column + 1
            return SourceSpan(
                file: file, line: Int(node.start.line), column: Int(node.start.column),
                endColumn: Int(max(end, node.start.column + 1)))
        }
        return SourceSpan(
            file: file, line: Int(node.start.line), column: Int(node.start.column),
            endLine: Int(node.end.line), endColumn: Int(node.end.column))
    }

    /// The column just after what `node` writes on `line` up to its first entry's end: a scalar on
    /// the line, a one-line flow collection, a mapping's first `key: value` (or its key when the
    /// value starts below), a sequence's first item. Nil when nothing of it is on the line.
    private static func firstLineEnd(of node: YAMLNode, line: Int32) -> Int32? {
        guard node.start.line == line else { return nil }
        if node.isScalar || (node.end.line == line && node.end.column > node.start.column) {
            return node.end.line == line ? node.end.column : nil
        }
        if node.isMapping, let first = node.pairs.first {
            guard let keyEnd = firstLineEnd(of: first.key, line: line) else { return nil }
            return firstLineEnd(of: first.value, line: line) ?? keyEnd
        }
        if node.isSequence, let first = node.items.first {
            return firstLineEnd(of: first, line: line)
        }
        return nil
    }

    /// A span covering `key: value` of a mapping entry, pointing at the value
    /// when present (the part a fix replaces).
    public func span(key: YAMLNode, value: YAMLNode) -> SourceSpan {
        SourceSpan(
            file: file, line: Int(key.start.line), column: Int(key.start.column), endLine: Int(value.end.line),
            endColumn: Int(value.end.column))
    }

    /// String annotations (`metadata.annotations`), ignoring non-string values.
    public var annotations: [String: String] {
        var result: [String: String] = [:]
        for pair in metadata?["annotations"]?.pairs ?? [] {
            if let key = pair.key.scalar, let value = pair.value.scalar { result[key] = value }
        }
        return result
    }

    /// `annotations[key]` without building the dictionary: the last entry
    /// with that key and a scalar value.
    public func annotation(_ key: String) -> String? {
        guard let map = metadata?["annotations"] else { return nil }
        var found: String?
        map.forEachScalarValue(forKey: key) { found = $0 }
        return found
    }

    public var labels: [LabelEntry] { LabelEntry.entries(of: metadata?["labels"]) }

    /// Group part of apiVersion (`apps` for `apps/v1`, `` for `v1`).
    public var apiGroup: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }
}

/// One `key: value` of a label map (or a Service selector), with its nodes.
public struct LabelEntry: Sendable {
    public var key: String
    public var value: String
    public var keyNode: YAMLNode
    public var valueNode: YAMLNode

    static func entries(of node: YAMLNode?) -> [LabelEntry] {
        guard let node else { return [] }
        let pairs = node.pairs
        // Exact capacity: every workload and Service keeps a few of these.
        var entries: [LabelEntry] = []
        entries.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let key = pair.key.scalar, let value = pair.value.scalar else { continue }
            entries.append(
                LabelEntry(key: key, value: pair.value.isNull ? "" : value, keyNode: pair.key, valueNode: pair.value))
        }
        return entries
    }
}

extension Array where Element == LabelEntry {
    public var dictionary: [String: String] {
        var result: [String: String] = [:]
        for entry in self { result[entry.key] = entry.value }
        return result
    }

    /// `app=posts,tier=web`, sorted, for messages.
    public var rendered: String {
        map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
    }
}

/// A port named by number or by IANA service name (targetPort, probe port,
/// Ingress backend port).
public enum PortReference: Hashable, Sendable, CustomStringConvertible {
    case number(Int)
    case name(String)

    public var description: String {
        switch self {
        case .number(let number): String(number)
        case .name(let name): name
        }
    }

    /// Reads an int-or-string field: a plain integer is a number, anything
    /// else (including a quoted "3000") is a name, as the API server reads it.
    public init?(node: YAMLNode) {
        if let number = node.portNumber {
            self = .number(number)
        } else if node.scalarType == .int {
            return nil  // beyond a 32-bit port field: the API server rejects the object
        } else if let text = node.string, !text.isEmpty {
            self = .name(text)
        } else {
            return nil
        }
    }
}
