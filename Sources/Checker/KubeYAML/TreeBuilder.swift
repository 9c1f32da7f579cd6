import CYAML
import KubeDiagnostics

/// A collection whose end event has not come yet.
struct OpenCollection {
    var isMapping: Bool
    var start: Mark
    var anchor: String?
    var tag: String?
    /// Where its children start in `TreeBuilder.pending`.
    var firstPending: Int
    var nodeCount = 1
    /// Collection levels of its deepest child so far, aliases expanded (a scalar adds none).
    var childHeight = 0
}

/// The second stage of a load: libyaml events, fed one at a time by `EventReader`, become the flat
/// node table of a `YAMLTable` (records, child lists, scalar text), with anchors, aliases and the
/// depth and alias limits. Mappings are finished in TreeBuilder+Mappings.swift.
struct TreeBuilder {
    let file: String
    let limits: YAMLLimits
    /// Words whose scalars point at one copy for the run instead of this stream's `text`.
    let shared: SharedText
    /// `shared`'s bytes, which live as long as `shared` (this builder and its table hold it).
    let sharedBytes: UnsafeBufferPointer<UInt8>
    var problems: [Diagnostic] = []

    // The table under construction.
    var records: [NodeRecord] = []
    var children: [Int32] = []
    var text: [UInt8] = []
    var otherTags: [Int32: String] = [:]
    var wideMarks: [Int32: WideMarks] = [:]
    var asciiOnly = true
    /// Payloads + 1 of short scalars, direct-mapped by a hash of their bytes:
    /// a repeated key or value (`name`, `TCP`) is mostly stored once per
    /// stream, and looked up in `shared` once. 0: empty slot.
    var shortTexts = [UInt32](repeating: 0, count: 512)

    var stack: [OpenCollection] = []
    /// The pairs and the keys seen so far of the mapping being finished (kept to reuse their storage).
    var pairScratch: [(key: Int32, value: Int32)] = []
    var seenScratch: [Int32] = []
    /// Children of the open collections, innermost last.
    var pending: [Int32] = []
    /// Each anchor's node, how many nodes it holds and how many levels deep it reaches (aliases
    /// expanded), so an alias counts against both the alias and the depth limits.
    var anchors: [String: (node: Int32, count: Int, height: Int)] = [:]
    var aliasedNodes = 0
    var root: Int32?
    var roots: [(node: Int32, index: Int)] = []
    var documentIndex = 0
    var failed = false
    /// Double-quoted scalars read with goyaml v2's `\'` fed to libyaml as `\"` (see `GoEscapes`).
    var quoteMends: [Int: Set<Int>] = [:]
    /// Whether the input's bytes may hold `{{`: false only when `EventReader` fed libyaml every
    /// byte, to the end of the stream, and saw none.
    var mayHoldDoubleBrace = true

    init(file: String, limits: YAMLLimits, vocabulary: YAMLVocabulary, inputBytes: Int) {
        self.file = file
        self.limits = limits
        self.shared = vocabulary.shared
        self.sharedBytes = vocabulary.shared.text.bytes
        // About one node per 12 input bytes in typical manifests, and one child entry per 14.
        records.reserveCapacity(min(inputBytes / 12 + 16, 1 << 20))
        text.reserveCapacity(min(inputBytes / 2 + 16, 1 << 24))
        children.reserveCapacity(min(inputBytes / 14 + 16, 1 << 20))
    }

    /// Freezes the table and hands out the documents.
    mutating func finish() -> YAMLLoadResult {
        defer { roots = [] }
        guard !roots.isEmpty else {
            return YAMLLoadResult(file: file, documents: [], problems: problems, mayHoldDoubleBrace: mayHoldDoubleBrace)
        }
        let table = YAMLTable(
            records: Self.compact(records), children: ChildIndices(children), text: Self.compact(text),
            otherTags: otherTags, wideMarks: wideMarks, asciiOnly: asciiOnly, shared: shared)
        records = []
        children = []
        text = []
        let documents = roots.map { YAMLDocument(root: YAMLNode(table: table, index: $0.node), index: $0.index) }
        return YAMLLoadResult(
            file: file, documents: documents, problems: problems, mayHoldDoubleBrace: mayHoldDoubleBrace)
    }

    /// A copy without spare capacity when the spare part is large.
    private static func compact<T>(_ array: [T]) -> [T] {
        guard array.capacity - array.count > array.count / 32 + 16 else { return array }
        return array.withUnsafeBufferPointer { Array($0) }
    }

