import Dispatch
import Foundation

/// The real tools that turn a kustomization or a chart into manifests. kubewire never
/// re-implements them: without one, what it would have rendered is reported as not checked.
public struct RenderTools: Sendable {
    /// `kustomize` (run as `kustomize build`) or `kubectl` (run as `kubectl kustomize`).
    public var kustomize: Tool?
    public var helm: Tool?

    public struct Tool: Sendable, Hashable {
        public var path: String
        /// Arguments before the folder: `["build"]` for kustomize, `["kustomize"]` for kubectl.
        public var prefix: [String]
    }

    public init(kustomize: Tool?, helm: Tool?) {
        self.kustomize = kustomize
        self.helm = helm
    }

    /// The tools named by `KUBEWIRE_KUSTOMIZE` / `KUBEWIRE_KUBECTL` / `KUBEWIRE_HELM`, else found on
    /// `PATH` (`kustomize` first, then `kubectl`, which carries kustomize).
    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> RenderTools {
        let searchPath = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        func lookup(_ name: String, variable: String) -> String? {
            if let named = environment[variable], !named.isEmpty {
                return isExecutable(named) ? named : nil
            }
            for folder in searchPath where !folder.isEmpty {
                let candidate = folder + "/" + name
                if isExecutable(candidate) { return candidate }
            }
            return nil
        }
        let kustomize =
            lookup("kustomize", variable: "KUBEWIRE_KUSTOMIZE").map { Tool(path: $0, prefix: ["build"]) }
            ?? lookup("kubectl", variable: "KUBEWIRE_KUBECTL").map { Tool(path: $0, prefix: ["kustomize"]) }
        let helm = lookup("helm", variable: "KUBEWIRE_HELM").map { Tool(path: $0, prefix: ["template"]) }
        return RenderTools(kustomize: kustomize, helm: helm)
    }

    static func isExecutable(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}

/// What a tool printed and how it ended.
struct ToolRun {
    var status: Int32
    var output: String
    var errors: String

    /// Runs `executable` with `arguments` (no shell: arguments are never re-parsed), its output
    /// spooled through temporary files so neither pipe can fill and stall it.
    static let timeoutSeconds = 120

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) -> ToolRun {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("kubewire-tool-\(UUID().uuidString)")
        let outURL = spool.appendingPathExtension("out")
        let errURL = spool.appendingPathExtension("err")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
            FileManager.default.createFile(atPath: errURL.path, contents: nil),
            let out = try? FileHandle(forWritingTo: outURL), let err = try? FileHandle(forWritingTo: errURL)
        else {
            return ToolRun(status: -1, output: "", errors: "cannot create a temporary file for \(executable)'s output")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            return ToolRun(status: -1, output: "", errors: "cannot run \(executable): \(error.localizedDescription)")
        }
        // A build that fetches remote resources can hang on the network: it is stopped, not waited for.
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(timeoutSeconds), execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        try? out.close()
        try? err.close()
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        var errors = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        if process.terminationReason == .uncaughtSignal {
            errors += "\nerror: stopped after \(timeoutSeconds) seconds"
        }
        return ToolRun(status: process.terminationStatus, output: output, errors: errors)
    }
}
