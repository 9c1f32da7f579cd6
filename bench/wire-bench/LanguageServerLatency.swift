import Foundation

/// `wire-bench --phase lsp`: how long after the debounce an edit's diagnostics reach the editor, in
/// a workspace of the corpus (`--pairs 100`: 201 objects). Drives the built `kubewire lsp` (beside
/// wire-bench, or in KUBEWIRE_BIN_DIR) over pipes as an editor does: one document open, each edit
/// a full-text change that breaks or mends its Service's selector; the time runs from writing the
/// change to reading the diagnostics that answer it.
enum LanguageServerLatency {
    static let debounceMilliseconds = 150
    static let target = 0.050

    struct Client {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        var buffer: [UInt8] = []

        init(kubewire: URL, workspace: URL) throws {
            process.executableURL = kubewire
            process.arguments = ["lsp", "--debounce", String(debounceMilliseconds)]
            process.currentDirectoryURL = workspace
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func send(_ message: [String: Any]) throws {
            let body = try JSONSerialization.data(withJSONObject: message)
            input.fileHandleForWriting.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
        }

        mutating func receive() throws -> [String: Any] {
            while true {
                if let end = headerEnd() {
                    let header = String(decoding: buffer[..<end], as: UTF8.self)
                    guard
                        let line = header.split(separator: "\r\n").first(where: {
                            $0.lowercased().hasPrefix("content-length:")
                        }),
                        let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                    else { throw HarnessError(description: "kubewire lsp sent a header without Content-Length") }
                    if buffer.count >= end + 4 + length {
                        let body = Data(buffer[(end + 4)..<(end + 4 + length)])
                        buffer.removeFirst(end + 4 + length)
                        guard let message = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                            throw HarnessError(description: "kubewire lsp sent a message that is not an object")
                        }
                        return message
                    }
                }
                let data = output.fileHandleForReading.availableData
                guard !data.isEmpty else { throw HarnessError(description: "kubewire lsp ended") }
                buffer += data
            }
        }

        private func headerEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            for index in 0...(buffer.count - 4)
            where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
                return index
            }
            return nil
        }

        /// Reads until diagnostics for `uri` at `version` (any version when nil) arrive; returns how many.
        mutating func diagnostics(for uri: String, version: Int?) throws -> Int {
            while true {
                let message = try receive()
                guard message["method"] as? String == "textDocument/publishDiagnostics",
                    let params = message["params"] as? [String: Any], params["uri"] as? String == uri,
                    version == nil || params["version"] as? Int == version
                else { continue }
                return (params["diagnostics"] as? [Any])?.count ?? 0
            }
        }
    }

    static func run(pairs: Int, runs: Int) throws {
        let binDirectory =
            ProcessInfo.processInfo.environment["KUBEWIRE_BIN_DIR"].map { URL(fileURLWithPath: $0) }
            ?? Bundle.main.executableURL?.deletingLastPathComponent()
        guard let kubewire = binDirectory?.appendingPathComponent("kubewire"),
            FileManager.default.isExecutableFile(atPath: kubewire.path)
        else { throw HarnessError(description: "no kubewire beside wire-bench (or in KUBEWIRE_BIN_DIR)") }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("wire-bench-lsp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let corpus = try Corpus.generate(pairs: pairs, at: root)
        let canonicalRoot = URL(fileURLWithPath: root.resolvingSymlinksInPath().path)

        var client = try Client(kubewire: kubewire, workspace: root)
        defer { if client.process.isRunning { client.process.terminate() } }
        let started = Date()
        try client.send([
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": ["processId": NSNull(), "rootUri": canonicalRoot.absoluteString, "capabilities": [:]],
        ])
        try client.send(["jsonrpc": "2.0", "method": "initialized", "params": [:]])
        let plan = Corpus.Plan(pairs: pairs)
        let brokenURI = canonicalRoot.appendingPathComponent(Corpus.relativePath(plan.selectorTypo, .large))
            .absoluteString
        _ = try client.diagnostics(for: brokenURI, version: nil)
        let firstCheck = Date().timeIntervalSince(started)

        // A clean pair, edited: its Service selector broken, then mended.
        let index = 1
        let file = canonicalRoot.appendingPathComponent(Corpus.relativePath(index, .large))
        let uri = file.absoluteString
        let clean = try String(contentsOf: file, encoding: .utf8)
        guard let service = clean.range(of: "kind: Service"),
            let selector = clean.range(of: "selector:", range: service.upperBound..<clean.endIndex),
            let tier = clean.range(of: "tier: backend", range: selector.upperBound..<clean.endIndex)
        else { throw HarnessError(description: "the corpus pair has no Service selector tier") }
        let broken = clean.replacingCharacters(in: tier, with: "tier: backnd")
        try client.send([
            "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": ["textDocument": ["uri": uri, "languageId": "yaml", "version": 1, "text": clean]],
        ])
        _ = try client.diagnostics(for: uri, version: 1)

        var latencies: [Double] = []
        let cpuBefore = cpuSeconds(of: client.process.processIdentifier)
        for run in 0..<(runs * 2) {
            let version = run + 2
            let breaks = run % 2 == 0
            let sent = Date()
            try client.send([
                "jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": [
                    "textDocument": ["uri": uri, "version": version],
                    "contentChanges": [["text": breaks ? broken : clean]],
                ],
            ])
            let count = try client.diagnostics(for: uri, version: version)
            guard (count > 0) == breaks else {
                throw HarnessError(
                    description: "edit \(version): \(count) diagnostics, expected \(breaks ? "some" : "none")")
            }
            latencies.append(Date().timeIntervalSince(sent) - Double(debounceMilliseconds) / 1000)
        }
        let cpuPerEdit = (cpuSeconds(of: client.process.processIdentifier) - cpuBefore) / Double(latencies.count)
        try client.send(["jsonrpc": "2.0", "id": 2, "method": "shutdown"])
        try client.send(["jsonrpc": "2.0", "method": "exit"])
        client.process.waitUntilExit()

        let sorted = latencies.sorted()
        func ms(_ value: Double) -> String { String(format: "%.1f ms", value * 1000) }
        let p90 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.9))]
        print("kubewire lsp, workspace of \(corpus.objects) objects in \(corpus.files.count) files")
        print("  initialize to first diagnostics: \(ms(firstCheck))")
        print(
            "  edit to diagnostics, after the \(debounceMilliseconds) ms debounce (\(latencies.count) edits): "
                + "median \(ms(median(sorted))), p90 \(ms(p90)), max \(ms(sorted.last ?? .nan))")
        print(
            "  server CPU per edit (user + system, from /proc; what a quiet machine's latency approaches): \(ms(cpuPerEdit))"
        )
        print(
            "  target: median <= \(ms(target)) "
                + verdict(median(sorted) <= target) + "; exit \(client.process.terminationStatus)")
    }

    /// User + system time of a process so far (Linux /proc; 0 elsewhere).
    static func cpuSeconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func median(_ values: [Double]) -> Double { Bench.median(values) }
    static func verdict(_ ok: Bool) -> String { Bench.verdict(ok) }
}