    mutating func handle(_ event: inout yaml_event_t) {
        let start = Mark(
            line: Int32(truncatingIfNeeded: event.start_mark.line) &+ 1,
            column: Int32(truncatingIfNeeded: event.start_mark.column) &+ 1)
        let end = Mark(
            line: Int32(truncatingIfNeeded: event.end_mark.line) &+ 1,
            column: Int32(truncatingIfNeeded: event.end_mark.column) &+ 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            stack.removeAll(keepingCapacity: true)
            pending.removeAll(keepingCapacity: true)
            anchors.removeAll(keepingCapacity: true)
            aliasedNodes = 0
            root = nil
        case YAML_DOCUMENT_END_EVENT:
            if let root { roots.append((root, documentIndex)) }
            documentIndex += 1
            root = nil
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let style: ScalarStyle =
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            let tag = Self.optionalString(scalar.tag)
            if style == .doubleQuoted, !quoteMends.isEmpty, let ordinals = quoteMends[Int(event.end_mark.index)],
                let value = scalar.value
            {
                // Back to `'` the `"` characters that were goyaml's `\'` escapes.
                var quotes = 0
                for index in 0..<Int(scalar.length) where value[index] == UInt8(ascii: "\"") {
                    if ordinals.contains(quotes) { value[index] = UInt8(ascii: "'") }
                    quotes += 1
                }
            }
            guard let offset = appendText(scalar.value, Int(scalar.length)) else { return }
            let bytes = UnsafeBufferPointer(
                start: scalar.length > 0 ? scalar.value : nil, count: scalar.value == nil ? 0 : Int(scalar.length))
            // A non-specific "!" tag forces a string.
            guard
                let node = append(
                    kind: .scalar, style: style, tag: tag == "!" ? "tag:yaml.org,2002:str" : tag, payload: offset,
                    start: start, end: end,
                    endIsDerived: NodeRecord.scalarEnd(start: start, style: style, bytes: bytes) == end)
            else { return }
            attach(node, count: 1, height: 0, anchor: Self.optionalString(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            open(
                OpenCollection(
                    isMapping: false, start: start, anchor: Self.optionalString(data.anchor),
                    tag: Self.optionalString(data.tag), firstPending: pending.count))
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            open(
                OpenCollection(
                    isMapping: true, start: start, anchor: Self.optionalString(data.anchor),
                    tag: Self.optionalString(data.tag), firstPending: pending.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let collection = stack.popLast() else { return }
            let offset = children.count
            guard offset < Int(UInt32.max) - pending.count else {
                fail(at: collection.start, rule: InputProblem.limit, "too many nodes in one stream")
                return
            }
            let packedEnd = NodeRecord.packedEnd(start: collection.start, end: end)
            var implicitValues = false
            if collection.isMapping {
                implicitValues = finishMapping(from: collection.firstPending, packedEnd: packedEnd ?? 0)
            } else {
                children.append(Int32(truncatingIfNeeded: pending.count - collection.firstPending))
                children.append(packedEnd ?? 0)
                children.append(contentsOf: pending[collection.firstPending...])
            }
            pending.removeSubrange(collection.firstPending...)
            guard
                let node = append(
                    kind: collection.isMapping ? .mapping : .sequence, style: .plain, tag: collection.tag,
                    payload: UInt32(offset), start: collection.start, end: end, endIsDerived: packedEnd != nil,
                    implicitValues: implicitValues)
            else { return }
            attach(node, count: collection.nodeCount, height: collection.childHeight + 1, anchor: collection.anchor)
        case YAML_ALIAS_EVENT:
            let name = Self.optionalString(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                fail(at: start, rule: InputProblem.yamlSyntax, "alias *\(name) refers to no anchor defined before it")
                return
            }
            aliasedNodes += target.count
            if aliasedNodes > limits.maxAliasedNodes {
                fail(
                    at: start, rule: InputProblem.limit,
                    "aliases expand to more than \(limits.maxAliasedNodes) nodes in this document (billion-laughs guard)"
                )
                return
            }
            // Every walk over the tree (schema validation, rules) recurses through aliases, so the
            // depth an alias reaches counts against the nesting limit, not just the syntax's.
            guard stack.count + target.height <= limits.maxDepth else {
                fail(
                    at: start, rule: InputProblem.limit,
                    "nesting deeper than \(limits.maxDepth) levels through alias *\(UserText.shown(name))")
                return
            }
            guard let node = nextNode(at: start) else { return }
            // The same node, pointing at the alias, not at the anchor, for findings on this use.
            // Its marks are the alias's, so they always go to `wideMarks`.
            let anchored = records[Int(target.node)]
            let record = NodeRecord(
                kind: anchored.kind, style: anchored.style, tag: anchored.tag, payload: anchored.payload, start: start,
                wide: true, implicitValues: anchored.hasImplicitValues)
            records.append(record)
            wideMarks[node] = WideMarks(start: start, end: end)
            if record.tag == .other { otherTags[node] = otherTags[target.node] }
            attach(node, count: target.count, height: target.height, anchor: nil)
        default:
            break
        }
    }

    /// A scalar's payload: its bytes appended with their length, or where an earlier scalar or the
    /// shared vocabulary already holds them. Nil (and a failure) past 2 GiB of text.
    private mutating func appendText(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> UInt32? {
        let offset = text.count
        // Payloads with `SharedText.flag` point into the shared vocabulary.
        guard offset + length + 10 < Int(SharedText.flag) else {
            fail(at: Mark(line: 1, column: 1), rule: InputProblem.limit, "too much scalar text in one stream")
            return nil
        }
        var slot: Int?
        let bytes = UnsafeBufferPointer(start: length > 0 ? pointer : nil, count: pointer == nil ? 0 : length)
        if !bytes.isEmpty {
            if asciiOnly { asciiOnly = ScalarText.isASCII(bytes) }
            if length <= Self.shortText {
                let hash = Self.hash(bytes)
                let cached = Int(truncatingIfNeeded: hash & UInt64(shortTexts.count - 1))
                let earlier = shortTexts[cached]
                if earlier != 0 {
                    let shared = sharedBytes
                    let same = text.withUnsafeBufferPointer {
                        ScalarText.sameBytes(Self.bytes(earlier - 1, local: $0, shared: shared), bytes)
                    }
                    if same { return earlier - 1 }
                }
                if let word = shared.payload(of: bytes, hash: hash) {
                    shortTexts[cached] = word + 1
                    return word
                }
                slot = cached
            }
        }
        _ = ScalarText.append(bytes, to: &text)
        if let slot { shortTexts[slot] = UInt32(offset) + 1 }
        return UInt32(offset)
    }

    /// Longest scalar shared between nodes (its length fits one LEB128 byte).
    static let shortText = 48

    /// The key of the shared-word and per-stream caches (the schema matches fields by the same hash).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        FNV1a.hash(bytes)
    }

    /// The bytes of the scalar text at `payload`, in `local` (the stream's text) or in `shared`.
    /// Static, and the callers' closures capture no `self`: capturing it copied the whole builder.
    @inline(__always)
    static func bytes(_ payload: UInt32, local: UnsafeBufferPointer<UInt8>, shared: UnsafeBufferPointer<UInt8>)
        -> UnsafeBufferPointer<UInt8>
    {
        payload & SharedText.flag != 0
            ? ScalarText.bytes(at: Int(payload & ~SharedText.flag), in: shared)
            : ScalarText.bytes(at: Int(payload), in: local)
    }

    /// Calls `body` with the bytes of the scalar texts at `a` and `b`.
    @inline(__always)
    func withTexts<R>(
        _ a: UInt32, _ b: UInt32, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        let shared = sharedBytes
        return text.withUnsafeBufferPointer {
            body(Self.bytes(a, local: $0, shared: shared), Self.bytes(b, local: $0, shared: shared))
        }
    }

    /// Calls `body` with the bytes of the scalar text at `payload`.
    @inline(__always)
    func withText<R>(_ payload: UInt32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withTexts(payload, payload) { bytes, _ in body(bytes) }
    }

    /// `endIsDerived`: the record's text or `children` entry gives `end`, so only `start` must fit.
    private mutating func append(
        kind: NodeKind, style: ScalarStyle, tag: String?, payload: UInt32, start: Mark, end: Mark, endIsDerived: Bool,
        implicitValues: Bool = false
    ) -> Int32? {
        guard let node = nextNode(at: start) else { return nil }
        let code = TagCode(tag)
        let record = NodeRecord(
            kind: kind, style: style, tag: code, payload: payload, start: start, wide: !endIsDerived,
            implicitValues: implicitValues)
        records.append(record)
        if record.isWide { wideMarks[node] = WideMarks(start: start, end: end) }
        if code == .other, let tag { otherTags[node] = tag }
        return node
    }

    /// The index the next record gets; nil (and a failure) when node indices would leave `Int32`.
    private mutating func nextNode(at start: Mark) -> Int32? {
        guard records.count < Int(Int32.max) - 1 else {
            if !failed { fail(at: start, rule: InputProblem.limit, "too many nodes in one stream") }
            return nil
        }
        return Int32(records.count)
    }

    private mutating func open(_ collection: OpenCollection) {
        guard stack.count < limits.maxDepth else {
            fail(at: collection.start, rule: InputProblem.limit, "nesting deeper than \(limits.maxDepth) levels")
            return
        }
        guard records.count < Int(Int32.max) - 1 else {
            fail(at: collection.start, rule: InputProblem.limit, "too many nodes in one stream")
            return
        }
        stack.append(collection)
    }

    private mutating func attach(_ node: Int32, count: Int, height: Int, anchor: String?) {
        if let anchor { anchors[anchor] = (node, count, height) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        stack[stack.count - 1].nodeCount += count
        stack[stack.count - 1].childHeight = max(stack[stack.count - 1].childHeight, height)
        pending.append(node)
    }

    func span(_ start: Mark, _ end: Mark) -> SourceSpan {
        SourceSpan(
            file: file, line: Int(start.line), column: Int(start.column), endLine: Int(end.line),
            endColumn: Int(end.column))
    }

    mutating func fail(at mark: Mark, rule: RuleInfo, _ message: String) {
        failed = true
        problems.append(
            Diagnostic(
                ruleID: rule.id, severity: .error,
                span: SourceSpan(file: file, line: Int(mark.line), column: Int(mark.column)), message: message))
    }

    static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    static func optionalString(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
