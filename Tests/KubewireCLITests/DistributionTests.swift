import Foundation
import KubeYAML
import Testing

/// The ways CI users run kubewire: the pre-commit hook, the GitHub Action, the container recipe.
/// Each is exercised the way its host runs it, with the built kubewire on PATH.
@Suite("kubewire in CI: pre-commit, the Action, the container")
struct DistributionTests {
    static let binDirectory = kubewireBinary.deletingLastPathComponent().path

    static func yaml(_ name: String) throws -> YAMLNode {
        let path = packageRoot.appendingPathComponent(name).path
        let loaded = YAMLLoader.load(path: path)
        #expect(loaded.problems.isEmpty, "\(loaded.problems.map(\.message))")
        return try #require(loaded.documents.first?.root, "\(name) is empty")
    }

    /// A repository with a Deployment and its Service in k8s/, a workflow (YAML, not a manifest) and a README.
    static func repository(serviceLabel: String) throws -> Scratch {
        let scratch = try Scratch()
        let parts = try String(contentsOfFile: brokenSelector, encoding: .utf8).components(separatedBy: "\n---\n")
        try #require(parts.count == 2)
        for folder in ["k8s", ".github/workflows"] {
            try FileManager.default.createDirectory(atPath: scratch.path(folder), withIntermediateDirectories: true)
        }
        try scratch.write("k8s/depl.yaml", parts[0] + "\n")
        try scratch.write("k8s/srv.yaml", parts[1].replacingOccurrences(of: "app: ports", with: "app: \(serviceLabel)"))
        try scratch.write(".github/workflows/ci.yml", "on: [push]\njobs: {}\n")
        try scratch.write(".pre-commit-config.yaml", "repos: []\n")
        try scratch.write("README.md", "# app\n")
        return scratch
    }

    // MARK: pre-commit

    /// What pre-commit does with a hook and the staged files: keep those that match `types`,
    /// `files` and not `exclude` (regular-expression searches), then run `entry` (split like a shell
    /// would), `args`, and the file names, with the tool found on PATH (`language: system`).
    static func runHook(_ hook: YAMLNode, staged: [String], extraArgs: [String] = [], in scratch: Scratch) throws
        -> RunResult
    {
        func search(_ pattern: String?, _ path: String) throws -> Bool {
            guard let pattern, !pattern.isEmpty else { return false }
            let regex = try NSRegularExpression(pattern: pattern)
            return regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
        }
        let types = hook["types"]?.items.compactMap(\.string) ?? []
        let files = try staged.filter { path in
            if types.contains("yaml"), !(path.hasSuffix(".yaml") || path.hasSuffix(".yml")) { return false }
            if let pattern = hook["files"]?.string, !(try search(pattern, path)) { return false }
            return !(try search(hook["exclude"]?.string, path))
        }
        let entry = try #require(hook["entry"]?.string).split(separator: " ").map(String.init)
        let args = (hook["args"]?.items.compactMap(\.string) ?? []) + extraArgs
        let passFilenames = hook["pass_filenames"]?.scalar != "false"
        return try run(
            "/usr/bin/env", entry + args + (passFilenames ? files : []),
            environment: ["PATH": binDirectory + ":/usr/bin:/bin"], in: scratch)
    }

    static func kubewireHook() throws -> YAMLNode {
        let hooks = try yaml(".pre-commit-hooks.yaml")
        let hook = try #require(hooks.items.first { $0["id"]?.string == "kubewire" }, "no kubewire hook")
        #expect(hook["language"]?.string == "system")
        // One run for every staged file: split into batches, a Service would miss its Deployment.
        #expect(hook["require_serial"]?.scalar == "true")
        return hook
    }

    static let staged = [
        "k8s/depl.yaml", "k8s/srv.yaml", ".github/workflows/ci.yml", ".pre-commit-config.yaml", "README.md",
    ]

