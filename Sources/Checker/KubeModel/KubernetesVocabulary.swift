import CKubeSchemaData
import KubeYAML

extension YAMLVocabulary {
    /// The API's vocabulary (kube-schema-gen's words in CKubeSchemaData: every field name, kind and
    /// apiVersion of the built-in API, common enum values, well-known label keys), stored once for
    /// the run. Every manifest load passes it (`LoadOptions.vocabulary`).
    public static let kubernetes: YAMLVocabulary = {
        guard let base = kube_api_words_text() else { return .none }
        return YAMLVocabulary(
            newlineSeparated: Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self),
                    count: Int(kube_api_words_length()))))
    }()
}
