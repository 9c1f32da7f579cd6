import CYAML
import KubeYAML
import Testing

/// Loaded nodes keep only starts; ends are derived from the text (scalars), kept in the child list
/// (collections) or stored whole when neither works. These tests compare every mark of a load with
/// the marks libyaml's own events carry, over the shapes that make a derivation go wrong.
@Suite("marks against libyaml's events")
struct MarkOracleTests {
    enum Expected: Equatable, CustomStringConvertible {
        case scalar(Mark, Mark)
        case open(Mark)
        case close(Mark)

        var description: String {
            switch self {
            case .scalar(let start, let end): "scalar \(start.line):\(start.column)-\(end.line):\(end.column)"
            case .open(let start): "open \(start.line):\(start.column)"
            case .close(let end): "close \(end.line):\(end.column)"
            }
        }
    }

    /// The marks of libyaml's events in order (aliases are scalars here: the documents alias only scalars).
    static func events(_ text: String) -> [Expected] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else { return [] }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        var result: [Expected] = []
        bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) != 0 {
                defer { yaml_event_delete(&event) }
                let start = Mark(line: Int32(event.start_mark.line) + 1, column: Int32(event.start_mark.column) + 1)
                let end = Mark(line: Int32(event.end_mark.line) + 1, column: Int32(event.end_mark.column) + 1)
                switch event.type {
                case YAML_SCALAR_EVENT, YAML_ALIAS_EVENT: result.append(.scalar(start, end))
                case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT: result.append(.open(start))
                case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT: result.append(.close(end))
                case YAML_STREAM_END_EVENT: return
                default: break
                }
            }
        }
        return result
    }

    /// The same sequence from the loaded nodes.
    static func walk(_ node: YAMLNode, into result: inout [Expected]) {
        if node.isScalar {
            result.append(.scalar(node.start, node.end))
            return
        }
        result.append(.open(node.start))
        node.forEachPair { key, value in
            walk(key, into: &result)
            walk(value, into: &result)
        }
        node.forEachItem { walk($0, into: &result) }
        result.append(.close(node.end))
    }

    static let documents: [(name: String, text: String)] = [
        ("plain and quoted", "a: plain\nb: 'it''s'\nc: \"tab\\there\"\nd: \"\\u00e9\"\ne: \"\"\nf: ''\ng:\nh: ~\n"),
        ("multi-byte", "name: café\nemoji: 😀 ok\n日本: \"語\"\n"),
        ("multi-line scalars", "a: one\n  two\n  three\nb: \"x\n  y\"\nc: 'p\n\n  q'\nd: last\n"),
        ("block scalars", "a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\n\nc: |+\n  kept\n\nd: 1\n"),
        ("flow collections", "a: [1, 2, {b: c}]\nd: {e: [f, g], h: }\ni: [ ]\nj: {}\n"),
        (
            "nested blocks and comments",
            "spec:\n  # a comment\n  containers:\n  - name: web  # trailing\n    ports:\n      - containerPort: 80\n\n\n  # more\n  volumes: []\nnext: 1\n"
        ),
        ("documents", "---\na: 1\n...\n---\n- x\n- y\n---\nplain\n"),
        ("aliases of scalars", "base: &b value\nuse: *b\nlist: [*b, *b]\n"),
        ("CRLF and tabs", "a: 1\r\nb:\r\n  c: \"x\ty\"\r\n"),
        ("explicit keys", "? complex\n: value\n? [a, b]\n: seq-key\n"),
        ("tags", "a: !!str 1\nb: !custom x\nc: !!map {d: e}\n"),
        (
            "long line",
            "a: " + String(repeating: "x", count: 300) + "\nb: [" + String(repeating: "y", count: 260) + "]\n"
        ),
        (
            "a collection over 255 lines",
            "map:\n" + (1...300).map { "  k\($0): v" }.joined(separator: "\n") + "\nafter: [1,\n"
                + String(repeating: "\n", count: 300)
                + " 2]\n"
        ),
    ]

    @Test(arguments: documents.map(\.name))
    func everyMarkIsLibyamls(name: String) throws {
        let text = try #require(Self.documents.first { $0.name == name }?.text)
        let result = load(text)
        #expect(result.problems.isEmpty, "\(result.problems.map(\.message))")
        var walked: [Expected] = []
        for document in result.documents { Self.walk(document.root, into: &walked) }
        let expected = Self.events(text)
        #expect(walked.count == expected.count)
        for (offset, (got, want)) in zip(walked, expected).enumerated() where got != want {
            Issue.record("\(name): event \(offset): loaded \(got), libyaml \(want)")
        }
    }

    @Test func anAliasOfACollectionHasTheAliasesMarks() throws {
        let node = try root("base: &b {x: 1, y: [2, 3]}\nuse:   *b\n")
        let use = try #require(node["use"])
        #expect(use.start == mark(2, 8))
        #expect(use.end == mark(2, 10))
        #expect(use["y"]?.items.count == 2)
        #expect(node["base"]?.end == mark(1, 27))
    }
}