    @Test func preCommitHookFailsOnABrokenStagedManifestAndSkipsOtherYAML() throws {
        let hook = try Self.kubewireHook()
        let scratch = try Self.repository(serviceLabel: "ports")
        let result = try Self.runHook(hook, staged: Self.staged, in: scratch)
        // 1, not 2: the workflow and the pre-commit config (not manifests) were not passed.
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error[service-selector]"), "\(result)")
        #expect(result.stdout.contains("k8s/srv.yaml:"), "\(result)")
    }

    @Test func preCommitHookPassesCleanStagedManifests() throws {
        let hook = try Self.kubewireHook()
        let scratch = try Self.repository(serviceLabel: "posts")
        let result = try Self.runHook(hook, staged: Self.staged, in: scratch)
        #expect(result.status == 0, "\(result)")
    }

    @Test func preCommitHookWithContextMatchesAStagedServiceAgainstAnUnchangedDeployment() throws {
        let hook = try Self.kubewireHook()
        // Alone, a Service with a typo in its selector proves nothing (its pods may be defined
        // elsewhere); the unchanged Deployment, loaded as context, proves the typo.
        let scratch = try Self.repository(serviceLabel: "ports")
        let alone = try Self.runHook(hook, staged: ["k8s/srv.yaml"], in: scratch)
        #expect(alone.status == 0, "no pods in the inputs, nothing proven: \(alone)")
        let withContext = try Self.runHook(
            hook, staged: ["k8s/srv.yaml"], extraArgs: ["--context", "k8s/"], in: scratch)
        #expect(withContext.status == 1, "\(withContext)")
        #expect(withContext.stdout.contains("error[service-selector]"), "\(withContext)")
        let fixed = try Self.repository(serviceLabel: "posts")
        let fixedWithContext = try Self.runHook(
            hook, staged: ["k8s/srv.yaml"], extraArgs: ["--context", "k8s/"], in: fixed)
        #expect(fixedWithContext.status == 0, "\(fixedWithContext)")
    }

    // MARK: the GitHub Action

    /// Runs one `run:` step of the composite action as the runner does (`bash --noprofile --norc -eo
    /// pipefail`), its `env:` with `${{ inputs.NAME }}` replaced by `inputs` or the input's default.
    static func runActionStep(
        _ id: String?, index: Int, inputs: [String: String], toolsPath: String? = nil, in scratch: Scratch
    ) throws -> RunResult {
        let action = try yaml("action.yml")
        #expect(action["runs"]?["using"]?.string == "composite")
        let steps = action["runs"]?["steps"]?.items ?? []
        let step = try #require(id.map { id in steps.first { $0["id"]?.string == id } } ?? steps[index])
        let declared = action["inputs"]?.pairs ?? []
        var environment = [
            "RUNNER_TEMP": scratch.path("runner"), "GITHUB_OUTPUT": scratch.path("github-output"),
            "GITHUB_PATH": scratch.path("github-path"), "GITHUB_ACTION_PATH": packageRoot.path,
            "PATH": binDirectory + (toolsPath.map { ":" + $0 } ?? "") + ":/usr/bin:/bin",
        ]
        for pair in step["env"]?.pairs ?? [] {
            guard let name = pair.key.string, let value = pair.value.string else { continue }
            let input = value.replacingOccurrences(of: "${{ inputs.", with: "").replacingOccurrences(
                of: " }}", with: "")
            let fallback = declared.first { $0.key.string == input }?.value["default"]?.string ?? ""
            environment[name] = inputs[input] ?? fallback
        }
        let script = try #require(step["run"]?.string)
        return try run(
            "/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], environment: environment,
            in: scratch)
    }

