import KubeDiagnostics
import KubeModel
import Testing

@testable import KubeSchema

/// The walk over nodes: what each finding says and where it points.
struct SchemaPassTests {
    static func run(_ text: String, minor: Int = 37) -> SchemaPassResult {
        let loaded = ManifestLoader.load(text: text, name: "m.yaml")
        return SchemaPass.run(loaded.graph, minor: minor) { _, _ in false }
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: posts
        spec:
          selector:
            matchLabels: {app: posts}
          template:
            metadata:
              labels: {app: posts}
            spec:
              containers:
                - name: posts
                  image: blog/posts

        """

    @Test func cleanDeploymentHasNoFinding() {
        let result = Self.run(Self.deployment)
        #expect(result.findings.isEmpty, "\(result.findings.map(\.message))")
        #expect(result.notValidated == 0)
    }

    @Test func unknownFieldAtTheKeyWithSuggestion() throws {
        let text = Self.deployment + "      restartPolicy: Always\n      hostNetwrk: true\n"
        let result = Self.run(text)
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.ruleID == RuleID.unknownField.rawValue)
        #expect(finding.span?.line == 16)
        #expect(finding.span?.column == 7)
        #expect(finding.message.contains("did you mean `hostNetwork`"))
        #expect(finding.fix?.replacement == "hostNetwork")
        // A near name is a guess: offered, never applied unasked.
        #expect(finding.fix?.applicability == .maybeIncorrect)
    }

    @Test func caseOnlyTypoIsSuggested() throws {
        let text = Self.deployment.replacingOccurrences(of: "image: blog/posts", with: "Image: blog/posts")
        let result = Self.run(text)
        #expect(result.findings.map(\.ruleID) == [RuleID.unknownField.rawValue])
        #expect(result.findings.first?.fix?.replacement == "image")
    }

    @Test func requiredFieldAtTheListItem() throws {
        let text = Self.deployment.replacingOccurrences(of: "- name: posts\n          image", with: "- image")
        let result = Self.run(text)
        let finding = try #require(result.findings.first)
        #expect(finding.ruleID == RuleID.requiredField.rawValue)
        #expect(finding.message.contains("`name`"))
        #expect(finding.span?.line == 13)
    }

    @Test func typoOfARequiredFieldIsOneFinding() {
        let text = Self.deployment + "          ports:\n            - contianerPort: 4000\n"
        let result = Self.run(text)
        #expect(result.findings.map(\.ruleID) == [RuleID.unknownField.rawValue])
    }

    @Test func typesAsTheAPIServerDecodesThem() {
        let text =
            Self.deployment
            + "          env:\n            - name: A\n              value: 4000\n"
            + "          stdin: \"true\"\n          ports:\n            - containerPort: \"80\"\n"
        let result = Self.run(text)
        #expect(result.findings.map(\.ruleID) == Array(repeating: RuleID.fieldType.rawValue, count: 3))
        #expect(result.findings.map(\.fix?.replacement) == ["\"4000\"", "true", "80"])
        // Quoting and unquoting change only the type: machine-applicable.
        #expect(result.findings.allSatisfy { $0.fix?.applicability == .machineApplicable })
    }

    @Test func nullIsAcceptedWhereTheDecoderAcceptsIt() {
        let text = Self.deployment + "          args: null\n          resources: {}\n          env: ~\n"
        #expect(Self.run(text).findings.isEmpty)
    }

    @Test func restartPolicyDependsOnTheKind() {
        let deployment = Self.deployment + "      restartPolicy: Never\n"
        #expect(Self.run(deployment).findings.map(\.ruleID) == [RuleID.fieldValue.rawValue])
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: once}
            spec:
              restartPolicy: Never
              containers: [{name: once, image: busybox}]

            """
        #expect(Self.run(pod).findings.isEmpty)
    }

    @Test func customResourcesWithoutTheirCRDAreCountedNotReported() {
        let text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: 1}\n"
        let result = Self.run(text)
        #expect(result.findings.isEmpty)
        #expect(result.notValidated == 1)
    }

    @Test func unknownKindSuggestsTheNearest() throws {
        let text = Self.deployment.replacingOccurrences(of: "kind: Deployment", with: "kind: Deploymnet")
        let finding = try #require(Self.run(text).findings.first)
        #expect(finding.ruleID == RuleID.apiKind.rawValue)
        #expect(finding.message.contains("did you mean `Deployment`"))
        #expect(finding.span?.line == 2)
    }

    @Test func releaseMatters() {
        // Container.restartPolicy (sidecars) is a field from 1.28 on.
        let text = Self.deployment.replacingOccurrences(
            of: "image: blog/posts", with: "image: blog/posts\n          restartPolicy: Always")
        #expect(Self.run(text, minor: 37).findings.isEmpty)
        #expect(Self.run(text, minor: 27).findings.map(\.ruleID) == [RuleID.unknownField.rawValue])
    }
}
