import CYAML
import KubeDiagnostics

/// Resource limits for untrusted input.
public struct YAMLLimits: Sendable {
    /// Largest input accepted, in bytes.
    public var maxInputBytes: Int
    /// Deepest nesting of collections.
    public var maxDepth: Int
    /// Most nodes one document may reach through aliases (billion-laughs guard).
    public var maxAliasedNodes: Int

    public init(maxInputBytes: Int = 64 << 20, maxDepth: Int = 200, maxAliasedNodes: Int = 1_000_000) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxAliasedNodes = maxAliasedNodes
    }
}

public struct YAMLDocument: Sendable {
    public var root: YAMLNode
    /// 0-based index of the document in its stream.
    public var index: Int
}

public struct YAMLLoadResult: Sendable {
    public var file: String
    public var documents: [YAMLDocument]
    public var problems: [Diagnostic]
}

/// Reads a YAML stream with libyaml's event API into nodes that keep their
/// marks. Every problem becomes a located `Diagnostic`; nothing traps.
public enum YAMLLoader {
    public static func load(
        bytes: UnsafeRawBufferPointer, file: String, limits: YAMLLimits = YAMLLimits()
    ) -> YAMLLoadResult {
        var builder = TreeBuilder(file: file, limits: limits, inputBytes: bytes.count)
        if bytes.count > limits.maxInputBytes {
            builder.problems.append(
                Diagnostic(
                    ruleID: InputProblem.limit.id, severity: .error,
                    span: SourceSpan(file: file, line: 1, column: 1),
                    message: "input is \(bytes.count) bytes; the limit is \(limits.maxInputBytes)"))
            return builder.result
        }
        builder.run(bytes)
        return builder.result
    }

    public static func load(text: String, file: String, limits: YAMLLimits = YAMLLimits()) -> YAMLLoadResult {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBytes { load(bytes: UnsafeRawBufferPointer($0), file: file, limits: limits) }
    }
}

/// A collection whose end event has not come yet.
private struct OpenCollection {
    var isMapping: Bool
    var start: Mark
    var anchor: String?
    var tag: String?
    /// Where its children start in `TreeBuilder.pending`.
    var firstPending: Int
    var nodeCount = 1
}

private struct TreeBuilder {
    let file: String
    let limits: YAMLLimits
    var documents: [YAMLDocument] = []
    var problems: [Diagnostic] = []

    // The table under construction.
    private var records: [NodeRecord] = []
    private var children: [Int32] = []
    private var text: [UInt8] = []
    private var otherTags: [Int32: String] = [:]
    private var wideMarks: [Int32: WideMarks] = [:]
    private var asciiOnly = true
    /// Offsets + 1 in `text` of short scalars, direct-mapped by a hash of
    /// their bytes: a repeated key or value (`name`, `TCP`) is mostly stored
    /// once per stream. 0: empty slot.
    private var shortTexts = [UInt32](repeating: 0, count: 512)

    private var stack: [OpenCollection] = []
    /// Children of the open collections, innermost last.
    private var pending: [Int32] = []
    private var anchors: [String: (node: Int32, count: Int)] = [:]
    private var aliasedNodes = 0
    private var root: Int32?
    private var roots: [(node: Int32, index: Int)] = []
    private var documentIndex = 0
    private var failed = false

    init(file: String, limits: YAMLLimits, inputBytes: Int) {
        self.file = file
        self.limits = limits
        // About one node per 12 input bytes in typical manifests.
        records.reserveCapacity(min(inputBytes / 12 + 16, 1 << 20))
        text.reserveCapacity(min(inputBytes / 2 + 16, 1 << 24))
        children.reserveCapacity(min(inputBytes / 10 + 16, 1 << 20))
    }

    var result: YAMLLoadResult { YAMLLoadResult(file: file, documents: documents, problems: problems) }

    mutating func run(_ bytes: UnsafeRawBufferPointer) {
        parse(bytes)
        finish()
    }

    /// Freezes the table and hands out the documents.
    private mutating func finish() {
        guard !roots.isEmpty else { return }
        let table = YAMLTable(
            records: Self.compact(records), children: ChildIndices(children), text: Self.compact(text),
            otherTags: otherTags, wideMarks: wideMarks, asciiOnly: asciiOnly)
        records = []
        children = []
        text = []
        documents = roots.map { YAMLDocument(root: YAMLNode(table: table, index: $0.node), index: $0.index) }
    }

