import KubeModel
import Testing

@testable import KubeRules

/// The per-path scans of the Ingress rules look at UTF-8 bytes first (every character they look
/// for is one ASCII byte) and at Characters only when such a byte is there: the answers stay those
/// of the Character definitions, also for a `?` or `#` that a combining mark makes part of a
/// longer Character, for non-ASCII paths, and for every forbidden segment.
@Suite("ingress path scans")
struct IngressPathScanTests {
    /// The paths of one networking.k8s.io/v1 Ingress, each with pathType `type`.
    private func paths(_ texts: [String], type: String = "Prefix") -> [IngressPath] {
        let items = texts.map { text in
            """
                      - path: "\(text)"
                        pathType: \(type)
                        backend: {service: {name: web, port: {number: 80}}}
            """
        }
        let yaml = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
                - http:
                    paths:
            \(items.joined(separator: "\n"))
            """
        let loaded = ManifestLoader.load(text: yaml, name: "m.yaml", options: LoadOptions(defaultNamespace: "default"))
        return loaded.graph.ingresses.flatMap { $0.rules.flatMap(\.paths) }
    }

    @Test func regexLookingPathsAreThoseWithAMetacharacterAsACharacter() {
        for metacharacter in ["?", "*", "+", "(", ")", "[", "]", "{", "}", "|", "^", "$", "\\"] {
            #expect(LocationRegex.looksLikeRegex("/posts" + metacharacter), "\(metacharacter)")
        }
        #expect(!LocationRegex.looksLikeRegex("/v1.2/posts-and_more"))
        #expect(!LocationRegex.looksLikeRegex("/équipe/café"))
        // `?` with a combining acute accent is one Character, not `?`.
        #expect(!LocationRegex.looksLikeRegex("/a?\u{301}"))
        #expect(LocationRegex.looksLikeRegex("/a?\u{301}/b?"))
    }

    @Test func unmatchableCharactersAreWholeCharacters() {
        #expect(IngressPathUnmatchableRule.unmatchableCharacter(in: "/posts/?(.*)") == "?")
        #expect(IngressPathUnmatchableRule.unmatchableCharacter(in: "/docs#intro") == "#")
        #expect(IngressPathUnmatchableRule.unmatchableCharacter(in: "/équipe/café") == nil)
        #expect(IngressPathUnmatchableRule.unmatchableCharacter(in: "/a#\u{301}") == nil)
        #expect(IngressPathUnmatchableRule.unmatchableCharacter(in: "/a#\u{301}/b?") == "?")
    }

    /// ingress-nginx ≥ 1.12 rejects an Exact or Prefix path outside `^/[A-Za-z0-9._\-/]*$`, unless
    /// the API server already refuses it (a forbidden segment or a trailing dot segment).
    @Test func strictPathTypeRejectsWhatTheControllerRejectsAndTheAPIServerDoesNot() {
        let cases: [(String, Bool)] = [
            ("/api/v1.2/posts-and_more", false),
            ("/", false),
            ("/posts/?(.*)", true),
            ("/équipe", true),
            ("/a%20b", true),
            // The API server's errors, not also the controller's.
            ("/a//b", false),
            ("/a/./b", false),
            ("/a/../b", false),
            ("/a%2fb", false),
            ("/a%2Fb", false),
            ("/a/..", false),
            ("/a/.", false),
            // Dots that are no dot segment.
            ("/a/.well-known", false),
            ("/a/..b", false),
        ]
        let found = paths(cases.map(\.0))
        #expect(found.count == cases.count)
        for (path, (text, rejects)) in zip(found, cases) {
            #expect(path.path == text)
            #expect(IngressPathRule.strictPathTypeRejects(path) == rejects, "\(text)")
        }
        // ImplementationSpecific paths may be regexes.
        #expect(
            paths(["/posts/?(.*)"], type: "ImplementationSpecific").allSatisfy {
                !IngressPathRule.strictPathTypeRejects($0)
            })
    }

    /// The three backend forms, each key looked up once: v1 (`service`), v1beta1
    /// (`serviceName`/`servicePort`), and the v1beta1 form written in a v1 Ingress.
    @Test func backendsOfEveryForm() {
        func backend(_ apiVersion: String, _ flow: String) -> IngressBackend? {
            let yaml = """
                apiVersion: \(apiVersion)
                kind: Ingress
                metadata: {name: web}
                spec:
                  rules:
                    - http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend: \(flow)
                """
            let loaded = ManifestLoader.load(
                text: yaml, name: "m.yaml", options: LoadOptions(defaultNamespace: "default"))
            return loaded.graph.ingresses.first?.rules.first?.paths.first?.backend
        }
        let v1 = backend("networking.k8s.io/v1", "{service: {name: web, port: {name: http}}}")
        #expect(v1?.serviceName == "web")
        #expect(v1?.port == .name("http"))
        #expect(v1?.usesLegacyFieldsInV1 == false)
        let legacy = backend("networking.k8s.io/v1beta1", "{serviceName: web, servicePort: 80}")
        #expect(legacy?.serviceName == "web")
        #expect(legacy?.port == .number(80))
        #expect(legacy?.usesLegacyFieldsInV1 == false)
        let mixed = backend("networking.k8s.io/v1", "{serviceName: web, servicePort: 80}")
        #expect(mixed?.serviceName == "web")
        #expect(mixed?.port == .number(80))
        #expect(mixed?.usesLegacyFieldsInV1 == true)
        let neither = backend("networking.k8s.io/v1", "{resource: {kind: Bucket, name: assets}}")
        #expect(neither?.serviceName == nil)
        #expect(neither?.serviceNameNode == nil)
        #expect(neither?.portNode == nil)
        #expect(neither?.isResource == true)
        #expect(neither?.usesLegacyFieldsInV1 == false)
        // A v1beta1 Ingress reads only the v1beta1 keys.
        let v1InLegacy = backend("networking.k8s.io/v1beta1", "{service: {name: web, port: {number: 80}}}")
        #expect(v1InLegacy?.serviceName == nil)
        #expect(v1InLegacy?.usesLegacyFieldsInV1 == false)
    }
}
