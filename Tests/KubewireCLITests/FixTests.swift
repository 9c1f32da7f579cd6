import Foundation
import Testing

/// A `--fix` case: `fixtures-fix/<case>/before.yaml` becomes `after.yaml`; `fix.expected` is what
/// the user reads from each run until a run has nothing to fix.
struct FixCase: CustomTestStringConvertible, Sendable {
    var name: String
    var testDescription: String { name }

    static let folder = "fixtures-fix"

    static var all: [FixCase] {
        let root = packageRoot.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted().map(FixCase.init)
    }

    func url(_ file: String) -> URL { packageRoot.appendingPathComponent("\(Self.folder)/\(name)/\(file)") }
}

@Suite("kubewire check --fix")
struct FixTests {
    /// Runs `--fix` on a copy of `before.yaml` until a run changes nothing (at least twice: the
    /// second run of a case whose fixes do not overlap must find nothing to fix).
    @Test("before → after, then nothing to fix", arguments: FixCase.all)
    func fixture(_ fixCase: FixCase) throws {
        let scratch = try Scratch()
        let file = fixCase.name + ".yaml"
        let target = scratch.url.appendingPathComponent(file)
        try Data(contentsOf: fixCase.url("before.yaml")).write(to: target)
        var transcript = ""
        var runs = 0
        var last: RunResult?
        while runs < 4 {
            let before = try Data(contentsOf: target)
            let result = try kubewire(["check", "--color", "never", "--fix", file], in: scratch)
            try #require([0, 1, 2].contains(result.status), "kubewire crashed: \(result)")
            transcript += "$ kubewire check --color never --fix \(file)\n\(result.stdout)"
            transcript += "--- stderr\n\(result.stderr)--- exit status \(result.status)\n"
            runs += 1
            last = result
            if runs >= 2, try Data(contentsOf: target) == before { break }
        }
        #expect(try Data(contentsOf: target) == Data(contentsOf: fixCase.url("after.yaml")), "\(fixCase.name)")
        #expect(last?.stderr.contains("--fix: nothing to fix;") == true, "\(String(describing: last))")
        // Only the overlapping case needs a second run to apply what the first refused.
        #expect(runs == (fixCase.name == "overlapping-edits" ? 3 : 2), "\(transcript)")

        let expectedURL = fixCase.url("fix.expected")
        if blessing {
            let old = try? String(contentsOf: expectedURL, encoding: .utf8)
            if old != transcript { try Data(transcript.utf8).write(to: expectedURL) }
            return
        }
        let expected = try? String(contentsOf: expectedURL, encoding: .utf8)
        #expect(
            expected == transcript,
            "\(fixCase.name)/fix.expected differs (- expected, + actual):\n\(lineDiff(expected ?? "", transcript))\n\(blessHint)"
        )
    }

    @Test func theCasesAreThere() {
        let names = Set(FixCase.all.map(\.name))
        for needed in [
            "selector-typo", "ingress-legacy-backend", "crlf", "comment-on-line", "two-fixes", "overlapping-edits",
            "non-ascii-before-edit",
        ] {
            #expect(names.contains(needed), "fixtures-fix/\(needed) is missing")
        }
    }

    @Test func diffPrintsTheUnifiedDiffWritesNothingAndExitsAsFixWould() throws {
        let scratch = try Scratch()
        let before = try Data(contentsOf: FixCase(name: "two-fixes").url("before.yaml"))
        try scratch.write("k8s.yaml", String(decoding: before, as: UTF8.self))
        try scratch.write("copy.yaml", String(decoding: before, as: UTF8.self))
        let result = try kubewire(["check", "--fix", "--diff", "k8s.yaml"], in: scratch)
        #expect(
            result.stdout == """
                --- k8s.yaml
                +++ k8s.yaml
                @@ -10,8 +10,7 @@
                           - path: /
                             pathType: Prefix
                             backend:
                -              serviceName: posts
                -              servicePort: 80
                +              service: {name: posts, port: {number: 80}}
                 ---
                 apiVersion: v1
                 kind: Service
                @@ -22,7 +21,7 @@
                     app: posts
                   ports:
                     - port: 80
                -      targetPort: "8080"
                +      targetPort: 8080
                 ---
                 apiVersion: apps/v1
                 kind: Deployment

                """, "\(result)")
        #expect(result.stderr == "kubewire: --fix: would apply 2 fixes in 1 file; left: nothing\n", "\(result)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("k8s.yaml"))) == before)
        // The same exit status as writing the fixes (the service-target-port error goes with them).
        let written = try kubewire(["check", "--fix", "copy.yaml"], in: scratch)
        #expect(result.status == 0 && written.status == 0, "\(result)\n\(written)")
        // Without fixes to apply, the status is the check's.
        let selector = try String(contentsOf: FixCase(name: "selector-typo").url("before.yaml"), encoding: .utf8)
        try scratch.write("selector.yaml", selector)
        let nothing = try kubewire(["check", "--fix", "--diff", "selector.yaml"], in: scratch)
        #expect(nothing.status == 1 && nothing.stdout.isEmpty, "\(nothing)")
    }

    /// Every rule fixture at once (many files, duplicates across them): what `--fix --diff` says is
    /// left is what `--fix` leaves, and a second `--fix` has nothing to do.
    @Test func diffAndFixAgreeOnEveryRuleFixture() throws {
        let scratch = try Scratch()
        try FileManager.default.copyItem(
            at: packageRoot.appendingPathComponent("fixtures"), to: scratch.url.appendingPathComponent("fixtures"))
        func left(_ result: RunResult) -> String? {
            guard let last = result.stderr.split(separator: "\n").last, let range = last.range(of: "; left: ") else {
                return nil
            }
            return String(last[range.upperBound...])
        }
        let diff = try kubewire(["check", "--fix", "--diff", "fixtures"], in: scratch)
        let fix = try kubewire(["check", "--fix", "fixtures"], in: scratch)
        let again = try kubewire(["check", "--fix", "fixtures"], in: scratch)
        #expect(diff.stderr.contains("would apply ") && fix.stderr.contains("--fix: applied "), "\(diff)\n\(fix)")
        #expect(left(diff) != nil && left(diff) == left(fix), "\(diff.stderr)\n\(fix.stderr)")
        #expect(diff.status == fix.status)
        #expect(again.stderr.contains("--fix: nothing to fix; left: ") && left(again) == left(fix), "\(again.stderr)")
    }

    @Test func diffWithoutFixIsAUsageError() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        let result = try kubewire(["check", "--diff", "a.yaml"], in: scratch)
        #expect(result.status == 2 && result.stderr.contains("--diff shows what --fix would change"), "\(result)")
    }

    @Test func theWriteIsAtomicAndKeepsPermissions() throws {
        let scratch = try Scratch()
        let text = try String(contentsOf: FixCase(name: "two-fixes").url("before.yaml"), encoding: .utf8)
        let path = try scratch.write("k8s.yaml", text)
        #expect(chmod(path, 0o640) == 0)
        var before = stat()
        #expect(stat(path, &before) == 0)
        let result = try kubewire(["check", "--fix", "k8s.yaml"], in: scratch)
        #expect(result.status == 0, "\(result)")
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_mode & 0o7777 == 0o640)
        // Renamed into place: a new inode, and no temporary file left beside it.
        #expect(after.st_ino != before.st_ino)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["k8s.yaml"])
        #expect(
            try String(contentsOfFile: path, encoding: .utf8).contains("service: {name: posts, port: {number: 80}}"))
        #expect(result.stderr.hasSuffix("kubewire: --fix: applied 2 fixes in 1 file; left: nothing\n"), "\(result)")
    }

    @Test func standardInputIsNeverFixed() throws {
        let scratch = try Scratch()
        let text = try String(contentsOf: FixCase(name: "two-fixes").url("before.yaml"), encoding: .utf8)
        let result = try kubewire(["check", "--color", "never", "--fix", "-"], stdin: text, in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error[unknown-field]") && result.stdout.contains("--> <stdin>:13:15"))
        #expect(
            result.stderr == """
                kubewire: --fix: standard input is never fixed; its findings are reported as they are
                kubewire: --fix: nothing to fix; left: 3 errors

                """, "\(result)")
    }

    @Test func aSymbolicLinkOutOfTheInputsIsNotFollowed() throws {
        let scratch = try Scratch()
        let text = try String(contentsOf: FixCase(name: "crlf").url("before.yaml"), encoding: .utf8)
        let outside = try scratch.write("outside.yaml", text)
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("k8s"), withIntermediateDirectories: true)
        #expect(symlink(outside, scratch.path("k8s/service.yaml")) == 0)
        // Found by walking k8s/, the link leads out of the inputs.
        let result = try kubewire(["check", "--fix", "k8s"], in: scratch)
        #expect(result.stderr.contains("k8s/service.yaml is a symbolic link to "), "\(result)")
        #expect(result.stderr.contains("outside the inputs: not edited"), "\(result)")
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == text)
        // Named itself, the file a link names is edited, and the link stays a link.
        let named = try kubewire(["check", "--fix", "k8s", "outside.yaml"], in: scratch)
        #expect(named.stderr.contains("applied 1 fix in 1 file"), "\(named)")
        #expect(try String(contentsOfFile: outside, encoding: .utf8).contains("targetPort: 8080\r\n"))
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.path("k8s/service.yaml"))
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
    }

    @Test func renderedKustomizeOutputIsNeverEdited() throws {
        let kubectl = ["/usr/local/bin", "/usr/bin", "/bin"].map { $0 + "/kubectl" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let tools = RepositoryLayoutTests.toolsDirectory ?? kubectl.map { ($0 as NSString).deletingLastPathComponent }
        let directory = try #require(tools, "kubectl is needed to build the kustomization: `make kube-tools`")
        let scratch = try Scratch()
        let text = try String(contentsOf: FixCase(name: "crlf").url("after.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "targetPort: 8080", with: "targetPort: \"8080\"")
        try FileManager.default.createDirectory(
            at: scratch.url.appendingPathComponent("app"), withIntermediateDirectories: true)
        try scratch.write("app/kustomization.yaml", "resources:\n  - app.yaml\n")
        let path = try scratch.write("app/app.yaml", text)
        let result = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "app"],
            environment: ["PATH": directory + ":/usr/bin:/bin"], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stdout.contains("error[name-format]") && result.stdout.contains("kustomize build app"), "\(result)")
        #expect(
            result.stderr.contains(
                "findings in rendered kustomize or helm output not fixed (generated text): change the source as each says"
            ),
            "\(result)")
        #expect(result.stderr.contains("--fix: nothing to fix;"), "\(result)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }
}
