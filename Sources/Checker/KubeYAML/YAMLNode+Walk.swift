import KubeDiagnostics

/// Allocation-free traversal for validators that visit every node once
/// (KubeSchema): children without building arrays, scalar bytes without
/// building `String`s.
extension YAMLNode {
    /// Calls `body` with each key and value of a mapping, in order.
    @inline(__always)
    public func forEachPair(_ body: (_ key: YAMLNode, _ value: YAMLNode) -> Void) {
        guard table.kind(index) == .mapping else { return }
        let table = table
        table.forEachPair(index) { key, value in
            body(YAMLNode(table: table, index: key), YAMLNode(table: table, index: value))
            return true
        }
    }

    /// Calls `body` with each item of a sequence, in order.
    @inline(__always)
    public func forEachItem(_ body: (YAMLNode) -> Void) {
        guard table.kind(index) == .sequence else { return }
        let first = table.firstChild(index)
        for position in first..<first + table.count(index) {
            body(YAMLNode(table: table, index: table.children[position]))
        }
    }

    /// Each item of a sequence through `transform`, in an array allocated once at its final size
    /// (`items.map` builds a `[YAMLNode]` first, and views read many small lists); empty for a
    /// mapping or a scalar.
    @inline(__always)
    public func mapItems<T>(_ transform: (YAMLNode) -> T) -> [T] {
        guard table.kind(index) == .sequence else { return [] }
        var result: [T] = []
        result.reserveCapacity(table.count(index))
        forEachItem { result.append(transform($0)) }
        return result
    }

    /// Number of items of a sequence or pairs of a mapping; 0 for a scalar.
    public var childCount: Int {
        switch table.kind(index) {
        case .scalar: 0
        case .sequence, .mapping: table.count(index)
        }
    }

    /// Calls `body` with the UTF-8 bytes of a scalar; nil for a collection.
    @inline(__always)
    public func withScalarBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard table.kind(index) == .scalar else { return nil }
        return table.withText(index, body)
    }
}

extension YAMLNode {
    /// FNV-1a (64-bit) of a scalar's UTF-8 bytes, computed in place; nil for a
    /// collection. Lets a validator match keys against known names without a `String`.
    public var scalarFNV1a: UInt64? {
        guard table.kind(index) == .scalar else { return nil }
        return table.withText(index) { FNV1a.hash($0) }
    }

    /// Whether a scalar's text is `text` (byte-equal; `String` equality only when either is not ASCII).
    public func scalarEquals(_ text: String) -> Bool {
        table.kind(index) == .scalar && table.scalar(index, equals: text)
    }
}
