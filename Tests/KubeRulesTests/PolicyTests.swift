import Foundation
import KubeDiagnostics
import KubeModel
import KubeRules
import Testing

/// A Service whose selector reaches no pod of its namespace: one `service-selector` error, at the
/// Service's `selector:` (line 20).
private let strayService = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: worker
      namespace: jobs
      labels:
        app: worker
    spec:
      containers:
        - name: worker
          image: worker
          ports:
            - containerPort: 8080
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: worker
      namespace: web
    spec:
      selector:
        app: worker
      ports:
        - port: 8080

    """

private func check(_ yaml: String, _ policy: Policy) -> [Diagnostic] {
    let loaded = ManifestLoader.load(text: yaml, name: "m.yaml")
    #expect(loaded.problems.isEmpty)
    return Checker(policy: policy).check(loaded.graph)
}

/// A scratch folder (no `.git`: the configuration is looked for in it alone), removed by `remove()`.
private struct Scratch {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "kubewire-policy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

@Suite("policy")
struct PolicyTests {
    // MARK: the file and the flags

    @Test func flagsWinOverTheFileAndListsAddUp() throws {
        var file = PolicyFile()
        file.disabled = ["probe-port"]
        file.severities = ["service-url": .warning]
        file.namespace = "shop"
        file.kubeVersion = KubeVersion(major: 1, minor: 30)
        file.failOn = .warning
        file.nodePortRange = 8000...9000
        file.helmValues = ["ci.yaml"]
        file.requireRender = true

        let fileOnly = try Policy.merging(file: file, flags: PolicyFlags())
        #expect(fileOnly.disabled == ["probe-port"])
        #expect(fileOnly.severities == ["service-url": .warning])
        #expect(fileOnly.namespace == "shop")
        #expect(fileOnly.kubeVersion == KubeVersion(major: 1, minor: 30))
        #expect(fileOnly.failOn == .warning)
        #expect(fileOnly.nodePortRange == 8000...9000)
        #expect(fileOnly.helmValues == ["ci.yaml"])
        #expect(fileOnly.requireRender)
        #expect(fileOnly.focus == nil)

        let flags = PolicyFlags(
            disable: ["duplicate-env, service-url", "all"], namespace: "web", kubeVersion: "v1.31.2", failOn: .note,
            helmValues: ["local.yaml"], requireRender: false)
        let merged = try Policy.merging(file: file, flags: flags)
        #expect(merged.disabled == ["probe-port", "duplicate-env", "service-url", "all"])
        #expect(merged.namespace == "web")
        #expect(merged.kubeVersion == KubeVersion(major: 1, minor: 31))
        #expect(merged.failOn == .note)
        #expect(merged.helmValues == ["ci.yaml", "local.yaml"])
        // A flag that is not given leaves the file's value.
        #expect(merged.requireRender)
        #expect(merged.severities == ["service-url": .warning])
        #expect(merged.nodePortRange == 8000...9000)

        let defaults = try Policy.merging(file: nil, flags: PolicyFlags())
        #expect(defaults == Policy())
        #expect(defaults.namespace == "default" && defaults.failOn == .error && defaults.kubeVersion == .current)
    }

    @Test func aFlagThatMeansNothingIsRefusedWithWhatToWrite() {
        #expect(
            throws: PolicyFlagError(
                "unknown rule `service-selectr` (did you mean service-selector?); `kubewire rules` lists them")
        ) {
            try Policy.merging(file: nil, flags: PolicyFlags(disable: ["service-selectr"]))
        }
        #expect(throws: PolicyFlagError("--namespace must not be empty")) {
            try Policy.merging(file: nil, flags: PolicyFlags(namespace: ""))
        }
        #expect(throws: PolicyFlagError("--kube-version takes a release like 1.29, not `latest`")) {
            try Policy.merging(file: nil, flags: PolicyFlags(kubeVersion: "latest"))
        }
        #expect(throws: PolicyFlagError.self) {
            try Policy.merging(file: nil, flags: PolicyFlags(kubeVersion: "1.20"))
        }
    }

    @Test func theFileIsFoundAndReadWithItsProblemsAtTheirPositions() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(
            ".kubewire.yaml",
            """
            disable: [service-selector]
            severity: {service-url: warning, probe-prot: note}
            nodePortRange: "9000-8000"

            """)
        let loaded = try Policy.load(from: scratch.path)
        let configPath = try #require(loaded.configPath)
        #expect(configPath.hasSuffix("/.kubewire.yaml") && configPath.hasPrefix("/"))
        #expect(loaded.problems.map(\.ruleID) == ["config", "config"])
        #expect(loaded.problems.map { $0.span.map { "\($0.line):\($0.column)" } } == ["2:34", "3:16"])
        #expect(loaded.problems[0].message.contains("did you mean probe-port?"))
        // What the file says right is read all the same (the caller reports the problems, exit 2).
        #expect(loaded.policy.disabled == ["service-selector"])
        #expect(loaded.policy.severities == ["service-url": .warning])

        try scratch.write(".kubewire.yaml", "failOn: warning\n")
        #expect(try Policy.load(from: scratch.path).policy.failOn == .warning)
        // `--config` names the file; flags still win over it.
        let named = try scratch.write("ci.yaml", "namespace: ci\nfailOn: note\n")
        let withFlags = try Policy.load(configPath: named, from: scratch.path, flags: PolicyFlags(failOn: .error))
        #expect(withFlags.configPath == named)
        #expect(withFlags.policy.namespace == "ci" && withFlags.policy.failOn == .error)

        let empty = try Scratch()
        defer { empty.remove() }
        let none = try Policy.load(from: empty.path)
        #expect(none.configPath == nil && none.problems.isEmpty && none.policy == Policy())
    }

    // MARK: what Checker applies

    @Test func selectionTurnsRulesOffOneByOneOrAll() {
        #expect(check(strayService, Policy()).map(\.ruleID) == ["service-selector"])
        #expect(check(strayService, Policy(disabled: ["service-selector"])).isEmpty)
        #expect(check(strayService, Policy(disabled: ["probe-port"])).map(\.ruleID) == ["service-selector"])
        #expect(Checker(policy: Policy(disabled: ["all"])).rules.isEmpty)
        #expect(
            !Checker(policy: Policy(disabled: ["service-selector"])).rules.contains { $0.id == "service-selector" }
        )
    }

    @Test func aSeverityOverrideChangesTheFindingsSeverityOnly() throws {
        let found = try #require(check(strayService, Policy(severities: ["service-selector": .note])).first)
        #expect(found.ruleID == "service-selector" && found.severity == .note)
        #expect(check(strayService, Policy(severities: ["service-url": .note])).first?.severity == .error)
        #expect(!Policy(severities: ["service-selector": .note]).fails([found]))
        #expect(Policy(failOn: .note).fails([found]))
    }

    @Test func theAnnotationSilencesItsObjectsFindings() {
        let annotated = strayService.replacingOccurrences(
            of: "  name: worker\n  namespace: web\n",
            with: "  name: worker\n  namespace: web\n  annotations: {kubewire.dev/disable: \"probe-port\"}\n")
        #expect(check(annotated, Policy()).map(\.ruleID) == ["service-selector"])
        for ids in ["service-selector", "probe-port, service-selector", "all"] {
            let silenced = strayService.replacingOccurrences(
                of: "  name: worker\n  namespace: web\n",
                with: "  name: worker\n  namespace: web\n  annotations: {kubewire.dev/disable: \"\(ids)\"}\n")
            #expect(check(silenced, Policy()).isEmpty, "\(ids)")
        }
    }

    @Test func onlyTheFilesInFocusReportFindings() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // The pods in one file, the Service that misses them in the other.
        let parts = strayService.components(separatedBy: "---\n")
        let pods = try scratch.write("pods.yaml", parts[0])
        let service = try scratch.write("service.yaml", parts[1])
        let loaded = ManifestLoader.load([.path(pods), .path(service)])
        func findings(focus: Set<String>?) -> [Diagnostic] {
            Checker(policy: Policy(focus: focus)).check(loaded.graph)
        }
        #expect(findings(focus: nil).map(\.ruleID) == ["service-selector"])
        #expect(findings(focus: [ManifestLoader.canonicalPath(pods) ?? pods]).isEmpty)
        #expect(
            findings(focus: [ManifestLoader.canonicalPath(service) ?? service]).map(\.ruleID) == ["service-selector"])
        // A finding with no location is always reported.
        let unplaced = Diagnostic(ruleID: "service-selector", severity: .error, span: nil, message: "m")
        #expect(Policy(focus: []).apply(to: [unplaced], in: loaded.graph).count == 1)
    }
}
