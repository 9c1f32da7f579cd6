import Foundation

/// The server's state between messages: the workspace folders and the open documents. Changed only
/// by notifications, in the order they arrive; a check reads a copy (`lintRequest()`).
struct Session: Sendable {
    var initialized = false
    var shuttingDown = false
    /// Canonical paths of the workspace folders.
    var roots: [String] = []
    /// Open documents by canonical path.
    var documents: [String: TextDocument] = [:]
    /// Whether the client registers file watchers for us on request.
    var canWatchFiles = false

    /// Folders from `workspaceFolders`, else `rootUri`, else `rootPath`.
    mutating func setRoots(from params: JSON?) {
        var found: [String] = []
        if let folders = params?["workspaceFolders"]?.array {
            found = folders.compactMap { $0["uri"]?.string.flatMap(Paths.path(of:)) }
        }
        if found.isEmpty, let root = params?["rootUri"]?.string.flatMap(Paths.path(of:)) { found = [root] }
        if found.isEmpty, let root = params?["rootPath"]?.string, !root.isEmpty {
            found = [Paths.canonical(root)]
        }
        var seen = Set<String>()
        roots = found.filter { seen.insert($0).inserted }
    }

    func isInWorkspace(_ path: String) -> Bool {
        roots.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    func lintRequest() -> LintRequest {
        let loose = documents.keys.filter { !isInWorkspace($0) && FileManager.default.fileExists(atPath: $0) }.sorted()
        return LintRequest(
            roots: roots, looseFiles: loose, unsavedTexts: documents.mapValues(\.text))
    }

    var openURIs: [String: String] { documents.mapValues(\.uri) }
}
