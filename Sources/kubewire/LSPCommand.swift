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
        func check(_ inputs: [String], settingsFrom folder: String, named: Bool = false) {
            let (settings, problems) = Self.settings(for: folder)
            // As in `check`: with half a configuration the run means nothing; its problems alone are shown.
            guard problems.isEmpty else {
                diagnostics += problems
                return
            }
            var run = CheckRun(inputs: inputs, settings: settings, unsavedTexts: request.unsavedTexts)
            run.skipsNamedFilesWithoutObjects = named
            run.parsedFiles = caches.cache(for: named ? "" : folder)
            let outcome = run.perform()
            diagnostics += outcome.problems + outcome.notChecked + outcome.findings
            graphs += outcome.graphs
        }
        for root in request.roots { check([root], settingsFrom: root) }
        if let first = request.looseFiles.first {
            check(request.looseFiles, settingsFrom: (first as NSString).deletingLastPathComponent, named: true)
        }
        return LintResult(diagnostics: diagnostics, graphs: graphs)
    }

    /// The settings of `.kubewire.yaml` as found from `folder` (as `check` finds it from the working
    /// directory), and the file's problems.
    static func settings(for folder: String) -> (Settings, [Diagnostic]) {
        var settings = Settings()
        guard let found = ConfigFile.find(from: folder) else { return (settings, []) }
        let path = URL(fileURLWithPath: folder).appendingPathComponent(found).standardizedFileURL.path
        let loaded = ConfigFile.load(path: path)
        guard loaded.problems.isEmpty else { return (settings, loaded.problems) }
        settings.apply(loaded.file)
        guard KubeVersion.supported.contains(settings.kubeVersion) else {
            let range = KubeVersion.supported
            let problem = Diagnostic(
                ruleID: ConfigFile.rule.id, severity: .error, span: SourceSpan(file: path, line: 1, column: 1),
                message:
                    "Kubernetes \(settings.kubeVersion) is not supported: kubewire knows the API of \(range.lowerBound)–\(range.upperBound)"
            )
            return (settings, [problem])
        }
        return (settings, [])
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
