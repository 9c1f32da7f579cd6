import Dispatch
import Foundation
import KubeDiagnostics
import KubeFix

/// JSON-RPC 2.0 error codes (and LSP's own).
public enum ErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let serverNotInitialized = -32002
}

/// `kubewire lsp`: a Language Server Protocol 3.17 server on a pair of file descriptors.
///
/// One thread reads and frames messages and hands each, in arrival order, to the state queue, where
/// notifications change the session and requests are answered from the last check. Checks run on
/// their own queue over a copy of the session, one per burst of edits (debounced), so a slow check
/// never holds up the reading of the next keystroke.
public final class LanguageServer: @unchecked Sendable {
    // Immutable after init.
    private let linter: any WorkspaceLinter
    private let writer: MessageWriter
    private let input: Int32
    private let debounce: DispatchTimeInterval
    private let serverVersion: String
    private let stateQueue = DispatchQueue(label: "kubewire.lsp.state")
    private let lintQueue = DispatchQueue(label: "kubewire.lsp.lint")

    // Touched only on `stateQueue` (hence @unchecked Sendable).
    private var session = Session()
    private var snapshot = LintSnapshot()
    /// URIs last published with findings: they get an empty list once their findings are gone.
    private var published: Set<String> = []
    private var generation = 0
    private var lintRunning = false
    private var lintPending = false

    public init(
        linter: any WorkspaceLinter, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
        debounceMilliseconds: Int = 150, serverVersion: String
    ) {
        self.linter = linter
        self.input = input
        self.writer = MessageWriter(descriptor: output)
        self.debounce = .milliseconds(debounceMilliseconds)
        self.serverVersion = serverVersion
    }

    /// Serves until `exit` or the end of input; returns the exit code (0 after `shutdown`, else 1).
    public func run() -> Int32 {
        var framer = MessageFramer()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        reading: while true {
            let got = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            framer.append(chunk[0..<got])
            while let frame = framer.next() {
                switch frame {
                case .badHeader(let reason):
                    // No id to answer: JSON-RPC has no reply for bytes that are not a message.
                    log("dropped a message: \(reason)")
                case .message(let body):
                    guard let message = try? JSON.decode(body) else {
                        sendError(id: .null, code: ErrorCode.parseError, "the message is not valid JSON")
                        continue
                    }
                    guard case .object = message else {
                        sendError(id: .null, code: ErrorCode.invalidRequest, "a message must be a JSON object")
                        continue
                    }
                    if message["method"]?.string == "exit" { break reading }
                    stateQueue.async { self.handle(message) }
                }
            }
        }
        return stateQueue.sync { session.shuttingDown ? 0 : 1 }
    }

    // MARK: - dispatch (on stateQueue)

    private func handle(_ message: JSON) {
        guard let method = message["method"]?.string else {
            // A response to our request (it has a result or an error) needs nothing; anything else is no request.
            if message["result"] == nil, message["error"] == nil {
                sendError(id: message["id"] ?? .null, code: ErrorCode.invalidRequest, "a request needs a method name")
            }
            return
        }
        let params = message["params"]
        if let id = message["id"], id != .null {
            handleRequest(id: id, method: method, params: params)
        } else {
            handleNotification(method: method, params: params)
        }
    }

    private func handleRequest(id: JSON, method: String, params: JSON?) {
        if method == "initialize" {
            guard !session.initialized else {
                return sendError(id: id, code: ErrorCode.invalidRequest, "initialize was already received")
            }
            session.initialized = true
            session.setRoots(from: params)
            session.canWatchFiles =
                params?["capabilities"]?["workspace"]?["didChangeWatchedFiles"]?["dynamicRegistration"]?.bool == true
            return send(["jsonrpc": "2.0", "id": id, "result": initializeResult])
        }
        guard session.initialized else {
            return sendError(id: id, code: ErrorCode.serverNotInitialized, "initialize first")
        }
        guard !session.shuttingDown else {
            return sendError(id: id, code: ErrorCode.invalidRequest, "the server is shutting down")
        }
        switch method {
        case "shutdown":
            session.shuttingDown = true
            send(["jsonrpc": "2.0", "id": id, "result": nil])
        case "textDocument/codeAction":
            guard let uri = params?["textDocument"]?["uri"]?.string, let range = TextRange(params?["range"]) else {
                return sendError(id: id, code: ErrorCode.invalidParams, "codeAction needs textDocument.uri and range")
            }
            // `only` asks for kinds and their sub-kinds: `source` includes `source.fixAll.kubewire`.
            let only = params?["context"]?["only"]?.array?.compactMap(\.string)
            func wanted(_ kind: String) -> Bool {
                only.map { kinds in kinds.contains { kind == $0 || kind.hasPrefix($0 + ".") } } ?? true
            }
            var actions: [JSON] = []
            if wanted("quickfix") { actions += codeActions(uri: uri, range: range) }
            if wanted(Self.fixAllKind), let fixAll = fixAllAction(uri: uri) { actions.append(fixAll) }
            send(["jsonrpc": "2.0", "id": id, "result": .array(actions)])
        case "textDocument/definition":
            guard let uri = params?["textDocument"]?["uri"]?.string, let position = Position(params?["position"])
            else {
                return sendError(
                    id: id, code: ErrorCode.invalidParams, "definition needs textDocument.uri and position")
            }
            send(["jsonrpc": "2.0", "id": id, "result": definition(uri: uri, position: position)])
        default:
            sendError(id: id, code: ErrorCode.methodNotFound, "kubewire does not handle \(method)")
        }
    }

