import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The blog run from infra/ by `kubewire up` behind real nginx, exercised
/// through the ingress exactly as a browser or a smoke test after a deploy would.
@Suite(.serialized)
struct EndToEndTests {
    @Test func probePassesForEveryPathAndTheBlogFlowGoesThroughTheIngress() async throws {
        let up = try UpProcess(inputs: [Paths.root + "/infra", Paths.root + "/skaffold.yaml"])
        let started = ContinuousClock.now
        do {
            let info = try await up.waitUntilReady()
            print("e2e: cluster ready in \(ContinuousClock.now - started)")
            // Text: the results are the report on stdout, one line per path, the blog flow's steps, a summary.
            let probe = try run(
                Paths.kubewire, ["probe", Paths.root + "/infra", "--base-url", info.ingressURL, "--blog-flow"])
            #expect(probe.status == 0, "probe failed:\n\(probe.output)\n\(probe.errors)")
            let lines = probe.output.split(separator: "\n").map(String.init)
            #expect(lines.filter { $0.hasPrefix("PASS posts.com ") }.count == 4, "\(probe.output)")
            #expect(lines.contains("PASS posts.com /posts → GET /posts: 200 via default/query-srv:4002"))
            #expect(lines.contains { $0.hasPrefix("blog flow: POST /posts/create: 201, post ") }, "\(probe.output)")
            #expect(
                lines.contains {
                    $0.hasPrefix(
                        "PASS blog flow (Host: posts.com): a post, an approved and a rejected comment through the ingress in"
                    )
                }, "\(probe.output)")
            #expect(
                lines.last == "ok: 4 of 4 ingress paths reached their backends; the blog flow passed",
                "\(probe.output)")
            #expect(!probe.output.contains("no findings"))
            #expect(probe.errors.isEmpty, "\(probe.errors)")
            // JSON: the report on stdout is the failures (none); the per-path lines go to stderr.
            let json = try run(
                Paths.kubewire, ["probe", Paths.root + "/infra", "--base-url", info.ingressURL, "--format", "json"])
            #expect(json.status == 0, "probe failed:\n\(json.output)\n\(json.errors)")
            let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect((report?["diagnostics"] as? [Any])?.isEmpty == true)
            #expect(json.errors.components(separatedBy: "PASS posts.com").count - 1 == 4, "\(json.errors)")
            #expect(json.errors.hasSuffix("ok: 4 of 4 ingress paths reached their backends\n"), "\(json.errors)")

