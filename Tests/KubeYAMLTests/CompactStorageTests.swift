import KubeYAML
import Testing

@Suite("compact node storage: shared short texts, wide marks, byte-level typing")
struct CompactStorageTests {
    @Test func repeatedShortScalarsKeepTheirOwnPositions() throws {
        let node = try root(
            """
            a: {name: x, port: 80}
            b: {name: x, port: 80}
            """)
        let first = try #require(node["a"]?["name"])
        let second = try #require(node["b"]?["name"])
        #expect(first.scalar == "x" && second.scalar == "x")
        #expect(first.start == mark(1, 11))
        #expect(second.start == mark(2, 11))
        #expect(node["b"]?["port"]?.int == 80)
    }

    @Test func columnsAndLineSpansOver255KeepExactMarks() throws {
        let long = String(repeating: "v", count: 300)
        let lines = (1...300).map { "  k\($0): v" }.joined(separator: "\n")
        let node = try root("key: \(long)\nafter: \(long)x\nmap:\n\(lines)\nlast: 1\n")
        let value = try #require(node["after"])
        #expect(value.start == mark(2, 8))
        #expect(value.end == mark(2, 309))
        let map = try #require(node["map"])
        #expect(map.start == mark(4, 3))
        #expect(map.end == mark(304, 1))
        #expect(node["last"]?.int == 1)
    }

    @Test func plainScalarTypesFromBytesMatchTheStringRules() throws {
        let node = try root(
            """
            a: 8080
            b: -12
            c: 0x1F
            d: 010
            e: 1_000
            f: 99999999999999999999
            g: 1.5
            h: yes
            i: ~
            j: "8080"
            k: 08
            l: +3
            """)
        #expect(node["a"]?.int == 8080)
        #expect(node["b"]?.int == -12)
        #expect(node["c"]?.int == 31)
        #expect(node["d"]?.int == 8)
        #expect(node["e"]?.int == 1000)
        // go-yaml v2 reads an all-digit text beyond uint64 as a float (its float pattern comes
        // before the big-integer case), and `08` (not octal) as the float 8.
        #expect(node["f"]?.scalarType == .float)
        #expect(node["g"]?.scalarType == .float)
        #expect(node["h"]?.scalarType == .bool)
        #expect(node["i"]?.isNull == true)
        #expect(node["j"]?.scalarType == .string)
        #expect(node["k"]?.scalarType == .float)
        #expect(node["l"]?.int == 3)
    }

    @Test func streamsOverSixtyFiveThousandNodesKeepEveryChild() throws {
        // Past 65,536 nodes child indices no longer fit two bytes.
        let items = (0..<40_000).map { "  - {i: \($0)}" }.joined(separator: "\n")
        let keys = (0..<40_000).map { "  k\($0): \($0)" }.joined(separator: "\n")
        let node = try root("list:\n\(items)\nmap:\n\(keys)\nlast: done\n")
        let list = try #require(node["list"]?.items)
        #expect(list.count == 40_000)
        #expect(list[39_999]["i"]?.int == 39_999)
        let map = try #require(node["map"])
        #expect(map.pairs.count == 40_000)
        #expect(map["k39999"]?.int == 39_999)
        #expect(map["k39999"]?.start == mark(80_002, 11))
        #expect(node["last"]?.scalar == "done")
    }

    @Test func smallStreamsReadTheSameThroughNarrowIndices() throws {
        let node = try root("a: [1, 2, {b: c}]\nd: {e: f}\n")
        #expect(node["a"]?.items.count == 3)
        #expect(node["a"]?.items[2]["b"]?.scalar == "c")
        #expect(node["d"]?["e"]?.scalar == "f")
        #expect(node.pairs.map { $0.key.scalar } == ["a", "d"])
    }
}
