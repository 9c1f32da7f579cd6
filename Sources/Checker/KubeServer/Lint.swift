import Foundation
import KubeDiagnostics
import KubeFix
import KubeModel

/// What a check of the workspace needs: the folders, and the open documents' unsaved texts that take
/// the place of the files on disk (by path).
public struct LintRequest: Sendable {
    /// Workspace folders (canonical paths); each is checked as `kubewire check <folder>` would.
    public var roots: [String]
    /// Open documents outside every root, checked as named files.
    public var looseFiles: [String]
    public var unsavedTexts: [String: String]

    public init(roots: [String], looseFiles: [String], unsavedTexts: [String: String]) {
        self.roots = roots
        self.looseFiles = looseFiles
        self.unsavedTexts = unsavedTexts
    }
}

/// What a check found: findings (with problems such as `yaml-syntax`) and the graphs the findings
/// were computed on (for go-to-definition).
public struct LintResult: Sendable {
    public var diagnostics: [Diagnostic]
    public var graphs: [ManifestGraph]

    public init(diagnostics: [Diagnostic], graphs: [ManifestGraph]) {
        self.diagnostics = diagnostics
        self.graphs = graphs
    }
}

/// Runs the check. The server does not know how: `kubewire lsp` passes the one `kubewire check`
/// uses (settings from `.kubewire.yaml`, repository layouts), so the editor sees what CI sees.
public protocol WorkspaceLinter: Sendable {
    func lint(_ request: LintRequest) -> LintResult
}

/// One published file: what the editor shows, and the quick fixes behind it.
struct PublishedFile: Sendable {
    var uri: String
    var diagnostics: [JSON]
    var fixes: [QuickFix]
    /// The findings with machine-applicable fixes, in report order: what `source.fixAll` applies.
    var fixable: [Diagnostic] = []
}

/// A fix of a finding (a did-you-mean, a form to convert), as edits the editor can apply.
struct QuickFix: Sendable {
    var title: String
    var range: TextRange
    var diagnostic: JSON
    var edits: [FileEdit]
    var isPreferred: Bool
}

/// One edit of a `WorkspaceEdit`.
struct FileEdit: Hashable, Sendable {
    var uri: String
    var range: TextRange
    var newText: String

    var json: JSON { ["range": range.json, "newText": .string(newText)] }

    /// `changes` of a WorkspaceEdit: the edits by document, in order.
    static func changes(_ edits: [FileEdit]) -> JSON {
        var byURI: [String: [JSON]] = [:]
        for edit in edits { byURI[edit.uri, default: []].append(edit.json) }
        return .object(byURI.mapValues { JSON.array($0) })
    }
}

/// A check's findings in LSP terms, positions computed against the texts the check read.
struct LintSnapshot: Sendable {
    var files: [String: PublishedFile] = [:]
    var graphs: [ManifestGraph] = []
    /// The texts the positions are relative to (unsaved texts, and files read from disk).
    var tables: [String: LineTable] = [:]
    /// The document versions the check saw.
    var versions: [String: Int] = [:]
    var unsavedTexts: [String: String] = [:]
    var openURIs: [String: String] = [:]
}

/// Turns `Diagnostic`s into LSP diagnostics, reading each file's text once.
struct DiagnosticConverter {
    var unsavedTexts: [String: String]
    /// The URIs the editor opened documents under, by path: diagnostics go back under the same spelling.
    var openURIs: [String: String]
    private(set) var tables: [String: LineTable] = [:]

    init(unsavedTexts: [String: String], openURIs: [String: String]) {
        self.unsavedTexts = unsavedTexts
        self.openURIs = openURIs
    }

    func documentURI(of path: String) -> String { openURIs[path] ?? Paths.uri(of: path) }

    mutating func table(for path: String) -> LineTable? {
        if let table = tables[path] { return table }
        let text: String
        if let unsaved = unsavedTexts[path] {
            text = unsaved
        } else if let data = FileManager.default.contents(atPath: path),
            let decoded = String(data: data, encoding: .utf8)
        {
            text = decoded
        } else {
            return nil
        }
        let table = LineTable(text)
        tables[path] = table
        return table
    }