            let client = HTTPClient.shared
            let blog = IngressClient(base: info.ingressURL, host: "posts.com", client: client)
            let title = "e2e <b>post</b> \(UInt16.random(in: 0...9999))"
            let (created, headers, body) = try await blog.send(.POST, "/posts/create", json: ["title": title])
            #expect(created == 201)
            #expect(headers.first(name: "X-Kubewire-Backend") == "default/posts-clusterip-srv:4000")
            let post = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            let id = try #require(post["id"] as? String)
            for content in ["nice", "orange juice"] {
                let (status, headers, _) = try await blog.send(
                    .POST, "/posts/\(id)/comments", json: ["content": content])
                #expect(status == 201)
                #expect(headers.first(name: "X-Kubewire-Backend") == "default/comments-srv:4001")
            }
            var statuses: [String: String] = [:]
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let (status, headers, body) = try await blog.send(.GET, "/posts")
                #expect(status == 200)
                #expect(headers.first(name: "X-Kubewire-Backend") == "default/query-srv:4002")
                let view = try JSONSerialization.jsonObject(with: body) as? [String: Any]
                let comments = (view?[id] as? [String: Any])?["comments"] as? [[String: Any]] ?? []
                statuses = Dictionary(
                    comments.compactMap { comment in
                        (comment["content"] as? String).map { ($0, comment["status"] as? String ?? "") }
                    }, uniquingKeysWith: { a, _ in a })
                if statuses == ["nice": "approved", "orange juice": "rejected"] { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(statuses == ["nice": "approved", "orange juice": "rejected"])
            // The client renders on the server, through the same ingress, with user text escaped.
            let (pageStatus, pageHeaders, page) = try await blog.send(.GET, "/")
            #expect(pageStatus == 200)
            #expect(pageHeaders.first(name: "X-Kubewire-Backend") == "default/client-srv:3000")
            let html = String(decoding: page, as: UTF8.self)
            #expect(html.contains("e2e &lt;b&gt;post&lt;/b&gt;"))
            #expect(!html.contains("<b>post</b>"))
            #expect(html.contains("This comment has been rejected"))
            // `curl -I` through the ingress: HEAD answers like GET, without a body.
            for path in ["/", "/posts"] {
                let (headStatus, headHeaders, headBody) = try await blog.send(.HEAD, path)
                #expect(headStatus == 200, "HEAD \(path)")
                #expect(headBody.isEmpty, "HEAD \(path)")
                #expect(headHeaders.first(name: "Content-Type") != nil, "HEAD \(path)")
            }
            let (wrongMethod, wrongHeaders, _) = try await blog.send(.GET, "/posts/create")
            #expect(wrongMethod == 405)
            #expect(wrongHeaders.first(name: "Allow") == "POST")
        } catch {
            Issue.record(error)
        }
        #expect(await up.stop() == 0)
        #expect(up.survivors().isEmpty, "processes left behind: \(up.survivors())")
    }

    @Test func upWithATakenIngressPortFailsFastNamingThePortAndNeverClaimsReadiness() async throws {
        let held = try HeldPort()
        defer { held.close() }
        let state = try Paths.temporaryDirectory("taken")
        let readyFile = state + "/ready.json"
        let started = ContinuousClock.now
        let up = try run(
            Paths.kubewire,
            [
                "up", Paths.root + "/infra", Paths.root + "/skaffold.yaml", "--bin-dir", Paths.binDirectory,
                "--state-dir", state, "--ready-file", readyFile, "--ingress-port", String(held.port),
            ], timeout: .seconds(60))
        #expect(up.status == 2, "\(up.errors)")
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(
            up.errors.contains(
                "kubewire up: ingress port \(held.port) on 127.0.0.1 cannot be used: address already in use"),
            "\(up.errors)")
        #expect(up.errors.contains("nginx could not bind to it"), "\(up.errors)")
        #expect(!up.errors.contains("Services ready"), "\(up.errors)")
        #expect(!up.errors.contains("ingress at http"), "\(up.errors)")
        #expect(!FileManager.default.fileExists(atPath: readyFile))
    }

    @Test func probeOfAnAddressWhereNothingListensSaysSoOnceWithWhatToDo() throws {
        let port = try freePort()
        let probe = try run(
            Paths.kubewire, ["probe", Paths.root + "/infra", "--base-url", "http://127.0.0.1:\(port)", "--blog-flow"])
        #expect(probe.status == 1)
        let sentence = "connection refused: nothing listens at 127.0.0.1:\(port)"
        #expect(probe.output.hasPrefix("FAIL \(sentence)\n"), "\(probe.output)")
        #expect(probe.output.contains("error[probe-route]: \(sentence)\n"), "\(probe.output)")
        #expect(probe.output.contains("= help: start the ingress first (`kubewire up"), "\(probe.output)")
        #expect(probe.output.hasSuffix("error: no ingress path probed: \(sentence)\n"), "\(probe.output)")
        #expect(probe.output.components(separatedBy: "error[").count == 2, "\(probe.output)")
        #expect(!probe.output.contains("errno"))
        #expect(probe.errors.isEmpty, "\(probe.errors)")
        // Into a file: the same text there, the summary on the terminal.
        let file = try Paths.temporaryDirectory("probe-output") + "/probe.txt"
        let written = try run(
            Paths.kubewire,
            ["probe", Paths.root + "/infra", "--base-url", "http://127.0.0.1:\(port)", "--output", file])
        #expect(written.status == 1)
        #expect(written.output.isEmpty)
        #expect(written.errors == "error: no ingress path probed: \(sentence)\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("FAIL \(sentence)\n"))
    }

    @Test func probeNamesThePathWhoseServiceSelectsNoPod() async throws {
        let copy = try copyOfInfrastructure()
        try replace(
            in: copy + "/infra/k8s/query-depl.yaml", "  selector:\n    app: query\n  ports:",
            with: "  selector:\n    app: qurey\n  ports:")
        let failures = try await probeFailures(runningFrom: copy)
        #expect(failures.count == 1, "\(failures)")
        #expect(failures.first?.contains("ingress path /posts:") == true, "\(failures)")
        #expect(failures.first?.contains("no endpoints") == true, "\(failures)")
    }

    @Test func probeNamesThePathsALongerRegexSwallows() async throws {
        let copy = try copyOfInfrastructure()
        let greedy = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: greedy
              annotations:
                nginx.ingress.kubernetes.io/use-regex: "true"
            spec:
              ingressClassName: nginx
              rules:
                - host: posts.com
                  http:
                    paths:
                      - path: /(posts|api)/?(.*)(/comments)?
                        pathType: ImplementationSpecific
                        backend:
                          service:
                            name: comments-srv
                            port:
                              number: 4001

            """
        try greedy.write(toFile: copy + "/infra/k8s/greedy-ingress.yaml", atomically: true, encoding: .utf8)
        let failures = try await probeFailures(runningFrom: copy)
        #expect(failures.count == 2, "\(failures)")
        #expect(
            failures.contains {
                $0.contains("ingress path /posts/create:")
                    && $0.contains("reached default/comments-srv:4001 instead of default/posts-clusterip-srv:4000")
            }, "\(failures)")
        #expect(
            failures.contains {
                $0.contains("ingress path /posts:") && $0.contains("instead of default/query-srv:4002")
            },
            "\(failures)")
    }

    /// Runs the cluster from a copy of the repository's infrastructure, probes it,
    /// expects the probe to fail (exit 1), and returns the messages of its findings.
    private func probeFailures(runningFrom copy: String) async throws -> [String] {
        let up = try UpProcess(inputs: [copy + "/infra", copy + "/skaffold.yaml"])
        var failures: [String] = []
        do {
            let info = try await up.waitUntilReady()
            let probe = try run(
                Paths.kubewire, ["probe", copy + "/infra", "--base-url", info.ingressURL, "--format", "json"])
            #expect(probe.status == 1, "\(probe.errors)")
            failures = try diagnostics(probe.output)
        } catch {
            Issue.record(error)
        }
        await up.stop()
        #expect(up.survivors().isEmpty, "processes left behind: \(up.survivors())")
        return failures
    }

    @Test func browserCreatesAPostAndACommentAndSeesItsStatusAfterReload() async throws {
        let up = try UpProcess(inputs: [Paths.root + "/infra", Paths.root + "/skaffold.yaml"])
        let client = HTTPClient.shared
        var browser: WebDriver?
        do {
            let info = try await up.waitUntilReady()
            let driver = try WebDriver(client: client, port: try freePort())
            browser = driver
            try await driver.startSession(mapping: "posts.com", to: info.ingressURL)
            try await driver.open("http://posts.com/")
            let title = "Browser post \(UInt16.random(in: 0...9999))"
            try await driver.type(title, into: try await driver.find(css: "#new-post-title"))
            try await driver.click(try await driver.find(css: "#new-post-submit"))
            try await eventually("the new post is listed") {
                try await driver.open("http://posts.com/")
                return try await driver.pageSource().contains(title)
            }
            let postXPath = "//div[contains(@class,'post')][h3[normalize-space(text())='\(title)']]"
            try await driver.type(
                "Hello from Chromium",
                into: try await driver.find(xpath: postXPath + "//input[contains(@class,'comment-content')]"))
            try await driver.click(
                try await driver.find(xpath: postXPath + "//button[contains(@class,'comment-submit')]"))
            try await eventually("the comment is approved after a reload") {
                try await driver.open("http://posts.com/")
                let source = try await driver.pageSource()
                return source.contains("data-status=\"approved\"") && source.contains("Hello from Chromium")
            }
            try FileManager.default.createDirectory(atPath: Paths.artifacts, withIntermediateDirectories: true)
            let shot = try await driver.screenshot()
            try shot.write(to: URL(fileURLWithPath: Paths.artifacts + "/e2e-client.png"))
            #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot")
        } catch {
            Issue.record(error)
        }
        await browser?.quit()
        await up.stop()
        #expect(up.survivors().isEmpty)
    }

    private func diagnostics(_ json: String) throws -> [String] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }

    private func eventually(_ what: String, timeout: Duration = .seconds(20), _ check: () async throws -> Bool)
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await check() { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw E2EError("timed out waiting until \(what)")
    }

    private func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
