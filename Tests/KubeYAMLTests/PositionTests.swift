import KubeYAML
import Testing

@Suite("positions")
struct PositionTests {
    let manifest = """
        apiVersion: v1
        kind: Service
        metadata:
          name: "posts-srv"
          labels:
            app: 'posts'
        spec:
          ports:
            - port: 4000
        """

    @Test func keysAndValuesHaveOneBasedMarks() throws {
        let node = try root(manifest)
        #expect(node.start == mark(1, 1))
        let kindKey = try #require(node.keyNode("kind"))
        #expect(kindKey.start == mark(2, 1))
        #expect(kindKey.end == mark(2, 5))
        let kind = try #require(node["kind"])
        #expect(kind.start == mark(2, 7))
        #expect(kind.end == mark(2, 14))
        let metadata = try #require(node["metadata"])
        #expect(metadata.start == mark(4, 3))
        let port = try #require(node["spec"]?["ports"]?.items.first?["port"])
        #expect(port.start == mark(9, 13))
        #expect(port.end == mark(9, 17))
        let portItem = try #require(node["spec"]?["ports"]?.items.first)
        #expect(portItem.start == mark(9, 7))
    }

    @Test func quotedScalarsPointAtTheQuote() throws {
        let node = try root(manifest)
        let name = try #require(node["metadata"]?["name"])
        #expect(name.scalar == "posts-srv")
        #expect(name.style == .doubleQuoted)
        #expect(name.start == mark(4, 9))
        #expect(name.end == mark(4, 20))
        let app = try #require(node["metadata"]?["labels"]?["app"])
        #expect(app.style == .singleQuoted)
        #expect(app.start == mark(6, 10))
        #expect(app.end == mark(6, 17))
    }

    @Test("multi-byte characters count as one column", arguments: ["é", "日本", "😀"])
    func multiByteCharacters(_ text: String) throws {
        let node = try root("{a: \"\(text)\", b: 1}")
        let count = Int32(text.unicodeScalars.count)
        #expect(node["a"]?.scalar == text)
        let b = try #require(node.keyNode("b"))
        // `{a: "` is 5 columns, then the text, the closing quote, `, `.
        #expect(b.start == mark(1, 5 + count + 1 + 2 + 1))
        #expect(node["a"]?.end == mark(1, 5 + count + 2))
    }

    @Test func multiByteKeyOnAnEarlierLineDoesNotShiftLaterLines() throws {
        let node = try root("größe: 1\nname: x\n")
        #expect(node["größe"]?.start == mark(1, 8))
        #expect(node["name"]?.start == mark(2, 7))
    }

    @Test func crlfLineEndings() throws {
        let node = try root("a: 1\r\nb: \"x\"\r\nc:\r\n  - y\r\n")
        #expect(node["a"]?.start == mark(1, 4))
        #expect(node.keyNode("b")?.start == mark(2, 1))
        #expect(node["b"]?.start == mark(2, 4))
        #expect(node["b"]?.scalar == "x")
        #expect(node["c"]?.items.first?.start == mark(4, 5))
        #expect(node["c"]?.items.first?.scalar == "y")
    }

    @Test func blockScalarsStartAtTheIndicator() throws {
        let node = try root("script: |\n  echo hi\n  exit 0\nnext: 1\n")
        let script = try #require(node["script"])
        #expect(script.style == .literal)
        #expect(script.scalar == "echo hi\nexit 0\n")
        #expect(script.start == mark(1, 9))
        #expect(node.keyNode("next")?.start == mark(4, 1))
    }
}

@Suite("streams")
struct StreamTests {
    @Test func multiDocumentStreamWithCommentsAndMarkers() throws {
        let text = """
            # leading comment
            --- # a comment after the marker
            a: 1
            ---
            # only a comment here
            ---
            b: 2 # trailing
            ...
            ---
            c: 3
            """
        let result = load(text)
        #expect(result.problems.isEmpty)
        #expect(result.documents.count == 4)
        #expect(result.documents.map(\.index) == [0, 1, 2, 3])
        #expect(result.documents[0].root["a"]?.int == 1)
        #expect(result.documents[0].root.start == mark(3, 1))
        // A document holding only comments is an empty (null) scalar.
        #expect(result.documents[1].root.isNull)
        #expect(result.documents[2].root["b"]?.int == 2)
        #expect(result.documents[2].root.start == mark(7, 1))
        #expect(result.documents[3].root["c"]?.start == mark(10, 4))
    }

    @Test("empty streams have no documents", arguments: ["", "# nothing\n", "\n\n   \n"])
    func emptyStreams(_ text: String) {
        let result = load(text)
        #expect(result.documents.isEmpty)
        #expect(result.problems.isEmpty)
    }

    @Test func trailingMarkerGivesAnEmptyDocument() {
        let result = load("a: 1\n---\n")
        #expect(result.documents.count == 2)
        #expect(result.documents[1].root.isNull)
    }