    mutating func range(of span: SourceSpan) -> TextRange {
        guard let table = table(for: span.file) else {
            // Unreadable file: a position is still better than none.
            let start = Position(line: max(0, span.line - 1), character: max(0, span.column - 1))
            return TextRange(start: start, end: start)
        }
        let start = table.position(line: span.line, column: span.column)
        let end = table.position(line: span.endLine, column: span.endColumn)
        return TextRange(start: start, end: max(start, end))
    }

    /// The edits in LSP terms; nil when one was computed for text the file no longer holds there
    /// (an edit moved from kustomize output to a source file that has changed since).
    mutating func fileEdits(_ edits: [TextEdit]) -> [FileEdit]? {
        var result: [FileEdit] = []
        for edit in edits {
            let range = range(of: edit.span)
            if let replaced = edit.replacedText {
                guard let table = table(for: edit.span.file),
                    String(table.text.unicodeScalars[table.index(of: range.start)..<table.index(of: range.end)])
                        == replaced
                else { return nil }
            }
            result.append(FileEdit(uri: documentURI(of: edit.span.file), range: range, newText: edit.newText))
        }
        return result
    }

    static func severity(_ severity: Severity) -> Int {
        switch severity {
        case .error: 1
        case .warning: 2
        case .note: 3
        }
    }

    /// The snapshot of `diagnostics`: one entry per file with findings.
    mutating func snapshot(of diagnostics: [Diagnostic]) -> LintSnapshot {
        var snapshot = LintSnapshot()
        for diagnostic in Diagnostic.sortedForOutput(diagnostics) {
            // A finding with no place in a file (`no-objects`) has nowhere to show in an editor.
            guard let span = diagnostic.span else { continue }
            let uri = documentURI(of: span.file)
            let range = range(of: span)
            var message = diagnostic.message
            var related: [JSON] = []
            for note in diagnostic.notes {
                if let noteSpan = note.span {
                    related.append([
                        "location": [
                            "uri": .string(documentURI(of: noteSpan.file)), "range": self.range(of: noteSpan).json,
                        ],
                        "message": .string(note.message),
                    ])
                } else {
                    message += "\nnote: " + note.message
                }
            }
            if let fix = diagnostic.fix { message += "\nhelp: " + fix.message }
            var json: [String: JSON] = [
                "range": range.json,
                "severity": .int(Self.severity(diagnostic.severity)),
                "code": .string(diagnostic.ruleID),
                "source": "kubewire",
                "message": .string(message),
            ]
            // No rule has a documentation page of its own yet, so there is no `codeDescription` to give.
            if !related.isEmpty { json["relatedInformation"] = .array(related) }
            let lspDiagnostic = JSON.object(json)
            var file = snapshot.files[uri] ?? PublishedFile(uri: uri, diagnostics: [], fixes: [])
            file.diagnostics.append(lspDiagnostic)
            if let fix = diagnostic.fix, !fix.edits.isEmpty, let edits = fileEdits(fix.edits) {
                file.fixes.append(
                    QuickFix(
                        title: fix.message, range: range, diagnostic: lspDiagnostic, edits: edits,
                        isPreferred: fix.edits.count == 1 || fix.applicability == .machineApplicable))
                if fix.applicability == .machineApplicable { file.fixable.append(diagnostic) }
            }
            snapshot.files[uri] = file
        }
        snapshot.tables = tables
        return snapshot
    }
}

/// file:// URIs and paths.
public enum Paths {
    public static func uri(of path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }

    /// The path of a `file:` URI (percent-decoded), canonical when it exists; nil for other schemes.
    public static func path(of uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        let path = url.path
        guard !path.isEmpty else { return nil }
        return canonical(path)
    }

    /// The path with links resolved when it exists, else with `.` segments and doubled slashes removed.
    public static func canonical(_ path: String) -> String {
        ManifestLoader.canonicalPath(path) ?? ManifestLoader.normalizedPath(path)
    }
}
