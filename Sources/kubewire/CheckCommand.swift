import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeInputs
import KubeModel
import KubeReport
import KubeRules
import KubewireCLI

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check manifests (files, folders, or - for stdin) and report wiring mistakes.",
        discussion: """
            Folders are walked for manifests; kustomizations are built with kustomize (or kubectl) and \
            charts rendered with helm, findings reported at the lines that wrote them. YAML that holds \
            no Kubernetes object, kuttl/chainsaw test folders, kustomize patches no kustomization uses, \
            node_modules, vendor, testdata and hidden folders are skipped.

            Examples:
              kubewire check .
              kubewire check infra/ skaffold.yaml
              helm template ./chart | kubewire check -
              kubewire check k8s/ --format sarif --output kubewire.sarif
              kubewire check infra/ --fix --diff
            """
    )

    @Argument(help: "Files, folders (searched for .yaml/.yml, kustomizations and charts) or - for standard input.")
    var inputs: [String] = []

    @OptionGroup var options: CheckOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also load these files or folders to resolve references (repeatable), but report findings only in the inputs.",
            discussion:
                "Kustomizations and charts among them are rendered as the inputs' are; one that cannot be rendered is a note. For pre-commit: the staged files are the inputs, the manifest folders the context."
        ))
    var context: [String] = []

    @Flag(
        name: .long, help: "List the files skipped (YAML and JSON): no Kubernetes object, test harness, unused patch.")
    var verbose = false

    @Option(
        name: .customLong("helm-values"),
        help: "A values file for every chart the inputs hold, after the chart's values.yaml (repeatable).")
    var helmValues: [String] = []

    @Flag(
        name: .customLong("require-render"),
        help: "Exit 2 when a kustomization or chart cannot be rendered here (kustomize/kubectl or helm missing).")
    var requireRender = false

    @OptionGroup var fixing: FixOptions

    func run() throws { try check(after: nil) }

    /// `fixed`: what `--fix` applied before this check (said after its report).
    func check(after fixes: FixPass?) throws {
        var fixed = fixes
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one file, folder, or - for standard input")
        }
        let loaded = try options.policy(helmValues: helmValues, requireRender: requireRender)
        let policy = loaded.policy
        if !loaded.problems.isEmpty {
            // The run cannot mean anything with half a configuration: report its problems alone, exit 2.
            try options.output.write(
                Report(
                    diagnostics: [], configurationDiagnostics: loaded.problems,
                    rules: [PolicyFile.rule] + InputProblem.all, inputCount: 1, objectCount: 0,
                    toolName: ToolInfo.name, toolVersion: ToolInfo.version))
            throw ExitCode(2)
        }
        let fixesNow = fixing.fix && fixed == nil
        let run = CheckRun(
            inputs: inputs.filter { $0 != "-" }, readsStandardInput: inputs.contains("-"), context: context,
            policy: policy, replacingRealPaths: fixed?.replacements ?? [:], takesSignatures: fixesNow
        ).perform()
        KeptUntilExit.keep(run)
        let manifests = run.loaded
        var problems = run.problems
        let notChecked = run.notChecked
        var findings = run.findings
        if var pass = fixed, pass.diff != nil {
            // --fix --diff wrote nothing: kustomize built copies with the fixed texts, or where it
            // could not, the files on disk again; there the rendered findings the diff fixes are not left.
            // (By rule and place: the overlays that found it may differ now, some built from copies.)
            if run.rendersFixedSourcesOnDisk {
                findings.removeAll { finding in
                    pass.fixedRendered.contains { $0.ruleID == finding.ruleID && $0.span == finding.span }
                }
            }
            pass.summary.fixesKustomizeSources = run.rendersFixedSourcesOnDisk
            fixed = pass
        }
        let plainFindings = Array(findings.prefix(run.plainFindingCount))
        if run.objectCount == 0 && problems.isEmpty && notChecked.isEmpty {
            problems.append(
                Diagnostic(
                    ruleID: InputProblem.noObjects.id, severity: .error, span: nil,
                    message:
                        "no Kubernetes object in \(inputs.joined(separator: " ")): nothing was checked\(skippedPhrase(manifests.skippedFiles.count, setAside: run.setAsideFiles)); name the folders or files that hold the manifests, a kustomization or a chart",
                    fix: SuggestedFix("check the paths; `kubewire check --verbose` lists the files it skipped")))
        }
        if fixesNow {
            let rendered = findings.count - plainFindings.count
            let pass = FixRun.apply(
                findings, renderedFindings: Set(findings.suffix(rendered)),
                readsStandardInput: inputs.contains("-"), signatures: run.signatures, inputs: inputs,
                diff: fixing.diff)
            // Check the fixed texts again; with nothing changed, this check's report is that one.
            if pass.summary.appliedFixes > 0 { return try check(after: pass) }
            fixed = pass
        }
        var report = Report(
            diagnostics: problems + notChecked + run.contextNotes + findings,
            rules: run.rules,
            sources: manifests.sources, inputCount: run.inputCount, objectCount: run.objectCount,
            toolName: ToolInfo.name, toolVersion: ToolInfo.version)
        report.notValidatedCount = run.notValidated
        report.skippedFiles = manifests.skippedFiles
        report.testHarnessFiles = run.setAsideFiles.filter { $0.reason == .testHarness }.map(\.path)
        report.unusedPatchFiles = run.setAsideFiles.filter { $0.reason == .unusedPatch }.map(\.path)
        report.listsSkippedFiles = verbose
        if let diff = fixed?.diff {
            Console.out(diff)  // --fix --diff: the diff in place of the report
        } else {
            try options.output.write(report)
        }
        if let fixed {
            let rendered = findings.dropFirst(min(run.plainFindingCount, findings.count))
            if let remark = FixSummary.renderedRemark(left: rendered) { Console.error(remark + "\n") }
            for remark in fixed.summary.remarks { Console.error(remark + "\n") }
            Console.error(fixed.summary.line(left: findings, diff: fixed.diff != nil) + "\n")
        }
        if !problems.isEmpty || (policy.requireRender && !notChecked.isEmpty) { throw ExitCode(2) }
        if policy.fails(findings) { throw ExitCode(1) }
    }
}

