import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

let brokenSelector = fixture("service-selector/broken-seed-ports-typo.yaml")
let cleanPorts = fixture("service-target-port/clean-ports.yaml")

@Suite("kubewire check: exit codes")
struct ExitCodeTests {
    @Test func cleanFixtureExitsZero() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", cleanPorts], in: scratch)
        #expect(result.status == 0, "\(result)")
    }

    @Test func defaultSubcommandIsCheck() throws {
        let scratch = try Scratch()
        #expect(try kubewire([cleanPorts], in: scratch).status == 0)
    }

    @Test func brokenFixtureExitsOne() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", brokenSelector], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("service-selector"))
        #expect(result.stdout.contains("broken-seed-ports-typo.yaml:29:10"))
    }

    @Test func wholeFixtureFolderExitsOne() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", packageRoot.appendingPathComponent("fixtures").path], in: scratch)
        #expect(result.status == 1, "\(result)")
    }

    @Test func yamlSyntaxErrorExitsTwo() throws {
        let scratch = try Scratch()
        let file = try scratch.write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n")
        let result = try kubewire(["check", cleanPorts, file], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("yaml-syntax"))
        #expect(result.stdout.contains("bad.yaml:5:1"))
    }

    @Test func missingFileExitsTwo() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", scratch.path("nope.yaml")], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect((result.stdout + result.stderr).contains("nope.yaml"))
    }

    @Test func noInputExitsTwo() throws {
        let scratch = try Scratch()
        #expect(try kubewire(["check"], in: scratch).status == 2)
    }

    @Test func unknownFormatExitsTwo() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--format", "yaml", cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("yaml"))
        #expect(result.stdout.isEmpty)
    }

    @Test func unknownRuleInDisableSuggestsTheNearest() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--disable", "service-selectr", cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("unknown rule `service-selectr`"))
        #expect(result.stderr.contains("did you mean service-selector?"))
    }

    /// `--disable` suggests as the annotation does (one near-name rule): a name near no rule gets
    /// no guess (it used to get the least far id, however far).
    @Test func anUnknownRuleNearNoneGetsNoGuess() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--disable", "xyz", cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("unknown rule `xyz`;"), "\(result)")
        #expect(!result.stderr.contains("did you mean"), "\(result)")
        let explained = try kubewire(["rules", "xyz"], in: scratch)
        #expect(!explained.stderr.contains("did you mean"), "\(explained)")
    }

    @Test func badConfigFileIsReportedWithItsPosition() throws {
        let scratch = try Scratch()
        let config = try scratch.write("kw.yaml", "namespace: team\ndisable: [probe-port, porbe-port]\n")
        let result = try kubewire(["check", "--config", config, cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        // Reported like a finding, through the renderer: rule, message, then the position.
        #expect(result.stdout.contains("error[config]: unknown rule `porbe-port`"), "\(result)")
        #expect(result.stdout.contains("--> \(config):2:23"), "\(result)")
        #expect(result.stdout.contains("did you mean probe-port?"))
    }

    @Test func configInTheWorkingDirectoryIsFoundAndChecked() throws {
        let scratch = try Scratch()
        try scratch.write(".kubewire.yaml", "failOn: warning\nunknown: 1\n")
        let result = try kubewire(["check", cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("error[config]: unknown key `unknown`"), "\(result)")
        #expect(result.stdout.contains(".kubewire.yaml:2:1"), "\(result)")
    }

    @Test func configWithYAMLSyntaxErrorIsReported() throws {
        let scratch = try Scratch()
        let config = try scratch.write("kw.yaml", "disable: [probe-port\n")
        let result = try kubewire(["check", "--config", config, cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("error[yaml-syntax]: YAML syntax error"), "\(result)")
        #expect(result.stdout.contains("--> \(config):2:1"), "\(result)")
    }

    @Test func validConfigDisablesRules() throws {
        let scratch = try Scratch()
        try scratch.write(".kubewire.yaml", "disable: [service-selector]\n")
        #expect(try kubewire(["check", brokenSelector], in: scratch).status == 0)
    }
}

@Suite("kubewire check: inputs and silencing")
struct SilencingTests {
    @Test func standardInput() throws {
        let scratch = try Scratch()
        let text = try String(contentsOfFile: brokenSelector, encoding: .utf8)
        let result = try kubewire(["check", "-"], stdin: text, in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("<stdin>:29:10"), "\(result)")
        #expect(!result.stdout.contains("broken-seed-ports-typo"))
    }

    @Test func cleanStandardInput() throws {
        let scratch = try Scratch()
        let text = try String(contentsOfFile: cleanPorts, encoding: .utf8)
        #expect(try kubewire(["check", "-"], stdin: text, in: scratch).status == 0)
    }

    @Test func disableFlagSilencesARule() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--disable", "service-selector", brokenSelector], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("service-selector:"))
        let list = try kubewire(["check", "--disable", "probe-port,service-selector", brokenSelector], in: scratch)
        #expect(list.status == 0, "\(list)")
    }

    @Test(arguments: ["service-selector", "all", "probe-port, service-selector"])
    func annotationSilencesOneObject(_ value: String) throws {
        let scratch = try Scratch()
        let text = try String(contentsOfFile: brokenSelector, encoding: .utf8)
            .replacingOccurrences(
                of: "  name: posts-srv\n",
                with: "  name: posts-srv\n  annotations:\n    kubewire.dev/disable: \"\(value)\"\n")
        let file = try scratch.write("annotated.yaml", text)
        let result = try kubewire(["check", file], in: scratch)
        #expect(result.status == 0, "\(result)")
    }

    @Test func annotationForAnotherRuleDoesNotSilence() throws {
        let scratch = try Scratch()
        let text = try String(contentsOfFile: brokenSelector, encoding: .utf8)
            .replacingOccurrences(
                of: "  name: posts-srv\n",
                with: "  name: posts-srv\n  annotations: {kubewire.dev/disable: probe-port}\n")
        let file = try scratch.write("annotated.yaml", text)
        #expect(try kubewire(["check", file], in: scratch).status == 1)
    }

    @Test func failOnWarning() throws {
        let scratch = try Scratch()
        let file = try scratch.write("warn.yaml", warningOnlyManifest)
        let normal = try kubewire(["check", file], in: scratch)
        #expect(normal.status == 0, "\(normal)")
        #expect(normal.stdout.contains("warning"), "\(normal)")
        #expect(try kubewire(["check", "--fail-on", "warning", file], in: scratch).status == 1)
        #expect(try kubewire(["check", "--fail-on", "note", file], in: scratch).status == 1)
        #expect(try kubewire(["check", "--fail-on", "nonsense", file], in: scratch).status == 2)
    }

    @Test func noteFailsOnlyWithFailOnNote() throws {
        let scratch = try Scratch()
        let file = try scratch.write("note.yaml", noteOnlyManifest)
        let normal = try kubewire(["check", file], in: scratch)
        #expect(normal.status == 0, "\(normal)")
        #expect(normal.stdout.contains("note[service-target-port-undeclared]"), "\(normal)")
        #expect(try kubewire(["check", "--fail-on", "warning", file], in: scratch).status == 0)
        #expect(try kubewire(["check", "--fail-on", "note", file], in: scratch).status == 1)
    }

    @Test func namespaceOption() throws {
        let scratch = try Scratch()
        let result = try kubewire(
            ["check", "--namespace", "team", "--format", "json", brokenSelector], in: scratch)
        let document = try jsonObject(result.stdout)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        let object = try #require(diagnostics.first?["object"] as? [String: Any])
        #expect(object["namespace"] as? String == "team")
        #expect(try kubewire(["check", "--kube-version", "one", cleanPorts], in: scratch).status == 2)
    }
}

@Suite("kubewire check: formats")
struct FormatTests {
    @Test func json() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--format", "json", brokenSelector], in: scratch)
        #expect(result.status == 1)
        let document = try jsonObject(result.stdout)
        #expect(document["version"] as? Int == 1)
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["errors"] as? Int == 1)
        #expect(summary["inputs"] as? Int == 1)
        #expect(summary["objects"] as? Int == 2)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        let finding = try #require(diagnostics.first)
        #expect(finding["rule"] as? String == "service-selector")
        #expect(finding["severity"] as? String == "error")
        let location = try #require(finding["location"] as? [String: Any])
        #expect(location["file"] as? String == brokenSelector)
        #expect(location["line"] as? Int == 29)
        #expect(location["column"] as? Int == 10)
        let fix = try #require(finding["fix"] as? [String: Any])
        #expect(fix["replacement"] as? String == "posts")
    }

    @Test func sarifToAFile() throws {
        let scratch = try Scratch()
        let output = scratch.path("out.sarif")
        let result = try kubewire(["check", "--format", "sarif", "--output", output, brokenSelector], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty)
        let document = try jsonObject(
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: output)), as: UTF8.self))
        #expect(document["version"] as? String == "2.1.0")
        #expect((document["$schema"] as? String)?.contains("sarif") == true)
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "kubewire")
        let ruleIDs = ((driver["rules"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        #expect(ruleIDs.contains("service-selector"))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 1)
        #expect(results.first?["ruleId"] as? String == "service-selector")
        #expect(results.first?["level"] as? String == "error")
        let physical = try #require(
            ((results.first?["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
        let region = try #require(physical["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 29)
        #expect(region["startColumn"] as? Int == 10)
    }

    @Test func outputToAnUnwritablePathExitsTwo() throws {
        let scratch = try Scratch()
        let result = try kubewire(
            ["check", "--output", scratch.path("missing/dir/out.txt"), cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
    }

    @Test func junit() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--format", "junit", brokenSelector], in: scratch)
        #expect(result.status == 1)
        let xml = result.stdout
        #expect(xml.hasPrefix("<?xml"))
        #expect(xml.contains("<testsuites"))
        #expect(xml.contains("<testsuite name=\"service-selector\""))
        #expect(xml.contains("<failure"))
        #expect(xml.contains("</testsuites>"))
        #if canImport(FoundationXML) || os(macOS)
            let parser = XMLParser(data: Data(xml.utf8))
            #expect(parser.parse(), "JUnit output is not well-formed XML: \(String(describing: parser.parserError))")
        #endif
    }

    @Test func github() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--format", "github", brokenSelector], in: scratch)
        #expect(result.status == 1)
        let annotations = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
        #expect(annotations.count == 1, "\(result)")
        let line = try #require(annotations.first)
        #expect(line.hasPrefix("::error file="))
        #expect(line.contains("line=29,col=10"))
        #expect(line.contains("title=service-selector"))
    }

    @Test func textNamesRuleAndPosition() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--format", "text", brokenSelector], in: scratch)
        #expect(result.stdout.contains("error"))
        #expect(result.stdout.contains("app: ports"), "quotes the offending line")
        #expect(!result.stdout.contains("\u{1B}["), "no colour when writing to a file")
    }
}

@Suite("kubewire rules")
struct RulesCommandTests {
    /// Every rule has a fixture folder named after it.
    var fixtureRuleIDs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("fixtures").path))
            ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func listsEveryRuleID() throws {
        let scratch = try Scratch()
        let result = try kubewire(["rules"], in: scratch)
        #expect(result.status == 0)
        let listed = result.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(!fixtureRuleIDs.isEmpty)
        #expect(Set(listed) == Set(fixtureRuleIDs), "\(result)")
        let verbose = try kubewire(["rules", "--verbose"], in: scratch)
        #expect(verbose.stdout.contains("why:"))
        #expect(verbose.stdout.contains("fix:"))
    }

    @Test func jsonList() throws {
        let scratch = try Scratch()
        let result = try kubewire(["rules", "--json"], in: scratch)
        #expect(result.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]])
        #expect(Set(list.compactMap { $0["id"] }) == Set(fixtureRuleIDs))
        #expect(list.allSatisfy { ["error", "warning", "note"].contains($0["severity"] ?? "") })
        #expect(list.allSatisfy { !($0["summary"] ?? "").isEmpty && !($0["why"] ?? "").isEmpty })
    }
}
