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
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var start: Mark
    public var end: Mark
    /// Explicit tag (`!!str`, `!foo`), resolved to its full form, if any.
    public var tag: String?

    public init(_ content: Content, start: Mark, end: Mark, tag: String? = nil) {
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
        if case .scalar = content { return true }
        return false
    }

    public var isMapping: Bool {
        if case .mapping = content { return true }
        return false
    }

    public var isSequence: Bool {
        if case .sequence = content { return true }
        return false
    }

    /// The scalar's text, whatever its type; nil for collections.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var style: ScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    public var pairs: [YAMLPair] {
        if case .mapping(let pairs) = content { return pairs }
        return []
    }

    public var items: [YAMLNode] {
        if case .sequence(let items) = content { return items }
        return []
    }

    /// Looks up a mapping value by scalar key.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar == key { return pair.value }
        return nil
    }

    /// The key node for `key`, to point at the key rather than the value.
    public func keyNode(_ key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs where pair.key.scalar == key { return pair.key }
        return nil
    }

    /// The resolved type of a scalar (YAML 1.1 core schema, as Kubernetes reads it).
    public var scalarType: ScalarType? {
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
        guard scalarType == .int, let text = scalar else { return nil }
        return ScalarResolver.parseInt(text)
    }

    /// Absent, `null`, `~` or empty plain scalar.
    public var isNull: Bool { scalarType == .null }
}
