import ArgumentParser
import Foundation
import KubewireCLI

@main
struct Kubewire: AsyncParsableCommand {
    static let version = ToolInfo.version

    static let configuration = CommandConfiguration(
        commandName: "kubewire",
        abstract: "Prove the wiring of Kubernetes manifests: selectors, ports, ingress paths, service URLs.",
        discussion: """
            Exit codes: 0 no error-level findings; 1 error-level findings (or a failed probe); \
            2 usage error or an input that cannot be read or parsed.
            """,
        version: version,
        subcommands: [CheckCommand.self, RulesCommand.self, LSPCommand.self, UpCommand.self, ProbeCommand.self],
        defaultSubcommand: CheckCommand.self
    )

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // One call into jemalloc, so that no linker drops the library as unused (a debug build
        // links it as a shared library); its malloc serves the whole process either way.
        _ = ProcessAllocator.version
        // `up` and `probe` live in kubewire-cluster (the HTTP stack and the local cluster), so the
        // checker links none of it; their arguments, help and exit codes are kubewire-cluster's.
        if let first = arguments.first, ClusterExecutable.commands.contains(first) {
            ClusterExecutable.run(arguments)
        }
        await CommandLineEntry.run(Kubewire.self, arguments: arguments)
    }
}
