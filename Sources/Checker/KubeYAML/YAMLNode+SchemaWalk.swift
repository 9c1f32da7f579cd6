import KubeDiagnostics

/// One stream's nodes by index, for a walk that visits every node of an object once (the schema
/// walk in KubeSchema): children by position, no closure per collection and no reference count
/// per node (a `YAMLNode` holds its table; an index does not), keys matched by their shared word,
/// a scalar resolved once for its type and integer value. `node(_:)` makes the `YAMLNode` a finding
/// needs. Indexes are valid only in the tree that gave them.
public struct YAMLTree: Sendable {
    public typealias Index = Int32

    public enum Kind: Sendable {
        case scalar, sequence, mapping
    }

    let table: YAMLTable

    /// The tree of `node`'s stream.
    public init(of node: YAMLNode) {
        table = node.table
    }

    /// `node`'s index in its tree.
    public static func index(of node: YAMLNode) -> Index { node.index }

    public func node(_ index: Index) -> YAMLNode {
        YAMLNode(table: table, index: index)
    }

    public func kind(_ index: Index) -> Kind {
        switch table.kind(index) {
        case .scalar: .scalar
        case .sequence: .sequence
        case .mapping: .mapping
        }
    }

    /// Where a mapping's pairs are, read once for a loop over them (`pair(_:_:)`).
    public struct Pairs {
        let list: PairList

        public var count: Int { list.count }
    }

    /// The pairs of a mapping; none for anything else.
    public func pairs(_ mapping: Index) -> Pairs {
        Pairs(
            list: table.kind(mapping) == .mapping
                ? table.pairList(mapping) : PairList(header: 0, entries: 0, implicit: false))
    }

    /// Key and value of pair `position` (`0..<pairs.count`).
    public func pair(_ pairs: Pairs, _ position: Int) -> (key: Index, value: Index) {
        (table.children[pairs.list.keyPosition(position)], pairs.list.value(position) { table.children[$0] })
    }

    /// Items of a sequence; 0 for anything else.
    public func itemCount(_ sequence: Index) -> Int {
        table.kind(sequence) == .sequence ? table.count(sequence) : 0
    }

    /// Item `position` (`0..<itemCount`) of a sequence.
    public func item(_ sequence: Index, _ position: Int) -> Index {
        table.children[table.firstChild(sequence) + position]
    }

    /// The id of a scalar's text in `vocabulary` when the load stored it as that shared word (nil
    /// for other text, a collection, or a tree loaded with another vocabulary). Two scalars with
    /// ids from one vocabulary have the same text exactly when their ids are equal; nil says
    /// nothing about the text (compare it).
    public func sharedWord(_ index: Index, in vocabulary: YAMLVocabulary) -> UInt32? {
        let record = table.records[Int(index)]
        guard record.kind == .scalar, record.payload & SharedText.flag != 0, table.vocabulary === vocabulary.shared
        else { return nil }
        return record.payload
    }

    /// `YAMLNode.scalarFNV1a`.
    public func scalarFNV1a(_ index: Index) -> UInt64? {
        table.kind(index) == .scalar ? table.withText(index) { FNV1a.hash($0) } : nil
    }

    /// `YAMLNode.scalarEquals`.
    public func scalar(_ index: Index, equals text: String) -> Bool {
        table.kind(index) == .scalar && table.scalar(index, equals: text)
    }

    /// `YAMLNode.withScalarBytes`.
    public func withScalarBytes<R>(_ index: Index, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        table.kind(index) == .scalar ? table.withText(index, body) : nil
    }

    /// `YAMLNode.isNull`.
    public func isNull(_ index: Index) -> Bool {
        let record = table.records[Int(index)]
        guard record.kind == .scalar else { return false }
        if record.tag == .none && record.style == .plain {
            // goyaml's null forms are the empty scalar, `~`, `null`, `Null` and `NULL`: a plain scalar
            // starting with any other byte resolves to something else, without resolving it.
            guard let first = table.firstByte(index) else { return true }
            guard first == UInt8(ascii: "~") || first == UInt8(ascii: "n") || first == UInt8(ascii: "N") else {
                return false
            }
        }
        return node(index).isNull
    }

    /// `YAMLNode.scalarType` and, for an integer, `YAMLNode.int`, from one resolution of the text;
    /// nil for a collection.
    public func scalarTypeAndInt(_ index: Index) -> (type: ScalarType, int: Int?)? {
        let record = table.records[Int(index)]
        guard record.kind == .scalar else { return nil }
        if record.tag == .none && record.style == .plain {
            guard ScalarResolver.mayBeTyped(firstByte: table.firstByte(index)) else { return (.string, nil) }
            let resolution = table.resolve(index)
            return (resolution.type, resolution.type == .int ? resolution.integer : nil)
        }
        guard let type = node(index).scalarType else { return nil }
        return (type, type == .int ? table.resolve(index).integer : nil)
    }
}

extension YAMLVocabulary {
    /// The id `YAMLTree.sharedWord(_:in:)` gives scalars whose text is `word`; nil when `word` is not shared.
    public func wordID(_ word: String) -> UInt32? {
        var word = word
        return word.withUTF8 { shared.payload(of: $0, hash: TreeBuilder.hash($0)) }
    }
}
