import Foundation
import Testing

/// Turning rules off, finding the configuration, writing reports to files, explaining one rule.
@Suite("kubewire check: disabling, configuration lookup, report files; kubewire rules ID")
struct DisablingConfigAndReportTests {
    @Test func disableAllIsAcceptedLikeTheAnnotation() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", "--disable", "all", brokenSelector], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("ok: no findings"), "\(result)")
        try scratch.write(".kubewire.yaml", "disable: [all]\n")
        #expect(try kubewire(["check", brokenSelector], in: scratch).status == 0)
    }

    @Test func unknownIdInTheAnnotationIsAFindingWithTheNearestId() throws {
        let scratch = try Scratch()
        let text = try String(contentsOfFile: cleanPorts, encoding: .utf8)
        let annotated = text.replacingOccurrences(
            of: "kind: Deployment\nmetadata:\n",
            with: "kind: Deployment\nmetadata:\n  annotations: {kubewire.dev/disable: probe-prot}\n")
        try #require(annotated != text)
        let file = try scratch.write("annotated.yaml", annotated)
        let result = try kubewire(["check", file], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stdout.contains(
                "error[disable-annotation]: kubewire.dev/disable names unknown rule `probe-prot`, so it silences nothing; did you mean `probe-port`?"
            ), "\(result)")
    }

    @Test func outOfRangeKubeVersionInTheConfigIsAConfigFindingAtItsLine() throws {
        let scratch = try Scratch()
        try scratch.write(".kubewire.yaml", "failOn: error\nkubeVersion: \"1.20\"\n")
        let result = try kubewire(["check", cleanPorts], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("error[config]: Kubernetes 1.20 is not supported"), "\(result)")
        #expect(result.stdout.contains("--> .kubewire.yaml:2:14"), "\(result)")
    }

    @Test func kubewireYmlIsReadToo() throws {
        let scratch = try Scratch()
        try scratch.write(".kubewire.yml", "disable: [service-selector]\n")
        #expect(try kubewire(["check", brokenSelector], in: scratch).status == 0)
    }

    @Test func theConfigIsFoundInParentFoldersUpToTheRepositoryRoot() throws {
        let scratch = try Scratch()
        let manager = FileManager.default
        let repository = scratch.url.appendingPathComponent("repo")
        let nested = repository.appendingPathComponent("deploy/k8s")
        try manager.createDirectory(at: nested, withIntermediateDirectories: true)
        try manager.createDirectory(at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try Data("disable: [service-selector]\nbogus: 1\n".utf8).write(
            to: repository.appendingPathComponent(".kubewire.yaml"))
        let result = try kubewire(["check", brokenSelector], in: nested)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("--> ../../.kubewire.yaml:2:1"), "\(result)")
        // Above the repository root nothing is read: the folder holding the repository has a file too.
        try Data("bogus: 1\n".utf8).write(to: scratch.url.appendingPathComponent(".kubewire.yaml"))
        try manager.removeItem(at: repository.appendingPathComponent(".kubewire.yaml"))
        let outside = try kubewire(["check", brokenSelector], in: nested)
        #expect(outside.status == 1, "\(outside)")
        #expect(!outside.stdout.contains("config"), "\(outside)")
    }

    @Test func nodePortRangeComesFromTheConfig() throws {
        let scratch = try Scratch()
        let manifest = fixture("node-port-range/broken-outside-default-range.yaml")
        try scratch.write(".kubewire.yaml", "nodePortRange: \"8000-9000\"\n")
        let result = try kubewire(["check", manifest], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(!result.stdout.contains("nodePort 8080"), "\(result)")
        #expect(result.stdout.contains("nodePort 32768 is outside the NodePort range 8000-9000"), "\(result)")
        try scratch.write(".kubewire.yaml", "nodePortRange: \"9000-8000\"\n")
        let bad = try kubewire(["check", manifest], in: scratch)
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stdout.contains("error[config]: `nodePortRange` takes"), "\(bad)")
    }

    @Test func outputToAFileStillPrintsTheSummaryOnStandardError() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", brokenSelector, "--format", "json", "--output", "out.json"], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: 1 error in 1 file (2 objects)\n", "\(result)")
    }

    @Test func reportToAMissingFolderSaysWhichPathAndWhy() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", cleanPorts, "--report", "sarif=out/kubewire.sarif"], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(
            result.stderr.contains(
                "kubewire: cannot write the report to out/kubewire.sarif: the folder out does not exist"), "\(result)")
        #expect(!result.stderr.contains("couldn’t"), "\(result)")
    }

    @Test func unknownReportFormatListsTheFormats() throws {
        let scratch = try Scratch()
        let result = try kubewire(["check", cleanPorts, "--report", "yaml=x"], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(
            result.stderr.contains("unknown format `yaml`; the formats are text, json, sarif, junit, github"),
            "\(result)")
    }

    @Test func rulesIdExplainsOneRule() throws {
        let scratch = try Scratch()
        let result = try kubewire(["rules", "volume-mount"], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("volume-mount (error by default)\n  checks: "), "\(result)")
        #expect(result.stdout.contains("  why:    The API server rejects"), "\(result)")
        #expect(result.stdout.contains("  fix:    "), "\(result)")
        let unknown = try kubewire(["rules", "volume-mont"], in: scratch)
        #expect(unknown.status == 2, "\(unknown)")
        #expect(unknown.stderr.contains("unknown rule `volume-mont` (did you mean volume-mount?)"), "\(unknown)")
    }
}
