import KubeModel
import Testing

@testable import LocalCluster

private func ingressYAML(
    _ name: String, host: String?, paths: [(path: String, type: String, service: String, port: Int)],
    annotations: [String: String] = [:], className: String? = "nginx", defaultBackend: (String, Int)? = nil
) -> String {
    var text = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: \(name)\n"
    if !annotations.isEmpty {
        text += "  annotations:\n"
        for (key, value) in annotations.sorted(by: { $0.key < $1.key }) { text += "    \(key): \"\(value)\"\n" }
    }
    text += "spec:\n"
    if let className { text += "  ingressClassName: \(className)\n" }
    if let (service, port) = defaultBackend {
        text += "  defaultBackend:\n    service:\n      name: \(service)\n      port:\n        number: \(port)\n"
    }
    if !paths.isEmpty {
        text += "  rules:\n"
        text += host.map { "    - host: \($0)\n      http:\n" } ?? "    - http:\n"
        text += "        paths:\n"
        for entry in paths {
            text += """
                          - path: "\(entry.path)"
                            pathType: \(entry.type)
                            backend:
                              service:
                                name: \(entry.service)
                                port:
                                  number: \(entry.port)

                """
        }
    }
    return text
}

private func describe(_ server: NginxServer) -> [String] {
    server.locations.map { location in
        let match =
            switch location.match {
            case .regex: "~*"
            case .exact: "="
            case .prefix: "^"
            }
        return "\(match) \(location.path)"
    }
}

