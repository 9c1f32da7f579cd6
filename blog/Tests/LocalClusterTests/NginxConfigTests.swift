import Foundation
import KubeModel
import Testing

@testable import LocalCluster

private func server(_ host: String, regex: Bool = false, _ locations: [NginxLocation]) -> IngressPlan {
    IngressPlan(servers: [NginxServer(host: host, regexMode: regex, locations: locations)], ignored: [])
}

private func location(
    _ path: String, _ match: NginxLocation.Match = .prefix, _ target: NginxLocation.Target = .defaultBackend
) -> NginxLocation {
    NginxLocation(path: path, match: match, target: target, source: "default/test")
}

private func render(_ plan: IngressPlan, port: Int = 18443, state: String = "/tmp/kubewire-state") throws -> String {
    try NginxConfig(plan: plan, listenPort: port, stateDirectory: state, runningAsRoot: false).render()
}

/// `nginx -t` on a rendered configuration, in a prefix folder of its own.
private func nginxTest(_ plan: IngressPlan) throws -> (status: Int32, output: String) {
    let state = try temporaryDirectory("nginx")
    defer { try? FileManager.default.removeItem(atPath: state) }
    for folder in ["nginx-body", "nginx-proxy", "nginx-fastcgi", "nginx-uwsgi", "nginx-scgi"] {
        try FileManager.default.createDirectory(atPath: state + "/" + folder, withIntermediateDirectories: true)
    }
    let config = try NginxConfig(plan: plan, listenPort: try PortAllocator.freePort(), stateDirectory: state).render()
    let file = state + "/nginx.conf"
    try Data(config.utf8).write(to: URL(fileURLWithPath: file))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
    process.arguments = ["-t", "-p", state, "-c", file]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output + "\n--- nginx.conf ---\n" + config)
}

/// Position of every needle in the text, in order; fails if one is missing or out of order.
private func expectInOrder(_ text: String, _ needles: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    var from = text.startIndex
    for needle in needles {
        guard let range = text.range(of: needle, range: from..<text.endIndex) else {
            Issue.record("`\(needle)` missing or out of order in:\n\(text)", sourceLocation: sourceLocation)
            return
        }
        from = range.upperBound
    }
}

@Suite struct NginxConfigTests {
    @Test func courseIngressRendersRegexLocationsInPlanOrderWithProxyPassAndMarker() throws {
        let text = try render(try coursePlan(), port: 18443)
        expectInOrder(
            text,
            [
                // Servers are sorted by host: the catch-all `_` (the default server) comes first.
                "listen 127.0.0.1:18443 default_server;", "server_name _;", "location \"/\" {", "return 404;",
                "server {", "listen 127.0.0.1:18443;", "server_name \"posts.com\";",
                "location ~* \"^/posts/?(.*)/comments\" {",
                "add_header X-Kubewire-Backend \"default/comments-srv:4001\" always;",
                "proxy_pass http://127.0.0.1:14001;",
                "location ~* \"^/posts/create\" {",
                "add_header X-Kubewire-Backend \"default/posts-clusterip-srv:4000\" always;",
                "proxy_pass http://127.0.0.1:14000;",
                "location ~* \"^/posts\" {", "proxy_pass http://127.0.0.1:14002;",
                "location ~* \"^/?(.*)\" {", "proxy_pass http://127.0.0.1:13000;",
                "location ~* \"^/\" {", "add_header X-Kubewire-Backend \"default-backend\" always;", "return 404;",
            ])
        #expect(text.components(separatedBy: "location ").count - 1 == 6)
        #expect(text.contains("proxy_set_header Host $http_host;"))
        #expect(text.contains("pid /tmp/kubewire-state/nginx.pid;"))
        #expect(!text.contains("user root;"))
    }

