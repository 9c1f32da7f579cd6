import ArgumentParser
import KubewireCLI

/// `kubewire up` and `kubewire probe`: the local cluster and the HTTP client, in their own executable so
/// that `kubewire` (the checker) links none of swift-nio or AsyncHTTPClient. `kubewire up …` runs
/// `kubewire-cluster up …`; both work.
@main
struct KubewireCluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubewire",
        abstract: "kubewire up and kubewire probe: the manifests as a local cluster, and every ingress path probed.",
        discussion: """
            Exit codes: 0 success; 1 a failed probe or cluster start; 2 usage error, an input that cannot be \
            read or parsed, or an ingress port that is taken.
            """,
        version: ToolInfo.version,
        subcommands: [UpCommand.self, ProbeCommand.self]
    )

    static func main() async {
        await CommandLineEntry.run(KubewireCluster.self)
    }
}
