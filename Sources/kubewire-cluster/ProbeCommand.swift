import ArgumentParser
import AsyncHTTPClient
import Foundation
import KubeDiagnostics
import KubeModel
import KubeReport
import KubewireCLI
import LocalCluster

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Send a request for every ingress path to a live ingress and prove it reached its backend.",
        discussion: """
            Against `kubewire up`, every location marks its responses with the backend it routed to, so a path \
            swallowed by another location fails. Against a real cluster, a 404 from the default backend or a \
            502/503/504 fails. Exit 1 when any path fails.
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

    @Option(name: .long, help: "Namespace of objects that name none.")
    var namespace: String = "default"

    @OptionGroup var output: OutputOptions

    func run() async throws {
        guard !inputs.isEmpty else { throw ValidationError("give the manifests with the Ingress objects") }
        guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ValidationError("--base-url must be an http(s) URL, e.g. http://posts.com")
        }
        let loaded = ManifestLoader.load(
            inputs.map(ManifestInput.init(argument:)), options: LoadOptions(defaultNamespace: namespace))
        let targets = IngressProbe.targets(graph: loaded.graph)
        if loaded.problems.isEmpty && targets.isEmpty {
            throw ValidationError("no Ingress path of class nginx among the inputs; nothing to probe")
        }
        var diagnostics = loaded.problems
        if loaded.problems.isEmpty {
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let results = await IngressProbe.run(targets, baseURL: baseURL, client: client)
            // The per-path verdicts go to stderr in every format, so the report on stdout stays machine-readable.
            var lines = ""
            for result in results {
                let target = result.target
                let verdict = result.failure == nil ? "PASS" : "FAIL"
                lines +=
                    "\(verdict) \(target.host ?? "*") \(target.path) → GET \(target.requestPath): \(result.status.map(String.init) ?? "no answer")"
                lines += result.reached.map { " via \($0)" } ?? ""
                lines += "\n"
            }
            Console.error(lines)
            diagnostics += IngressProbe.diagnostics(results)
            if blogFlow {
                let host = blogHost ?? targets.compactMap(\.host).first ?? url.host ?? "localhost"
                diagnostics += await BlogFlow.run(baseURL: baseURL, host: host, client: client)
            }
            try? await client.shutdown()
        }
        let report = Report(
            diagnostics: diagnostics, rules: [IngressProbe.rule, IngressProbe.blogFlowRule] + InputProblem.all,
            sources: loaded.sources, inputCount: loaded.inputNames.count, objectCount: loaded.graph.objects.count,
            toolName: "kubewire", toolVersion: ToolInfo.version)
        try output.write(report)
        if !loaded.problems.isEmpty { throw ExitCode(2) }
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
