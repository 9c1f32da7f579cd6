import KubeDiagnostics
import KubeYAML

/// One Kubernetes object as written: its root mapping plus the identity
/// fields every rule needs. Typed views (`Workload`, `Service`, …) read
/// from `root` and keep node positions.
///
/// An immutable class, not a struct: every view and many findings hold the object, and the rules
/// copy views on every thread; a copy is then one reference count, not one per field.
public final class ManifestObject: Sendable {
    public let file: String
    public let documentIndex: Int
    public let root: YAMLNode
    public let apiVersion: String
    public let kind: String
    public let name: String
    public let namespace: String
    /// Group part of apiVersion (`apps` for `apps/v1`, `` for `v1`); cut once, as nearly every view
    /// and rule asks.
    public let apiGroup: String

    public init(
        file: String, documentIndex: Int, root: YAMLNode, apiVersion: String, kind: String, name: String,
        namespace: String
    ) {
        self.file = file
        self.documentIndex = documentIndex
        self.root = root
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        apiGroup = Self.group(of: apiVersion)
    }

    private static func group(of apiVersion: String) -> String {
        // An ASCII `/` never joins a neighbour into one Character, so in ASCII text the byte search
        // finds what the Character search would.
        if apiVersion.utf8.allSatisfy({ $0 < 0x80 }) {
            guard let slash = apiVersion.utf8.firstIndex(of: UInt8(ascii: "/")) else { return "" }
            return String(apiVersion[..<slash])
        }
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

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
}

/// One `key: value` of a label map (or a Service selector), with its nodes.
public struct LabelEntry: Sendable {
    public var key: String
    public var value: String
    public var keyNode: YAMLNode
    public var valueNode: YAMLNode

    static func entries(of node: YAMLNode?) -> [LabelEntry] {
        guard let node else { return [] }
        // Exact capacity: every workload and Service keeps a few of these.
        var entries: [LabelEntry] = []
        entries.reserveCapacity(node.childCount)
        node.forEachPair { keyNode, valueNode in
            guard let key = keyNode.scalar, let value = valueNode.scalar else { return }
            // A null is at most 4 bytes (`null`, `~`, empty) or tagged `!!null`: only those need the
            // scalar's type resolved.
            let isNull = (value.utf8.count <= 4 || valueNode.tag != nil) && valueNode.isNull
            entries.append(LabelEntry(key: key, value: isNull ? "" : value, keyNode: keyNode, valueNode: valueNode))
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
