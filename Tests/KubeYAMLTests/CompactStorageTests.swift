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
        #expect(node["f"]?.scalarType == .string)
        #expect(node["g"]?.scalarType == .float)
        #expect(node["h"]?.scalarType == .bool)
        #expect(node["i"]?.isNull == true)
        #expect(node["j"]?.scalarType == .string)
        #expect(node["k"]?.scalarType == .string)
        #expect(node["l"]?.int == 3)
    }
}
