import KubeYAML
import Testing

/// The builder's buffers are reused from one load to the next (and emptied for a parse read again
/// after goyaml's `\'` escape): nothing of one load may show in another.
@Suite("builder buffers reused between loads")
struct BufferReuseTests {
    @Test func aTableStaysIntactWhileLaterLoadsReuseTheBuffers() async throws {
        let first = try root("a: first-value\nlist: [1, 2, 3]\nanchor: &x {k: v}\nalias: *x\n")
        // Larger and smaller loads after it, on this thread and on others.
        _ = load("first-value: other\na: [x, y]\n")
        let many = (0..<200).map { "k\($0): value-\($0)" }.joined(separator: "\n") + "\n"
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = load(many) } }
        }
        _ = load("x: 1\n")
        #expect(first["a"]?.scalar == "first-value")
        #expect(first["list"]?.items.compactMap(\.int) == [1, 2, 3])
        #expect(first["alias"]?["k"]?.scalar == "v")
        #expect(first["alias"]?.start == mark(4, 8))
    }

    @Test func eachLoadStartsEmpty() throws {
        let anchored = load("a: &x 1\nb: *x\nc: 1\nc: 2\n")
        #expect(anchored.problems.count == 1)
        // An anchor, a duplicate key or a node of the load before does not leak into this one.
        let next = load("b: *x\n")
        #expect(next.problems.map(\.message) == ["alias *x refers to no anchor defined before it"])
        let clean = try root("c: 1\n")
        #expect(clean["c"]?.int == 1)
        #expect(clean.childCount == 1)
    }

    @Test func aParseReadAgainAfterASingleQuoteEscapeKeepsNothingOfTheFirstRead() throws {
        // The first read stops at `\'` after an anchor, a duplicate key and several nodes; the
        // second read must report the duplicate once and define the anchor once.
        let result = load("a: &x {k: v}\nd: 1\nd: 2\nb: *x\nc: \"it\\'s\"\ne: *x\n")
        #expect(result.problems.map(\.message) == ["duplicate key `d` in this mapping"])
        let node = try #require(result.documents.first?.root)
        #expect(node["c"]?.scalar == "it's")
        #expect(node["e"]?["k"]?.scalar == "v")
        #expect(node.childCount == 6)
    }

    @Test func mapItemsBuildsTheListOfASequenceOnly() throws {
        let node = try root("s: [a, b, c]\nm: {a: 1}\nx: y\n")
        #expect(node["s"]?.mapItems { $0.scalar ?? "" } == ["a", "b", "c"])
        #expect(node["m"]?.mapItems { $0.scalar ?? "" } == [])
        #expect(node["x"]?.mapItems { $0.scalar ?? "" } == [])
    }
}
