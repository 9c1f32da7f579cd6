import ArgumentParser
import Foundation

@main
struct Kubewire: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "kubewire",
        abstract: "Prove the wiring of Kubernetes manifests: selectors, ports, ingress paths, service URLs.",
        discussion: """
            Exit codes: 0 no error-level findings; 1 error-level findings (or a failed probe); \
            2 usage error or an input that cannot be read or parsed.
            """,
        version: version,
        subcommands: [CheckCommand.self, RulesCommand.self, UpCommand.self, ProbeCommand.self],
        defaultSubcommand: CheckCommand.self
    )

    /// ArgumentParser exits 64 on usage errors; ours is 2, as documented.
    static func main() async {
        Console.resetSignals()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure || code.rawValue == 64 {
                Console.error(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// An error that has already been reported; carries the exit code.
struct Exit: Error {
    var code: Int32
}
