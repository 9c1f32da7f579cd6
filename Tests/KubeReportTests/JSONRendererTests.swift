import Foundation
import KubeDiagnostics
import Testing

@testable import KubeReport

@Suite struct JSONRendererTests {
    func parse(_ report: Report) throws -> [String: Any] {
        let output = render(report, as: .json, options: RenderOptions())
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func skippedFilesAreCountedInTheSummary() throws {
        var report = Fixtures.report()
        report.skippedFiles = ["docker-compose.yml", "mkdocs.yml"]
        let summary = try #require(try parse(report)["summary"] as? [String: Int])
        #expect(summary["skipped"] == 2)
    }

    @Test func topLevelSchema() throws {
        let json = try parse(Fixtures.report())
        #expect(Set(json.keys) == ["version", "tool", "summary", "diagnostics"])
        #expect(json["version"] as? Int == 1)
        let tool = try #require(json["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "kubewire")
        #expect(tool["version"] as? String == "0.1.0")
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(
            summary == [
                "errors": 1, "warnings": 1, "notes": 0, "inputs": 2, "objects": 3, "notValidated": 0, "skipped": 0,
                "skippedTestHarness": 0, "skippedUnusedPatches": 0,
            ])
    }

    @Test func diagnosticsInOutputOrderWithAllFields() throws {
        let json = try parse(Fixtures.report())
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["rule"] as? String } == ["image-latest", "service-selector"])
        let d = diagnostics[1]
        #expect(Set(d.keys) == ["rule", "severity", "message", "location", "object", "notes", "fix"])
        #expect(d["severity"] as? String == "error")
        #expect(d["message"] as? String == Fixtures.selectorDiagnostic.message)
        let location = try #require(d["location"] as? [String: Any])
        #expect(location["file"] as? String == "infra/k8s/posts-srv.yaml")
        #expect(location["line"] as? Int == 7)
        #expect(location["column"] as? Int == 10)
        #expect(location["endLine"] as? Int == 7)
        #expect(location["endColumn"] as? Int == 15)
        let object = try #require(d["object"] as? [String: String])
        #expect(object == ["kind": "Service", "namespace": "default", "name": "posts-srv"])
        let notes = try #require(d["notes"] as? [[String: Any]])
        #expect(notes.count == 2)
        #expect(notes[0]["message"] as? String == "pods of Deployment posts-depl are labelled here")
        #expect((notes[0]["location"] as? [String: Any])?["line"] as? Int == 14)
        #expect(notes[1]["location"] is NSNull)
        let fix = try #require(d["fix"] as? [String: Any])
        #expect(fix["message"] as? String == "did you mean `app: posts`?")
        #expect(fix["replacement"] as? String == "posts")
        #expect((fix["location"] as? [String: Any])?["column"] as? Int == 10)
        // The warning's fix has no replacement or location: explicit nulls.
        let warningFix = try #require(diagnostics[0]["fix"] as? [String: Any])
        #expect(warningFix["replacement"] is NSNull)
        #expect(warningFix["location"] is NSNull)
    }

    /// Version 1's `replacement` and `location` stay (the only edit); `edits` and `applicability`
    /// carry every edit and whether a tool may apply them unasked.
    @Test func aFixCarriesItsEditsAndApplicability() throws {
        let json = try parse(Fixtures.report())
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        let fix = try #require(diagnostics[1]["fix"] as? [String: Any])
        #expect(Set(fix.keys) == ["message", "replacement", "location", "edits", "applicability"])
        let edits = try #require(fix["edits"] as? [[String: Any]])
        #expect(edits.count == 1)
        #expect(edits.first?["text"] as? String == "posts")
        #expect((edits.first?["location"] as? [String: Any])?["endColumn"] as? Int == 15)
        #expect(fix["applicability"] as? String == "maybe-incorrect")
        let prose = try #require(diagnostics[0]["fix"] as? [String: Any])
        #expect((prose["edits"] as? [Any])?.isEmpty == true)
        #expect(prose["applicability"] is NSNull)
    }

    @Test func absentValuesAreNull() throws {
        let d = Diagnostic(ruleID: "yaml-syntax", severity: .error, span: nil, message: "bad\n\"yaml\"")
        let json = try parse(Report(diagnostics: [d], rules: InputProblem.all))
        let diagnostics = try #require(json["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0]["location"] is NSNull)
        #expect(diagnostics[0]["object"] is NSNull)
        #expect(diagnostics[0]["fix"] is NSNull)
        #expect((diagnostics[0]["notes"] as? [Any])?.isEmpty == true)
        #expect(diagnostics[0]["message"] as? String == "bad\n\"yaml\"")
    }

    @Test func outputIsStable() {
        let a = render(Fixtures.report(), as: .json, options: RenderOptions())
        let b = render(
            Fixtures.report([Fixtures.selectorDiagnostic, Fixtures.latestDiagnostic]), as: .json,
            options: RenderOptions())
        #expect(a == b)
        #expect(a.hasSuffix("}\n"))
        // Keys are sorted: "diagnostics" comes before "summary", "tool" and "version".
        let order = ["\"diagnostics\"", "\"summary\"", "\"tool\"", "\"version\""].compactMap {
            a.range(of: $0)?.lowerBound
        }
        #expect(order.count == 4 && order == order.sorted())
    }
}
