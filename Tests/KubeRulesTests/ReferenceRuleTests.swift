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