    /// A copy without spare capacity when the spare part is large.
    private static func compact<T>(_ array: [T]) -> [T] {
        guard array.capacity - array.count > array.count / 32 + 16 else { return array }
        return array.withUnsafeBufferPointer { Array($0) }
    }

    private mutating func parse(_ bytes: UnsafeRawBufferPointer) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            fail(at: Mark(line: 1, column: 1), rule: InputProblem.unreadable, "libyaml could not allocate a parser")
            return
        }
        defer { yaml_parser_delete(&parser) }
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let empty: [UInt8] = [0]
        empty.withUnsafeBufferPointer { fallback in
            yaml_parser_set_input_string(&parser, base ?? fallback.baseAddress, bytes.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while !failed {
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    reportParserError(&parser, bytes)
                    return
                }
                let type = event.type
                handle(&event)
                yaml_event_delete(&event)
                if type == YAML_STREAM_END_EVENT { return }
            }
        }
    }

    private mutating func handle(_ event: inout yaml_event_t) {
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
            guard let offset = appendText(scalar.value, Int(scalar.length)) else { return }
            // A non-specific "!" tag forces a string.
            let node = append(
                kind: .scalar, style: style, tag: tag == "!" ? "tag:yaml.org,2002:str" : tag, payload: offset,
                start: start, end: end)
            attach(node, count: 1, anchor: Self.optionalString(scalar.anchor))
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
            if collection.isMapping {
                finishMapping(from: collection.firstPending)
            } else {
                children.append(Int32(truncatingIfNeeded: pending.count - collection.firstPending))
                children.append(contentsOf: pending[collection.firstPending...])
            }
            pending.removeSubrange(collection.firstPending...)
            let node = append(
                kind: collection.isMapping ? .mapping : .sequence, style: .plain, tag: collection.tag,
                payload: UInt32(offset), start: collection.start, end: end)
            attach(node, count: collection.nodeCount, anchor: collection.anchor)
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
            // The same node, pointing at the alias, not at the anchor, for findings on this use.
            let node = Int32(truncatingIfNeeded: records.count)
            let record = records[Int(target.node)].moved(start: start, end: end)
            records.append(record)
            if record.isWide { wideMarks[node] = WideMarks(start: start, end: end) }
            if record.tag == .other { otherTags[node] = otherTags[target.node] }
            attach(node, count: target.count, anchor: nil)
        default:
            break
        }
    }

    /// Appends a scalar's bytes with their length; nil (and a failure) past 4 GiB.
    private mutating func appendText(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> UInt32? {
        let offset = text.count
        guard offset + length + 10 < Int(UInt32.max) else {
            fail(at: Mark(line: 1, column: 1), rule: InputProblem.limit, "too much scalar text in one stream")
            return nil
        }
        var hash: Int?
        if let pointer, length > 0 {
            let bytes = UnsafeBufferPointer(start: pointer, count: length)
            if asciiOnly { asciiOnly = YAMLTable.isASCII(bytes) }
            if length <= Self.shortText {
                let slot = Int(truncatingIfNeeded: Self.hash(bytes) & UInt64(shortTexts.count - 1))
                let earlier = shortTexts[slot]
                if earlier != 0, storedText(at: Int(earlier) - 1, equals: bytes) { return earlier - 1 }
                hash = slot
            }
        }
        var remaining = length
        repeat {
            let byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            text.append(remaining == 0 ? byte : byte | 0x80)
        } while remaining > 0
        if let pointer, length > 0 {
            text.append(contentsOf: UnsafeBufferPointer(start: pointer, count: length))
        }
        if let hash { shortTexts[hash] = UInt32(offset) + 1 }
        return UInt32(offset)
    }

    /// Longest scalar shared between nodes (its length fits one LEB128 byte).
    private static let shortText = 48

    /// FNV-1a.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Whether the short scalar text stored at `offset` is `bytes`.
    private func storedText(at offset: Int, equals bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard offset + 1 + bytes.count <= text.count, Int(text[offset]) == bytes.count else { return false }
        return text.withUnsafeBufferPointer { buffer in
            UnsafeBufferPointer(rebasing: buffer[offset + 1..<offset + 1 + bytes.count]).elementsEqual(bytes)
        }
    }

    private mutating func append(
        kind: NodeKind, style: ScalarStyle, tag: String?, payload: UInt32, start: Mark, end: Mark
    ) -> Int32 {
        let node = Int32(truncatingIfNeeded: records.count)
        let code = TagCode(tag)
        let record = NodeRecord(kind: kind, style: style, tag: code, payload: payload, start: start, end: end)
        records.append(record)
        if record.isWide { wideMarks[node] = WideMarks(start: start, end: end) }
        if code == .other, let tag { otherTags[node] = tag }
        return node
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

    private mutating func attach(_ node: Int32, count: Int, anchor: String?) {
        if let anchor { anchors[anchor] = (node, count) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        stack[stack.count - 1].nodeCount += count
        pending.append(node)
    }

    // MARK: mappings

    private func start(_ node: Int32) -> Mark { Self.start(of: records[Int(node)], node, wideMarks) }

    private func end(_ node: Int32) -> Mark {
        let record = records[Int(node)]
        if record.isWide, let wide = wideMarks[node] { return wide.end }
        return record.end
    }

    private static func start(of record: NodeRecord, _ node: Int32, _ wideMarks: [Int32: WideMarks]) -> Mark {
        if record.isWide, let wide = wideMarks[node] { return wide.start }
        return record.start
    }

    private func textRange(_ node: Int32) -> Range<Int> {
        var position = Int(records[Int(node)].payload)
        var length = 0
        var shift = 0
        while true {
            let byte = text[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return position..<position + length
    }

    private func string(_ node: Int32) -> String {
        let range = textRange(node)
        return text.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
        }
    }

    /// Two scalar keys are the same key when their texts are equal `String`s.
    private func sameKey(_ a: Int32, _ b: Int32) -> Bool {
        // The same stored text (a shared short scalar, an alias).
        if records[Int(a)].payload == records[Int(b)].payload { return true }
        let x = textRange(a)
        let y = textRange(b)
        // All text so far is ASCII: `String` equality is byte equality.
        if asciiOnly && x.count != y.count { return false }
        return text.withUnsafeBufferPointer { buffer in
            let first = UnsafeBufferPointer(rebasing: buffer[x])
            let second = UnsafeBufferPointer(rebasing: buffer[y])
            if first.elementsEqual(second) { return true }
            if asciiOnly || (YAMLTable.isASCII(first) && YAMLTable.isASCII(second)) { return false }
            return String(decoding: first, as: UTF8.self) == String(decoding: second, as: UTF8.self)
        }
    }

    private func isMergeKey(_ node: Int32) -> Bool {
        let record = records[Int(node)]
        guard record.kind == .scalar else { return false }
        let range = textRange(node)
        guard range.count == 2, text[range.lowerBound] == UInt8(ascii: "<"),
            text[range.lowerBound + 1] == UInt8(ascii: "<")
        else { return false }
        if record.tag != .none { return record.tag == .merge }
        return record.style == .plain
    }

    /// Keys seen so far in one mapping: a list for small mappings, a
    /// dictionary by `String` for large ones.
    private struct SeenKeys {
        var list: [Int32] = []
        var dictionary: [String: Int32]?
    }

    private func firstSeen(_ key: Int32, in seen: SeenKeys) -> Int32? {
        if let dictionary = seen.dictionary { return dictionary[string(key)] }
        return seen.list.first { sameKey($0, key) }
    }

    private func remember(_ key: Int32, in seen: inout SeenKeys) {
        if seen.dictionary != nil {
            seen.dictionary?[string(key)] = key
            return
        }
        seen.list.append(key)
        if seen.list.count > 16 {
            var dictionary: [String: Int32] = [:]
            for key in seen.list where dictionary[string(key)] == nil { dictionary[string(key)] = key }
            seen.dictionary = dictionary
            seen.list = []
        }
    }

    /// Writes the pairs of the mapping whose children start at `pending[first]`
    /// into `children`, applying `<<` merge keys (explicit keys win, earlier
    /// sources win) and reporting keys written twice.
    private mutating func finishMapping(from first: Int) {
        let countSlot = children.count
        children.append(0)
        var seen = SeenKeys()
        var merged: [(key: Int32, value: Int32)] = []
        var position = first
        while position + 1 < pending.count {
            let key = pending[position]
            let value = pending[position + 1]
            position += 2
            if isMergeKey(key) {
                let valueRecord = records[Int(value)]
                let sources: [Int32]
                if valueRecord.kind == .sequence {
                    let start = Int(valueRecord.payload)
                    sources = Array(children[start + 1..<start + 1 + Int(children[start])])
                } else {
                    sources = [value]
                }
                for source in sources {
                    let sourceRecord = records[Int(source)]
                    guard sourceRecord.kind == .mapping else {
                        problems.append(
                            Diagnostic(
                                ruleID: InputProblem.yamlSyntax.id, severity: .error,
                                span: span(start(source), end(source)),
                                message: "a `<<` merge key takes a mapping or a sequence of mappings"))
                        continue
                    }
                    let start = Int(sourceRecord.payload)
                    let count = Int(children[start])
                    var pair = start + 1
                    while pair + 1 < start + 1 + count {
                        merged.append((children[pair], children[pair + 1]))
                        pair += 2
                    }
                }
                continue
            }
            if records[Int(key)].kind == .scalar {
                if let earlier = firstSeen(key, in: seen) {
                    let name = string(key)
                    problems.append(
                        Diagnostic(
                            ruleID: InputProblem.duplicateKey.id, severity: .error,
                            span: span(start(key), end(key)),
                            message: "duplicate key `\(name)` in this mapping",
                            notes: [DiagnosticNote("first defined here", at: span(start(earlier), end(earlier)))],
                            fix: SuggestedFix("remove one of the two `\(name)` keys")))
                } else {
                    remember(key, in: &seen)
                }
            }
            children.append(key)
            children.append(value)
        }
        for pair in merged {
            if records[Int(pair.key)].kind == .scalar {
                guard firstSeen(pair.key, in: seen) == nil else { continue }
                remember(pair.key, in: &seen)
            }
            children.append(pair.key)
            children.append(pair.value)
        }
        children[countSlot] = Int32(truncatingIfNeeded: children.count - countSlot - 1)
    }

    private func span(_ start: Mark, _ end: Mark) -> SourceSpan {
        SourceSpan(
            file: file, line: Int(start.line), column: Int(start.column), endLine: Int(end.line),
            endColumn: Int(end.column))
    }

    private mutating func fail(at mark: Mark, rule: RuleInfo, _ message: String) {
        failed = true
        problems.append(
            Diagnostic(
                ruleID: rule.id, severity: .error,
                span: SourceSpan(file: file, line: Int(mark.line), column: Int(mark.column)), message: message))
    }

    private mutating func reportParserError(_ parser: inout yaml_parser_t, _ bytes: UnsafeRawBufferPointer) {
        let problem = Self.optionalString(parser.problem) ?? "unknown libyaml error"
        if parser.error == YAML_READER_ERROR || parser.error == YAML_MEMORY_ERROR {
            let mark = Self.mark(ofByteOffset: Int(parser.problem_offset), in: bytes)
            fail(
                at: mark, rule: InputProblem.unreadable,
                "not valid UTF-8 text: \(problem) (byte offset \(parser.problem_offset))")
            return
        }
        var message = problem
        let problemMark = Mark(
            line: Int32(parser.problem_mark.line) + 1, column: Int32(parser.problem_mark.column) + 1)
        if let context = Self.optionalString(parser.context) {
            let contextMark = Mark(
                line: Int32(parser.context_mark.line) + 1, column: Int32(parser.context_mark.column) + 1)
            message += " (\(context) at line \(contextMark.line), column \(contextMark.column))"
        }
        fail(at: problemMark, rule: InputProblem.yamlSyntax, "YAML syntax error: \(message)")
    }

    /// Line and column (in characters) of a byte offset, for reader errors
    /// where libyaml gives only the offset.
    private static func mark(ofByteOffset offset: Int, in bytes: UnsafeRawBufferPointer) -> Mark {
        var line: Int32 = 1
        var column: Int32 = 1
        for index in 0..<min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }

    private static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func optionalString(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
