import KubeModel
import KubeYAML
import Testing

/// KubeYAML knows no Kubernetes: the model brings the API's words to every manifest load.
@Suite("the API's vocabulary")
struct VocabularyTests {
    @Test func theVocabularyHoldsFieldsKindsVersionsAndCuratedWords() {
        let words = YAMLVocabulary.kubernetes
        for word in [
            "containerPort", "matchLabels", "apps/v1", "networking.k8s.io/v1", "Deployment", "CronJob",
            "IfNotPresent", "TCP", "app.kubernetes.io/name",
        ] {
            #expect(words.contains(word), "\(word)")
        }
        for word in ["containerport", "contianerPort", "Deploymen", "posts-srv", "", "<<"] {
            #expect(!words.contains(word), "\(word)")
        }
    }

    @Test func manifestLoadsUseIt() {
        #expect(LoadOptions().vocabulary.contains("containerPort"))
        #expect(!YAMLVocabulary.none.contains("containerPort"))
    }
}
