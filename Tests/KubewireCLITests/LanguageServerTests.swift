import Foundation
import Testing

/// `kubewire lsp` driven over pipes the way an editor drives it. The client here frames and parses
/// messages on its own (JSONSerialization), independently of the server's code.
final class LSPClient: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSCondition()
    private var buffer: [UInt8] = []
    private var messages: [Data] = []
    private var ended = false
    private var nextID = 100

    init(
        in directory: URL, arguments: [String] = ["lsp", "--debounce", "50"], environment: [String: String] = [:]
    ) throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: kubewireBinary.path),
            "build kubewire first, or set KUBEWIRE_BIN_DIR; looked for \(kubewireBinary.path)")
        process.executableURL = kubewireBinary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            self?.received(handle.availableData)
        }
        try process.run()
    }

    deinit {
        output.fileHandleForReading.readabilityHandler = nil
        if process.isRunning { process.terminate() }
    }

    private func received(_ data: Data) {
        lock.lock()
        defer {
            lock.broadcast()
            lock.unlock()
        }
        if data.isEmpty {
            ended = true
            return
        }
        buffer += data
        while let headerEnd = findHeaderEnd() {
            let header = String(decoding: buffer[..<headerEnd], as: UTF8.self)
            guard
                let lengthLine = header.split(separator: "\r\n").first(where: {
                    $0.lowercased().hasPrefix("content-length:")
                }),
                let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
            else {
                ended = true
                return
            }
            guard buffer.count >= headerEnd + 4 + length else { return }
            messages.append(Data(buffer[(headerEnd + 4)..<(headerEnd + 4 + length)]))
            buffer.removeFirst(headerEnd + 4 + length)
        }
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    func sendRaw(_ body: Data) {
        input.fileHandleForWriting.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    func notify(_ method: String, _ params: [String: Any]) throws {
        sendRaw(try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "method": method, "params": params]))
    }

    /// Sends a request and returns its response (other messages that come first are kept).
    func request(_ method: String, _ params: [String: Any]) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        sendRaw(
            try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        )
        return try #require(waitFor { ($0["id"] as? Int) == id }, "no response to \(method)")
    }

    /// The first message (in arrival order, consumed) that `matches`, waiting up to `timeout`.
    func waitFor(timeout: TimeInterval = 30, _ matches: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            for (index, data) in messages.enumerated() {
                if let message = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], matches(message) {
                    messages.remove(at: index)
                    return message
                }
            }
            if ended || !lock.wait(until: deadline) { return nil }
        }
    }

    /// The next diagnostics published for `uri` (for its `version`, when given) that satisfy `matches`.
    func diagnostics(
        for uri: String, version: Int? = nil, _ matches: ([[String: Any]]) -> Bool
    ) -> [[String: Any]]? {
        let message = waitFor { message in
            guard message["method"] as? String == "textDocument/publishDiagnostics",
                let params = message["params"] as? [String: Any], params["uri"] as? String == uri,
                version == nil || params["version"] as? Int == version,
                let diagnostics = params["diagnostics"] as? [[String: Any]]
            else { return false }
            return matches(diagnostics)
        }
        return (message?["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]]
    }

    func closeInputAndWait() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

func range(_ startLine: Int, _ startCharacter: Int, _ endLine: Int, _ endCharacter: Int) -> [String: Any] {
    [
        "start": ["line": startLine, "character": startCharacter],
        "end": ["line": endLine, "character": endCharacter],
    ]
}

let lspDeployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: posts
    spec:
      selector:
        matchLabels:
          app: posts
      template:
        metadata:
          labels:
            app: posts
        spec:
          containers:
            - name: posts
              image: posts:1
              ports:
                - containerPort: 8080

    """

/// `app: ports` on line 7 (0-based 6), the value at characters 9..<14.
let lspService = """
    apiVersion: v1
    kind: Service
    metadata:
      name: posts
    spec:
      selector:
        app: ports
      ports:
        - port: 80
          targetPort: 8080

    """

let lspIngress = """
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: web
    spec:
      rules:
        - http:
            paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: posts
                    port:
                      number: 80

    """

@Suite(.serialized) struct LanguageServerTests {
    @Test func crossFileErrorQuickFixDefinitionAndTheErrorClearedByAnEdit() throws {
        let workspace = try Scratch()
        try workspace.write("deploy.yaml", lspDeployment)
        let servicePath = try workspace.write("service.yaml", lspService)
        try workspace.write("ingress.yaml", lspIngress)
        let root = URL(fileURLWithPath: ManifestPath.canonical(workspace.url.path))
        let serviceURI = root.appendingPathComponent("service.yaml").absoluteString
        let deployURI = root.appendingPathComponent("deploy.yaml").absoluteString
        let ingressURI = root.appendingPathComponent("ingress.yaml").absoluteString
        _ = servicePath

        let client = try LSPClient(in: workspace.url)
        let initialized = try client.request(
            "initialize",
            [
                "processId": NSNull(), "capabilities": [:],
                "workspaceFolders": [["uri": root.absoluteString, "name": "w"]],
            ])
        let capabilities = try #require((initialized["result"] as? [String: Any])?["capabilities"] as? [String: Any])
        #expect((capabilities["textDocumentSync"] as? [String: Any])?["change"] as? Int == 2)
        #expect(capabilities["definitionProvider"] as? Bool == true)
        try client.notify("initialized", [:])

        // The workspace is checked at once: the Service's selector matches no pod of the Deployment in the other file.
        let found = try #require(client.diagnostics(for: serviceURI) { !$0.isEmpty }, "no diagnostics for service.yaml")
        let selector = try #require(found.first { $0["code"] as? String == "service-selector" }, "\(found)")
        #expect(selector["source"] as? String == "kubewire")
        #expect(selector["severity"] as? Int == 1)
        #expect(
            NSDictionary(dictionary: selector["range"] as? [String: Any] ?? [:])
                == NSDictionary(dictionary: range(6, 9, 6, 14)))
        let related = try #require(selector["relatedInformation"] as? [[String: Any]])
        let location = try #require(related.first?["location"] as? [String: Any])
        #expect(location["uri"] as? String == deployURI)

        try client.notify(
            "textDocument/didOpen",
            ["textDocument": ["uri": serviceURI, "languageId": "yaml", "version": 1, "text": lspService]])
        _ = client.diagnostics(for: serviceURI, version: 1) { !$0.isEmpty }

        // The quick fix: the did-you-mean as an edit of service.yaml.
        let actions = try client.request(
            "textDocument/codeAction",
            ["textDocument": ["uri": serviceURI], "range": range(6, 10, 6, 10), "context": ["diagnostics": []]])
        let action = try #require((actions["result"] as? [[String: Any]])?.first, "no code action: \(actions)")
        #expect(action["kind"] as? String == "quickfix")
        let changes = try #require((action["edit"] as? [String: Any])?["changes"] as? [String: Any])
        let edit = try #require((changes[serviceURI] as? [[String: Any]])?.first, "\(changes)")
        #expect(edit["newText"] as? String == "posts")
        #expect(
            NSDictionary(dictionary: edit["range"] as? [String: Any] ?? [:])
                == NSDictionary(dictionary: range(6, 9, 6, 14)))

        // Definition: the Ingress backend's Service name leads to the Service's name in service.yaml.
        try client.notify(
            "textDocument/didOpen",
            ["textDocument": ["uri": ingressURI, "languageId": "yaml", "version": 1, "text": lspIngress]])
        _ = client.diagnostics(for: ingressURI, version: 1) { _ in true }
        let definition = try client.request(
            "textDocument/definition",
            ["textDocument": ["uri": ingressURI], "position": ["line": 12, "character": 24]])
        let target = try #require((definition["result"] as? [[String: Any]])?.first, "no definition: \(definition)")
        #expect(target["uri"] as? String == serviceURI)
        #expect(
            NSDictionary(dictionary: target["range"] as? [String: Any] ?? [:])
                == NSDictionary(dictionary: range(3, 8, 3, 13)))

        // Errors answered, never fatal.
        let unknown = try client.request("kubewire/unknown", [:])
        #expect((unknown["error"] as? [String: Any])?["code"] as? Int == -32601)
        client.sendRaw(Data("{\"jsonrpc\": \"2.0\", \"id\": 8, \"method\": 3}".utf8))
        let invalid = try #require(client.waitFor { $0["id"] as? Int == 8 })
        #expect((invalid["error"] as? [String: Any])?["code"] as? Int == -32600)
        client.sendRaw(Data("{\"jsonrpc\": \"2.0\", \"id\": 7, ".utf8))
        let parseError = try #require(client.waitFor { ($0["error"] as? [String: Any])?["code"] as? Int == -32700 })
        #expect(parseError["id"] is NSNull)

        // Applying the fix as the editor does (an incremental change, unsaved) clears the error.
        try client.notify(
            "textDocument/didChange",
            [
                "textDocument": ["uri": serviceURI, "version": 2],
                "contentChanges": [["range": range(6, 9, 6, 14), "text": "posts"]],
            ])
        #expect(client.diagnostics(for: serviceURI, version: 2) { $0.isEmpty } != nil, "the error was not cleared")
        #expect(try String(contentsOfFile: servicePath, encoding: .utf8) == lspService, "the file on disk changed")

        // A broken document gets its yaml-syntax diagnostic, and the server goes on.
        try client.notify(
            "textDocument/didChange",
            [
                "textDocument": ["uri": serviceURI, "version": 3],
                "contentChanges": [["text": "apiVersion: v1\nkind: Service\nmetadata: [posts\n"]],
            ])
        let broken = try #require(
            client.diagnostics(for: serviceURI, version: 3) { !$0.isEmpty }, "no diagnostics for broken YAML")
        #expect(broken.contains { $0["code"] as? String == "yaml-syntax" }, "\(broken)")

        let shutdown = try client.request("shutdown", [:])
        #expect(shutdown["result"] is NSNull)
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 0)
    }

    /// `source.fixAll.kubewire`: every machine-applicable fix of the document as one edit, as
    /// `check --fix` makes them (the legacy backend converted, the quotes of a numeric targetPort removed).
    @Test func fixAllAppliesEveryMachineApplicableFixOfADocument() throws {
        let workspace = try Scratch()
        let before = try String(contentsOf: FixCase(name: "two-fixes").url("before.yaml"), encoding: .utf8)
        let after = try String(contentsOf: FixCase(name: "two-fixes").url("after.yaml"), encoding: .utf8)
        try workspace.write("k8s.yaml", before)
        let root = URL(fileURLWithPath: ManifestPath.canonical(workspace.url.path))
        let uri = root.appendingPathComponent("k8s.yaml").absoluteString
        let client = try LSPClient(in: workspace.url)
        let initialized = try client.request(
            "initialize", ["processId": NSNull(), "capabilities": [:], "rootUri": root.absoluteString])
        let capabilities = try #require((initialized["result"] as? [String: Any])?["capabilities"] as? [String: Any])
        let kinds = (capabilities["codeActionProvider"] as? [String: Any])?["codeActionKinds"] as? [String]
        #expect(kinds == ["quickfix", "source.fixAll", "source.fixAll.kubewire"], "\(capabilities)")
        try client.notify("initialized", [:])
        try client.notify(
            "textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "yaml", "version": 1, "text": before]])
        _ = try #require(client.diagnostics(for: uri, version: 1) { $0.count >= 2 }, "no diagnostics for k8s.yaml")

        for only in [["source.fixAll"], ["source"], ["source.fixAll.kubewire"]] {
            let response = try client.request(
                "textDocument/codeAction",
                [
                    "textDocument": ["uri": uri], "range": range(0, 0, 0, 0),
                    "context": ["diagnostics": [], "only": only],
                ])
            let actions = try #require(response["result"] as? [[String: Any]], "\(response)")
            #expect(actions.count == 1, "\(only): \(actions)")
            let action = try #require(actions.first)
            #expect(action["kind"] as? String == "source.fixAll.kubewire")
            #expect(action["title"] as? String == "kubewire: apply every machine-applicable fix (2)")
            let changes = try #require((action["edit"] as? [String: Any])?["changes"] as? [String: Any])
            #expect(Array(changes.keys) == [uri])
            let edits = try #require(changes[uri] as? [[String: Any]])
            #expect(edits.count == 2, "\(edits)")
            #expect(applying(edits, to: before) == after, "\(edits)")
        }
        // Quick fixes only: no fix-all among them.
        let quick = try client.request(
            "textDocument/codeAction",
            [
                "textDocument": ["uri": uri], "range": range(0, 0, 30, 0),
                "context": ["diagnostics": [], "only": ["quickfix"]],
            ])
        let quickKinds = (quick["result"] as? [[String: Any]])?.map { $0["kind"] as? String }
        #expect(quickKinds == ["quickfix", "quickfix"], "\(quick)")

        // Fixed, the document has nothing left to fix: no fix-all action.
        try client.notify(
            "textDocument/didChange",
            ["textDocument": ["uri": uri, "version": 2], "contentChanges": [["text": after]]])
        #expect(client.diagnostics(for: uri, version: 2) { $0.isEmpty } != nil, "the fixes did not clear the errors")
        let none = try client.request(
            "textDocument/codeAction",
            [
                "textDocument": ["uri": uri], "range": range(0, 0, 0, 0),
                "context": ["diagnostics": [], "only": ["source"]],
            ])
        #expect((none["result"] as? [Any])?.isEmpty == true, "\(none)")
        _ = try client.request("shutdown", [:])
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 0)
    }

    /// A finding of a kustomize build is published at its base line, and its quick fix (and fix-all)
    /// edits the base file, where the same bytes are written.
    @Test(.enabled(if: kustomizeTools != nil, kustomizeSkip))
    func theFixOfARenderedKustomizeFindingEditsItsBaseFile() throws {
        let tools = try #require(kustomizeTools)
        let workspace = try Scratch()
        try FileManager.default.copyItem(
            at: FixCase(name: "kustomize-base-overlay").url("before"), to: workspace.url.appendingPathComponent("app"))
        let root = URL(fileURLWithPath: ManifestPath.canonical(workspace.url.path))
        let baseURI = root.appendingPathComponent("app/base/web.yaml").absoluteString
        let client = try LSPClient(in: workspace.url, environment: ["PATH": tools + ":/usr/bin:/bin"])
        _ = try client.request(
            "initialize", ["processId": NSNull(), "capabilities": [:], "rootUri": root.absoluteString])
        try client.notify("initialized", [:])
        let found = try #require(
            client.diagnostics(for: baseURI) { $0.contains { $0["code"] as? String == "name-format" } },
            "no name-format diagnostic for app/base/web.yaml")
        let finding = try #require(found.first { $0["code"] as? String == "name-format" })
        #expect(
            NSDictionary(dictionary: finding["range"] as? [String: Any] ?? [:])
                == NSDictionary(dictionary: range(10, 18, 10, 24)))
        let text = try String(contentsOf: workspace.url.appendingPathComponent("app/base/web.yaml"), encoding: .utf8)
        let expected = text.replacingOccurrences(of: "targetPort: \"8080\"", with: "targetPort: 8080")
        for only in [["quickfix"], ["source.fixAll"]] {
            let response = try client.request(
                "textDocument/codeAction",
                [
                    "textDocument": ["uri": baseURI], "range": range(10, 20, 10, 20),
                    "context": ["diagnostics": [], "only": only],
                ])
            let action = try #require((response["result"] as? [[String: Any]])?.first, "\(only): \(response)")
            let changes = try #require((action["edit"] as? [String: Any])?["changes"] as? [String: Any])
            #expect(Array(changes.keys) == [baseURI], "\(changes)")
            let edits = try #require(changes[baseURI] as? [[String: Any]])
            #expect(applying(edits, to: text) == expected, "\(only): \(edits)")
        }
        _ = try client.request("shutdown", [:])
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 0)
    }

    @Test func aBurstOfEditsIsCheckedOnce() throws {
        let workspace = try Scratch()
        try workspace.write("deploy.yaml", lspDeployment)
        try workspace.write("service.yaml", lspService)
        let root = URL(fileURLWithPath: ManifestPath.canonical(workspace.url.path))
        let serviceURI = root.appendingPathComponent("service.yaml").absoluteString
        // A debounce well beyond the burst below (five keystrokes 100 ms apart), even on a busy machine.
        let client = try LSPClient(in: workspace.url, arguments: ["lsp", "--debounce", "2000"])
        _ = try client.request(
            "initialize", ["processId": NSNull(), "capabilities": [:], "rootUri": root.absoluteString])
        try client.notify("initialized", [:])
        try client.notify(
            "textDocument/didOpen",
            ["textDocument": ["uri": serviceURI, "languageId": "yaml", "version": 1, "text": lspService]])
        _ = try #require(client.diagnostics(for: serviceURI, version: 1) { !$0.isEmpty })
        // Typing `posts` over `ports` one keystroke at a time: p, o, s, t, s.
        var text = lspService.replacingOccurrences(of: "app: ports", with: "app: ")
        for offset in 0..<5 {
            text = text.replacingOccurrences(
                of: "app: " + String("posts".prefix(offset)) + "\n",
                with: "app: " + String("posts".prefix(offset + 1)) + "\n")
            try client.notify(
                "textDocument/didChange",
                ["textDocument": ["uri": serviceURI, "version": offset + 2], "contentChanges": [["text": text]]])
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(text.contains("  app: posts\n"))
        #expect(client.diagnostics(for: serviceURI, version: 6) { $0.isEmpty } != nil, "the last edit was not checked")
        // Nothing was published for the versions typed in between.
        let between = client.waitFor(timeout: 0.5) { message in
            guard message["method"] as? String == "textDocument/publishDiagnostics",
                let params = message["params"] as? [String: Any], let version = params["version"] as? Int
            else { return false }
            return (2...5).contains(version)
        }
        #expect(between == nil, "a check ran in the middle of the burst: \(between ?? [:])")
        _ = try client.request("shutdown", [:])
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 0)
    }

    @Test func aFileOutsideTheWorkspaceIsCheckedAloneAndYAMLThatIsNoManifestIsLeftAlone() throws {
        let workspace = try Scratch()
        let elsewhere = try Scratch()
        let root = URL(fileURLWithPath: ManifestPath.canonical(workspace.url.path))
        let other = URL(fileURLWithPath: ManifestPath.canonical(elsewhere.url.path))
        let compose = "services:\n  web:\n    image: nginx\n"
        try elsewhere.write("compose.yaml", compose)
        try elsewhere.write("app.yaml", lspDeployment + "---\n" + lspService)
        let composeURI = other.appendingPathComponent("compose.yaml").absoluteString
        let appURI = other.appendingPathComponent("app.yaml").absoluteString
        let client = try LSPClient(in: workspace.url)
        _ = try client.request(
            "initialize", ["processId": NSNull(), "capabilities": [:], "rootUri": root.absoluteString])
        try client.notify("initialized", [:])
        try client.notify(
            "textDocument/didOpen",
            ["textDocument": ["uri": composeURI, "languageId": "yaml", "version": 1, "text": compose]])
        #expect(
            client.diagnostics(for: composeURI, version: 1) { _ in true }?.isEmpty == true,
            "a compose file is not a manifest")
        try client.notify(
            "textDocument/didOpen",
            [
                "textDocument": [
                    "uri": appURI, "languageId": "yaml", "version": 1, "text": lspDeployment + "---\n" + lspService,
                ]
            ])
        let found = client.diagnostics(for: appURI, version: 1) { !$0.isEmpty } ?? []
        #expect(found.contains { $0["code"] as? String == "service-selector" }, "\(found)")
        _ = try client.request("shutdown", [:])
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 0)
    }

    @Test func closingADocumentAndChangesOnDiskAreChecked() throws {
        let workspace = try Scratch()
        try workspace.write("deploy.yaml", lspDeployment)
        let servicePath = try workspace.write("service.yaml", lspService)
        let root = URL(fileURLWithPath: ManifestPath.canonical(workspace.url.path))
        let serviceURI = root.appendingPathComponent("service.yaml").absoluteString
        let fixed = lspService.replacingOccurrences(of: "app: ports", with: "app: posts")
        let client = try LSPClient(in: workspace.url)
        _ = try client.request(
            "initialize",
            [
                "processId": NSNull(), "rootUri": root.absoluteString,
                "capabilities": ["workspace": ["didChangeWatchedFiles": ["dynamicRegistration": true]]],
            ])
        try client.notify("initialized", [:])
        // The client that can watch files is asked to report manifests changed on disk.
        let registration = try #require(client.waitFor { $0["method"] as? String == "client/registerCapability" })
        #expect("\(registration)".contains("workspace/didChangeWatchedFiles"))
        _ = try #require(client.diagnostics(for: serviceURI) { !$0.isEmpty })

        // Fixed in the editor but closed unsaved: the file on disk counts again, and it is still wrong.
        try client.notify(
            "textDocument/didOpen",
            ["textDocument": ["uri": serviceURI, "languageId": "yaml", "version": 1, "text": fixed]])
        #expect(client.diagnostics(for: serviceURI, version: 1) { $0.isEmpty } != nil)
        try client.notify("textDocument/didClose", ["textDocument": ["uri": serviceURI]])
        #expect(
            client.diagnostics(for: serviceURI) { !$0.isEmpty } != nil, "closing unsaved did not bring the error back")

        // Fixed on disk by another tool: the watcher's notification clears it.
        try Data(fixed.utf8).write(to: URL(fileURLWithPath: servicePath))
        try client.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": serviceURI, "type": 2]]])
        #expect(client.diagnostics(for: serviceURI) { $0.isEmpty } != nil, "a fix on disk was not seen")
        _ = try client.request("shutdown", [:])
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 0)
    }

    /// The workspace folder's `.kubewire.yaml` is read as `kubewire check` reads it (the server runs
    /// elsewhere, so it is found from the folder, not the working directory), at each check.
    @Test func theWorkspacesConfigurationIsHonoured() throws {
        let workspace = try Scratch()
        let elsewhere = try Scratch()
        try workspace.write("deploy.yaml", lspDeployment)
        try workspace.write("service.yaml", lspService)
        let configPath = try workspace.write(".kubewire.yaml", "severity: {service-selector: note}\n")
        let root = URL(fileURLWithPath: ManifestPath.canonical(workspace.url.path))
        let serviceURI = root.appendingPathComponent("service.yaml").absoluteString
        let configURI = root.appendingPathComponent(".kubewire.yaml").absoluteString
        let client = try LSPClient(in: elsewhere.url)
        _ = try client.request(
            "initialize", ["processId": NSNull(), "capabilities": [:], "rootUri": root.absoluteString])
        try client.notify("initialized", [:])
        // severity: the selector that misses its pods is a note (3), not an error (1).
        let noted = try #require(client.diagnostics(for: serviceURI) { !$0.isEmpty })
        #expect(noted.map { $0["code"] as? String } == ["service-selector"], "\(noted)")
        #expect(noted.map { $0["severity"] as? Int } == [3], "\(noted)")

        // disable: the next check (here, after a change on disk) reports nothing for it.
        try Data("disable: [service-selector]\n".utf8).write(to: URL(fileURLWithPath: configPath))
        try client.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": serviceURI, "type": 2]]])
        #expect(
            client.diagnostics(for: serviceURI) { $0.isEmpty } != nil, "disable: in .kubewire.yaml was not honoured")

        // A problem in the file is shown at its line and column, as `check` reports it, and nothing else is checked.
        try Data("failOn: sometimes\n".utf8).write(to: URL(fileURLWithPath: configPath))
        try client.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": serviceURI, "type": 2]]])
        let problems = try #require(client.diagnostics(for: configURI) { !$0.isEmpty })
        #expect(problems.map { $0["code"] as? String } == ["config"], "\(problems)")
        let start = (problems.first?["range"] as? [String: Any])?["start"] as? [String: Any]
        #expect(start?["line"] as? Int == 0 && start?["character"] as? Int == 8, "\(problems)")
        _ = try client.request("shutdown", [:])
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 0)
    }

    @Test func exitWithoutShutdownEndsWithOne() throws {
        let workspace = try Scratch()
        let client = try LSPClient(in: workspace.url)
        let early = try client.request("textDocument/definition", [:])
        #expect((early["error"] as? [String: Any])?["code"] as? Int == -32002)
        _ = try client.request("initialize", ["processId": NSNull(), "capabilities": [:], "rootUri": NSNull()])
        try client.notify("exit", [:])
        #expect(client.closeInputAndWait() == 1)
    }
}

enum ManifestPath {
    /// The path with links resolved (macOS's /var is /private/var), as the server reports files.
    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// `text` with LSP edits applied (positions in UTF-16 units, `\n` line ends), as an editor applies them.
func applying(_ edits: [[String: Any]], to text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).utf16) }
    func offset(_ position: Any?) -> Int {
        let position = position as? [String: Any] ?? [:]
        let line = position["line"] as? Int ?? 0
        let character = position["character"] as? Int ?? 0
        return lines.prefix(line).reduce(0) { $0 + $1.count + 1 }
            + min(character, line < lines.count ? lines[line].count : 0)
    }
    var units = Array(text.utf16)
    let sorted = edits.map { edit -> (Int, Int, String) in
        let range = edit["range"] as? [String: Any] ?? [:]
        return (offset(range["start"]), offset(range["end"]), edit["newText"] as? String ?? "")
    }.sorted { $0.0 > $1.0 }
    for (start, end, newText) in sorted { units.replaceSubrange(start..<end, with: Array(newText.utf16)) }
    return String(decoding: units, as: UTF16.self)
}
