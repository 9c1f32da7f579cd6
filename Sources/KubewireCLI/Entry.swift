import ArgumentParser
import Foundation

/// What both executables (`kubewire` and `kubewire-cluster`) report as themselves.
public enum ToolInfo {
    public static let name = "kubewire"
    public static let version = "0.1.0"
}

/// An error that has already been reported; carries the exit code.
public struct Exit: Error {
    public var code: Int32
    public init(code: Int32) { self.code = code }
}

public enum CommandLineEntry {
    /// Parses the arguments with `root` and runs the chosen command. ArgumentParser exits 64 on usage
    /// errors; ours is 2, as documented.
    public static func run<Root: ParsableCommand>(_ root: Root.Type, arguments: [String]? = nil) async -> Never {
        Console.resetSignals()
        do {
            var command = try root.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let exit as Exit {
            Foundation.exit(exit.code)
        } catch {
            let code = root.exitCode(for: error)
            if code == .validationFailure || code.rawValue == 64 {
                Console.error(root.fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            root.exit(withError: error)
        }
    }
}
