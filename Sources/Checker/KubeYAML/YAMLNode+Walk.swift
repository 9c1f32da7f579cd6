import KubeDiagnostics

/// Allocation-free traversal for validators that visit every node once
/// (KubeSchema): children without building arrays, scalar bytes without
/// building `String`s.
extension YAMLNode {
    /// Calls `body` with each key and value of a mapping, in order.
    @inline(__always)
    public func forEachPair(_ body: (_ key: YAMLNode, _ value: YAMLNode) -> Void) {
        if case .table(let table, let index) = backing {
            guard table.kind(index) == .mapping else { return }
            table.forEachPair(index) { key, value in
                body(YAMLNode(table: table, index: key), YAMLNode(table: table, index: value))
                return true
            }
            return
        }
        for pair in pairs { body(pair.key, pair.value) }
    }

    /// Calls `body` with each item of a sequence, in order.
    @inline(__always)
    public func forEachItem(_ body: (YAMLNode) -> Void) {
        if case .table(let table, let index) = backing {
            guard table.kind(index) == .sequence else { return }
            let first = table.firstChild(index)
            for position in first..<first + table.count(index) {
                body(YAMLNode(table: table, index: table.children[position]))
            }
            return
        }
        for item in items { body(item) }
    }

    /// Number of items of a sequence or pairs of a mapping; 0 for a scalar.
    public var childCount: Int {
        if case .table(let table, let index) = backing {
            switch table.kind(index) {
            case .scalar: return 0
            case .sequence, .mapping: return table.count(index)
            }
        }
        switch content {
        case .scalar: return 0
        case .sequence(let items): return items.count
        case .mapping(let pairs): return pairs.count
        }
    }

    /// Calls `body` with the UTF-8 bytes of a scalar; nil for a collection.
    @inline(__always)
    public func withScalarBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        if case .table(let table, let index) = backing {
            guard table.kind(index) == .scalar else { return nil }
            return table.withText(index, body)
        }
        guard var text = scalar else { return nil }
        return text.withUTF8 { body($0) }
    }
}

extension YAMLNode {
    /// FNV-1a (64-bit) of a scalar's UTF-8 bytes, computed in place; nil for a
    /// collection. Lets a validator match keys against known names without a `String`.
    public var scalarFNV1a: UInt64? {
        if case .table(let table, let index) = backing {
            guard table.kind(index) == .scalar else { return nil }
            return table.withText(index) { FNV1a.hash($0) }
        }
        return scalar.map { FNV1a.hash($0) }
    }

    /// Whether a scalar's text is `text` (byte-equal; `String` equality only when either is not ASCII).
    public func scalarEquals(_ text: String) -> Bool {
        if case .table(let table, let index) = backing {
            return table.kind(index) == .scalar && table.scalar(index, equals: text)
        }
        return scalar == text
    }
}
