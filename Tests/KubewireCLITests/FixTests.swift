import Foundation
import Testing

/// A `--fix` case: `fixtures-fix/<case>/before.yaml` becomes `after.yaml`; `fix.expected` is what
/// the user reads from each run until a run has nothing to fix.
struct FixCase: CustomTestStringConvertible, Sendable {
    var name: String
    var testDescription: String { name }

    static let folder = "fixtures-fix"

    /// Every case: a file (`before.yaml`), or a repository layout (`before/`, a folder).
    static var everyCase: [FixCase] {
        let root = packageRoot.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted().map(FixCase.init)
    }

    /// The cases of one file.
    static var all: [FixCase] { everyCase.filter { !$0.isLayout } }

    /// The cases of a folder kubewire renders with kustomize: `before/` becomes `after/`.
    static var layouts: [FixCase] { everyCase.filter(\.isLayout) }

    var isLayout: Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url("before").path, isDirectory: &isFolder) && isFolder.boolValue
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

    /// Runs `--fix` on a copy of the folder `before/` (kustomizations built by the real kubectl)
    /// until a run changes nothing; every file must then be as in `after/`.
    @Test(
        "kustomize layout: before/ → after/, then nothing to fix", .enabled(if: kustomizeTools != nil, kustomizeSkip),
        arguments: FixCase.layouts)
    func layout(_ fixCase: FixCase) throws {
        let tools = try #require(kustomizeTools)
        let scratch = try Scratch()
        let target = scratch.url.appendingPathComponent(fixCase.name)
        try FileManager.default.copyItem(at: fixCase.url("before"), to: target)
        var transcript = ""
        var runs = 0
        var last: RunResult?
        while runs < 4 {
            let before = try tree(target)
            let result = try run(
                kubewireBinary.path, ["check", "--color", "never", "--fix", fixCase.name],
                environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
            try #require([0, 1, 2].contains(result.status), "kubewire crashed: \(result)")
            transcript += "$ kubewire check --color never --fix \(fixCase.name)\n\(result.stdout)"
            transcript += "--- stderr\n\(result.stderr)--- exit status \(result.status)\n"
            runs += 1
            last = result
            if runs >= 2, try tree(target) == before { break }
        }
        let fixed = try tree(target)
        let expected = try tree(fixCase.url("after"))
        #expect(fixed.keys.sorted() == expected.keys.sorted(), "\(fixCase.name)")
        for (file, text) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(fixed[file] == text, "\(fixCase.name)/\(file) differs from after/\(file)")
        }
        #expect(last?.stderr.contains("--fix: nothing to fix;") == true, "\(String(describing: last))")
        #expect(runs == 2, "\(transcript)")

        let expectedURL = fixCase.url("fix.expected")
        if blessing {
            let old = try? String(contentsOf: expectedURL, encoding: .utf8)
            if old != transcript { try Data(transcript.utf8).write(to: expectedURL) }
            return
        }
        let snapshot = try? String(contentsOf: expectedURL, encoding: .utf8)
        #expect(
            snapshot == transcript,
            "\(fixCase.name)/fix.expected differs (- expected, + actual):\n\(lineDiff(snapshot ?? "", transcript))\n\(blessHint)"
        )
    }

    @Test func theCasesAreThere() {
        let names = Set(FixCase.everyCase.map(\.name))
        for needed in [
            "selector-typo", "ingress-legacy-backend", "crlf", "comment-on-line", "two-fixes", "overlapping-edits",
            "non-ascii-before-edit", "kustomize-base-overlay", "kustomize-name-prefix",
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

    /// Helm output (a template line that is literally the rendered line) and a resource file that
    /// says it is generated are never edited, though the rendered text is the same bytes.
    @Test(.enabled(if: RepositoryLayoutTests.toolsDirectory != nil, helmSkip))
    func generatedTextIsNeverEdited() throws {
        let tools = try #require(RepositoryLayoutTests.toolsDirectory)
        let scratch = try Scratch()
        let service = try String(contentsOf: FixCase(name: "crlf").url("after.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "targetPort: 8080", with: "targetPort: \"8080\"")
        for folder in ["chart/templates", "generated"] {
            try FileManager.default.createDirectory(
                at: scratch.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
        let template = try scratch.write("chart/templates/web.yaml", service)
        try scratch.write("generated/kustomization.yaml", "resources:\n  - web.yaml\n")
        let generated = "# Code generated by a tool. DO NOT EDIT.\n" + service
        let resource = try scratch.write("generated/web.yaml", generated)
        let result = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "chart", "generated"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("--> chart/templates/web.yaml:"), "\(result)")
        #expect(
            result.stdout.contains(
                "kubewire cannot make this edit: generated/web.yaml is generated (it says `# Code generated by a tool. DO NOT EDIT.`)"
            ), "\(result)")
        #expect(result.stderr.contains("in rendered kustomize or helm output not fixed"), "\(result)")
        #expect(result.stderr.contains("--fix: nothing to fix;"), "\(result)")
        #expect(try String(contentsOfFile: template, encoding: .utf8) == service)
        #expect(try String(contentsOfFile: resource, encoding: .utf8) == generated)
    }

    /// A value an overlay's patch writes is fixed in the patch; one the base and a patch both write
    /// is fixed in neither (which one the user means is a guess).
    @Test(.enabled(if: kustomizeTools != nil, kustomizeSkip))
    func aValueAPatchWritesIsFixedInThePatch() throws {
        let tools = try #require(kustomizeTools)
        let scratch = try Scratch()
        for folder in ["base", "overlays/prod"] {
            try FileManager.default.createDirectory(
                at: scratch.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let base = try String(contentsOf: FixCase(name: "two-fixes").url("after.yaml"), encoding: .utf8)
        #expect(base.contains("targetPort: 8080"))
        try scratch.write("base/web.yaml", base)
        try scratch.write("base/kustomization.yaml", "resources:\n  - web.yaml\n")
        try scratch.write(
            "overlays/prod/kustomization.yaml", "resources:\n  - ../../base\npatches:\n  - path: port.yaml\n")
        let patch =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: posts\nspec:\n  ports:\n    - port: 80\n      targetPort: \"8080\"\n"
        let patchPath = try scratch.write("overlays/prod/port.yaml", patch)
        let result = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "."],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(result.stderr.hasSuffix("--fix: applied 1 fix in 1 file; left: nothing\n"), "\(result)")
        #expect(
            try String(contentsOfFile: patchPath, encoding: .utf8)
                == patch.replacingOccurrences(of: "\"8080\"", with: "8080"))
        #expect(try String(contentsOfFile: scratch.path("base/web.yaml"), encoding: .utf8) == base)

        // The base writes the quoted value too: the patch and the base both write it.
        let quoted = base.replacingOccurrences(of: "targetPort: 8080", with: "targetPort: \"8080\"")
        try scratch.write("base/web.yaml", quoted)
        try scratch.write("overlays/prod/port.yaml", patch)
        let both = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "overlays/prod", "base"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(
            both.stdout.contains(
                "kubewire cannot make this edit: a patch writes it too (overlays/prod/port.yaml:8:19)"), "\(both)")
        #expect(both.stderr.contains("--fix: nothing to fix;"), "\(both)")
        #expect(try String(contentsOfFile: patchPath, encoding: .utf8) == patch)
    }

    /// A base line is fixed only for every overlay that builds it: one where the line is right keeps it.
    @Test(.enabled(if: kustomizeTools != nil, kustomizeSkip))
    func aBaseLineAnotherOverlayNeedsIsNotEdited() throws {
        let tools = try #require(kustomizeTools)
        let scratch = try Scratch()
        for folder in ["base", "overlays/a", "overlays/b"] {
            try FileManager.default.createDirectory(
                at: scratch.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let base = try String(contentsOf: FixCase(name: "ingress-legacy-backend").url("after.yaml"), encoding: .utf8)
            .replacingOccurrences(
                of: "service: {name: posts, port: {number: 80}}", with: "service: {name: posts, port: {number: 8080}}")
        #expect(base.contains("number: 8080"))
        let basePath = try scratch.write("base/web.yaml", base)
        try scratch.write("base/kustomization.yaml", "resources:\n  - web.yaml\n")
        try scratch.write("overlays/a/kustomization.yaml", "resources:\n  - ../../base\n")
        // Overlay b also exposes 8080: its Ingress is right as the base writes it.
        try scratch.write(
            "overlays/b/kustomization.yaml", "resources:\n  - ../../base\npatches:\n  - path: port.yaml\n")
        try scratch.write(
            "overlays/b/port.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: posts\nspec:\n  ports:\n    - port: 8080\n      targetPort: 8080\n"
        )
        let result = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "overlays"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("found in the output of `kustomize build overlays/a`"), "\(result)")
        #expect(
            result.stdout.contains(
                "use port 80; kubewire cannot make this edit: base/web.yaml is also built by `kustomize build overlays/b`, where this is not a finding"
            ), "\(result)")
        #expect(result.stderr.contains("--fix: nothing to fix;"), "\(result)")
        #expect(try String(contentsOfFile: basePath, encoding: .utf8) == base)
        // Without overlay b, the base line is overlay a's alone: fixed there, once base/ is an input too.
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("overlays/b"))
        let outside = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "overlays"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(
            outside.stderr.contains(
                "not applied: base/web.yaml:13:53: ingress-backend: base/web.yaml is outside the inputs: not edited; name its folder too to fix it"
            ), "\(outside)")
        #expect(try String(contentsOfFile: basePath, encoding: .utf8) == base)
        let alone = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "."],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(alone.stderr.hasSuffix("--fix: applied 1 fix in 1 file; left: nothing\n"), "\(alone)")
        #expect(try String(contentsOfFile: basePath, encoding: .utf8).contains("port: {number: 80}}"))
    }

    /// `base/web.yaml` (an Ingress to port 8080 that overlay a's Service does not expose),
    /// `overlays/a` reading it, and the folder of one more overlay; the base file's path and text.
    private func writeBaseWithWrongPort(andNamedOverlayIn scratch: Scratch, otherOverlay: String) throws -> (
        path: String, text: String
    ) {
        for folder in ["base", "overlays/a", otherOverlay] {
            try FileManager.default.createDirectory(
                at: scratch.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let base = try String(contentsOf: FixCase(name: "ingress-legacy-backend").url("after.yaml"), encoding: .utf8)
            .replacingOccurrences(
                of: "service: {name: posts, port: {number: 80}}", with: "service: {name: posts, port: {number: 8080}}")
        let basePath = try scratch.write("base/web.yaml", base)
        try scratch.write("base/kustomization.yaml", "resources:\n  - web.yaml\n")
        try scratch.write("overlays/a/kustomization.yaml", "resources:\n  - ../../base\n")
        return (basePath, base)
    }

    /// An overlay the user did not name still reads the base: it is built and must agree before the
    /// base is edited.
    @Test(.enabled(if: kustomizeTools != nil, kustomizeSkip))
    func anOverlayNotNamedIsConsultedBeforeTheBaseIsEdited() throws {
        let tools = try #require(kustomizeTools)
        let scratch = try Scratch()
        let (basePath, base) = try writeBaseWithWrongPort(andNamedOverlayIn: scratch, otherOverlay: "overlays/b")
        // Overlay b, not named, exposes 8080: its Ingress is right as the base writes it.
        try scratch.write(
            "overlays/b/kustomization.yaml", "resources:\n  - ../../base\npatches:\n  - path: port.yaml\n")
        try scratch.write(
            "overlays/b/port.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: posts\nspec:\n  ports:\n    - port: 8080\n      targetPort: 8080\n"
        )
        let kept = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "overlays/a", "base"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(kept.status == 1, "\(kept)")
        #expect(
            kept.stdout.contains(
                "use port 80; kubewire cannot make this edit: base/web.yaml is also built by `kustomize build overlays/b` (not an input), where this is not a finding"
            ), "\(kept)")
        #expect(kept.stderr.contains("--fix: nothing to fix;"), "\(kept)")
        #expect(try String(contentsOfFile: basePath, encoding: .utf8) == base)

        // Overlay b has the same finding with the same fix: the base is fixed for both.
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("overlays/b/port.yaml"))
        try scratch.write("overlays/b/kustomization.yaml", "resources:\n  - ../../base\n")
        let fixed = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "overlays/a", "base"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(fixed.stderr.hasSuffix("--fix: applied 1 fix in 1 file; left: nothing\n"), "\(fixed)")
        #expect(try String(contentsOfFile: basePath, encoding: .utf8).contains("port: {number: 80}}"))
    }

    /// `--fix --diff` writes nothing, yet counts what `--fix` leaves: kustomize builds a copy with the
    /// fixed texts (the consequence of the quoted port, service-target-port, is gone too).
    @Test(.enabled(if: kustomizeTools != nil, kustomizeSkip))
    func diffCountsWhatFixLeavesInAKustomizeLayout() throws {
        let tools = try #require(kustomizeTools)
        let scratch = try Scratch()
        let target = scratch.url.appendingPathComponent("layout")
        try FileManager.default.copyItem(at: FixCase(name: "kustomize-base-overlay").url("before"), to: target)
        let before = try tree(target)
        let diff = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "--diff", "layout"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(diff.stdout.contains("+      targetPort: 8080   # the container's port"), "\(diff)")
        #expect(diff.stderr == "kubewire: --fix: would apply 1 fix in 1 file; left: nothing\n", "\(diff)")
        #expect(diff.status == 0, "\(diff)")
        #expect(try tree(target) == before)
        let fixed = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "layout"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(fixed.stderr == "kubewire: --fix: applied 1 fix in 1 file; left: nothing\n", "\(fixed)")
        #expect(fixed.status == diff.status)
    }

    /// A kustomization whose copy cannot be built (a generator's file its kustomization does not name)
    /// is built from disk: the fixed finding is left out, its consequence counted, and the summary says so.
    @Test(.enabled(if: kustomizeTools != nil, kustomizeSkip))
    func diffSaysWhenAKustomizationIsBuiltFromDisk() throws {
        let tools = try #require(kustomizeTools)
        let scratch = try Scratch()
        let target = scratch.url.appendingPathComponent("layout")
        try FileManager.default.copyItem(at: FixCase(name: "kustomize-base-overlay").url("before"), to: target)
        try scratch.write(
            "layout/overlays/dev/settings.yaml",
            "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: settings\nfiles:\n  - app.properties\n")
        try scratch.write("layout/overlays/dev/app.properties", "a=1\n")
        try scratch.write(
            "layout/overlays/dev/kustomization.yaml", "resources:\n  - ../../base\ngenerators:\n  - settings.yaml\n")
        let before = try tree(target)
        let diff = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "--diff", "layout"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(
            diff.stderr.hasSuffix(
                "would apply 1 fix in 1 file; left: 1 error; kustomize output counted as built before the diff's changes to its sources\n"
            ), "\(diff)")
        #expect(try tree(target) == before)
    }

    /// An overlay that cannot be built here is no agreement: the base line stays.
    @Test(.enabled(if: kustomizeTools != nil, kustomizeSkip))
    func anOverlayThatCannotBeBuiltKeepsTheBaseLine() throws {
        let tools = try #require(kustomizeTools)
        let scratch = try Scratch()
        let (basePath, base) = try writeBaseWithWrongPort(andNamedOverlayIn: scratch, otherOverlay: "overlays/broken")
        try scratch.write(
            "overlays/broken/kustomization.yaml", "resources:\n  - ../../base\n  - missing.yaml\n")
        let result = try run(
            kubewireBinary.path, ["check", "--color", "never", "--fix", "overlays/a", "base"],
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: scratch)
        #expect(
            result.stdout.contains(
                "base/web.yaml is also built by `kustomize build overlays/broken` (not an input), which could not be built here"
            ), "\(result)")
        #expect(try String(contentsOfFile: basePath, encoding: .utf8) == base)
    }
}

/// Where kubectl (kustomize) is for the kustomize cases: `make kube-tools` (KUBEWIRE_TOOLS_DIR), or PATH.
let kustomizeTools: String? = {
    if let tools = RepositoryLayoutTests.toolsDirectory,
        FileManager.default.isExecutableFile(atPath: tools + "/kubectl")
    {
        return tools
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    return path.split(separator: ":").map(String.init).first {
        FileManager.default.isExecutableFile(atPath: $0 + "/kubectl")
    }
}()

let helmSkip: Comment =
    "skipped: kubectl and helm are not installed; `make kube-tools` installs them, or set KUBEWIRE_TOOLS_DIR"

let kustomizeSkip: Comment =
    "skipped: kubectl (which carries kustomize) is not installed; `make kube-tools` installs it, or set KUBEWIRE_TOOLS_DIR"

/// Every file below `folder`, by relative path.
func tree(_ folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let root = folder.standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
    while let relative = walker.nextObject() as? String {
        var isFolder: ObjCBool = false
        let path = root + "/" + relative
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            continue
        }
        files[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
    }
    return files
}