    private func handleNotification(method: String, params: JSON?) {
        guard session.initialized, !session.shuttingDown else { return }
        switch method {
        case "initialized":
            if session.canWatchFiles { registerFileWatchers() }
            scheduleLint(after: .milliseconds(0))
        case "textDocument/didOpen":
            guard let item = params?["textDocument"], let uri = item["uri"]?.string, let path = Paths.path(of: uri),
                let text = item["text"]?.string
            else { return log("didOpen without textDocument.uri and text") }
            session.documents[path] = TextDocument(uri: uri, version: item["version"]?.int ?? 0, text: text)
            scheduleLint(after: .milliseconds(0))
        case "textDocument/didChange":
            guard let uri = params?["textDocument"]?["uri"]?.string, let path = Paths.path(of: uri),
                var document = session.documents[path]
            else { return log("didChange of a document that is not open") }
            for change in params?["contentChanges"]?.array ?? [] {
                do {
                    try document.apply(change: change)
                } catch {
                    log("didChange of \(uri): a change without text or with a bad range was ignored")
                }
            }
            if let version = params?["textDocument"]?["version"]?.int { document.version = version }
            session.documents[path] = document
            scheduleLint(after: debounce)
        case "textDocument/didSave", "workspace/didChangeWatchedFiles":
            scheduleLint(after: .milliseconds(0))
        case "textDocument/didClose":
            guard let uri = params?["textDocument"]?["uri"]?.string, let path = Paths.path(of: uri) else { return }
            session.documents[path] = nil
            scheduleLint(after: .milliseconds(0))
        case "workspace/didChangeWorkspaceFolders":
            let added = params?["event"]?["added"]?.array ?? []
            let removed = Set(
                (params?["event"]?["removed"]?.array ?? []).compactMap { $0["uri"]?.string.flatMap(Paths.path(of:)) })
            var roots = session.roots.filter { !removed.contains($0) }
            for folder in added {
                if let path = folder["uri"]?.string.flatMap(Paths.path(of:)), !roots.contains(path) {
                    roots.append(path)
                }
            }
            session.roots = roots
            scheduleLint(after: .milliseconds(0))
        default:
            break  // `$/cancelRequest`, `$/setTrace` and the rest: nothing to do
        }
    }

    private var initializeResult: JSON {
        [
            "capabilities": [
                "positionEncoding": "utf-16",
                "textDocumentSync": ["openClose": true, "change": 2, "save": ["includeText": false]],
                "codeActionProvider": [
                    "codeActionKinds": ["quickfix", "source.fixAll", .string(Self.fixAllKind)]
                ],
                "definitionProvider": true,
                "workspace": ["workspaceFolders": ["supported": true, "changeNotifications": true]],
            ],
            "serverInfo": ["name": "kubewire", "version": .string(serverVersion)],
        ]
    }

    /// Asks the editor to report changes to manifests on disk (git checkout, another tool's write).
    private func registerFileWatchers() {
        send([
            "jsonrpc": "2.0", "id": "kubewire-watch-manifests", "method": "client/registerCapability",
            "params": [
                "registrations": [
                    [
                        "id": "kubewire-watch-manifests", "method": "workspace/didChangeWatchedFiles",
                        "registerOptions": [
                            "watchers": [
                                ["globPattern": "**/*.{yaml,yml}"], ["globPattern": "**/.kubewire.{yaml,yml}"],
                            ]
                        ],
                    ]
                ]
            ],
        ])
    }

    // MARK: - checks

    /// A check after `delay`, unless another change comes first (then that one's delay counts).
    private func scheduleLint(after delay: DispatchTimeInterval) {
        generation += 1
        let scheduled = generation
        stateQueue.asyncAfter(deadline: .now() + delay) {
            guard scheduled == self.generation else { return }
            self.startLint()
        }
    }

