import Testing

@testable import KubeSchema

/// `Base64.firstInvalidByte` against what Go's `base64.StdEncoding.DecodeString` (the decoder of
/// every `[]byte` field) says: nil where it decodes, the offset of its `CorruptInputError` where not.
@Suite("base64 as the API server decodes it")
struct Base64Tests {
    static let cases: [(text: String, invalidAt: Int?)] = [
        ("", nil), ("YQ==", nil), ("YWI=", nil), ("YWJj", nil), ("YWJjZA==", nil), ("YW\nJj", nil),
        ("YWJj\r\n", nil), ("YQ=\n=", nil), ("+/+/", nil),
        ("Y", 1), ("YQ", 2), ("YQ=", 3), ("YQ===", 4), ("=", 0), ("YWJj=", 4), ("YW Jj", 2), ("YQ==YQ==", 4),
        ("YWJj!", 4), ("Y\nQ", 3), ("YWJj-_", 4), ("hunter2!", 7),
    ]

    @Test(arguments: cases.indices)
    func decodesAsGoDoes(case index: Int) {
        let (text, expected) = Self.cases[index]
        var text2 = text
        let got = text2.withUTF8 { Base64.firstInvalidByte(in: $0) }
        #expect(got == expected, "\(text.debugDescription)")
    }
}
