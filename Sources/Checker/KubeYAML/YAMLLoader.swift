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
        var builder = TreeBuilder(file: file, limits: limits)
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

private struct Collection {
    var isMapping: Bool
    var items: [YAMLNode] = []
    var pairs: [YAMLPair] = []
    var pendingKey: YAMLNode?
    var start: Mark
    var anchor: String?
    var tag: String?
    var nodeCount = 1
}

private struct TreeBuilder {
    let file: String
    let limits: YAMLLimits
    var documents: [YAMLDocument] = []
    var problems: [Diagnostic] = []

    private var stack: [Collection] = []
    private var anchors: [String: (node: YAMLNode, count: Int)] = [:]
    private var aliasedNodes = 0
    private var root: YAMLNode?
    private var documentIndex = 0
    private var failed = false

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    var result: YAMLLoadResult { YAMLLoadResult(file: file, documents: documents, problems: problems) }

    mutating func run(_ bytes: UnsafeRawBufferPointer) {
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
        let start = Mark(line: Int32(event.start_mark.line) + 1, column: Int32(event.start_mark.column) + 1)
        let end = Mark(line: Int32(event.end_mark.line) + 1, column: Int32(event.end_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            stack.removeAll(keepingCapacity: true)
            anchors.removeAll(keepingCapacity: true)
            aliasedNodes = 0
            root = nil
        case YAML_DOCUMENT_END_EVENT:
            if let root { documents.append(YAMLDocument(root: root, index: documentIndex)) }
            documentIndex += 1
            root = nil
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = Self.string(scalar.value, Int(scalar.length))
            let style: ScalarStyle =
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            let tag = Self.optionalString(scalar.tag)
            // A non-specific "!" tag forces a string.
            let node = YAMLNode(
                .scalar(text, style), start: start, end: end,
                tag: tag == "!" ? "tag:yaml.org,2002:str" : tag)
            attach(node, count: 1, anchor: Self.optionalString(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            open(
                Collection(
                    isMapping: false, start: start, anchor: Self.optionalString(data.anchor),
                    tag: Self.optionalString(data.tag)))
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            open(
                Collection(
                    isMapping: true, start: start, anchor: Self.optionalString(data.anchor),
                    tag: Self.optionalString(data.tag)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let collection = stack.popLast() else { return }
            let node: YAMLNode
            if collection.isMapping {
                node = YAMLNode(.mapping(finishMapping(collection.pairs)), start: collection.start, end: end, tag: collection.tag)
            } else {
                node = YAMLNode(.sequence(collection.items), start: collection.start, end: end, tag: collection.tag)
            }
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
            var copy = target.node
            // Point at the alias, not at the anchor, for findings on this use.
            copy.start = start
            copy.end = end
            attach(copy, count: target.count, anchor: nil)
        default:
            break
        }
    }

    private mutating func open(_ collection: Collection) {
        guard stack.count < limits.maxDepth else {
            fail(at: collection.start, rule: InputProblem.limit, "nesting deeper than \(limits.maxDepth) levels")
            return
        }
        stack.append(collection)
    }

    private mutating func attach(_ node: YAMLNode, count: Int, anchor: String?) {
        if let anchor { anchors[anchor] = (node, count) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].nodeCount += count
        if stack[top].isMapping {
            if let key = stack[top].pendingKey {
                stack[top].pairs.append(YAMLPair(key: key, value: node))
                stack[top].pendingKey = nil
            } else {
                stack[top].pendingKey = node
            }
        } else {
            stack[top].items.append(node)
        }
    }

    /// Applies `<<` merge keys (explicit keys win, earlier sources win) and
    /// reports keys written twice.
    private mutating func finishMapping(_ pairs: [YAMLPair]) -> [YAMLPair] {
        var explicit: [YAMLPair] = []
        explicit.reserveCapacity(pairs.count)
        var merged: [YAMLPair] = []
        var seen: [String: YAMLNode] = [:]
        for pair in pairs {
            if Self.isMergeKey(pair.key) {
                let sources = pair.value.isSequence ? pair.value.items : [pair.value]
                for source in sources {
                    guard source.isMapping else {
                        problems.append(
                            Diagnostic(
                                ruleID: InputProblem.yamlSyntax.id, severity: .error, span: span(source.start, source.end),
                                message: "a `<<` merge key takes a mapping or a sequence of mappings"))
                        continue
                    }
                    merged.append(contentsOf: source.pairs)
                }
                continue
            }
            if let key = pair.key.scalar {
                if let first = seen[key] {
                    problems.append(
                        Diagnostic(
                            ruleID: InputProblem.duplicateKey.id, severity: .error,
                            span: span(pair.key.start, pair.key.end),
                            message: "duplicate key `\(key)` in this mapping",
                            notes: [DiagnosticNote("first defined here", at: span(first.start, first.end))],
                            fix: SuggestedFix("remove one of the two `\(key)` keys")))
                } else {
                    seen[key] = pair.key
                }
            }
            explicit.append(pair)
        }
        guard !merged.isEmpty else { return explicit }
        for pair in merged {
            guard let key = pair.key.scalar else {
                explicit.append(pair)
                continue
            }
            if seen[key] == nil {
                seen[key] = pair.key
                explicit.append(pair)
            }
        }
        return explicit
    }

    private static func isMergeKey(_ node: YAMLNode) -> Bool {
        guard case .scalar("<<", let style) = node.content else { return false }
        if let tag = node.tag { return tag == "tag:yaml.org,2002:merge" }
        return style == .plain
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

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
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