    private func startLint() {
        guard !lintRunning else {
            lintPending = true
            return
        }
        lintRunning = true
        let request = session.lintRequest()
        let openURIs = session.openURIs
        let versions = session.documents.mapValues(\.version)
        lintQueue.async {
            let result = self.linter.lint(request)
            var converter = DiagnosticConverter(unsavedTexts: request.unsavedTexts, openURIs: openURIs)
            var checked = converter.snapshot(of: result.diagnostics)
            checked.graphs = result.graphs
            checked.versions = versions
            checked.unsavedTexts = request.unsavedTexts
            checked.openURIs = openURIs
            let finished = checked
            self.stateQueue.async { self.finishLint(finished) }
        }
    }

    private func finishLint(_ new: LintSnapshot) {
        snapshot = new
        lintRunning = false
        // The documents open when the check began: their versions are the ones it saw.
        let uris = Set(new.files.keys).union(new.openURIs.values).union(published)
        for uri in uris.sorted() {
            var params: [String: JSON] = [
                "uri": .string(uri), "diagnostics": .array(new.files[uri]?.diagnostics ?? []),
            ]
            if let path = Paths.path(of: uri), let version = new.versions[path] { params["version"] = .int(version) }
            send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": .object(params)])
        }
        published = Set(new.files.keys)
        if lintPending {
            lintPending = false
            startLint()
        }
    }

    /// Whether the last check saw the text the editor has now (positions are relative to it): the
    /// same version, or the same text (a document opened after the check began, unchanged since).
    private func isCurrent(_ path: String) -> Bool {
        guard let document = session.documents[path] else { return true }
        if snapshot.versions[path] == document.version { return true }
        let seen =
            snapshot.unsavedTexts[path] ?? snapshot.tables[path]?.text
            ?? FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        return seen == document.text
    }

    private func codeActions(uri: String, range: TextRange) -> [JSON] {
        guard let path = Paths.path(of: uri), isCurrent(path) else { return [] }
        let file = snapshot.files[uri] ?? snapshot.files[Paths.uri(of: path)]
        return (file?.fixes ?? []).filter { $0.range.overlaps(range) && edited($0.edits) }.map { fix in
            [
                "title": .string(fix.title), "kind": "quickfix", "isPreferred": .bool(fix.isPreferred),
                "diagnostics": [fix.diagnostic], "edit": ["changes": FileEdit.changes(fix.edits)],
            ]
        }
    }

    /// The kind of the action that applies every machine-applicable fix of a document (a sub-kind of
    /// `source.fixAll`, so editors that run fix-all on save find it).
    static let fixAllKind = "source.fixAll.kubewire"

    /// Every machine-applicable fix of the document's findings as one WorkspaceEdit, planned as
    /// `check --fix` plans them (report order, the first of two overlapping fixes wins, a fix that
    /// would remove a comment left out); nil when there is none.
    private func fixAllAction(uri: String) -> JSON? {
        guard let path = Paths.path(of: uri), isCurrent(path),
            let file = snapshot.files[uri] ?? snapshot.files[Paths.uri(of: path)], !file.fixable.isEmpty
        else { return nil }
        var converter = DiagnosticConverter(unsavedTexts: snapshot.unsavedTexts, openURIs: snapshot.openURIs)
        let plan = FixPlanner.plan(file.fixable) { file in
            guard isCurrent(file), let table = converter.table(for: file) else {
                return .refused("\(file) changed since it was checked")
            }
            return .bytes(Array(table.text.utf8))
        }
        var edits: [FileEdit] = []
        for index in plan.applied {
            for edit in converter.fileEdits(file.fixable[index].fix?.edits ?? []) ?? [] where !edits.contains(edit) {
                edits.append(edit)
            }
        }
        guard !edits.isEmpty else { return nil }
        return [
            "title": .string("kubewire: apply every machine-applicable fix (\(plan.applied.count))"),
            "kind": .string(Self.fixAllKind), "edit": ["changes": FileEdit.changes(edits)],
        ]
    }

    /// Whether every file the edits change still has the text the check saw.
    private func edited(_ edits: [FileEdit]) -> Bool {
        edits.allSatisfy { edit in Paths.path(of: edit.uri).map(isCurrent) ?? false }
    }

    private func definition(uri: String, position: Position) -> JSON {
        guard let path = Paths.path(of: uri), isCurrent(path) else { return nil }
        var converter = DiagnosticConverter(unsavedTexts: snapshot.unsavedTexts, openURIs: snapshot.openURIs)
        guard let table = converter.table(for: path) else { return nil }
        let (line, column) = table.lineAndColumn(of: position)
        let spans = Definitions.targets(in: snapshot.graphs, file: path, line: line, column: column)
        guard !spans.isEmpty else { return nil }
        return .array(
            spans.map { span in
                ["uri": .string(converter.documentURI(of: span.file)), "range": converter.range(of: span).json]
            })
    }

    // MARK: - output

    private func send(_ message: JSON) { writer.send(message) }

    private func sendError(id: JSON, code: Int, _ message: String) {
        send(["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]])
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("kubewire lsp: \(message)\n".utf8))
    }
}
