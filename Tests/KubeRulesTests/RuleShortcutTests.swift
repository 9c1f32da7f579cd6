import KubeDiagnostics
import KubeModel
import KubeRules
import Testing

private func findings(_ yaml: String) -> [Diagnostic] {
    let loaded = ManifestLoader.load(text: yaml, name: "m.yaml")
    #expect(loaded.problems.isEmpty)
    return Checker().check(loaded.graph)
}

private func messages(_ yaml: String, rule: String) -> [String] {
    findings(yaml).filter { $0.ruleID == rule }.map(\.message)
}

/// The rules settle the common case (nothing to report) from names as written, without reading
/// the nodes again; these are the cases at the edge of those shortcuts, where the YAML type or a
/// second container decides.
@Suite("rule shortcuts")
struct RuleShortcutTests {
    @Test func aServicePortNamedByANumberIsUnnamed() {
        // The text `80` is a valid-looking name, but YAML reads it as a number: no name.
        let found = messages(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              ports:
                - {name: http, port: 80}
                - {name: 81, port: 81}
            """, rule: "duplicate-port")
        #expect(found.count == 1 && found[0].contains("every port needs a name"), "\(found)")
    }

    @Test func aPortNameRepeatedInAnotherContainerIsADuplicate() {
        let found = messages(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - {name: a, image: a, ports: [{name: http, containerPort: 80}]}
                - {name: b, image: b, ports: [{name: metrics, containerPort: 90}, {name: http, containerPort: 81}]}
            """, rule: "duplicate-port")
        #expect(found.count == 1 && found[0].contains("container port name http is used twice"), "\(found)")
    }

    @Test func servicePortsRepeatingANumberForAnotherProtocolAreDistinct() {
        let found = messages(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: dns}
            spec:
              ports:
                - {name: dns, port: 53, protocol: UDP}
                - {name: dns-tcp, port: 53, protocol: TCP}
                - {name: dns-again, port: 53, protocol: UDP}
            """, rule: "duplicate-port")
        #expect(found.count == 1 && found[0].contains("53/UDP twice"), "\(found)")
    }

    @Test func containerPortsRepeatingANumberAndProtocolAreReported() {
        let found = messages(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: a
                  image: a
                  ports: [{containerPort: 80}, {containerPort: 80, protocol: UDP}, {containerPort: 80}]
            """, rule: "duplicate-container-port")
        #expect(found.count == 1 && found[0].contains("80/TCP"), "\(found)")
    }

    @Test func labelValuesAreCheckedOnlyWhenYAMLReadsThemAsStrings() {
        // `1.0` is a number (field-type's), `-bad` an invalid string value, the rest valid.
        let found = messages(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {version: 1.0, app: web, tier: -bad, Empty: ""}
            """, rule: "name-format")
        #expect(found.count == 1 && found[0].contains("-bad"), "\(found)")
    }

    @Test func metadataFieldsAreReadWhereverTheyAreWritten() {
        // Labels before the name, a namespace last: each is still checked.
        let found = messages(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              labels: {"bad key!": x}
              name: Settings
              annotations: {"Example.com/ok": x, "-bad/": y}
              namespace: Team_A
            """, rule: "name-format")
        #expect(found.count == 4, "\(found)")
        #expect(found.contains { $0.contains("ConfigMap name") && $0.contains("Settings") })
        #expect(found.contains { $0.contains("namespace") && $0.contains("Team_A") })
        #expect(found.contains { $0.contains("label key") && $0.contains("bad key!") })
        #expect(found.contains { $0.contains("annotation key") && $0.contains("-bad/") })
    }

    @Test func onlyCoreServicesHaveDNS1035Names() {
        let found = messages(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: 1web}
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: 1web}
            """, rule: "name-format")
        #expect(found.count == 1 && found[0].contains("DNS-1035"), "\(found)")
    }

    @Test func invalidContainerAndPortNamesAreReported() {
        let found = messages(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: Web_App
                  image: a
                  ports: [{name: http--x, containerPort: 80}, {name: http, containerPort: 81}]
                  readinessProbe: {httpGet: {port: "8080"}}
            """, rule: "name-format")
        #expect(found.count == 3, "\(found)")
        #expect(found.contains { $0.contains("container name") })
        #expect(found.contains { $0.contains("container port name") })
        #expect(found.contains { $0.contains("readinessProbe port") && $0.contains("quoted") })
    }

    @Test func repeatedEnvNamesAreFoundAmongOthers() {
        let all = findings(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: a
                  image: a
                  env: [{name: A, value: "1"}, {name: B, value: "2"}, {name: A, value: "3"}]
            """)
        #expect(all.filter { $0.ruleID == "duplicate-env" }.count == 1, "\(all.map(\.message))")
    }

    @Test func repeatedContainerNamesAndMountPathsAreFound() {
        let found = messages(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              volumes: [{name: a, emptyDir: {}}, {name: b, emptyDir: {}}]
              containers:
                - {name: app, image: a, volumeMounts: [{name: a, mountPath: /x}]}
                - {name: side, image: a, volumeMounts: [{name: a, mountPath: /y}, {name: b, mountPath: /y}]}
                - {name: app, image: a}
            """, rule: "duplicate-name")
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.contains("mounts two volumes at /y") })
        #expect(found.contains { $0.contains("are named app") })
    }

    @Test func aSelectorWithExpressionsIsStillMatchedAgainstTheLabels() {
        let found = messages(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector:
                matchLabels: {app: web}
                matchExpressions: [{key: tier, operator: In, values: [front]}]
              template:
                metadata: {labels: {app: web, tier: back}}
                spec: {containers: [{name: a, image: a}]}
            """, rule: "workload-selector")
        #expect(found.count == 1, "\(found)")
    }

    @Test func aProbeOfAPortDeclaredOnlyForUDPIsReported() {
        let found = messages(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: dns}
            spec:
              containers:
                - name: dns
                  image: dns
                  ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: metrics, containerPort: 9153}]
                  livenessProbe: {tcpSocket: {port: dns}}
                  readinessProbe: {tcpSocket: {port: metrics}}
            """, rule: "probe-port")
        #expect(found.count == 1 && found[0].contains("only as UDP"), "\(found)")
    }

    @Test func objectsOfTheSameKindInAnotherAPIGroupAreNotDuplicates() {
        let found = messages(
            """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: web}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            """, rule: "duplicate-object")
        #expect(found.count == 1, "\(found)")
    }

    @Test func aServiceAccountReferenceIsFoundWhenOnlyServiceAccountsAreAsked() {
        let found = messages(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web-sa}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              serviceAccountName: web-as
              containers: [{name: a, image: a, env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}}}]}]
            """, rule: "service-account")
        #expect(found.count == 1 && found[0].contains("web-as"), "\(found)")
    }
}
