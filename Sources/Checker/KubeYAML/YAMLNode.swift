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
/// just after it: an index into its stream's `YAMLTable` (16 bytes, no
/// allocation). Values are plain data: copying a node never loses positions.
/// Nodes come only from loading YAML text (tests load text too), so every
/// accessor reads the table: one representation, one scalar resolver.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    let table: YAMLTable
    let index: Int32

    init(table: YAMLTable, index: Int32) {
        self.table = table
        self.index = index
    }

    public var content: Content { table.content(index) }
    public var start: Mark { table.start(index) }
    public var end: Mark { table.end(index) }
    /// Explicit tag (`!!str`, `!foo`), resolved to its full form, if any.
    public var tag: String? { table.tag(index) }
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
        table.kind(index) == .scalar
    }

    public var isMapping: Bool {
        table.kind(index) == .mapping
    }

    public var isSequence: Bool {
        table.kind(index) == .sequence
    }

    /// The scalar's text, whatever its type; nil for collections.
    public var scalar: String? {
        table.kind(index) == .scalar ? table.string(index) : nil
    }

    public var style: ScalarStyle? {
        let record = table.records[Int(index)]
        return record.kind == .scalar ? record.style : nil
    }

    public var pairs: [YAMLPair] {
        table.kind(index) == .mapping ? table.pairs(index) : []
    }

    public var items: [YAMLNode] {
        table.kind(index) == .sequence ? table.items(index) : []
    }

    /// Looks up a mapping value by scalar key.
    public subscript(key: String) -> YAMLNode? {
        guard table.kind(index) == .mapping, let found = table.lookup(index, key) else { return nil }
        return YAMLNode(table: table, index: found.value)
    }

    /// The key node for `key`, to point at the key rather than the value.
    public func keyNode(_ key: String) -> YAMLNode? {
        guard table.kind(index) == .mapping, let found = table.lookup(index, key) else { return nil }
        return YAMLNode(table: table, index: found.key)
    }

    /// The resolved type of a scalar (YAML 1.1 core schema, as Kubernetes reads it).
    public var scalarType: ScalarType? {
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

    /// The value as a string only when YAML would read it as one.
    public var string: String? {
        scalarType == .string ? scalar : nil
    }

    /// The value as an integer only when YAML would read it as one.
    public var int: Int? {
        guard scalarType == .int else { return nil }
        return table.resolve(index).integer
    }

    /// Absent, `null`, `~` or empty plain scalar.
    public var isNull: Bool { scalarType == .null }
}

extension YAMLNode {
    /// Calls `body` with the value text of every pair, in order, whose key is
    /// the scalar `key` and whose value is a scalar (a mapping read as a
    /// `[String: String]` keeps the last of them).
    public func forEachScalarValue(forKey key: String, _ body: (String) -> Void) {
        guard table.kind(index) == .mapping else { return }
        table.forEachPair(index) { keyIndex, valueIndex in
            if table.kind(keyIndex) == .scalar, table.kind(valueIndex) == .scalar, table.scalar(keyIndex, equals: key) {
                body(table.string(valueIndex))
            }
            return true
        }
    }
}
