import KubeDiagnostics
import KubeModel
import KubeYAML

/// The `kubewire.dev/disable` annotation names rules kubewire knows (or `all`).
struct DisableAnnotationRule: Rule {
    let info = RuleInfo(
        id: .disableAnnotation,
        summary: "The kubewire.dev/disable annotation names known rule ids (or `all`)",
        why:
            "A misspelt id in the annotation silences nothing, so the finding it was meant to hide still fails the run, with nothing pointing at the typo; `--disable` and .kubewire.yaml refuse unknown ids for the same reason.",
        fix: "Use an id that `kubewire rules` lists (or `all`), separated by commas."
    )

    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        let known = Set(RuleRegistry.all.map(\.id))
        for object in graph.objects {
            guard let annotations = object.metadata?["annotations"], annotations.isMapping else { continue }
            for pair in annotations.pairs where pair.key.scalar == Checker.disableAnnotation {
                guard let text = pair.value.string else { continue }
                var offset = 0
                for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                    defer { offset += part.count + 1 }
                    let leading = part.prefix { $0 == " " || $0 == "\t" }.count
                    let id = part.trimmingCharacters(in: .whitespaces)
                    guard !id.isEmpty, id != Checker.disableAll, !known.contains(id) else { continue }
                    let span = Self.span(of: id, at: offset + leading, in: pair.value, object: object)
                    let guess = NearName.inputName.nearest(id, in: known.sorted())
                    findings.append(
                        info.diagnostic(
                            "\(Checker.disableAnnotation) names unknown rule `\(id)`, so it silences nothing\(guess.map { "; did you mean `\($0)`?" } ?? "")",
                            at: span ?? object.span(pair.value), object: object,
                            fix: guess.map { guess in
                                span.map {
                                    SuggestedFix(
                                        "use `\(guess)`", replacing: $0, with: guess, applicability: .maybeIncorrect)
                                }
                                    ?? SuggestedFix("use `\(guess)`")
                            } ?? SuggestedFix("use an id that `kubewire rules` lists, or `all`")))
                }
            }
        }
        return findings
    }

    /// The columns of the id inside a one-line scalar written without escapes (its source is its
    /// text, plus the quotes); nil when the source cannot be mapped character by character.
    private static func span(of id: String, at offset: Int, in node: YAMLNode, object: ManifestObject) -> SourceSpan? {
        guard let text = node.scalar, node.start.line == node.end.line else { return nil }
        let quoted = node.style.map(\.isQuoted) ?? false
        let width = Int(node.end.column) - Int(node.start.column)
        guard width == text.unicodeScalars.count + (quoted ? 2 : 0), text.unicodeScalars.count == text.count else {
            return nil
        }
        let column = Int(node.start.column) + (quoted ? 1 : 0) + offset
        return SourceSpan(
            file: object.file, line: Int(node.start.line), column: column, endColumn: column + id.count)
    }
}
