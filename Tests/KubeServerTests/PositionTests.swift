import Testing

@testable import KubeServer

@Suite struct PositionTests {
    @Test func scalarColumnsBecomeUTF16Characters() {
        // `é` is one scalar and one UTF-16 unit; `😀` is one scalar and two units.
        let table = LineTable("name: é😀x\n")
        #expect(table.position(line: 1, column: 7) == Position(line: 0, character: 6))
        #expect(table.position(line: 1, column: 8) == Position(line: 0, character: 7))
        #expect(table.position(line: 1, column: 9) == Position(line: 0, character: 9))
        #expect(table.lineAndColumn(of: Position(line: 0, character: 9)) == (1, 9))
    }

    @Test func aPositionInsideASurrogatePairStaysBeforeTheCharacter() {
        let table = LineTable("a😀b")
        #expect(table.lineAndColumn(of: Position(line: 0, character: 2)) == (1, 2))
        #expect(table.lineAndColumn(of: Position(line: 0, character: 3)) == (1, 3))
    }

    @Test func crlfAndLoneCarriageReturnsEndLines() {
        let table = LineTable("a: 1\r\nb: 2\rc: 3\n")
        #expect(table.lineCount == 4)
        #expect(table.position(line: 2, column: 4) == Position(line: 1, character: 3))
        #expect(table.position(line: 3, column: 1) == Position(line: 2, character: 0))
        // Past the end of a line is its end, never the line break.
        #expect(table.position(line: 1, column: 40) == Position(line: 0, character: 4))
        #expect(table.lineAndColumn(of: Position(line: 0, character: 99)) == (1, 5))
    }

    @Test func positionsPastTheTextClampToItsEnd() {
        let table = LineTable("x: 1")
        #expect(table.position(line: 9, column: 1) == Position(line: 0, character: 4))
        #expect(table.index(of: Position(line: 5, character: 0)) == table.text.endIndex)
    }

    @Test func anIndexMapsBackToItsPosition() {
        let text = "ä: 1\r\n😀: 2\n"
        let table = LineTable(text)
        let index = table.index(of: Position(line: 1, character: 2))
        #expect(text[index...].hasPrefix(": 2"))
        #expect(table.position(of: index) == Position(line: 1, character: 2))
    }
}

@Suite struct IncrementalEditTests {
    func change(_ startLine: Int, _ startCharacter: Int, _ endLine: Int, _ endCharacter: Int, _ text: String) -> JSON {
        [
            "range": [
                "start": ["line": .int(startLine), "character": .int(startCharacter)],
                "end": ["line": .int(endLine), "character": .int(endCharacter)],
            ],
            "text": .string(text),
        ]
    }

    @Test func aRangeIsReplacedInUTF16Units() throws {
        var document = TextDocument(uri: "file:///a.yaml", version: 1, text: "app: 😀ports\n")
        try document.apply(change: change(0, 7, 0, 12, "posts"))
        #expect(document.text == "app: 😀posts\n")
    }

    @Test func editsAcrossLinesAndInsertionsApplyInOrder() throws {
        var document = TextDocument(uri: "file:///a.yaml", version: 1, text: "a: 1\r\nb: 2\r\nc: 3\r\n")
        try document.apply(change: change(0, 3, 1, 4, "10\r\nb: 20"))
        try document.apply(change: change(2, 0, 2, 0, "# c\r\n"))
        #expect(document.text == "a: 10\r\nb: 20\r\n# c\r\nc: 3\r\n")
    }

    @Test func aChangeWithoutRangeReplacesTheWholeText() throws {
        var document = TextDocument(uri: "file:///a.yaml", version: 1, text: "old")
        try document.apply(change: ["text": "new"])
        #expect(document.text == "new")
    }

    @Test func aBadChangeIsRefusedAndLeavesTheText() {
        var document = TextDocument(uri: "file:///a.yaml", version: 1, text: "keep")
        #expect(throws: TextDocument.EditError.badRange) { try document.apply(change: change(1, 0, 0, 0, "x")) }
        #expect(throws: TextDocument.EditError.missingText) { try document.apply(change: ["range": nil]) }
        #expect(document.text == "keep")
    }

    @Test func editsPastTheEndAppend() throws {
        var document = TextDocument(uri: "file:///a.yaml", version: 1, text: "a")
        try document.apply(change: change(3, 0, 3, 0, "\nb"))
        #expect(document.text == "a\nb")
    }
}
