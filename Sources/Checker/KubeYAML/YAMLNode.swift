/// A position in a YAML input: 1-based line and column (columns count
/// Unicode scalars, as libyaml's marks do).
public struct Mark: Hashable, Sendable, Comparable {
    public var line: Int32
    public var column: Int32

    public init(line: Int32, column: Int32) {
        self.line = line
        self.column = column
    }

    public static func < (a: Mark, b: Mark) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

public enum ScalarStyle: UInt8, Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded

    public var isQuoted: Bool { self != .plain }
}

/// What a scalar means under YAML 1.1 resolution, the one Kubernetes applies
/// (sigs.k8s.io/yaml): plain `yes`, `on`, `4000` are not strings.
public enum ScalarType: Sendable, Equatable {
    case string, int, float, bool, null
}

/// One YAML node with the marks of its first character and of the position
/// just after it. Values are plain data: copying a node never loses positions.
///
/// A loaded node is an index into its stream's `YAMLTable` (16 bytes, no
/// allocation); a node built with `init` or changed through a setter keeps
/// its own content.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    enum Backing: Sendable {
        case table(YAMLTable, Int32)
        case owned(OwnedNode)
    }

    var backing: Backing

    public init(_ content: Content, start: Mark, end: Mark, tag: String? = nil) {
        backing = .owned(OwnedNode(content: content, start: start, end: end, tag: tag))
    }

    init(table: YAMLTable, index: Int32) {
        backing = .table(table, index)
    }

    public var content: Content {
        get {
            switch backing {
            case .owned(let node): node.content
            case .table(let table, let index): table.content(index)
            }
        }
        set { backing = .owned(OwnedNode(content: newValue, start: start, end: end, tag: tag)) }
    }

    public var start: Mark {
        get {
            switch backing {
            case .owned(let node): node.start
            case .table(let table, let index): table.start(index)
            }
        }
        set { backing = .owned(OwnedNode(content: content, start: newValue, end: end, tag: tag)) }
    }

    public var end: Mark {
        get {
            switch backing {
            case .owned(let node): node.end
            case .table(let table, let index): table.end(index)
            }
        }
        set { backing = .owned(OwnedNode(content: content, start: start, end: newValue, tag: tag)) }
    }

    /// Explicit tag (`!!str`, `!foo`), resolved to its full form, if any.
    public var tag: String? {
        get {
            switch backing {
            case .owned(let node): node.tag
            case .table(let table, let index): table.tag(index)
            }
        }
        set { backing = .owned(OwnedNode(content: content, start: start, end: end, tag: newValue)) }
    }
}

/// A node that is not (or no longer) a plain index into a table.
final class OwnedNode: Sendable {
    let content: YAMLNode.Content
    let start: Mark
    let end: Mark
    let tag: String?

    init(content: YAMLNode.Content, start: Mark, end: Mark, tag: String?) {
        self.content = content
        self.start = start
        self.end = end
        self.tag = tag
    }
}

public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

extension YAMLNode {
    public var isScalar: Bool {
        if case .table(let table, let index) = backing { return table.kind(index) == .scalar }
        if case .scalar = content { return true }
        return false
    }

    public var isMapping: Bool {
        if case .table(let table, let index) = backing { return table.kind(index) == .mapping }
        if case .mapping = content { return true }
        return false
    }

    public var isSequence: Bool {
        if case .table(let table, let index) = backing { return table.kind(index) == .sequence }
        if case .sequence = content { return true }
        return false
    }

    /// The scalar's text, whatever its type; nil for collections.
    public var scalar: String? {
        if case .table(let table, let index) = backing {
            return table.kind(index) == .scalar ? table.string(index) : nil
        }
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var style: ScalarStyle? {
        if case .table(let table, let index) = backing {
            let record = table.records[Int(index)]
            return record.kind == .scalar ? record.style : nil
        }
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    public var pairs: [YAMLPair] {
        if case .table(let table, let index) = backing {
            return table.kind(index) == .mapping ? table.pairs(index) : []
        }
        if case .mapping(let pairs) = content { return pairs }
        return []
    }

    public var items: [YAMLNode] {
        if case .table(let table, let index) = backing {
            return table.kind(index) == .sequence ? table.items(index) : []
        }
        if case .sequence(let items) = content { return items }
        return []
    }

    /// Looks up a mapping value by scalar key.
    public subscript(key: String) -> YAMLNode? {
        if case .table(let table, let index) = backing {
            guard table.kind(index) == .mapping, let found = table.lookup(index, key) else { return nil }
            return YAMLNode(table: table, index: found.value)
        }
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar.map({ $0.utf8.elementsEqual(key.utf8) }) == true { return pair.value }
        return nil
    }

    /// The key node for `key`, to point at the key rather than the value.
    public func keyNode(_ key: String) -> YAMLNode? {
        if case .table(let table, let index) = backing {
            guard table.kind(index) == .mapping, let found = table.lookup(index, key) else { return nil }
            return YAMLNode(table: table, index: found.key)
        }
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar.map({ $0.utf8.elementsEqual(key.utf8) }) == true { return pair.key }
        return nil
    }

    /// The resolved type of a scalar (YAML 1.1 core schema, as Kubernetes reads it).
    public var scalarType: ScalarType? {
        if case .table(let table, let index) = backing {
            let record = table.records[Int(index)]
            guard record.kind == .scalar else { return nil }
            switch record.tag {
            case .none: break
            case .other, .merge: return .string
            case let code: return code.scalarType ?? .string
            }
            if record.style != .plain { return .string }
            guard ScalarResolver.mayBeTyped(firstByte: table.firstByte(index)) else { return .string }
            return table.resolve(index).type
        }
        guard case .scalar(let text, let style) = content else { return nil }
        if let tag { return ScalarResolver.type(forTag: tag) ?? .string }
        if style != .plain { return .string }
        return ScalarResolver.resolvePlain(text)
    }

    /// The value as a string only when YAML would read it as one.
    public var string: String? {
        scalarType == .string ? scalar : nil
    }

    /// The value as an integer only when YAML would read it as one.
    public var int: Int? {
        guard scalarType == .int else { return nil }
        if case .table(let table, let index) = backing { return table.resolve(index).integer }
        guard let text = scalar else { return nil }
        return ScalarResolver.resolve(text).integer
    }

    /// Absent, `null`, `~` or empty plain scalar.
    public var isNull: Bool { scalarType == .null }
}

extension YAMLNode {
    /// Calls `body` with the value text of every pair, in order, whose key is
    /// the scalar `key` and whose value is a scalar (a mapping read as a
    /// `[String: String]` keeps the last of them).
    public func forEachScalarValue(forKey key: String, _ body: (String) -> Void) {
        if case .table(let table, let index) = backing {
            guard table.kind(index) == .mapping else { return }
            table.forEachPair(index) { keyIndex, valueIndex in
                if table.kind(keyIndex) == .scalar, table.kind(valueIndex) == .scalar,
                    table.scalar(keyIndex, equals: key)
                {
                    body(table.string(valueIndex))
                }
                return true
            }
            return
        }
        for pair in pairs {
            if pair.key.scalar.map({ $0.utf8.elementsEqual(key.utf8) }) == true, let value = pair.value.scalar {
                body(value)
            }
        }
    }
}
