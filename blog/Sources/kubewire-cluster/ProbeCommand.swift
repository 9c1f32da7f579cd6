import ArgumentParser
import AsyncHTTPClient
import Foundation
import KubeDiagnostics
import KubeModel
import KubeReport
import KubeRules
import KubewireCLI
import LocalCluster

#if canImport(Glibc)
    import Glibc
#endif

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Send a request for every ingress path to a live ingress and prove it reached its backend.",
        discussion: """
            Against `kubewire up`, every location marks its responses with the backend it routed to, so a path \
            swallowed by another location fails. Against a real cluster, a 404 from the default backend or a \
            502/503/504 fails. Exit 1 when any path fails.
            The results are the report, in --format: text has one PASS/FAIL line per path, each failure with \
            what to do, the blog flow's steps, and a summary line; json, sarif, junit and github carry the \
            failures (the PASS/FAIL lines then go to stderr).
              kubewire probe infra/ --base-url http://posts.com --blog-flow
            """
    )

    @Argument(help: "Manifest files and folders with the Ingress objects.")
    var inputs: [String] = []

    @Option(
        name: .customLong("base-url"),
        help: "Where the ingress answers, e.g. http://posts.com or http://127.0.0.1:8080.")
    var baseURL: String

    @Flag(
        name: .customLong("blog-flow"),
        help: "Also create a post and comments through the ingress and wait for moderation.")
    var blogFlow = false

    @Option(name: .customLong("blog-host"), help: "Host header for the blog flow (default: the first Ingress host).")
    var blogHost: String?

    @Option(
        name: .long,
        help:
            "Configuration file (default: .kubewire.yaml or .kubewire.yml in the current folder or the nearest parent up to the repository root), as for kubewire check."
    )
    var config: String?

    @Option(name: .long, help: "Namespace of objects that name none (default: the configuration's, else default).")
    var namespace: String?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        guard !inputs.isEmpty else { throw ValidationError("give the manifests with the Ingress objects") }
        guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ValidationError("--base-url must be an http(s) URL, e.g. http://posts.com")
        }
        // The configuration `kubewire check` and `kubewire up` read, read the same way: of its keys,
        // probing uses the namespace (the others are about checking, and are validated all the same).
        let configured: Policy.Loaded
        do {
            configured = try Policy.load(configPath: config, flags: PolicyFlags(namespace: namespace))
        } catch {
            throw ValidationError(error.message)
        }
        if !configured.problems.isEmpty {
            try output.write(
                Report(
                    diagnostics: [], configurationDiagnostics: configured.problems,
                    rules: [PolicyFile.rule] + InputProblem.all, inputCount: 1, objectCount: 0,
                    toolName: "kubewire", toolVersion: ToolInfo.version))
            throw ExitCode(2)
        }
        let loaded = ManifestLoader.load(
            inputs.map(ManifestInput.init(argument:)),
            options: LoadOptions(defaultNamespace: configured.policy.namespace))
        let targets = IngressProbe.targets(graph: loaded.graph)
        if loaded.problems.isEmpty && targets.isEmpty {
            throw ValidationError("no Ingress path of class nginx among the inputs; nothing to probe")
        }
        var diagnostics = loaded.problems
        var lines: [String] = []
        var summary = ""
        if loaded.problems.isEmpty {
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let run = await IngressProbe.run(targets, baseURL: baseURL, client: client)
            diagnostics += IngressProbe.diagnostics(run)
            let failed = run.results.filter { $0.failure != nil }.count
            if let failure = run.connectionFailure {
                lines.append("FAIL \(failure.message)")
                summary = "no ingress path probed: \(failure.message)"
            } else {
                lines += run.results.map(IngressProbe.line)
                summary =
                    failed == 0
                    ? "\(run.results.count) of \(run.results.count) ingress paths reached their backends"
                    : "\(failed) of \(run.results.count) ingress paths failed"
            }
            if blogFlow && run.connectionFailure == nil {
                let host = blogHost ?? targets.compactMap(\.host).first ?? url.host ?? "localhost"
                let outcome = await BlogFlow.run(baseURL: baseURL, host: host, client: client)
                lines += outcome.steps.map { "blog flow: \($0)" }
                let parts = outcome.elapsed.components
                let seconds = String(format: "%.1fs", Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
                if let failure = outcome.failure {
                    diagnostics.append(failure)
                    lines.append("FAIL blog flow (Host: \(host)): \(failure.message)")
                    summary += "; the blog flow failed"
                } else {
                    lines.append(
                        "PASS blog flow (Host: \(host)): a post, an approved and a rejected comment through the ingress in \(seconds)"
                    )
                    summary += "; the blog flow passed"
                }
            }
            try? await client.shutdown()
        }
        let report = Report(
            diagnostics: diagnostics, rules: [IngressProbe.rule, IngressProbe.blogFlowRule] + InputProblem.all,
            sources: loaded.sources, inputCount: loaded.inputNames.count, objectCount: loaded.graph.objects.count,
            toolName: "kubewire", toolVersion: ToolInfo.version)
        if !loaded.problems.isEmpty {
            try output.write(report)
            throw ExitCode(2)
        }
        let failed = diagnostics.contains(where: { $0.severity == .error })
        let summaryLine = (failed ? "error: " : "ok: ") + summary
        if output.format == .text {
            // With --output the terminal still hears how it went.
            if output.output != nil { Console.error(summaryLine + "\n") }
            try writeText(report, lines: lines, summary: summaryLine)
        } else {
            Console.error((lines + [summaryLine]).map { $0 + "\n" }.joined())
            try output.write(report)
        }
        if failed { throw ExitCode(1) }
    }

    /// The text report: one line per path (and blog-flow step), every failure as the checker
    /// shows a finding (where, what, what to do), then one summary line. Extra `--report`s are
    /// rendered from the same report.
    private func writeText(_ report: Report, lines: [String], summary: String) throws {
        let workingDirectory = FileManager.default.currentDirectoryPath
        let color: Bool
        switch output.color {
        case .always: color = true
        case .never: color = false
        case .auto:
            color =
                output.output == nil && isatty(STDOUT_FILENO) != 0
                && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
        var text = lines.map { $0 + "\n" }.joined()
        if !report.diagnostics.isEmpty {
            // The findings as `kubewire check` shows them, without its summary line (ours follows).
            let findings = render(report, as: .text, options: RenderOptions(color: color))
            var findingLines = findings.split(separator: "\n", omittingEmptySubsequences: false)
            while findingLines.last?.isEmpty == true { findingLines.removeLast() }
            if !findingLines.isEmpty { findingLines.removeLast() }
            text += "\n" + findingLines.map { $0 + "\n" }.joined()
        }
        text += summary + "\n"
        var failed = false
        if let path = output.output {
            failed = !Self.write(text, to: path)
        } else {
            Console.out(text)
        }
        for extra in output.report {
            let rendered = render(
                report, as: extra.format, options: RenderOptions(color: false, workingDirectory: workingDirectory))
            failed = !Self.write(rendered, to: extra.file) || failed
        }
        if failed { throw ExitCode(2) }
    }

    private static func write(_ text: String, to path: String) -> Bool {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return true
        } catch {
            Console.error("kubewire: cannot write \(path): \(error.localizedDescription)\n")
            return false
        }
    }
}
