import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeModel
import KubeRules
import KubeServer
import KubewireCLI

struct LSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "Run the language server (LSP 3.17 on standard input and output) for editors.",
        discussion: """
            The editor starts it; each workspace folder is checked as `kubewire check <folder>` checks it \
            (its .kubewire.yaml included), open documents' unsaved text in place of the files on disk. \
            Exit codes: 0 after shutdown and exit, 1 when the editor went away without shutdown.
            """
    )

    @Option(name: .long, help: "Milliseconds to wait after an edit before checking again.")
    var debounce = 150

    @Flag(name: .long, help: "Accepted for clients that pass it; standard input/output is the only transport.")
    var stdio = false

    func validate() throws {
        guard (0...10_000).contains(debounce) else { throw ValidationError("--debounce takes 0 to 10000 milliseconds") }
    }

    func run() throws {
        let server = LanguageServer(
            linter: CheckLinter(), debounceMilliseconds: debounce, serverVersion: ToolInfo.version)
        throw Exit(code: server.run())
    }
}

/// The check `kubewire check <folder>` runs, for each workspace folder.
struct CheckLinter: WorkspaceLinter {
    /// One cache of parsed files per workspace folder (and one for files outside them): after an
    /// edit only the files that changed are parsed again.
    private let caches = ParsedFileCaches()

    func lint(_ request: LintRequest) -> LintResult {
        var diagnostics: [Diagnostic] = []
        var graphs: [ManifestGraph] = []
        func check(_ inputs: [String], policyFrom folder: String, named: Bool = false) {
            let loaded = Self.policy(for: folder)
            // As in `check`: with half a configuration the run means nothing; its problems alone are shown.
            guard loaded.problems.isEmpty else {
                diagnostics += loaded.problems
                return
            }
            var run = CheckRun(inputs: inputs, policy: loaded.policy, unsavedTexts: request.unsavedTexts)
            run.skipsNamedFilesWithoutObjects = named
            run.parsedFiles = caches.cache(for: named ? "" : folder)
            let outcome = run.perform()
            diagnostics += outcome.problems + outcome.notChecked + outcome.contextNotes + outcome.findings
            graphs += outcome.graphs
        }
        for root in request.roots { check([root], policyFrom: root) }
        if let first = request.looseFiles.first {
            check(request.looseFiles, policyFrom: (first as NSString).deletingLastPathComponent, named: true)
        }
        return LintResult(diagnostics: diagnostics, graphs: graphs)
    }

    /// The policy of the `.kubewire.yaml` found from `folder` (as `check` finds it from the working
    /// directory), read as `check` reads it; no flags.
    static func policy(for folder: String) -> Policy.Loaded {
        do {
            return try Policy.load(from: folder)
        } catch {
            // No flag here: the file's values are validated as it is read, so this is not reached;
            // said at the file all the same rather than checked with a policy nobody asked for.
            let file = PolicyFile.find(from: folder).map { (folder as NSString).appendingPathComponent($0) }
            let problem = Diagnostic(
                ruleID: PolicyFile.rule.id, severity: .error,
                span: file.map { SourceSpan(file: $0, line: 1, column: 1) }, message: error.message)
            return Policy.Loaded(policy: Policy(), configPath: file, problems: [problem])
        }
    }
}

/// The parsed-file caches of a server, by workspace folder.
final class ParsedFileCaches: @unchecked Sendable {
    private let lock = NSLock()
    private var caches: [String: ParsedFileCache] = [:]

    func cache(for folder: String) -> ParsedFileCache {
        lock.lock()
        defer { lock.unlock() }
        if let cache = caches[folder] { return cache }
        let cache = ParsedFileCache()
        caches[folder] = cache
        return cache
    }
}
