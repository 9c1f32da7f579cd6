import KubeDiagnostics
import Testing

@testable import KubeYAML

/// What a loaded manifest keeps of its own: API words point at the run's one copy, and ordinary
/// scalars and collections need no stored end.
@Suite("shared text and derived marks")
struct SharedTextTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: web
                  image: "nginx:1.27"
                  imagePullPolicy: IfNotPresent
                  ports:
                    - containerPort: 8080
                      protocol: TCP
        """

    static func table(_ text: String) throws -> YAMLTable {
        try root(text).table
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test func apiWordsAreNotStoredPerStream() throws {
        let table = try Self.table(Self.deployment)
        // Only `web`, `nginx:1.27`, `2` and `8080` are the manifest's own: one length byte each, once.
        #expect(table.text.count == (1 + 3) + (1 + 10) + (1 + 1) + (1 + 4))
        let node = try root(Self.deployment)
        #expect(node["kind"]?.scalar == "Deployment")
        #expect(node["apiVersion"]?.scalarEquals("apps/v1") == true)
        let container = try #require(node["spec"]?["template"]?["spec"]?["containers"]?.items.first)
        #expect(container["imagePullPolicy"]?.string == "IfNotPresent")
        #expect(container["ports"]?.items.first?["containerPort"]?.int == 8080)
        #expect(container.keyNode("image")?.start == mark(18, 11))
    }

    /// The loader's cache key, `scalarFNV1a` and the schema's field key are one FNV-1a: a field is
    /// found by the hash the loader computed.
    @Test func everyKeyHashIsTheOneFNV1a() throws {
        #expect(FNV1a.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash("foobar") == 0x8594_4171_f739_67e8)
        let node = try root(Self.deployment)
        // A shared word (a key, a kind) and the stream's own text (a name).
        for scalar in [node.keyNode("kind"), node["kind"], node["metadata"]?["name"]] {
            let scalar = try #require(scalar)
            let text = try #require(scalar.scalar)
            #expect(scalar.scalarFNV1a == FNV1a.hash(text))
            #expect(text.utf8.withContiguousStorageIfAvailable { TreeBuilder.hash($0) } == FNV1a.hash(text))
        }
    }

    @Test func typicalNodesNeedNoStoredMarks() throws {
        #expect(try Self.table(Self.deployment).wideMarks.isEmpty)
        // An escape, a block scalar, an anchored scalar (its marks start at the anchor) and an alias do.
        let table = try Self.table("a: \"x\\ty\"\nb: |\n  z\nc: &n 1\nd: *n\n")
        #expect(table.wideMarks.count == 4)
    }

    @Test func aMappingListsItsKeysAndItsLastValue() throws {
        // Each value but the last is the node just before the next key, so only keys are listed.
        let table = try Self.table("a: 1\nb: [x, y]\nc: {d: 2}\n")
        // root: count, end, 3 keys, last value; [x, y]: count, end, 2 items; {d: 2}: count, end, key, value.
        #expect(table.children.count == (2 + 4) + (2 + 2) + (2 + 2))
        let node = try root("a: 1\nb: [x, y]\nc: {d: 2}\n")
        #expect(node.pairs.map { $0.key.scalar } == ["a", "b", "c"])
        #expect(node["a"]?.int == 1 && node["b"]?.items.count == 2 && node["c"]?["d"]?.int == 2)
    }

    @Test func complexKeysAndMergesKeepEveryPair() throws {
        let node = try root(
            """
            base: &base {x: 1, y: 2}
            merged:
              <<: *base
              z: 3
            ? [k1, k2]
            : complex
            after: 4
            alias: *base
            """)
        #expect(node["merged"]?.pairs.map { $0.key.scalar } == ["z", "x", "y"])
        #expect(node["merged"]?["y"]?.int == 2)
        #expect(node.pairs.count == 5)
        #expect(node.pairs[2].key.items.map(\.scalar) == ["k1", "k2"])
        #expect(node.pairs[2].value.scalar == "complex")
        #expect(node["after"]?.int == 4)
        #expect(node["alias"]?["y"]?.int == 2)
        #expect(node["alias"]?.childCount == 2)
    }

    @Test func keysAreFoundByTheirWordHoweverWritten() throws {
        // Plain, quoted and escaped spellings of an API word are one word; the first of two wins.
        let node = try root("'kind': A\n\"na\\x6De\": B\nspec: C\nspecs: E\n")
        #expect(node["kind"]?.scalar == "A")
        #expect(node["name"]?.scalar == "B")
        #expect(node["specs"]?.scalar == "E")
        #expect(node["metadata"] == nil)
        let duplicate = load("spec: C\nspec: D\n")
        #expect(duplicate.problems.count == 1)
        #expect(duplicate.documents.first?.root["spec"]?.scalar == "C")
    }

    @Test func sharedAndOwnTextCompareAsStrings() throws {
        // `name` is an API word, `naming` is not; both keys are found, and a repeated word is a duplicate.
        let node = try root("name: a\nnaming: b\n\"kind\": c\n")
        #expect(node["name"]?.scalar == "a")
        #expect(node["naming"]?.scalar == "b")
        #expect(node["kind"]?.scalar == "c")
        let duplicate = load("name: a\n'name': b\n")
        #expect(duplicate.problems.map(\.ruleID) == [InputProblem.duplicateKey.id])
    }

    @Test func keysAreFoundWhateverStringHoldsThem() throws {
        // A small string (its bytes inline), a word in a large string, a word in a substring's
        // copy, a long non-word, a non-ASCII stream (where words are compared by bytes).
        let node = try root("apiVersion: v1\nmatchLabels: {}\nan-annotation-key-longer-than-15: x\n")
        var large = String()
        large.reserveCapacity(64)
        large += "apiVersion"
        #expect(node["apiVersion"]?.scalar == "v1")
        #expect(node[large]?.scalar == "v1")
        #expect(node[String("xmatchLabels".dropFirst())]?.isMapping == true)
        #expect(node["an-annotation-key-longer-than-15"]?.scalar == "x")
        #expect(node["apiVersio"] == nil)
        #expect(node["apiVersionx"] == nil)
        let wide = try root("café: 1\napiVersion: v2\n")
        #expect(wide["apiVersion"]?.scalar == "v2")
        #expect(wide[large]?.scalar == "v2")
    }

    /// Any vocabulary (none included) reads the same: the words only decide where text is kept.
    @Test func aLoadReadsTheSameWithAnyVocabulary() throws {
        let with = try root(Self.deployment)
        let without = try #require(
            YAMLLoader.load(text: Self.deployment, file: "t.yaml", vocabulary: .none).documents.first?.root)
        func flatten(_ node: YAMLNode) -> [String] {
            ["\(node.start)-\(node.end) \(node.scalar ?? "")"]
                + node.pairs.flatMap { flatten($0.key) + flatten($0.value) } + node.items.flatMap(flatten)
        }
        #expect(flatten(with) == flatten(without))
        #expect(try Self.table(Self.deployment).text.count < without.table.text.count)
    }

    @Test func lookupsSurviveCollidingSlots() {
        let words = (0..<5000).map { Array("w\($0)".utf8) }
        let shared = SharedText(wordList: words)
        for word in words {
            let payload = word.withUnsafeBufferPointer { shared.payload(of: $0, hash: TreeBuilder.hash($0)) }
            guard let payload else {
                Issue.record("missing \(String(decoding: word, as: UTF8.self))")
                continue
            }
            let stored = ScalarText.bytes(at: Int(payload & ~SharedText.flag), in: shared.text.bytes)
            #expect(Array(stored) == word)
        }
        // `<<` is never shared: a shared key is never taken for a merge key.
        let merge = Array("<<".utf8)
        #expect(
            merge.withUnsafeBufferPointer {
                SharedText(wordList: [merge]).payload(of: $0, hash: TreeBuilder.hash($0))
            } == nil)
        // A repeated word is stored once.
        #expect(SharedText(wordList: words + words).text.bytes.count == shared.text.bytes.count)
        let absent = Array("w5000".utf8)
        #expect(absent.withUnsafeBufferPointer { shared.payload(of: $0, hash: TreeBuilder.hash($0)) } == nil)
    }
}

/// The stored marks of wide nodes: kept sorted by node, whatever order they come in.
@Suite("wide marks table")
struct WideMarksTableTests {
    static func marks(_ line: Int32) -> WideMarks {
        WideMarks(start: Mark(line: line, column: 1), end: Mark(line: line, column: 9))
    }

    @Test func entriesInAnyOrderAreFoundByNode() {
        var table = WideMarksTable()
        for node: Int32 in [4, 9, 1, 7] { table[node] = Self.marks(node * 10) }
        table[9] = Self.marks(5)
        table[4] = nil
        #expect(table.count == 3)
        #expect(table[1]?.start.line == 10)
        #expect(table[7]?.start.line == 70)
        #expect(table[9]?.start.line == 5)
        #expect(table[4] == nil)
        #expect(table[0] == nil && table[8] == nil && table[10] == nil)
    }

    /// Past line 65,535 a record cannot hold its start: every node there keeps its marks in the
    /// table, and reads them back.
    @Test func nodesPastTheRecordsLineLimitKeepTheirMarks() throws {
        let lines = (0..<70_000).map { "k\($0): v\($0)" }.joined(separator: "\n") + "\n"
        let node = try root(lines)
        #expect(node.table.wideMarks.count >= 2 * (70_000 - 65_535))
        let last = try #require(node["k69999"])
        #expect(last.start == Mark(line: 70_000, column: 9))
        #expect(last.end == Mark(line: 70_000, column: 15))
    }
}
