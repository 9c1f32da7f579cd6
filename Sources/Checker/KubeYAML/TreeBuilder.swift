import CYAML
import Foundation
import KubeDiagnostics

/// A collection whose end event has not come yet. Plain data (no `String`): anchors and unusual
/// tags, rare in manifests, are kept aside in `TreeBuilder.openNames`, so pushing and popping one
/// costs no reference counting.
struct OpenCollection {
    var isMapping: Bool
    var start: Mark
    /// Index + 1 in `TreeBuilder.openNames` of its anchor; 0: none.
    var anchorName: Int32 = 0
    var tag: TagCode
    /// Index + 1 in `TreeBuilder.openNames` of its tag when `tag` is `.other`; 0: none.
    var otherTagName: Int32 = 0
    /// Where its children start in `TreeBuilder.pending`.
    var firstPending: Int
    /// Nodes and child height (below) of an enclosing collection, saved while an inner one is
    /// open: the innermost collection's are `TreeBuilder.innerNodeCount` and `innerChildHeight`,
    /// so attaching a node writes no array.
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
    var wideMarks = WideMarksTable()
    var asciiOnly = true
    /// Payloads + 1 of short scalars, direct-mapped by a hash of their bytes:
    /// a repeated key or value (`name`, `TCP`) is mostly stored once per
    /// stream, and looked up in `shared` once. 0: empty slot. `TreeBuffers.shortTextSlots` long.
    var shortTexts: [UInt32] = []

