import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeModel
import KubeReport
import KubeRules

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

    func run() throws {
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one file, folder, or - for standard input")
        }
        let settings = try options.resolve()
        let loaded = ManifestLoader.load(
            inputs.map(ManifestInput.init(argument:)),
            options: LoadOptions(defaultNamespace: settings.namespace))
        let checker = Checker(
            disabled: settings.disabled, context: RuleContext(kubeVersion: settings.kubeVersion))
        let outcome = checker.run(loaded.graph)
        let findings = outcome.diagnostics.map(settings.applySeverity)
        var report = Report(
            diagnostics: loaded.problems + findings,
            rules: checker.rules.map(\.info) + InputProblem.all,
            sources: loaded.sources, inputCount: loaded.inputNames.count, objectCount: loaded.graph.objects.count,
            toolName: "kubewire", toolVersion: Kubewire.version)
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

    func resolve() throws -> Settings {
        var settings = Settings()
        let configPath = config ?? (FileManager.default.fileExists(atPath: ".kubewire.yaml") ? ".kubewire.yaml" : nil)
        if let configPath {
            let file = try ConfigFile.load(path: configPath, output: output)
            settings.apply(file)
        }
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
        return settings
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

struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, json, sarif, junit or github.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Colour in text output: auto (on a terminal), always or never.")
    var color: ColorChoice = .auto

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    func write(_ report: Report) throws {
        let useColor: Bool
        switch color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto:
            useColor =
                output == nil && isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
        let text = render(
            report, as: format,
            options: RenderOptions(color: useColor, workingDirectory: FileManager.default.currentDirectoryPath))
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                Console.error("kubewire: cannot write \(output): \(error.localizedDescription)\n")
                throw ExitCode(2)
            }
        } else {
            Console.out(text)
        }
    }
}

extension OutputFormat: ExpressibleByArgument {}

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
