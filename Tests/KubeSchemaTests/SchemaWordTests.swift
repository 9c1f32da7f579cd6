import KubeDiagnostics
import KubeModel
import KubeYAML
import Testing

@testable import KubeSchema

/// The walk finds a key's field by the key's shared word, and by its text when the key is no
/// shared word: both ways read the same.
@Suite("fields by shared word")
struct SchemaWordTests {
    @Test func everyFieldIsFoundByItsWord() throws {
        let schema = try #require(BuiltinSchema.release(minor: BuiltinSchema.newest))
        var checked = 0
        for type in schema.objects {
            for index in type.fields {
                guard let word = schema.vocabulary.wordID(schema.fields[index].name) else { continue }
                #expect(schema.field(word: word, of: type) == index, "\(schema.fields[index].name)")
                checked += 1
            }
        }
        #expect(checked > 1000)
        // A word that is no field of a type finds nothing there.
        let container = try #require(schema.objects.indices.first { schema.objectNames[$0] == "Container" })
        let word = try #require(schema.vocabulary.wordID("replicas"))
        #expect(schema.field(word: word, of: schema.objects[container]) == -1)
    }

    static let brokenDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web, tier: 3}
        spec:
          replicas: -1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              restartPolicy: Never
              containers:
                - name: web
                  image: nginx
                  imagePullPolicy: always
                  contianerPort: 80
                  ports:
                    - containerPort: 70000
                      protocol: TCP
                  env:
                    - name: A
                      value: "1"
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                  resources:
                    limits: {memory: 128mb}
                - image: nginx
        """

    @Test func findingsAreTheSameWithoutTheSharedVocabulary() {
        func findings(_ vocabulary: YAMLVocabulary) -> [String] {
            var options = LoadOptions()
            options.vocabulary = vocabulary
            let loaded = ManifestLoader.load(text: Self.brokenDeployment, name: "m.yaml", options: options)
            return SchemaPass.run(loaded.graph, minor: 37) { _, _ in false }.findings.map {
                "\($0.ruleID) \($0.span?.line ?? 0):\($0.span?.column ?? 0) \($0.message)"
            }
        }
        let shared = findings(.kubernetes)
        #expect(shared == findings(.none))
        #expect(shared == findings(YAMLVocabulary(words: ["spec", "containers", "name", "value", "replicas"])))
        for rule in [
            RuleID.unknownField, RuleID.requiredField, RuleID.fieldType, RuleID.fieldValue,
        ] {
            #expect(shared.contains { $0.hasPrefix(rule.rawValue + " ") }, "\(rule.rawValue): \(shared)")
        }
        #expect(shared.count >= 8, "\(shared)")
    }
}