    var stack: [OpenCollection] = []
    /// The innermost open collection's node count and child height (see `OpenCollection`).
    var innerNodeCount = 1
    var innerChildHeight = 0
    /// Anchor names and unusual tags of the open collections of this document (`OpenCollection`).
    var openNames: [String] = []
    /// The pairs and the keys seen so far of the mapping being finished (kept to reuse their storage).
    var pairScratch: [(key: Int32, value: Int32)] = []
    var seenScratch: [Int32] = []
    /// Children of the open collections, innermost last: the first `pendingCount` entries (the
    /// array keeps its length when a collection ends, so ending one costs no array operation).
    var pending: [Int32] = []
    var pendingCount = 0
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
        // The growable buffers come emptied from an earlier load when there is one.
        var buffers = TreeBuffers.pool.take()
        exchangeBuffers(&buffers)
        // About one node per 12 input bytes in typical manifests, and one child entry per 14.
        records.reserveCapacity(min(inputBytes / 12 + 16, 1 << 20))
        text.reserveCapacity(min(inputBytes / 2 + 16, 1 << 24))
        children.reserveCapacity(min(inputBytes / 14 + 16, 1 << 20))
    }

    /// Freezes the table and hands out the documents. The table gets copies of the buffers at
    /// their final size; the buffers go back to `TreeBuffers.pool` for the next load.
    mutating func finish() -> YAMLLoadResult {
        defer { returnBuffers() }
        guard !roots.isEmpty else {
            return YAMLLoadResult(file: file, documents: [], problems: problems, mayHoldDoubleBrace: mayHoldDoubleBrace)
        }
        let table = YAMLTable(
            records: records, children: children, text: text, otherTags: otherTags, wideMarks: wideMarks,
            asciiOnly: asciiOnly, shared: shared)
        let documents = roots.map { YAMLDocument(root: YAMLNode(table: table, index: $0.node), index: $0.index) }
        return YAMLLoadResult(
            file: file, documents: documents, problems: problems, mayHoldDoubleBrace: mayHoldDoubleBrace)
    }

    /// Back to the state `init` left, with the buffers emptied in place (a parse read again after
    /// goyaml's `\'` escape, `EventReader.read`).
    mutating func restart() {
        emptyBuffers()
        problems = []
        otherTags = [:]
        wideMarks = .init()
        asciiOnly = true
        innerNodeCount = 1
        innerChildHeight = 0
        aliasedNodes = 0
        root = nil
        documentIndex = 0
        failed = false
        quoteMends = [:]
        mayHoldDoubleBrace = true
    }

    /// Empties the growable buffers, keeping their storage.
    private mutating func emptyBuffers() {
        records.removeAll(keepingCapacity: true)
        children.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        shortTexts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        stack.removeAll(keepingCapacity: true)
        openNames.removeAll(keepingCapacity: true)
        pairScratch.removeAll(keepingCapacity: true)
        seenScratch.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        pendingCount = 0
        anchors.removeAll(keepingCapacity: true)
        roots.removeAll(keepingCapacity: true)
    }

    /// Empties the buffers and gives them to `TreeBuffers.pool`: the builder keeps none of them
    /// (a shared one would be copied on its next write).
    private mutating func returnBuffers() {
        emptyBuffers()
        var buffers = TreeBuffers()
        exchangeBuffers(&buffers)
        TreeBuffers.pool.give(buffers)
    }

    /// Swaps every growable buffer with `buffers`'s: a pool's set in, this load's (emptied) out.
    private mutating func exchangeBuffers(_ buffers: inout TreeBuffers) {
        swap(&records, &buffers.records)
        swap(&children, &buffers.children)
        swap(&text, &buffers.text)
        swap(&shortTexts, &buffers.shortTexts)
        swap(&stack, &buffers.stack)
        swap(&openNames, &buffers.openNames)
        swap(&pairScratch, &buffers.pairScratch)
        swap(&seenScratch, &buffers.seenScratch)
        swap(&pending, &buffers.pending)
        swap(&anchors, &buffers.anchors)
        swap(&roots, &buffers.roots)
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
            openNames.removeAll(keepingCapacity: true)
            pendingCount = 0
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
            let bytes = UnsafeBufferPointer(
                start: scalar.length > 0 ? scalar.value : nil, count: scalar.value == nil ? 0 : Int(scalar.length))
            var characters: Int32 = 0
            guard let offset = appendText(bytes, characters: &characters) else { return }
            // A non-specific "!" tag forces a string.
            let tag = Self.tagCode(scalar.tag, nonSpecificIsString: true)
            // As `NodeRecord.scalarEnd`, from the characters `appendText` counted.
            let endIsDerived: Bool
            switch style {
            case .plain: endIsDerived = end == Mark(line: start.line, column: start.column &+ characters)
            case .singleQuoted, .doubleQuoted:
                endIsDerived = end == Mark(line: start.line, column: start.column &+ characters &+ 2)
            case .literal, .folded: endIsDerived = false
            }
            guard
                let node = append(
                    kind: .scalar, style: style, tag: tag, payload: offset, start: start, end: end,
                    endIsDerived: endIsDerived)
            else { return }
            if tag == .other, let other = scalar.tag { otherTags[node] = String(cString: other) }
            attach(node, count: 1, height: 0)
            if let anchor = scalar.anchor { defineAnchor(String(cString: anchor), node: node, count: 1, height: 0) }
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            open(isMapping: false, start: start, anchor: data.anchor, tag: data.tag)
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            open(isMapping: true, start: start, anchor: data.anchor, tag: data.tag)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let collection = stack.popLast() else { return }
            let nodeCount = innerNodeCount
            let childHeight = innerChildHeight
            if let enclosing = stack.last {
                innerNodeCount = enclosing.nodeCount
                innerChildHeight = enclosing.childHeight
            }
            let offset = children.count
            guard offset < Int(UInt32.max) - pendingCount else {
                fail(at: collection.start, rule: InputProblem.limit, "too many nodes in one stream")
                return
            }
            let packedEnd = NodeRecord.packedEnd(start: collection.start, end: end)
            var implicitValues = false
            if collection.isMapping {
                implicitValues = finishMapping(from: collection.firstPending, packedEnd: packedEnd ?? 0)
            } else {
                children.append(Int32(truncatingIfNeeded: pendingCount - collection.firstPending))
                children.append(packedEnd ?? 0)
                children.append(contentsOf: pending[collection.firstPending..<pendingCount])
            }
            pendingCount = collection.firstPending
            guard
                let node = append(
                    kind: collection.isMapping ? .mapping : .sequence, style: .plain, tag: collection.tag,
                    payload: UInt32(offset), start: collection.start, end: end, endIsDerived: packedEnd != nil,
                    implicitValues: implicitValues)
            else { return }
            if collection.otherTagName > 0 { otherTags[node] = openNames[Int(collection.otherTagName - 1)] }
            attach(node, count: nodeCount, height: childHeight + 1)
            if collection.anchorName > 0 {
                defineAnchor(
                    openNames[Int(collection.anchorName - 1)], node: node, count: nodeCount, height: childHeight + 1)
            }
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
            attach(node, count: target.count, height: target.height)
        default:
            break
        }
    }

    /// A scalar's payload: its bytes appended with their length, or where an earlier scalar or the
    /// shared vocabulary already holds them. Nil (and a failure) past 2 GiB of text. `characters`:
    /// the Unicode scalars in `bytes` (what libyaml's columns count), found in the same pass.
    private mutating func appendText(_ bytes: UnsafeBufferPointer<UInt8>, characters: inout Int32) -> UInt32? {
        let offset = text.count
        let length = bytes.count
        // Payloads with `SharedText.flag` point into the shared vocabulary.
        guard offset + length + 10 < Int(SharedText.flag) else {
            fail(at: Mark(line: 1, column: 1), rule: InputProblem.limit, "too much scalar text in one stream")
            return nil
        }
        var slot: Int?
        if !bytes.isEmpty {
            // One pass: the hash (short scalars only), whether any byte is past ASCII.
            var hash = FNV1a.offsetBasis
            var high: UInt8 = 0
            if length <= Self.shortText {
                for byte in bytes {
                    hash = FNV1a.mix(hash, byte)
                    high |= byte
                }
            } else {
                for byte in bytes { high |= byte }
            }
            if high < 0x80 {
                characters = Int32(truncatingIfNeeded: length)
            } else {
                asciiOnly = false
                var count: Int32 = 0
                for byte in bytes where byte & 0xC0 != 0x80 { count &+= 1 }
                characters = count
            }
            if length <= Self.shortText {
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
    /// The caller records the tag of an `.other` code in `otherTags`.
    private mutating func append(
        kind: NodeKind, style: ScalarStyle, tag code: TagCode, payload: UInt32, start: Mark, end: Mark,
        endIsDerived: Bool, implicitValues: Bool = false
    ) -> Int32? {
        guard let node = nextNode(at: start) else { return nil }
        let record = NodeRecord(
            kind: kind, style: style, tag: code, payload: payload, start: start, wide: !endIsDerived,
            implicitValues: implicitValues)
        records.append(record)
        if record.isWide { wideMarks[node] = WideMarks(start: start, end: end) }
        return node
    }

    /// The code of a node's tag as libyaml gives it (`.other`: the tag, not one of the core
    /// schema's, goes to `otherTags`). `nonSpecificIsString`: a scalar's `!` is `!!str`.
    @inline(__always)
    static func tagCode(_ pointer: UnsafeMutablePointer<yaml_char_t>?, nonSpecificIsString: Bool) -> TagCode {
        guard let pointer else { return .none }
        return tagCode(String(cString: pointer), nonSpecificIsString: nonSpecificIsString)
    }

    private static func tagCode(_ tag: String, nonSpecificIsString: Bool) -> TagCode {
        nonSpecificIsString && tag == "!" ? .str : TagCode(tag)
    }

    /// The index the next record gets; nil (and a failure) when node indices would leave `Int32`.
    private mutating func nextNode(at start: Mark) -> Int32? {
        guard records.count < Int(Int32.max) - 1 else {
            if !failed { fail(at: start, rule: InputProblem.limit, "too many nodes in one stream") }
            return nil
        }
        return Int32(records.count)
    }

    private mutating func open(
        isMapping: Bool, start: Mark, anchor: UnsafeMutablePointer<yaml_char_t>?,
        tag tagPointer: UnsafeMutablePointer<yaml_char_t>?
    ) {
        guard stack.count < limits.maxDepth else {
            fail(at: start, rule: InputProblem.limit, "nesting deeper than \(limits.maxDepth) levels")
            return
        }
        guard records.count < Int(Int32.max) - 1 else {
            fail(at: start, rule: InputProblem.limit, "too many nodes in one stream")
            return
        }
        let tag = Self.tagCode(tagPointer, nonSpecificIsString: false)
        var collection = OpenCollection(isMapping: isMapping, start: start, tag: tag, firstPending: pendingCount)
        if let anchor {
            openNames.append(String(cString: anchor))
            collection.anchorName = Int32(truncatingIfNeeded: openNames.count)
        }
        if tag == .other, let tagPointer {
            openNames.append(String(cString: tagPointer))
            collection.otherTagName = Int32(truncatingIfNeeded: openNames.count)
        }
        // The enclosing collection's counters wait in its stack entry until this one ends.
        if !stack.isEmpty {
            stack[stack.count - 1].nodeCount = innerNodeCount
            stack[stack.count - 1].childHeight = innerChildHeight
        }
        innerNodeCount = 1
        innerChildHeight = 0
        stack.append(collection)
    }

    @inline(__always)
    private mutating func attach(_ node: Int32, count: Int, height: Int) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        innerNodeCount += count
        innerChildHeight = max(innerChildHeight, height)
        if pendingCount < pending.count {
            pending[pendingCount] = node
        } else {
            pending.append(node)
        }
        pendingCount += 1
    }

    private mutating func defineAnchor(_ name: String, node: Int32, count: Int, height: Int) {
        anchors[name] = (node, count, height)
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

/// A `TreeBuilder`'s growable buffers, emptied, between two loads. Loading a file took about a
/// dozen allocations for them (each buffer reserved, then grown); reused, a load of a small file
/// allocates only what its table keeps.
struct TreeBuffers {
    var records: [NodeRecord] = []
    var children: [Int32] = []
    var text: [UInt8] = []
    var shortTexts: [UInt32] = []
    var stack: [OpenCollection] = []
    var openNames: [String] = []
    var pairScratch: [(key: Int32, value: Int32)] = []
    var seenScratch: [Int32] = []
    var pending: [Int32] = []
    var anchors: [String: (node: Int32, count: Int, height: Int)] = [:]
    var roots: [(node: Int32, index: Int)] = []

    /// Length of `shortTexts`, a power of two (`TreeBuilder.appendText` masks the hash with it).
    static let shortTextSlots = 512

    /// Buffers for the builders to come, one set per builder that finished and not yet taken again
    /// (about one per thread that loads).
    static let pool = Pool()

    /// Whether keeping these for the next load pays: the buffers of a large file are let go, so the
    /// pool holds a few hundred KiB at most.
    var isWorthKeeping: Bool {
        records.capacity <= 1 << 14 && children.capacity <= 1 << 15 && text.capacity <= 1 << 18
            && pending.capacity <= 1 << 12 && anchors.capacity <= 1 << 10
    }

    final class Pool: @unchecked Sendable {
        private let lock = NSLock()
        /// Guarded by `lock`.
        private var spare: [TreeBuffers] = []
        private static let maxSpare = 8

        /// Emptied buffers from an earlier load, or new ones.
        func take() -> TreeBuffers {
            lock.lock()
            let buffers = spare.popLast()
            lock.unlock()
            if let buffers { return buffers }
            var fresh = TreeBuffers()
            fresh.shortTexts = [UInt32](repeating: 0, count: TreeBuffers.shortTextSlots)
            return fresh
        }

        /// Keeps emptied buffers for a later `take`.
        func give(_ buffers: TreeBuffers) {
            guard buffers.isWorthKeeping, buffers.shortTexts.count == TreeBuffers.shortTextSlots else { return }
            lock.lock()
            defer { lock.unlock() }
            guard spare.count < Self.maxSpare else { return }
            spare.append(buffers)
        }
    }
}
