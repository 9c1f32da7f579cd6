import Testing

@testable import KubeYAML

/// The schema walk's view of a stream (`YAMLTree`) reads what `YAMLNode` reads, in one call.
@Suite("the tree by index")
struct YAMLTreeTests {
    /// Every spelling of goyaml's resolution table, plain and as the walk meets it otherwise
    /// (quoted, tagged, a null's forms).
    static let scalars: [String] =
        GoYAMLResolveTests.table.map(\.0) + [
            "\"80\"", "'yes'", "!!int \"12\"", "!!str 80", "!!null x", "!!bool yes", "!foo 1", "", "~", "null", "Null",
            "NULL", "nil", "no", "nginx", "|\n  block\n",
        ]

    @Test(arguments: scalars)
    func scalarTypeAndIntIsScalarTypeAndInt(_ text: String) throws {
        let node = try #require(try root("v: \(text)\n")["v"])
        let tree = YAMLTree(of: node)
        let index = YAMLTree.index(of: node)
        let typed = try #require(tree.scalarTypeAndInt(index))
        #expect(typed.type == node.scalarType, "\(text)")
        #expect(typed.int == node.int, "\(text)")
        #expect(tree.isNull(index) == node.isNull, "\(text)")
    }

    @Test func collectionsHaveNoScalarType() throws {
        let node = try root("a: [1, 2]\nb: {c: 3}\n")
        let tree = YAMLTree(of: node)
        let pairs = tree.pairs(YAMLTree.index(of: node))
        #expect(pairs.count == 2)
        let (keyA, list) = tree.pair(pairs, 0)
        let (_, map) = tree.pair(pairs, 1)
        #expect(tree.node(keyA).scalar == "a")
        #expect(tree.kind(list) == .sequence && tree.itemCount(list) == 2)
        #expect(tree.node(tree.item(list, 1)).int == 2)
        #expect(tree.kind(map) == .mapping && tree.pairs(map).count == 1)
        for index in [list, map] {
            #expect(tree.scalarTypeAndInt(index) == nil)
            #expect(!tree.isNull(index))
        }
        // A scalar has no pairs or items.
        #expect(tree.pairs(keyA).count == 0 && tree.itemCount(keyA) == 0)
    }

    @Test func sharedWordsAreIdsOfTheLoadsVocabularyOnly() throws {
        let words = YAMLVocabulary(words: ["name", "image"])
        let text = "name: web\nimage: nginx\nnames: x\n"
        let loaded = try #require(YAMLLoader.load(text: text, file: "t.yaml", vocabulary: words).documents.first?.root)
        let tree = YAMLTree(of: loaded)
        let pairs = tree.pairs(YAMLTree.index(of: loaded))
        let name = tree.sharedWord(tree.pair(pairs, 0).key, in: words)
        let image = tree.sharedWord(tree.pair(pairs, 1).key, in: words)
        #expect(name != nil && name == words.wordID("name"))
        #expect(image != nil && image == words.wordID("image") && image != name)
        #expect(tree.sharedWord(tree.pair(pairs, 2).key, in: words) == nil)
        #expect(words.wordID("names") == nil)
        // Ids of another vocabulary, even with the same words, say nothing about this tree's text.
        let other = YAMLVocabulary(words: ["name", "image"])
        #expect(tree.sharedWord(tree.pair(pairs, 0).key, in: other) == nil)
        let unshared = try #require(YAMLLoader.load(text: text, file: "t.yaml").documents.first?.root)
        let plainTree = YAMLTree(of: unshared)
        #expect(
            plainTree.sharedWord(plainTree.pair(plainTree.pairs(YAMLTree.index(of: unshared)), 0).key, in: words) == nil
        )
    }
}