/// " (3 files skipped: not Kubernetes objects; 2 test-harness files skipped: name one to check it)",
/// or nothing.
func skippedPhrase(_ count: Int, setAside: [InputPlan.SetAsideFile] = []) -> String {
    func files(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
    let harness = setAside.filter { $0.reason == .testHarness }.count
    let patches = setAside.filter { $0.reason == .unusedPatch }.count
    let parts =
        (count == 0 ? [] : ["\(files(count, "file")) skipped: not Kubernetes objects"])
        + (harness == 0 ? [] : ["\(files(harness, "test-harness file")) skipped: name one to check it"])
        + (patches == 0
            ? [] : ["\(files(patches, "kustomize patch file")) no kustomization uses skipped: name one to check it"])
    return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
}

/// Findings of rendered kustomizations and charts at their source lines: a line of a shared base
/// that is wrong in several overlays is one finding that names each overlay.
struct RenderedFindings {
    private var order: [Diagnostic] = []
    private var producers: [[String]] = []
    private var index: [String: Int] = [:]
    /// Findings whose builds ask for different fixes at the one source line.
    private var differingFixes: Set<Int> = []

    mutating func add(_ diagnostic: Diagnostic, exact: Bool, from producer: String) {
        // Where the span only approximates (the object, a template's kind line), the message tells
        // findings apart too.
        let key = diagnostic.span.map {
            "\(diagnostic.ruleID)|\($0.file)|\($0.line)|\($0.column)" + (exact ? "" : "|" + diagnostic.message)
        }
        if let key, let existing = index[key] {
            if !producers[existing].contains(producer) { producers[existing].append(producer) }
            if order[existing].fix != diagnostic.fix { differingFixes.insert(existing) }
            return
        }
        if let key { index[key] = order.count }
        order.append(diagnostic)
        producers.append([producer])
    }

    /// The findings, each noting the builds it was found in. A fix moved to a source file stays an
    /// edit only if every build of `builds` that reads that file has this finding with this fix:
    /// a base line shared by an overlay where it is right is not changed for the others.
    func merged(builds: [RenderedInput] = []) -> [Diagnostic] {
        zip(order, producers).enumerated().map { position, pair in
            var (diagnostic, producers) = pair
            let list = producers.map { "`\($0)`" }
            let phrase =
                list.count == 1 ? list[0] : list.dropLast().joined(separator: ", ") + " and " + list[list.count - 1]
            diagnostic.notes.append(DiagnosticNote("found in the output of \(phrase)"))
            guard let fix = diagnostic.fix, !fix.edits.isEmpty else { return diagnostic }
            var reason: String?
            if differingFixes.contains(position) {
                reason = "the builds ask for different changes here"
            } else {
                for file in Set(fix.edits.map(\.span.file)).sorted() {
                    if let other = builds.first(where: { !producers.contains($0.producer) && $0.reads(file) }) {
                        reason = "\(file) is also built by `\(other.producer)`, where this is not a finding"
                        break
                    }
                }
            }
            if let reason {
                var said = fix.help
                if let replacement = fix.replacement, !replacement.isEmpty, !said.contains(replacement) {
                    said += " (`\(replacement)`)"
                }
                diagnostic.fix = SuggestedFix(RenderedInput.cannotMake(said, because: reason))
            }
            return diagnostic
        }
    }
}

/// Options shared by `check` and `probe`: what to run and how to report.
struct CheckOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Rule to turn off (repeatable; comma-separated lists allowed; `all` for every rule). See `kubewire rules`.")
    var disable: [String] = []

    @Option(
        name: .long,
        help:
            "Configuration file (default: .kubewire.yaml or .kubewire.yml in the current folder or the nearest parent up to the repository root)."
    )
    var config: String?

    @Option(name: .long, help: "Namespace of objects that name none.")
    var namespace: String?

    @Option(
        name: .customLong("kube-version"),
        help:
            "Kubernetes release the manifests target, \(KubeVersion.supported.lowerBound)–\(KubeVersion.supported.upperBound) (default \(KubeVersion.current))."
    )
    var kubeVersion: String?

    @Option(name: .customLong("fail-on"), help: "Lowest severity that makes the run exit 1: error, warning or note.")
    var failOn: Severity?

    @OptionGroup var output: OutputOptions

    /// The policy: the configuration file (`--config`, else the one found from the working
    /// directory) with these options merged over it (`Policy.merging`: options win), and the file's
    /// problems. A bad option is a usage error (thrown).
    func policy(helmValues: [String] = [], requireRender: Bool = false) throws -> Policy.Loaded {
        let flags = PolicyFlags(
            disable: disable, namespace: namespace, kubeVersion: kubeVersion, failOn: failOn, helmValues: helmValues,
            requireRender: requireRender)
        do {
            return try Policy.load(configPath: config, flags: flags)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

extension Severity: ExpressibleByArgument {}
