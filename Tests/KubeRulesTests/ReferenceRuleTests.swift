import KubeDiagnostics
import KubeModel
import KubeRules
import Testing

private func findings(_ yaml: String) -> [Diagnostic] {
    let loaded = ManifestLoader.load(text: yaml, name: "m.yaml")
    #expect(loaded.problems.isEmpty)
    return Checker().check(loaded.graph)
}

@Suite("reference rules")
struct ReferenceRuleTests {
    @Test func aBrokenServiceIsOneErrorWithANotePerPathAndURLItBreaks() throws {
        let all = findings(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - name: web
                      image: web
                      ports: [{containerPort: 80}]
                      env: [{name: SELF_URL, value: "http://web-srv:80/x"}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-srv}
            spec:
              selector: {app: wbe}
              ports: [{port: 80}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: ing}
            spec:
              ingressClassName: nginx
              rules:
                - host: a.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web-srv, port: {number: 80}}}}
            """)
        #expect(all.map(\.ruleID) == ["service-selector"], "\(all.map(\.message))")
        let finding = try #require(all.first)
        let notes = finding.notes.map(\.message)
        #expect(notes.contains { $0.contains("path / of host a.com of Ingress ing") })
        #expect(notes.contains { $0.contains("http://web-srv:80/x in Deployment web") })
        // Every note about a user points at it.
        #expect(finding.notes.allSatisfy { $0.span != nil })
    }

    /// A selector that matches nothing leaves the Service without endpoints (503 from ingress-nginx);
    /// a numeric targetPort the pod does not serve is a refused connection (502), not a 503.
    @Test func notesOnUsersSayWhatTheyActuallyGet() throws {
        func manifest(selector: String, targetPort: Int) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - {name: web, image: web, ports: [{containerPort: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-srv}
            spec:
              selector: {app: \(selector)}
              ports: [{port: 80, targetPort: \(targetPort)}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: ing}
            spec:
              ingressClassName: nginx
              rules:
                - host: a.com
                  http:
                    paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web-srv, port: {number: 80}}}}
            """
        }
        let noEndpoints = try #require(findings(manifest(selector: "wbe", targetPort: 80)).first)
        #expect(
            noEndpoints.notes.contains {
                $0.message.hasSuffix("routes here and gets 503 (the Service has no endpoints)")
            })
        let refused = try #require(findings(manifest(selector: "web", targetPort: 8080)).first)
        #expect(refused.ruleID == "service-target-port-undeclared")
        #expect(refused.notes.contains { $0.message.contains("routes here and gets 502") }, "\(refused.notes)")
        #expect(!refused.notes.contains { $0.message.contains("503") })
    }

    /// A Service name's did-you-mean in a URL is an edit of the URL's own columns (it used to be a
    /// replacement without a span); where escapes hide the columns, the corrected URL is in words.
    @Test func aURLFixEditsTheURLOrSaysItInWords() throws {
        func deployment(_ value: String) -> String {
            """
            apiVersion: v1
            kind: Service
            metadata: {name: posts-srv}
            spec:
              selector: {app: web}
              ports: [{port: 80}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - name: web
                      image: web
                      ports: [{containerPort: 80}]
                      env:
                        - {name: POSTS, value: \(value)}
            """
        }
        let plain = try #require(findings(deployment("http://post-srv/x")).first { $0.ruleID == "service-url" })
        let fix = try #require(plain.fix)
        #expect(fix.applicability == .maybeIncorrect)
        #expect(fix.edits == [TextEdit(try #require(plain.span), "http://posts-srv/x")])
        let span = try #require(plain.span)
        #expect(span.endColumn - span.column == "http://post-srv/x".count)
        let escaped = try #require(
            findings(deployment("'http://post-srv/it''s'")).first { $0.ruleID == "service-url" })
        #expect(escaped.fix?.edits.isEmpty == true)
        #expect(escaped.fix?.help.contains("`http://posts-srv/it's`") == true, "\(String(describing: escaped.fix))")
    }

    /// A v1 backend in the v1beta1 form: one error, whose fix replaces both fields with the v1 form;
    /// the Service it names is still resolved.
    @Test func aV1BackendInTheV1beta1FormIsOneErrorWithTheConversion() throws {
        let all = findings(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web-srv}
            spec:
              ports: [{port: 80}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: ing}
            spec:
              ingressClassName: nginx
              defaultBackend:
                serviceName: web-svr
                servicePort: 80
              rules:
                - http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          servicePort: "4000"
                          serviceName: "on"
            """)
        let sorted = Diagnostic.sortedForOutput(all)
        let legacy = sorted.filter { $0.ruleID == "unknown-field" }
        try #require(legacy.count == 2, "\(all.map(\.message))")
        let fix = try #require(legacy[0].fix)
        #expect(fix.replacement == "service: {name: web-svr, port: {number: 80}}")
        #expect(fix.span?.line == 13 && fix.span?.column == 5)
        #expect(fix.span?.endLine == 14 && fix.span?.endColumn == 20)
        // A quoted number is meant as the number; a name YAML would read as a boolean is quoted.
        #expect(legacy[1].fix?.replacement == "service: {name: \"on\", port: {number: 4000}}")
        // The Service is still resolved through the old fields: a near name is proven missing (a
        // name with no near Service, `on`, may be installed separately and stays quiet).
        let backend = sorted.filter { $0.ruleID == "ingress-backend" }
        try #require(backend.count == 1, "\(all.map(\.message))")
        #expect(backend[0].message.contains("web-svr"), "\(backend[0].message)")
        #expect(backend[0].fix?.replacement == "web-srv")
    }

    @Test func aNearNameIsSuggestedWithTheCandidatesLocation() throws {
        let all = findings(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {A: "1"}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: c
                  image: i
                  envFrom: [{configMapRef: {name: setings}}]
            """)
        let finding = try #require(all.first { $0.ruleID == "configmap-ref" })
        #expect(finding.severity == .error)
        #expect(finding.span?.line == 13)
        #expect(finding.notes.first?.span?.line == 3)
        #expect(finding.fix?.replacement == "settings")
    }

    /// (name written, name defined, whether the written one is reported as a typo of the other).
    @Test(arguments: [
        ("hf-secret", "chap-secret", false),
        ("smoke-secret", "cafe-secret", false),
        ("db-tls", "hf-tls", false),
        ("app-1", "app-2", false),
        ("chap-secert", "chap-secret", true),
        ("Chap-Secret", "chap-secret", true),
        ("chap_secret", "chap-secret", true),
        ("post-srv", "posts-srv", true),
        ("posts-srv", "posts-clusterip-srv", true),
        ("setings", "settings", true),
    ])
    func aSharedNameTokenDoesNotMakeANearName(written: String, defined: String, isTypo: Bool) {
        let all = findings(
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: \(defined)}
            stringData: {k: v}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: c
                  image: i
                  envFrom: [{secretRef: {name: \(written)}}]
            """)
        let typo = all.first { $0.ruleID == "secret-ref" }
        #expect((typo != nil) == isTypo)
        if isTypo { #expect(typo?.fix?.replacement == defined) }
    }

    @Test func absentObjectsFromOutsideTheInputsAreNotReported() {
        let all = findings(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              serviceAccountName: robot
              containers:
                - name: c
                  image: i
                  env: [{name: T, valueFrom: {secretKeyRef: {name: vault-token, key: t}}}]
              volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
            """)
        #expect(all.isEmpty, "\(all.map(\.message))")
    }

    @Test func unnamedObjectsAreNamedSo() throws {
        let all = findings(
            """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {labels: {app: x}}
            spec:
              containers: [{name: c, image: i}]
              volumes: [{name: d, persistentVolumeClaim: {claimName: dta}}]
            """)
        let finding = try #require(all.first { $0.ruleID == "volume-claim" })
        #expect(finding.message.hasPrefix("Pod (unnamed) volume d names PersistentVolumeClaim dta"))
    }
}
