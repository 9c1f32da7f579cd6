import AsyncHTTPClient
import KubeModel
import Testing

@testable import LocalCluster

private let mixedYAML = """
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: plain
      namespace: shop
    spec:
      ingressClassName: nginx
      rules:
        - http:
            paths:
              - path: /api
                pathType: Prefix
                backend:
                  service:
                    name: api-srv
                    port:
                      name: http
              - path: /ghost
                pathType: Exact
                backend:
                  service:
                    name: ghost-srv
                    port:
                      name: http
              - path: /numbered
                pathType: Exact
                backend:
                  service:
                    name: ghost-srv
                    port:
                      number: 9000
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: elsewhere
      namespace: shop
    spec:
      ingressClassName: traefik
      rules:
        - http:
            paths:
              - path: /traefik
                pathType: Prefix
                backend:
                  service:
                    name: api-srv
                    port:
                      number: 8080
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api-srv
      namespace: shop
    spec:
      selector:
        app: api
      ports:
        - name: http
          port: 8080
          targetPort: 3000

    """

@Suite struct IngressProbeTests {
    @Test func courseIngressTargetsUseRegexSamplesAndExpectTheirOwnBackends() {
        let targets = IngressProbe.targets(graph: graph(courseIngressYAML + "---\n" + courseServicesYAML))
        #expect(targets.map(\.path) == ["/posts/create", "/posts", "/posts/?(.*)/comments", "/?(.*)"])
        #expect(targets.map(\.requestPath) == ["/posts/create", "/posts", "/posts/xx/comments", "/xx"])
        #expect(
            targets.map(\.expected) == [
                "default/posts-clusterip-srv:4000", "default/query-srv:4002", "default/comments-srv:4001",
                "default/client-srv:3000",
            ])
        #expect(targets.allSatisfy { $0.host == "posts.com" })
        #expect(targets.allSatisfy { $0.object.name == "ingress-srv" && $0.object.kind == "Ingress" })
        // The span points at the path's own line in the input.
        #expect(targets[0].span.file == "test.yaml")
        #expect(Set(targets.map(\.span.line)).count == 4)
    }

    @Test func nonRegexTargetsRequestThePathAsWrittenAndResolveNamedPorts() throws {
        let targets = IngressProbe.targets(graph: graph(mixedYAML))
        // The traefik Ingress is not probed.
        #expect(targets.map(\.path) == ["/api", "/ghost", "/numbered"])
        #expect(targets.map(\.requestPath) == ["/api", "/ghost", "/numbered"])
        #expect(targets.allSatisfy { $0.host == nil })
        // Named port → the Service's port number; a missing Service's named port cannot be resolved.
        #expect(targets.map(\.expected) == ["shop/api-srv:8080", nil, "shop/ghost-srv:9000"])
    }

    @Test func failedResultBecomesAnErrorNamingPathRequestAndHost() throws {
        let targets = IngressProbe.targets(graph: graph(courseIngressYAML + "---\n" + courseServicesYAML))
        let comments = try #require(targets.first { $0.path == "/posts/?(.*)/comments" })
        let create = try #require(targets.first { $0.path == "/posts/create" })
        let results = [
            ProbeResult(
                target: comments, status: 200, reached: "default/query-srv:4002",
                failure: ProbeFailure(
                    .swallowed,
                    "reached default/query-srv:4002 instead of default/comments-srv:4001; "
                        + "a location tried before this path swallowed the request")
            ),
            ProbeResult(target: create, status: 201, reached: "default/posts-clusterip-srv:4000", failure: nil),
        ]
        let diagnostics = IngressProbe.diagnostics(ProbeRun(results: results, connectionFailure: nil))
        #expect(diagnostics.count == 1)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.ruleID == "probe-route")
        #expect(diagnostic.severity == .error)
        #expect(
            diagnostic.message.hasPrefix(
                "ingress path /posts/?(.*)/comments: GET /posts/xx/comments (Host: posts.com): ")
        )
        #expect(diagnostic.message.contains("instead of default/comments-srv:4001"))
        #expect(diagnostic.span == comments.span)
        #expect(diagnostic.object?.name == "ingress-srv")
    }

    @Test func failureWithoutHostSaysNoHost() throws {
        let target = try #require(IngressProbe.targets(graph: graph(mixedYAML)).first { $0.path == "/ghost" })
        let diagnostics = IngressProbe.diagnostics(
            ProbeRun(
                results: [
                    ProbeResult(
                        target: target, status: 503, reached: "unavailable",
                        failure: ProbeFailure(.noEndpoints, "the backend has no endpoints; the ingress answered 503"))
                ], connectionFailure: nil))
        #expect(
            diagnostics.map(\.message) == [
                "ingress path /ghost: GET /ghost: the backend has no endpoints; the ingress answered 503"
            ])
    }

    @Test func eachKindOfFailureHasItsOwnHelpAndTheFindingCarriesIt() throws {
        let kinds: [ProbeFailure.Kind] = [
            .defaultBackend, .noEndpoints, .swallowed, .badGateway, .gatewayTimeout, .refused, .unresolved, .timeout,
            .noAnswer,
        ]
        let helps = kinds.map { ProbeFailure($0, "x").help }
        #expect(Set(helps).count == kinds.count)
        #expect(ProbeFailure(.noEndpoints, "x").help.contains("selector"))
        #expect(ProbeFailure(.badGateway, "x").help.contains("targetPort"))
        #expect(ProbeFailure(.defaultBackend, "x").help.contains("host"))
        #expect(ProbeFailure(.gatewayTimeout, "x").help.contains("60 s"))
        #expect(ProbeFailure(.refused, "x").help.contains("kubewire up"))
        let target = try #require(IngressProbe.targets(graph: graph(mixedYAML)).first)
        for kind in kinds {
            let failure = ProbeFailure(kind, "went wrong")
            let diagnostics = IngressProbe.diagnostics(
                ProbeRun(results: [ProbeResult(target: target, failure: failure)], connectionFailure: nil))
            #expect(diagnostics.map(\.fix?.message) == [failure.help])
        }
    }

    @Test func nothingListeningIsOneClearSentenceNotAnErrorPerPath() async throws {
        let targets = IngressProbe.targets(graph: graph(courseIngressYAML + "---\n" + courseServicesYAML))
        #expect(targets.count == 4)
        // A port handed out free and never bound: nothing listens there.
        let port = try PortAllocator.freePort()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let run = await IngressProbe.run(targets, baseURL: "http://127.0.0.1:\(port)", client: client)
        try await client.shutdown()
        #expect(run.results.isEmpty)
        let failure = try #require(run.connectionFailure)
        #expect(failure.kind == .refused)
        #expect(failure.message == "connection refused: nothing listens at 127.0.0.1:\(port)")
        let diagnostics = IngressProbe.diagnostics(run)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.span == nil)
        #expect(diagnostics.first?.message.contains("errno") == false)
        #expect(diagnostics.first?.fix?.message == failure.help)
    }

    @Test func aHostThatDoesNotResolveIsSaidOnceWithWhatToDo() async throws {
        let failure = try #require(await IngressProbe.connectionCheck(baseURL: "http://nosuchhost.invalid"))
        #expect(failure.kind == .unresolved)
        #expect(failure.message == "cannot resolve nosuchhost.invalid: no address for that name")
        #expect(failure.help.contains("/etc/hosts"))
    }

    @Test func resultLinesSayPassOrFailPathRequestStatusAndBackend() throws {
        let targets = IngressProbe.targets(graph: graph(courseIngressYAML + "---\n" + courseServicesYAML))
        let posts = try #require(targets.first { $0.path == "/posts" })
        #expect(
            IngressProbe.line(ProbeResult(target: posts, status: 200, reached: "default/query-srv:4002"))
                == "PASS posts.com /posts → GET /posts: 200 via default/query-srv:4002")
        #expect(
            IngressProbe.line(
                ProbeResult(target: posts, failure: ProbeFailure(.timeout, "no answer within 10 s")))
                == "FAIL posts.com /posts → GET /posts: no answer")
    }
}
