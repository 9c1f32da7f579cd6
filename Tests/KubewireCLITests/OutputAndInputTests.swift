import Foundation
import Testing

@Suite("kubewire check: several outputs, config problems, inputs")
struct OutputAndInputTests {
    @Test func textOnTheTerminalAndSARIFAndJUnitToFilesInOneRun() throws {
        let scratch = try Scratch()
        let sarif = scratch.path("out.sarif")
        let junit = scratch.path("out.xml")
        let result = try kubewire(
            ["check", brokenSelector, "--report", "sarif=\(sarif)", "--report", "junit=\(junit)"], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error[service-selector]"), "\(result)")
        let document = try jsonObject(
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: sarif)), as: UTF8.self))
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [[String: Any]])?.first?["ruleId"] as? String == "service-selector")
        let xml = String(decoding: try Data(contentsOf: URL(fileURLWithPath: junit)), as: UTF8.self)
        #expect(xml.contains("<testsuites"), "\(xml)")
        // Files never get colour, even with --color always on the terminal output.
        let colored = try kubewire(
            ["check", brokenSelector, "--color", "always", "--report", "text=\(scratch.path("plain.txt"))"], in: scratch
        )
        #expect(colored.stdout.contains("\u{1B}["))
        #expect(!(try String(contentsOfFile: scratch.path("plain.txt"), encoding: .utf8)).contains("\u{1B}["))
    }

    @Test func mainOutputToAFileAndAnotherFormatBeside() throws {
        let scratch = try Scratch()
        let result = try kubewire(
            [
                "check", cleanPorts, "--format", "json", "--output", scratch.path("a.json"), "--report",
                "github=\(scratch.path("a.txt"))",
            ], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(try jsonObject(String(contentsOfFile: scratch.path("a.json"), encoding: .utf8))["version"] as? Int == 1)
        #expect(FileManager.default.fileExists(atPath: scratch.path("a.txt")))
    }

    @Test(arguments: ["sarif", "yaml=x.txt", "sarif="])
    func badReportOptionIsAUsageError(_ value: String) throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", cleanPorts, "--report", value], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func twoReportsToOneFileIsAUsageError() throws {
        let scratch = try Scratch()
        let result = try kubewire(
            ["check", cleanPorts, "--output", "x.json", "--report", "sarif=./x.json"], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("two reports would be written to"), "\(result)")
    }

    @Test func configProblemsAreSARIFToolConfigurationNotifications() throws {
        let scratch = try Scratch()
        let config = try scratch.write("kw.yaml", "disable: [porbe-port]\n")
        let result = try kubewire(["check", "--config", config, "--format", "sarif", cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        let run = try #require((try jsonObject(result.stdout)["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [Any])?.isEmpty == true)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == false)
        let notification = try #require(
            (invocation["toolConfigurationNotifications"] as? [[String: Any]])?.first)
        #expect((notification["descriptor"] as? [String: Any])?["id"] as? String == "config")
        let region = try #require(
            (((notification["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])?[
                "region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 1)
        #expect(region["startColumn"] as? Int == 11)
    }

    @Test func configProblemsInJSONAreDiagnostics() throws {
        let scratch = try Scratch()
        try scratch.write(".kubewire.yaml", "failOn: sometimes\n")
        let result = try kubewire(["check", "--format", "json", cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        let diagnostics = try #require(try jsonObject(result.stdout)["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["rule"] as? String == "config")
        #expect((diagnostics.first?["location"] as? [String: Any])?["line"] as? Int == 1)
        #expect((diagnostics.first?["location"] as? [String: Any])?["column"] as? Int == 9)
    }

    @Test func standardInputThatIsNotUTF8IsUnreadableLikeAFile() throws {
        let scratch = try Scratch()
        let bytes: [UInt8] =
            Array("apiVersion: v1\nkind: ConfigMap\ndata: {a: \"".utf8) + [0xFF, 0xFE] + Array("\"}\n".utf8)
        let file = scratch.path("latin.yaml")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let fromFile = try kubewire(["check", "--format", "json", file], in: scratch)
        let fromStdin = try kubewireBytes(["check", "--format", "json", "-"], stdin: bytes, in: scratch)
        for result in [fromFile, fromStdin] {
            #expect(result.status == 2, "\(result)")
            let diagnostics = try #require(try jsonObject(result.stdout)["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.map { $0["rule"] as? String } == ["unreadable-input"], "\(result)")
            #expect((diagnostics.first?["location"] as? [String: Any])?["line"] as? Int == 3)
        }
    }

    @Test func contextResolvesReferencesButReportsOnlyTheInputs() throws {
        let scratch = try Scratch()
        let text = try String(contentsOfFile: brokenSelector, encoding: .utf8)
        let parts = text.components(separatedBy: "\n---\n")
        try #require(parts.count == 2, "expected a Deployment and a Service in \(brokenSelector)")
        try FileManager.default.createDirectory(atPath: scratch.path("k8s"), withIntermediateDirectories: true)
        let deployment = try scratch.write("k8s/depl.yaml", parts[0] + "\n")
        let fixed = try scratch.write(
            "k8s/srv.yaml", parts[1].replacingOccurrences(of: "app: ports", with: "app: posts"))
        // Alone, the broken Service proves nothing (no pods in the inputs); with the folder as
        // context, the Deployment proves the typo, and the fixed Service is fine.
        let broken = try scratch.write("broken-srv.yaml", parts[1])
        #expect(try kubewire(["check", broken], in: scratch).status == 0)
        let proven = try kubewire(["check", broken, "--context", deployment], in: scratch)
        #expect(proven.status == 1 && proven.stdout.contains("error[service-selector]"), "\(proven)")
        let withContext = try kubewire(["check", fixed, "--context", scratch.path("k8s/")], in: scratch)
        #expect(withContext.status == 0, "\(withContext)")
        // A finding in a context file is not reported: only the inputs are.
        try scratch.write("k8s/srv.yaml", parts[1])
        let brokenService = try kubewire(["check", deployment, "--context", scratch.path("k8s")], in: scratch)
        #expect(brokenService.status == 0, "\(brokenService)")
        let asInput = try kubewire(["check", fixed, "--context", scratch.path("k8s")], in: scratch)
        #expect(asInput.status == 1, "\(asInput)")
    }

    @Test func standardInputStaysInFocusWithAContext() throws {
        // `helm template | kubewire check - --context base/`: the stdin findings are the point.
        let scratch = try Scratch()
        let text = try String(contentsOfFile: brokenSelector, encoding: .utf8)
        let parts = text.components(separatedBy: "\n---\n")
        try #require(parts.count == 2, "expected a Deployment and a Service in \(brokenSelector)")
        try FileManager.default.createDirectory(atPath: scratch.path("base"), withIntermediateDirectories: true)
        try scratch.write("base/depl.yaml", parts[0] + "\n")
        let result = try kubewire(["check", "-", "--context", scratch.path("base")], stdin: parts[1], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("<stdin>:"), "\(result)")
    }

    @Test func spooledStandardInputRoundTrips() throws {
        // Piped stdin is spooled to a file and read back twice (parse, then quoting lines): both
        // reads see every byte, so the finding quotes the line it points at.
        let scratch = try Scratch()
        let text = try String(contentsOfFile: brokenSelector, encoding: .utf8)
        let result = try kubewire(["check", "--color", "never", "-"], stdin: text, in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("<stdin>:29:10"), "\(result)")
        #expect(result.stdout.contains("29 |     app: ports"), "\(result)")
    }

    @Test func upWithoutKubewireClusterBesideItExitsTwoSayingHowToBuildIt() throws {
        let scratch = try Scratch()
        let lonely = scratch.path("kubewire")
        try FileManager.default.copyItem(atPath: kubewireBinary.path, toPath: lonely)
        let result = try run(
            lonely, ["up", "infra/", "--bin-dir", "x"], environment: ["PATH": "/usr/bin:/bin"], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("needs kubewire-cluster"), "\(result)")
        #expect(result.stderr.contains("swift build --package-path blog --product kubewire-cluster"), "\(result)")
    }
}
