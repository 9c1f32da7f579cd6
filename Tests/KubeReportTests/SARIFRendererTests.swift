import Foundation
import KubeDiagnostics
import Testing

@testable import KubeReport

@Suite struct SARIFRendererTests {
    func parse(_ report: Report, workingDirectory: String? = nil) throws -> [String: Any] {
        let output = render(
            report, as: .sarif, options: RenderOptions(workingDirectory: workingDirectory))
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    func run(_ sarif: [String: Any]) throws -> [String: Any] {
        let runs = try #require(sarif["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    /// Every string anywhere in the document, with its key path.
    func strings(_ value: Any, path: String = "$") -> [(String, String)] {
        if let s = value as? String { return [(path, s)] }
        if let a = value as? [Any] {
            return a.enumerated().flatMap { strings($1, path: "\(path)[\($0)]") }
        }
        if let d = value as? [String: Any] { return d.flatMap { strings($1, path: "\(path).\($0)") } }
        return []
    }

    /// Every edit of a fix, grouped by file; a fix in words alone has no SARIF `fixes`.
    @Test func fixesCarryEveryEditAndOnlyEdits() throws {
        var twoFiles = Fixtures.selectorDiagnostic
        twoFiles.fix = SuggestedFix(
            "rename both",
            edits: [
                TextEdit(SourceSpan(file: "a.yaml", line: 1, column: 7, endColumn: 10), "new"),
                TextEdit(SourceSpan(file: "b.yaml", line: 2, column: 3, endColumn: 6), "new"),
                TextEdit(SourceSpan(file: "a.yaml", line: 4, column: 7, endColumn: 10), ""),
            ], applicability: .machineApplicable)
        let results = try #require(
            run(parse(Fixtures.report([twoFiles, Fixtures.latestDiagnostic])))["results"] as? [[String: Any]])
        let withFix = try #require(results.first { $0["ruleId"] as? String == "service-selector" })
        let fixes = try #require(withFix["fixes"] as? [[String: Any]])
        let changes = try #require(fixes.first?["artifactChanges"] as? [[String: Any]])
        #expect(changes.map { ($0["artifactLocation"] as? [String: Any])?["uri"] as? String } == ["a.yaml", "b.yaml"])
        #expect((changes.first?["replacements"] as? [Any])?.count == 2)
        let prose = try #require(results.first { $0["ruleId"] as? String == "image-latest" })
        #expect(prose["fixes"] == nil)
    }

    @Test func topLevelPropertiesGitHubRequires() throws {
        let sarif = try parse(Fixtures.report())
        #expect(sarif["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(sarif["version"] as? String == "2.1.0")
        let run = try run(sarif)
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "kubewire")
        #expect(driver["version"] as? String == "0.1.0")
        #expect(driver["semanticVersion"] as? String == "0.1.0")
        #expect((run["results"] as? [Any])?.count == 2)
        let empties = strings(sarif).filter { $0.1.isEmpty }.map(\.0)
        #expect(empties.isEmpty, "empty strings at \(empties)")
    }

    @Test func informationURIOnlyWhenKnown() throws {
        var report = Fixtures.report()
        var driver = try #require(
            (try run(parse(report))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["informationUri"] == nil)
        report.informationURI = "https://example.invalid/kubewire"
        driver = try #require(
            (try run(parse(report))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["informationUri"] as? String == "https://example.invalid/kubewire")
    }

