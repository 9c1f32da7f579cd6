import KubeDiagnostics
import KubeYAML
import Testing

/// Loaded nodes live in a compact table; these pin the edges of that storage
/// to the behaviour of plain values.
@Suite("node storage")
struct NodeStorageTests {
    @Test func columnsBeyondSixteenBits() throws {
        let padding = String(repeating: "x", count: 70_000)
        let node = try root("{a: \(padding), b: [1, 2]}")
        #expect(node["a"]?.scalar?.count == 70_000)
        #expect(node["a"]?.end == mark(1, 70_005))
        #expect(node.keyNode("b")?.start == mark(1, 70_007))
        #expect(node["b"]?.items.last?.start == mark(1, 70_014))
        #expect(node["b"]?.items.last?.int == 2)
    }

    @Test func scalarsSpanningManyLines() throws {
        let body = Array(repeating: "  line", count: 70_000).joined(separator: "\n")
        let node = try root("text: |\n\(body)\nnext: 1\n")
        #expect(node["text"]?.start == mark(1, 7))
        #expect(node["text"]?.end == mark(70_002, 1))
        #expect(node.keyNode("next")?.start == mark(70_002, 1))
        #expect(node["text"]?.scalar?.hasPrefix("line\nline\n") == true)
    }

    @Test func longScalarsKeepTheirText() throws {
        let long = String(repeating: "ü", count: 300)
        let node = try root("k: \(long)\n")
        #expect(node["k"]?.scalar == long)
        #expect(node["k"]?.end == mark(1, 304))
    }

    // Keys are compared by bytes, as Kubernetes compares them (JSON field names, goyaml's maps):
    // a key written with U+212A KELVIN SIGN is not `Kind`, though `String` calls them equal (these
    // tests pinned `String` equality until the schema and the reference rules disagreed on such a key).
    @Test func keyLookupComparesBytes() throws {
        let node = try root("\"\u{212A}ind\": Service\ncafé: 1\n")
        #expect(node["Kind"] == nil)
        #expect(node["\u{212A}ind"]?.scalar == "Service")
        #expect(node["café"]?.int == 1)
        #expect(node["cafe\u{301}"] == nil)
        #expect(node["cafe"] == nil)
    }

    @Test func canonicallyEquivalentKeysAreDifferentKeys() throws {
        let result = load("café: 1\n\"cafe\u{301}\": 2\n")
        #expect(result.problems.isEmpty)
        #expect(result.documents.first?.root.pairs.count == 2)
    }

    @Test func duplicateInALargeMapping() throws {
        let keys = (0..<40).map { "key\($0): \($0)" }.joined(separator: "\n")
        let result = load(keys + "\nkey7: again\n")
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "duplicate-key")
        #expect(problem.span?.line == 41)
        #expect(problem.notes.first?.span?.line == 8)
        // Both values stay; lookup finds the first.
        #expect(result.documents.first?.root["key7"]?.int == 7)
        #expect(result.documents.first?.root.pairs.count == 41)
    }

    @Test func duplicatesInASmallMappingAreFoundByBytesAndPointAtTheFirstKey() throws {
        let long = String(repeating: "k", count: 60)
        let result = load(
            "\(long): 1\nname: a\ncafé: 1\n? [x]\n: 1\n\(long): 2\n'name': b\nname: c\ncafé: 2\n\"cafe\u{301}\": 3\n")
        #expect(result.problems.map(\.ruleID) == Array(repeating: InputProblem.duplicateKey.id, count: 4))
        // Each duplicate, in order, with the first key of its text (not the duplicate before it).
        #expect(result.problems.map { $0.span?.line } == [6, 7, 8, 9])
        #expect(result.problems.map { $0.notes.first?.span?.line } == [1, 2, 2, 3])
        #expect(result.documents.first?.root.pairs.count == 9)
        #expect(result.documents.first?.root["name"]?.scalar == "a")
        // Quoted `<<` keys are plain keys.
        let quoted = load("'<<': q\n\"<<\": r\n")
        #expect(quoted.problems.map { $0.notes.first?.span?.line } == [1])
    }

    @Test func anchoredAndTaggedCollectionsKeepTagsAndCountTheirNodes() throws {
        let node = try root("a: &m !custom {x: 1, y: [2, 3]}\nb: *m\nc: !!seq [&s !other [4], *s]\nd: !!map {}\n")
        #expect(node["a"]?.tag == "!custom")
        #expect(node["b"]?.tag == "!custom")
        #expect(node["b"]?["y"]?.items.count == 2)
        #expect(node["c"]?.tag == "tag:yaml.org,2002:seq")
        #expect(node["c"]?.items.map(\.tag) == ["!other", "!other"])
        #expect(node["d"]?.tag == "tag:yaml.org,2002:map")
        // `{x: 1, y: [2, 3]}` is seven nodes: one use is 7, two are 14.
        let limits = YAMLLimits(maxAliasedNodes: 10)
        #expect(load("a: &m {x: 1, y: [2, 3]}\nb: *m\n", limits: limits).problems.isEmpty)
        let problem = try onlyProblem(load("a: &m {x: 1, y: [2, 3]}\nb: [*m, *m]\n", limits: limits))
        #expect(problem.message.contains("billion-laughs"))
        #expect(problem.span?.column == 9)
    }

    @Test func mergeIntoALargeMapping() throws {
        let keys = (0..<30).map { "  k\($0): \($0)" }.joined(separator: "\n")
        let node = try root("base: &b {k3: base, extra: yes}\nm:\n  <<: *b\n\(keys)\n")
        let m = try #require(node["m"])
        #expect(m.pairs.count == 31)
        #expect(m["k3"]?.int == 3)
        #expect(m["extra"]?.scalarType == .bool)
    }

    @Test func customTagsSurviveAliases() throws {
        let node = try root("a: &x !custom value\nb: *x\nc: !!binary aGk=\n")
        #expect(node["a"]?.tag == "!custom")
        #expect(node["b"]?.tag == "!custom")
        #expect(node["b"]?.scalarType == .string)
        #expect(node["c"]?.tag == "tag:yaml.org,2002:binary")
        #expect(node["c"]?.scalarType == .string)
    }

    @Test func contentOfLoadedNodes() throws {
        let node = try root("s: 'x'\nq: [1]\nm: {k: v}\n")
        guard case .scalar(let text, let style) = node["s"]?.content else {
            Issue.record("not a scalar")
            return
        }
        #expect(text == "x")
        #expect(style == .singleQuoted)
        guard case .sequence(let items) = node["q"]?.content else {
            Issue.record("not a sequence")
            return
        }
        #expect(items.first?.int == 1)
        guard case .mapping(let pairs) = node["m"]?.content else {
            Issue.record("not a mapping")
            return
        }
        #expect(pairs.first?.value.scalar == "v")
    }
}