    @Test func flowAndBlockStylesGiveTheSameTree() throws {
        let block = try root("a:\n  - x\n  - y: 1\n    z: [2]\nb: {}\n")
        let flow = try root("{a: [x, {y: 1, z: [2]}], b: {}}")
        for node in [block, flow] {
            #expect(node.pairs.map { $0.key.scalar } == ["a", "b"])
            let items = node["a"]?.items ?? []
            #expect(items.count == 2)
            #expect(items.first?.scalar == "x")
            #expect(items.last?["y"]?.int == 1)
            #expect(items.last?["z"]?.items.first?.int == 2)
            #expect(node["b"]?.isMapping == true)
            #expect(node["b"]?.pairs.isEmpty == true)
        }
    }

    @Test func mappingKeepsKeyOrder() throws {
        let node = try root("z: 1\na: 2\nm: 3\n")
        #expect(node.pairs.compactMap(\.key.scalar) == ["z", "a", "m"])
    }
}

@Suite("scalars")
struct ScalarTests {
    @Test func scalarStyles() throws {
        let node = try root(
            """
            plain: a b
            single: 'it''s'
            double: "tab\\there"
            literal: |
              one
              two
            folded: >
              one
              two
            """)
        #expect(node["plain"]?.style == .plain)
        #expect(node["plain"]?.scalar == "a b")
        #expect(node["single"]?.style == .singleQuoted)
        #expect(node["single"]?.scalar == "it's")
        #expect(node["double"]?.style == .doubleQuoted)
        #expect(node["double"]?.scalar == "tab\there")
        #expect(node["literal"]?.style == .literal)
        #expect(node["literal"]?.scalar == "one\ntwo\n")
        #expect(node["folded"]?.style == .folded)
        // Clip chomping: no final line break at the end of the stream.
        #expect(node["folded"]?.scalar == "one two")
        #expect(ScalarStyle.plain.isQuoted == false)
        #expect(ScalarStyle.singleQuoted.isQuoted)
    }

    @Test(
        "YAML 1.1 typing of plain scalars",
        arguments: [
            ("yes", ScalarType.bool), ("No", .bool), ("on", .bool), ("OFF", .bool), ("y", .bool), ("true", .bool),
            ("4000", .int), ("-12", .int), ("+7", .int), ("0x1F", .int), ("0o17", .int), ("017", .int),
            ("0b101", .int), ("1_000", .int), (".inf", .float), ("-.Inf", .float), (".nan", .float),
            ("1.5", .float), ("6.02e+23", .float), ("~", .null), ("null", .null),
            ("", .null), ("posts-srv", .string), ("4000a", .string), ("1.2.3", .string), ("-x", .string),
            ("http://x:80", .string),
        ])
    func plainTyping(_ text: String, _ expected: ScalarType) throws {
        let node = try #require(try root("v: \(text)\n")["v"])
        #expect(node.scalarType == expected)
        #expect((node.string != nil) == (expected == .string))
    }

    @Test(
        "integers", arguments: [("4000", 4000), ("0x1F", 31), ("1_000", 1000), ("-12", -12), ("017", 15), ("0b101", 5)])
    func integers(_ text: String, _ value: Int) throws {
        let node = try #require(try root("v: \(text)\n")["v"])
        #expect(node.int == value)
        #expect(node.string == nil)
    }

    @Test("quoted scalars are strings", arguments: ["yes", "on", "4000", "0x1F", "1_000", ".inf", "~", "null", ""])
    func quotedAreStrings(_ text: String) throws {
        for quoted in ["\"\(text)\"", "'\(text)'"] {
            let node = try #require(try root("v: \(quoted)\n")["v"])
            #expect(node.scalarType == .string)
            #expect(node.string == text)
            #expect(node.int == nil)
            #expect(!node.isNull)
        }
    }

    @Test func explicitTags() throws {
        let node = try root("a: !!str 4000\nb: !!int \"12\"\nc: ! yes\nd: !!bool yes\n")
        #expect(node["a"]?.tag == "tag:yaml.org,2002:str")
        #expect(node["a"]?.scalarType == .string)
        #expect(node["a"]?.string == "4000")
        #expect(node["a"]?.int == nil)
        #expect(node["b"]?.scalarType == .int)
        #expect(node["b"]?.int == 12)
        // The non-specific `!` tag forces a string.
        #expect(node["c"]?.scalarType == .string)
        #expect(node["d"]?.scalarType == .bool)
    }

    @Test func collectionsHaveNoScalarType() throws {
        let node = try root("a: [1]\nb: {c: d}\n")
        #expect(node["a"]?.scalarType == nil)
        #expect(node["b"]?.scalar == nil)
        #expect(node["a"]?.isSequence == true)
        #expect(node["b"]?.isMapping == true)
        #expect(node["a"]?.isScalar == false)
    }
}