    @Test func actionUsesTheKubewireOnPathAndWritesSARIFBesideAnnotations() throws {
        let scratch = try Self.repository(serviceLabel: "ports")
        let build = try Self.runActionStep(nil, index: 0, inputs: [:], in: scratch)
        #expect(build.status == 0, "\(build)")
        #expect(build.stdout.contains("kubewire: using"), "\(build)")
        let check = try Self.runActionStep("check", index: 1, inputs: ["paths": "k8s/"], in: scratch)
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("::error file=k8s/srv.yaml,line=8,col=10"), "\(check)")
        let sarif = try jsonObject(try String(contentsOfFile: scratch.path("kubewire.sarif"), encoding: .utf8))
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        #expect((run["results"] as? [[String: Any]])?.count == 1)
        let outputs = try String(contentsOfFile: scratch.path("github-output"), encoding: .utf8)
        #expect(outputs.contains("sarif-file=kubewire.sarif"), "\(outputs)")
    }

    @Test func actionPassesKubeVersionFormatAndFailOn() throws {
        let scratch = try Self.repository(serviceLabel: "posts")
        let clean = try Self.runActionStep(
            "check", index: 1,
            inputs: ["paths": "k8s/depl.yaml k8s/srv.yaml", "format": "json", "kube-version": "1.30"],
            in: scratch)
        #expect(clean.status == 0, "\(clean)")
        #expect(try jsonObject(clean.stdout)["version"] as? Int == 1)
        let badVersion = try Self.runActionStep(
            "check", index: 1, inputs: ["paths": "k8s/", "kube-version": "one"], in: scratch)
        #expect(badVersion.status == 2, "\(badVersion)")
    }

    // MARK: the container recipe (no container engine here: its steps are checked against the Makefile)

    @Test func containerRecipeShipsWhatMakeReleaseBuilds() throws {
        let recipe = try String(contentsOf: packageRoot.appendingPathComponent("Containerfile"), encoding: .utf8)
        let makefile = try String(contentsOf: packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        let lines = recipe.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let stages = lines.filter { $0.hasPrefix("FROM ") }
        #expect(stages.count == 2, "a build stage and a minimal runtime stage: \(stages)")
        #expect(lines.contains("RUN make release"), "the build stage must run make release")
        // make release writes $(RELEASE_DIR)/kubewire, RELEASE_DIR defaulting to dist.
        #expect(makefile.contains("RELEASE_DIR ?= dist"))
        #expect(makefile.contains("cp $(SCRATCH)/release/kubewire $(RELEASE_DIR)/kubewire"))
        let copy = try #require(lines.first { $0.hasPrefix("COPY --from=build") })
        #expect(copy.contains("/dist/kubewire /usr/local/bin/kubewire"), "\(copy)")
        #expect(lines.contains(#"ENTRYPOINT ["/usr/local/bin/kubewire"]"#))
        #expect(lines.contains("WORKDIR /src"))
        // The binary still needs glibc: the runtime base must have it (distroless/cc does; scratch does not).
        #expect(stages.last?.contains("distroless/cc") == true, "\(stages)")
        let release = try #require(makefile.range(of: "\nrelease:"))
        #expect(makefile[release.upperBound...].prefix(400).contains("$(STATIC_FLAGS)"))
    }

    /// make release runs deps-check first, which installs what is missing; the build stage installs
    /// the same Debian packages itself (libyaml-dev, libjemalloc-dev: their .a go into the binary).
    @Test func containerBuildStageInstallsWhatDepsCheckInstalls() throws {
        let recipe = try String(contentsOf: packageRoot.appendingPathComponent("Containerfile"), encoding: .utf8)
        let makefile = try String(contentsOf: packageRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        let depsCheck = try #require(makefile.range(of: "\ndeps-check:"))
        let recipeLines = makefile[depsCheck.upperBound...].split(separator: "\n").prefix { $0.hasPrefix("\t") }
        let packages = recipeLines.compactMap { line -> String? in
            guard let range = line.range(of: "missing=\"$$missing ") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(packages.contains("libyaml-dev") && packages.contains("libjemalloc-dev"), "\(packages)")
        let install = try #require(
            recipe.split(separator: "\n").first { $0.contains("apt-get install") }, "the build stage installs packages")
        let installed = install.split(separator: " ").map(String.init)
        for package in packages {
            #expect(installed.contains(package), "the Containerfile's build stage does not install \(package)")
        }
    }
}