    @Test func rulesListEveryRuleWithTexts() throws {
        let report = Fixtures.report()
        let run = try run(parse(report))
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == report.rules.map(\.id))
        for rule in rules {
            for key in ["shortDescription", "fullDescription", "help"] {
                let text = (rule[key] as? [String: Any])?["text"] as? String
                #expect(text?.isEmpty == false, "\(key) of \(rule["id"] ?? "?")")
            }
            #expect((rule["name"] as? String)?.isEmpty == false)
        }
        let selector = try #require(rules.first { $0["id"] as? String == "service-selector" })
        #expect(selector["name"] as? String == "ServiceSelector")
        #expect(
            (selector["shortDescription"] as? [String: Any])?["text"] as? String
                == Fixtures.selectorRule.summary)
        let help = try #require((selector["help"] as? [String: Any])?["text"] as? String)
        #expect(help.contains(Fixtures.selectorRule.why) && help.contains(Fixtures.selectorRule.fix))
        let levels = rules.compactMap {
            ($0["defaultConfiguration"] as? [String: Any])?["level"] as? String
        }
        #expect(levels.prefix(2) == ["error", "warning"])
    }

    @Test func resultsPointAtTheirRulesWithMappedLevels() throws {
        let note = Diagnostic(
            ruleID: "not-registered", severity: .note,
            span: SourceSpan(file: "a.yaml", line: 1, column: 1),
            message: "n")
        let run = try run(
            parse(Fixtures.report([Fixtures.selectorDiagnostic, Fixtures.latestDiagnostic, note])))
        let rules = try #require(
            ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        var levels: [String: String] = [:]
        for result in results {
            let id = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == id)
            levels[id] = result["level"] as? String
        }
        #expect(
            levels == ["service-selector": "error", "image-latest": "warning", "not-registered": "note"])
        // A rule id with no metadata still gets a rules[] entry.
        #expect(rules.contains { $0["id"] as? String == "not-registered" })
    }

    @Test func regionsAreOneBasedAndCopiedFromTheSpan() throws {
        let run = try run(parse(Fixtures.report([Fixtures.selectorDiagnostic])))
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        let locations = try #require(result["locations"] as? [[String: Any]])
        #expect(locations.count == 1)
        let physical = try #require(locations[0]["physicalLocation"] as? [String: Any])
        #expect(
            (physical["artifactLocation"] as? [String: Any])?["uri"] as? String
                == "infra/k8s/posts-srv.yaml")
        let region = try #require(physical["region"] as? [String: Int])
        #expect(region == ["startLine": 7, "startColumn": 10, "endLine": 7, "endColumn": 15])
        let message = try #require((result["message"] as? [String: Any])?["text"] as? String)
        #expect(message.hasPrefix(Fixtures.selectorDiagnostic.message))
        #expect(message.contains("Fix: did you mean `app: posts`? (replace with `posts`)"))
        // Notes with a span become related locations with a message.
        let related = try #require(result["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 1)
        #expect(
            (related[0]["message"] as? [String: Any])?["text"] as? String
                == "pods of Deployment posts-depl are labelled here")
        let relatedRegion =
            (related[0]["physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(relatedRegion?["startLine"] == 14 && relatedRegion?["startColumn"] == 14)
    }

    @Test func regionsNeverStartAtZero() {
        let region = SARIFRenderer.region(
            SourceSpan(file: "f", line: 0, column: 0, endLine: 0, endColumn: 0))
        #expect(region == ["startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1])
    }

    @Test func urisAreRelativeAndPercentEncoded() throws {
        let d = Diagnostic(
            ruleID: "service-selector", severity: .error,
            span: SourceSpan(file: "/repo/infra/k8s/my service#1.yaml", line: 2, column: 3), message: "m")
        let outside = Diagnostic(
            ruleID: "service-selector", severity: .error,
            span: SourceSpan(file: "/elsewhere/x y.yaml", line: 2, column: 3), message: "m")
        let dotted = Diagnostic(
            ruleID: "image-latest", severity: .warning,
            span: SourceSpan(file: "/repo/./infra//ü.yaml", line: 2, column: 3), message: "m")
        let run = try run(parse(Fixtures.report([d, outside, dotted]), workingDirectory: "/repo/"))
        let uris = try #require(run["results"] as? [[String: Any]]).map {
            (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
                .flatMap { ($0["artifactLocation"] as? [String: Any])?["uri"] as? String }
        }
        #expect(
            Set(uris.compactMap { $0 }) == [
                "file:///elsewhere/x%20y.yaml", "infra/%C3%BC.yaml", "infra/k8s/my%20service%231.yaml",
            ])
    }

    @Test func relativePathsAreResolvedAgainstTheCurrentDirectory() {
        let cwd = FileManager.default.currentDirectoryPath
        let paths = PathRelativizer(workingDirectory: cwd)
        #expect(paths.uri("./infra/k8s/a b.yaml") == "infra/k8s/a%20b.yaml")
        #expect(PathRelativizer(workingDirectory: nil).uri("./infra/../infra/a.yaml") == "infra/a.yaml")
    }

    @Test func diagnosticWithoutSpanHasNoLocationButIsKept() throws {
        let d = Diagnostic(
            ruleID: "unreadable-input", severity: .error, span: nil, message: "cannot read stdin")
        let sarif = try parse(Report(diagnostics: [d], rules: InputProblem.all))
        let result = try #require((try run(sarif)["results"] as? [[String: Any]])?.first)
        #expect(result["locations"] == nil)
        #expect(result["ruleId"] as? String == "unreadable-input")
        #expect(strings(sarif).allSatisfy { !$0.1.isEmpty })
    }

    @Test func fingerprintsAreStableAndDistinct() throws {
        func fingerprints(_ report: Report) throws -> [String] {
            try #require(try run(parse(report))["results"] as? [[String: Any]]).compactMap {
                ($0["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"]
            }
        }
        let first = try fingerprints(Fixtures.report())
        #expect(first.count == 2 && Set(first).count == 2)
        #expect(try fingerprints(Fixtures.report()) == first)

        // Moving the finding down a line (same text) keeps its fingerprint.
        var moved = Fixtures.selectorDiagnostic
        moved.span = SourceSpan(file: Fixtures.serviceFile, line: 8, column: 10, endColumn: 15)
        var report = Fixtures.report([moved])
        var sources = SourceMap()
        sources.add(path: Fixtures.serviceFile, text: "# comment\n" + Fixtures.serviceText)
        report.sources = sources
        #expect(try fingerprints(report) == [first[1]])

        // Two identical findings get distinct occurrence suffixes.
        let twice = try fingerprints(
            Fixtures.report([Fixtures.latestDiagnostic, Fixtures.latestDiagnostic]))
        #expect(twice.count == 2 && twice[0].hasSuffix(":1") && twice[1].hasSuffix(":2"))
        #expect(twice[0].dropLast(2) == twice[1].dropLast(2))
    }
}