@Suite struct IngressPlanTests {
    @Test func courseIngressIsOrderedLongestFirstThenDescendingBytes() throws {
        let plan = try coursePlan()
        let server = try #require(plan.servers.first { $0.host == "posts.com" })
        #expect(server.regexMode)
        // Regex paths of a use-regex Ingress are not split; `/posts` beats `/?(.*)` because `p` > `?`.
        #expect(
            describe(server) == [
                "~* /posts/?(.*)/comments", "~* /posts/create", "~* /posts", "~* /?(.*)", "~* /",
            ])
        #expect(
            server.locations.map(\.marker) == [
                "default/comments-srv:4001", "default/posts-clusterip-srv:4000", "default/query-srv:4002",
                "default/client-srv:3000", "default-backend",
            ])
        #expect(
            server.locations[0].target
                == .service(namespace: "default", name: "comments-srv", port: 4001, listener: 14001))
        #expect(server.locations[0].source == "default/ingress-srv")
        // The catch-all server always exists and answers 404.
        let catchAll = try #require(plan.servers.first { $0.host == "_" })
        #expect(!catchAll.regexMode)
        #expect(describe(catchAll) == ["^ /"])
        #expect(catchAll.locations[0].target == .defaultBackend)
    }

    @Test func withoutRegexPrefixIsSplitAndExactStaysExact() throws {
        let yaml = ingressYAML(
            "plain", host: "shop.test",
            paths: [
                ("/b", "Prefix", "b-srv", 80), ("/ex", "Exact", "ex-srv", 80),
                ("/api", "ImplementationSpecific", "api-srv", 80),
                ("/dir/", "Prefix", "b-srv", 80),
            ])
        let services = ["b-srv", "ex-srv", "api-srv"].enumerated().map {
            servicePlan($1, port: 80, listener: 15000 + $0)
        }
        let plan = try IngressPlan.make(
            graph: graph(
                yaml + "---\n"
                    + ["b-srv", "ex-srv", "api-srv"].map { serviceYAML($0, port: 80) }.joined(separator: "---\n")),
            services: services)
        let server = try #require(plan.servers.first { $0.host == "shop.test" })
        #expect(!server.regexMode)
        // Ordered on the paths as written; each exact copy follows its prefix.
        #expect(
            describe(server) == [
                "^ /dir/", "= /dir/", "^ /api/", "= /api", "= /ex", "^ /b/", "= /b", "^ /",
            ])
        #expect(server.locations.first { $0.path == "/api" }?.marker == "default/api-srv:80")
    }

    @Test func prefixNextToAnExactOfTheSamePathGetsNoSecondExactCopy() throws {
        let yaml = ingressYAML(
            "both", host: "a.test", paths: [("/foo", "Prefix", "p-srv", 80), ("/foo", "Exact", "e-srv", 80)])
        let plan = try IngressPlan.make(
            graph: graph(yaml + "---\n" + serviceYAML("p-srv", port: 80) + "---\n" + serviceYAML("e-srv", port: 80)),
            services: [
                servicePlan("p-srv", port: 80, listener: 15001), servicePlan("e-srv", port: 80, listener: 15002),
            ])
        let server = try #require(plan.servers.first { $0.host == "a.test" })
        #expect(describe(server).filter { $0 == "= /foo" }.count == 1)
        #expect(server.locations.first { $0.match == .exact && $0.path == "/foo" }?.marker == "default/e-srv:80")
        #expect(server.locations.first { $0.match == .prefix && $0.path == "/foo/" }?.marker == "default/p-srv:80")
    }

    @Test func useRegexOnOneIngressMakesEveryPathOfTheHostRegex() throws {
        let regex = ingressYAML(
            "regex", host: "posts.com", paths: [("/r/?(.*)", "ImplementationSpecific", "r-srv", 80)],
            annotations: ["nginx.ingress.kubernetes.io/use-regex": "true"])
        let plain = ingressYAML(
            "plain", host: "posts.com", paths: [("/ex", "Exact", "r-srv", 80), ("/api", "Prefix", "r-srv", 80)])
        let other = ingressYAML("other", host: "other.com", paths: [("/api", "Prefix", "r-srv", 80)])
        let plan = try IngressPlan.make(
            graph: graph([regex, plain, other, serviceYAML("r-srv", port: 80)].joined(separator: "---\n")),
            services: [servicePlan("r-srv", port: 80, listener: 15003)])
        let posts = try #require(plan.servers.first { $0.host == "posts.com" })
        #expect(posts.regexMode)
        // The non-regex Ingress's Prefix is still split (its own Ingress has no use-regex), but rendered as regex.
        #expect(describe(posts) == ["~* /r/?(.*)", "~* /api/", "~* /api", "~* /ex", "~* /"])
        let otherServer = try #require(plan.servers.first { $0.host == "other.com" })
        #expect(!otherServer.regexMode)
        #expect(describe(otherServer) == ["^ /api/", "= /api", "^ /"])
    }

    @Test func rewriteTargetAlsoForcesRegexMode() throws {
        let yaml = ingressYAML(
            "rw", host: "rw.test", paths: [("/app(/|$)(.*)", "ImplementationSpecific", "r-srv", 80)],
            annotations: ["nginx.ingress.kubernetes.io/rewrite-target": "/$2"])
        let plan = try IngressPlan.make(
            graph: graph(yaml + "---\n" + serviceYAML("r-srv", port: 80)),
            services: [servicePlan("r-srv", port: 80, listener: 15004)])
        let server = try #require(plan.servers.first { $0.host == "rw.test" })
        #expect(server.regexMode)
        #expect(describe(server) == ["~* /app(/|$)(.*)", "~* /"])
    }

    @Test func useRegexIsReadLikeParseBool() throws {
        let yaml = ingressYAML(
            "yes", host: "y.test", paths: [("/a", "Prefix", "r-srv", 80)],
            annotations: ["nginx.ingress.kubernetes.io/use-regex": "yes"])
        let plan = try IngressPlan.make(
            graph: graph(yaml + "---\n" + serviceYAML("r-srv", port: 80)),
            services: [servicePlan("r-srv", port: 80, listener: 15005)])
        let server = try #require(plan.servers.first { $0.host == "y.test" })
        #expect(!server.regexMode)
        #expect(describe(server) == ["^ /a/", "= /a", "^ /"])
    }

    @Test func defaultBackendOfAnIngressWithoutRulesServesTheCatchAllRoot() throws {
        let fallback = ingressYAML("fallback", host: nil, paths: [], defaultBackend: ("d-srv", 8080))
        let plan = try IngressPlan.make(
            graph: graph(
                fallback + "---\n" + courseIngressYAML + "---\n" + serviceYAML("d-srv", port: 8080) + "---\n"
                    + courseServicesYAML),
            services: courseServicePlans + [servicePlan("d-srv", port: 8080, listener: 18080)])
        let catchAll = try #require(plan.servers.first { $0.host == "_" })
        #expect(catchAll.locations.count == 1)
        #expect(catchAll.locations[0].path == "/")
        #expect(
            catchAll.locations[0].target == .service(namespace: "default", name: "d-srv", port: 8080, listener: 18080))
        // Other hosts keep the 404 default backend for their root.
        let posts = try #require(plan.servers.first { $0.host == "posts.com" })
        #expect(posts.locations.last?.target == .defaultBackend)
    }

    @Test func defaultBackendOfAnIngressWithRulesServesTheRootOfItsHost() throws {
        let yaml = ingressYAML(
            "withdefault", host: "d.test", paths: [("/a", "Prefix", "a-srv", 80)], defaultBackend: ("d-srv", 8080))
        let plan = try IngressPlan.make(
            graph: graph(
                [yaml, serviceYAML("a-srv", port: 80), serviceYAML("d-srv", port: 8080)].joined(separator: "---\n")),
            services: [
                servicePlan("a-srv", port: 80, listener: 15006), servicePlan("d-srv", port: 8080, listener: 18081),
            ])
        let server = try #require(plan.servers.first { $0.host == "d.test" })
        let root = try #require(server.locations.first { $0.path == "/" })
        #expect(root.marker == "default/d-srv:8080")
        #expect(try #require(plan.servers.first { $0.host == "_" }).locations[0].target == .defaultBackend)
    }

    @Test func rootPathFromAnIngressReplacesTheBuiltInRoot() throws {
        let yaml = ingressYAML("root", host: "r.test", paths: [("/", "Prefix", "a-srv", 80)])
        let plan = try IngressPlan.make(
            graph: graph(yaml + "---\n" + serviceYAML("a-srv", port: 80)),
            services: [servicePlan("a-srv", port: 80, listener: 15007)])
        let server = try #require(plan.servers.first { $0.host == "r.test" })
        #expect(describe(server) == ["^ /"])
        #expect(server.locations[0].marker == "default/a-srv:80")
    }

    @Test func backendWithoutEndpointsOrServiceBecomesA503Location() throws {
        let yaml = ingressYAML(
            "gaps", host: "g.test",
            paths: [
                ("/empty", "Exact", "empty-srv", 80), ("/missing", "Exact", "ghost-srv", 80),
                ("/port", "Exact", "empty-srv", 81),
            ])
        let plan = try IngressPlan.make(
            graph: graph(yaml + "---\n" + serviceYAML("empty-srv", port: 80)),
            services: [servicePlan("empty-srv", port: 80, listener: 15008, endpoints: 0)])
        let server = try #require(plan.servers.first { $0.host == "g.test" })
        func target(_ path: String) -> NginxLocation.Target? { server.locations.first { $0.path == path }?.target }
        #expect(target("/empty") == .unavailable("Service default/empty-srv has no endpoints"))
        #expect(target("/missing") == .unavailable("Service default/ghost-srv has no port 80"))
        #expect(target("/port") == .unavailable("Service default/empty-srv has no port 81"))
        #expect(server.locations.filter { $0.path != "/" }.allSatisfy { $0.marker == "unavailable" })
    }

    @Test func samePathInTwoIngressesKeepsTheFirst() throws {
        let first = ingressYAML("first", host: "dup.test", paths: [("/x", "Prefix", "a-srv", 80)])
        let second = ingressYAML("second", host: "dup.test", paths: [("/x", "ImplementationSpecific", "b-srv", 80)])
        let plan = try IngressPlan.make(
            graph: graph(
                [first, second, serviceYAML("a-srv", port: 80), serviceYAML("b-srv", port: 80)].joined(
                    separator: "---\n")),
            services: [
                servicePlan("a-srv", port: 80, listener: 15009), servicePlan("b-srv", port: 80, listener: 15010),
            ])
        let server = try #require(plan.servers.first { $0.host == "dup.test" })
        #expect(describe(server) == ["^ /x/", "= /x", "^ /"])
        #expect(server.locations.filter { $0.path != "/" }.allSatisfy { $0.source == "default/first" })
    }

    @Test func ingressesOfAnotherClassAreIgnoredAndListed() throws {
        let traefik = ingressYAML("t", host: "t.test", paths: [("/a", "Prefix", "a-srv", 80)], className: "traefik")
        let none = ingressYAML("n", host: "n.test", paths: [("/a", "Prefix", "a-srv", 80)], className: nil)
        let plan = try IngressPlan.make(
            graph: graph([traefik, none, serviceYAML("a-srv", port: 80)].joined(separator: "---\n")),
            services: [servicePlan("a-srv", port: 80, listener: 15011)])
        #expect(plan.servers.map(\.host) == ["_"])
        #expect(plan.ignored == ["default/t (class traefik)", "default/n (class none)"])
    }
}
