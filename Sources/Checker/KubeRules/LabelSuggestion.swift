import KubeDiagnostics
import KubeModel

/// The pod template nearest a selector that matches nothing, and how to
/// point at the entry to change: shared by every rule whose selector must
/// reach pods (Service, PodDisruptionBudget, NetworkPolicy).
enum LabelSuggestion {
    struct Candidate {
        var workload: Workload
        var distance: Int
        var suggestedKey: LabelEntry?
    }

    struct Explanation {
        var wrong: LabelEntry
        var primary: SourceSpan
        var notes: [DiagnosticNote]
        var fix: SuggestedFix
    }

    /// The workload whose labels are nearest the selector: every selector entry
    /// costs the edit distance to the nearest pod label `key: value`.
    static func closest(_ selector: [LabelEntry], among workloads: some Sequence<Workload>) -> Candidate? {
        guard !selector.isEmpty else { return nil }
        var best: Candidate?
        let wanted = selector.map { entry in
            let text = "\(entry.key): \(entry.value)"
            return (entry: entry, text: text, length: text.unicodeScalars.count)
        }
        for workload in workloads where !workload.template.labels.isEmpty {
            var total = 0
            var suggestedKey: LabelEntry?
            let labels = workload.template.labels.map { label in
                let text = "\(label.key): \(label.value)"
                return (label: label, text: text, length: text.unicodeScalars.count)
            }
            for (entry, text, length) in wanted {
                var cheapest = length
                for label in labels {
                    // Only a distance below `cheapest` changes anything, and one that makes this
                    // workload no nearer than `best` loses it anyway: the distance is computed
                    // only as far as that (the length difference bounds it: most pairs stop there).
                    let limit = min(cheapest - 1, best.map { $0.distance - total - 1 } ?? .max)
                    guard abs(label.length - length) <= limit,
                        // At most 0 (once a near workload is found, nearly every pair): the same
                        // scalars, compared without the distance table.
                        let distance = limit == 0
                            ? (sameScalars(text, label.text) ? 0 : nil)
                            : NearName.editDistance(text, label.text, atMost: limit)
                    else { continue }
                    if distance < cheapest {
                        cheapest = distance
                        if label.label.key != entry.key && !labels.contains(where: { $0.label.key == entry.key }) {
                            suggestedKey = label.label
                        }
                    }
                }
                total += cheapest
                // Ties keep the first candidate: a workload already this far cannot win.
                if let current = best, current.distance <= total { break }
            }
            if let current = best, current.distance <= total { continue }
            best = Candidate(workload: workload, distance: total, suggestedKey: suggestedKey)
        }
        guard let best else { return nil }
        // Only suggest when the nearest set is plausibly a typo of the selector.
        let size = selector.reduce(0) { $0 + $1.key.count + $1.value.count + 2 }
        return best.distance <= max(3, size / 2) ? best : nil
    }

    /// Whether two strings have the same scalars (byte equality, not `==`'s canonical equivalence).
    private static func sameScalars(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a
        var b = b
        return a.withUTF8 { left in b.withUTF8 { right in left.elementsEqual(right) } }
    }

    /// Whether the entry `explain` found wrong differs from the workload's label of the same key (or
    /// its key from a label key with the same value) by a spelling slip (case or a small edit, not a
    /// whole name token): the proof that stands even where an operator may create other pods.
    static func isSpellingSlip(_ explanation: Explanation, of best: Candidate) -> Bool {
        let wrong = explanation.wrong
        guard let podValue = best.workload.podsLabel(wrong.key) else {
            // A slip in the key: the pods carry a near key with the same value.
            guard let suggested = best.suggestedKey, suggested.value == wrong.value else { return false }
            return ReferenceResolver.nearestName(wrong.key, in: [suggested.key]) != nil
        }
        return ReferenceResolver.nearestName(wrong.value, in: [podValue]) != nil
    }

    /// The first selector entry the nearest workload lacks, with a did-you-mean.
    static func explain(_ selector: [LabelEntry], of object: ManifestObject, nearest best: Candidate) -> Explanation {
        let labels = best.workload.podLabels
        let wrong = selector.first { !best.workload.podsCarry($0.key, $0.value) } ?? selector[0]
        let owner = best.workload.object.title
        if let podValue = labels[wrong.key],
            let entry = best.workload.template.labels.first(where: { $0.key == wrong.key })
        {
            let primary = object.span(wrong.valueNode)
            let location = best.workload.object.span(entry.valueNode)
            return Explanation(
                wrong: wrong, primary: primary,
                notes: [DiagnosticNote("pods of \(owner) are labelled `\(wrong.key): \(podValue)` here", at: location)],
                fix: SuggestedFix(
                    "did you mean `\(wrong.key): \(podValue)` (\(owner), \(location))?", replacing: primary,
                    with: podValue, applicability: .maybeIncorrect))
        }
        if let entry = best.suggestedKey, let labelsNode = best.workload.template.labelsNode {
            let primary = object.span(wrong.keyNode)
            let location = best.workload.object.span(entry.keyNode)
            return Explanation(
                wrong: wrong, primary: primary,
                notes: [
                    DiagnosticNote("pods of \(owner) are labelled here", at: best.workload.object.span(labelsNode))
                ],
                fix: SuggestedFix(
                    "did you mean `\(entry.key): \(entry.value)` (\(owner), \(location))?", replacing: primary,
                    with: entry.key, applicability: .maybeIncorrect))
        }
        return Explanation(
            wrong: wrong, primary: object.span(wrong.keyNode),
            notes: [
                DiagnosticNote(
                    "pods of \(owner) are labelled \(best.workload.template.labels.rendered)",
                    at: best.workload.template.labelsNode.map(best.workload.object.span))
            ],
            fix: SuggestedFix("remove `\(wrong.key)` from the selector or add it to the pod labels of \(owner)"))
    }
}
