import Foundation
import KubeDiagnostics
import Testing

@testable import KubeReport

/// `serializeJSON` writes what Foundation's `JSONSerialization` writes, byte for byte: the json and
/// sarif outputs did not change when it stopped calling Foundation for the documents it builds.
@Suite struct JSONOutputTests {
    static func foundation(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static var documents: [(String, Any)] {
        [
            (
                "keys Foundation sorts case-insensitively",
                [
                    "notes": 1, "notValidated": 2, "$schema": "s", "ruleId": "a", "ruleIndex": 3, "URI": "x",
                    "uri": "y", "Uri": "z", "startLine": 1, "startColumn": 2, "b": 0, "B": 1, "a": true, "A": false,
                ] as [String: Any]
            ),
            (
                "empty and nested collections",
                [
                    "emptyArray": [Any](), "emptyObject": [String: Any](),
                    "nested": [["inner": [[String: Any]()]] as [String: Any], [Any]()] as [Any],
                    "null": NSNull(), "negative": -42, "zero": 0,
                ] as [String: Any]
            ),
            (
                "strings with every escape and other text",
                [
                    "text": "quote \" backslash \\ slash / newline \n return \r tab \t backspace \u{8} feed \u{c}",
                    "control": "\u{0}\u{1}\u{f}\u{10}\u{1b}\u{1f} \u{7f}", "unicode": "naïve – 日本 🙂 e\u{301}",
                    "empty": "",
                ] as [String: Any]
            ),
            ("a top-level array", [1, "two", NSNull(), [String: Any](), ["k": [Int]()]] as [Any]),
        ]
    }

    @Test(arguments: 0..<4)
    func writesWhatFoundationWrites(_ index: Int) throws {
        let (name, document) = Self.documents[index]
        var writer = PrettyJSON()
        let written = writer.write(document, depth: 0)
        #expect(written, "\(name): written without Foundation")
        #expect(serializeJSON(document) == (try Self.foundation(document)), "\(name)")
    }

    @Test func keysItCannotOrderWithoutALocaleGoToFoundation() throws {
        for document in [["key2": 1, "key10": 2], ["é": 1, "e": 2], ["snake_case": 1, "snakeCase": 2]] {
            var writer = PrettyJSON()
            let written = writer.write(document, depth: 0)
            #expect(!written)
            #expect(serializeJSON(document) == (try Self.foundation(document)))
        }
    }

    @Test func aValueItDoesNotKnowGoesToFoundation() throws {
        let document: [String: Any] = ["ratio": 0.5, "count": 3]
        var writer = PrettyJSON()
        let written = writer.write(document, depth: 0)
        #expect(!written)
        #expect(serializeJSON(document) == (try Self.foundation(document)))
    }

    @Test func realReportsAreWrittenWithoutFoundation() throws {
        let finding = Diagnostic(
            ruleID: "unreadable-input", severity: .error,
            span: SourceSpan(file: "infra/a b.yaml", line: 2, column: 3, endLine: 2, endColumn: 9),
            message: "cannot read \"a b.yaml\"\n\tsecond line")
        let report = Report(diagnostics: [finding], rules: InputProblem.all, inputCount: 1)
        for format in [OutputFormat.json, .sarif] {
            let output = render(report, as: format, options: RenderOptions())
            let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
            #expect(output == (try Self.foundation(object)), "\(format)")
        }
    }
}
