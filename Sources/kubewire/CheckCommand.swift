import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeModel
import KubeReport
import KubeRules
import KubewireCLI

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check manifests (files, folders, or - for stdin) and report wiring mistakes.",
        discussion: """
            Examples:
              kubewire check infra/ skaffold.yaml
              helm template ./chart | kubewire check -
              kubewire check k8s/ --format sarif --output kubewire.sarif
            """
    )

    @Argument(help: "Files, folders (searched for .yaml/.yml) or - for standard input.")
    var inputs: [String] = []

    @OptionGroup var options: CheckOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also load these files or folders to resolve references (repeatable), but report findings only in the inputs.",
            discussion: "For pre-commit: the staged files are the inputs, the manifest folders the context."))
    var context: [String] = []

    func run() throws {
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one file, folder, or - for standard input")
        }
        let (settings, configuration) = try options.resolve()
        if let configuration, !configuration.problems.isEmpty {
            // The run cannot mean anything with half a configuration: report its problems alone, exit 2.
            try options.output.write(
                Report(
                    diagnostics: [], configurationDiagnostics: configuration.problems,
                    rules: [ConfigFile.rule] + InputProblem.all, inputCount: 1, objectCount: 0,
                    toolName: ToolInfo.name, toolVersion: ToolInfo.version))
            throw ExitCode(2)
        }
        let focus = inputs.map(ManifestInput.init(argument:))
        let loaded = ManifestLoader.load(
            focus + context.map(ManifestInput.init(argument:)),
            options: LoadOptions(defaultNamespace: settings.namespace))
        let checker = Checker(
            disabled: settings.disabled, context: RuleContext(kubeVersion: settings.kubeVersion))
        let outcome = checker.run(loaded.graph)
        var findings = outcome.diagnostics.map(settings.applySeverity)
        if !context.isEmpty {
            var shown = Set(ManifestLoader.files(in: focus).map(ManifestLoader.normalizedPath))
            // `helm template | kubewire check - --context base/`: what came on stdin is in focus.
            if focus.contains(where: { if case .standardInput = $0 { true } else { false } }) {
                shown.insert(ManifestLoader.standardInputName)
            }
            findings = findings.filter { finding in
                finding.span.map { shown.contains(ManifestLoader.normalizedPath($0.file)) } ?? true
            }
        }
        var report = Report(
            diagnostics: loaded.problems + findings,
            rules: checker.rules.map(\.info) + InputProblem.all,
            sources: loaded.sources, inputCount: loaded.inputNames.count, objectCount: loaded.graph.objects.count,
            toolName: ToolInfo.name, toolVersion: ToolInfo.version)
        report.notValidatedCount = outcome.notValidated
        try options.output.write(report)
        if !loaded.problems.isEmpty { throw ExitCode(2) }
        if findings.contains(where: { $0.severity >= settings.failOn }) { throw ExitCode(1) }
    }
}

/// Options shared by `check` and `probe`: what to run and how to report.
struct CheckOptions: ParsableArguments {
    @Option(name: .long, help: "Rule to turn off (repeatable; comma-separated lists allowed). See `kubewire rules`.")
    var disable: [String] = []

    @Option(name: .long, help: "Configuration file (default: .kubewire.yaml in the current folder, if present).")
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

    /// The settings from the configuration file and the options (options win), and the file's
    /// problems, if one was read; a bad option is a usage error (thrown).
    func resolve() throws -> (Settings, ConfigFile.Loaded?) {
        var settings = Settings()
        let configPath = config ?? (FileManager.default.fileExists(atPath: ".kubewire.yaml") ? ".kubewire.yaml" : nil)
        let loaded = configPath.map(ConfigFile.load(path:))
        if let loaded { settings.apply(loaded.file) }
        for entry in disable {
            for id in entry.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !id.isEmpty {
                try Settings.validateRuleID(id)
                settings.disabled.insert(id)
            }
        }
        if let namespace {
            guard !namespace.isEmpty else { throw ValidationError("--namespace must not be empty") }
            settings.namespace = namespace
        }
        if let kubeVersion {
            guard let version = KubeVersion(kubeVersion) else {
                throw ValidationError("--kube-version takes a release like 1.29, not `\(kubeVersion)`")
            }
            settings.kubeVersion = version
        }
        if let failOn { settings.failOn = failOn }
        guard KubeVersion.supported.contains(settings.kubeVersion) else {
            let range = KubeVersion.supported
            throw ValidationError(
                "Kubernetes \(settings.kubeVersion) is not supported: kubewire knows the API of \(range.lowerBound)–\(range.upperBound) (--kube-version or kubeVersion in the configuration)"
            )
        }
        return (settings, loaded)
    }
}

extension Severity: ExpressibleByArgument {}

struct Settings {
    var disabled: Set<String> = []
    var namespace = "default"
    var kubeVersion = KubeVersion.current
    var failOn = Severity.error
    var severities: [String: Severity] = [:]

    mutating func apply(_ file: ConfigFile) {
        disabled.formUnion(file.disabled)
        if let namespace = file.namespace { self.namespace = namespace }
        if let version = file.kubeVersion { kubeVersion = version }
        if let failOn = file.failOn { self.failOn = failOn }
        severities.merge(file.severities) { $1 }
    }

    func applySeverity(_ diagnostic: Diagnostic) -> Diagnostic {
        guard let severity = severities[diagnostic.ruleID] else { return diagnostic }
        var changed = diagnostic
        changed.severity = severity
        return changed
    }

    static func validateRuleID(_ id: String) throws {
        guard RuleRegistry.rule(id: id) == nil else { return }
        let known = RuleRegistry.all.map(\.info.id)
        let hint = known.min { levenshtein(id, $0) < levenshtein(id, $1) }.map { " (did you mean \($0)?)" } ?? ""
        throw ValidationError("unknown rule `\(id)`\(hint); `kubewire rules` lists them")
    }
}

func levenshtein(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var previous = row[0]
        row[0] = i
        for j in 1...b.count {
            let saved = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
            previous = saved
        }
    }
    return row[b.count]
}