    @Test func exactPrefixAndUnavailableLocationsRender() throws {
        let plan = server(
            "shop.test",
            [
                location("/api/", .prefix, .service(namespace: "ns", name: "api", port: 80, listener: 15000)),
                location("/api", .exact, .service(namespace: "ns", name: "api", port: 80, listener: 15000)),
                location("/gone", .exact, .unavailable("Service ns/gone has no endpoints")),
                location("/"),
            ])
        let text = try render(plan)
        expectInOrder(
            text,
            [
                "location \"/api/\" {", "add_header X-Kubewire-Backend \"ns/api:80\" always;",
                "proxy_pass http://127.0.0.1:15000;", "location = \"/api\" {", "proxy_pass http://127.0.0.1:15000;",
                "location = \"/gone\" {", "add_header X-Kubewire-Backend \"unavailable\" always;", "return 503;",
                "location \"/\" {", "return 404;",
            ])
    }

    @Test func backslashesInRegexPathsAreEscapedForTheQuotedString() throws {
        let text = try render(server("a.test", regex: true, [location(#"/n/\d+\.json"#, .regex)]))
        #expect(text.contains(#"location ~* "^/n/\\d+\\.json" {"#))
    }

    @Test func wildcardHostBecomesARegexServerName() throws {
        let text = try render(server("*.blog.test", [location("/")]))
        #expect(text.contains(#"server_name "~^(?<subdomain>[\w-]+)\.blog\.test$";"#))
    }

    @Test func rootRunGetsUserRoot() throws {
        let text = try NginxConfig(plan: try coursePlan(), listenPort: 1, stateDirectory: "/s", runningAsRoot: true)
            .render()
        #expect(text.contains("user root;\nworker_processes 1;"))
    }

    static let badPaths: [(path: String, shown: String)] = [
        ("/a;return 200", "/a;return 200"), ("/a{", "/a{"), ("/a}", "/a}"), (#"/a"b"#, #"/a"b"#), ("/a'b", "/a'b"),
        ("/a`b", "/a`b"), ("/a\nb", #"/a\u{a}b"#), ("/a\rb", #"/a\u{d}b"#), ("/a\tb", #"/a\u{9}b"#),
        ("/a b", "/a b"), ("/a#b", "/a#b"), ("/a\u{7F}b", #"/a\u{7f}b"#), ("/a\u{1}b", #"/a\u{1}b"#),
    ]

    @Test(arguments: badPaths)
    func pathsCarryingNginxSyntaxAreRefused(_ bad: (path: String, shown: String)) throws {
        let plan = server("ok.test", [location(bad.path), location("/")])
        let refusal = try #require(throws: NginxConfig.Refusal.self) { try render(plan) }
        #expect(refusal.description.contains("refusing Ingress path `\(bad.shown)`"))
        #expect(!refusal.description.contains("\n"))
    }

    @Test(arguments: ["/x/_by_lua_block", "/etc/passwd", "/var/run/secrets/token"])
    func deepInspectionPatternsAreRefused(_ path: String) throws {
        let refusal = try #require(throws: NginxConfig.Refusal.self) {
            try render(server("ok.test", [location(path)]))
        }
        #expect(refusal.description.contains("`\(path)`"))
        #expect(refusal.description.contains("deep inspection"))
    }

    @Test(arguments: [
        "evil.com;", "evil.com{", "a}.com", #"posts.com" default"#, "posts.com\nserver_name x", "Posts.com", "a b.com",
        "a..com", "-a.com", "*.*.com", #"a\.com"#,
    ])
    func hostsThatAreNotDNSNamesAreRefused(_ host: String) throws {
        let refusal = try #require(throws: NginxConfig.Refusal.self) { try render(server(host, [location("/")])) }
        #expect(refusal.description.contains("refusing Ingress host `\(NginxConfig.printable(host))`"))
    }

    @Test func stateDirectoryWithNginxSyntaxIsRefused() throws {
        let refusal = try #require(throws: NginxConfig.Refusal.self) {
            try render(try coursePlan(), state: "/tmp/a;b")
        }
        #expect(refusal.description.contains("refusing state directory `/tmp/a;b`"))
    }

    @Test(arguments: [#"evil";"#, "a b", "a{", "a\"\nadd_header X 1"])
    func backendNamesWithNginxSyntaxAreRefused(_ name: String) throws {
        let plan = server(
            "ok.test", [location("/x", .exact, .service(namespace: "default", name: name, port: 80, listener: 15000))])
        let refusal = try #require(throws: NginxConfig.Refusal.self) { try render(plan) }
        #expect(refusal.description.contains("`default/\(NginxConfig.printable(name)):80`"))
    }

    @Test func serviceNameFromTheManifestCannotInjectIntoTheMarkerHeader() throws {
        // The loader accepts any metadata.name; the checker only warns before `up` goes on.
        let name = #"x" always; return 200 "owned"#
        let yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              name: '\(name)'
            spec:
              ports:
                - port: 80
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: inj
            spec:
              ingressClassName: nginx
              rules:
                - host: inj.test
                  http:
                    paths:
                      - path: /x
                        pathType: Exact
                        backend:
                          service:
                            name: '\(name)'
                            port:
                              number: 80

            """
        let plan = try IngressPlan.make(
            graph: graph(yaml), services: [servicePlan(name, port: 80, listener: 15000)])
        let location = try #require(plan.servers.first { $0.host == "inj.test" }?.locations.first { $0.path == "/x" })
        #expect(location.marker == "default/\(name):80")
        #expect(throws: NginxConfig.Refusal.self) { try render(plan) }
    }

    @Test func nginxAcceptsTheRenderedCourseConfig() throws {
        let result = try nginxTest(try coursePlan())
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func nginxAcceptsExactPrefixEscapedRegexAndWildcardServers() throws {
        let api = NginxLocation.Target.service(namespace: "shop", name: "api", port: 80, listener: 15000)
        let plan = IngressPlan(
            servers: [
                NginxServer(
                    host: "regex.test", regexMode: true,
                    locations: [
                        location(#"/n/\d+\.json"#, .regex, api), location("/a(/|$)(.*)", .regex, api),
                        location("/[a-z]+/x", .regex, api), location("/", .regex),
                    ]),
                NginxServer(
                    host: "shop.test", regexMode: false,
                    locations: [
                        location("/api/", .prefix, api), location("/api", .exact, api),
                        location("/gone", .exact, .unavailable("none")), location("/"),
                    ]),
                NginxServer(host: "*.blog.test", regexMode: false, locations: [location("/")]),
                NginxServer(host: "_", regexMode: false, locations: [location("/")]),
            ], ignored: [])
        let result = try nginxTest(plan)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func theReadinessServerComesLastIsNeverTheDefaultAndAnswersTheToken() throws {
        let plan = IngressPlan(
            servers: [
                NginxServer(host: "posts.com", regexMode: false, locations: [location("/")]),
                NginxServer(host: "_", regexMode: false, locations: [location("/")]),
            ], ignored: [])
        let config = try NginxConfig(
            plan: plan, listenPort: 18443, stateDirectory: "/tmp/kubewire-state", runningAsRoot: false,
            readinessToken: "c0ffee42"
        ).render()
        let readiness = try #require(config.range(of: "server_name kubewire-ready.invalid;"))
        let lastIngressServer = try #require(config.range(of: "server_name _;"))
        #expect(readiness.lowerBound > lastIngressServer.lowerBound)
        #expect(config.contains(#"return 200 "c0ffee42\n";"#))
        #expect(config.components(separatedBy: "default_server").count == 2)
        // Without a token, no readiness server.
        #expect(!(try render(plan)).contains("kubewire-ready"))
        #expect(throws: NginxConfig.Refusal.self) {
            _ = try NginxConfig(
                plan: plan, listenPort: 18443, stateDirectory: "/tmp/kubewire-state", readinessToken: "a\"; b"
            ).render()
        }
    }
}
