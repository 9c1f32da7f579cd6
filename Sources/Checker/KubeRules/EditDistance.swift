import KubeSchema

/// Edit distance for "did you mean" suggestions (one implementation, in KubeSchema).
func editDistance(_ a: String, _ b: String) -> Int {
    Suggestion.editDistance(a, b)
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
func nearest(_ word: String, in candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for candidate in candidates where candidate != word {
        let distance = editDistance(word, candidate)
        if let (_, bestDistance) = best, bestDistance <= distance { continue }
        best = (candidate, distance)
    }
    guard let (candidate, distance) = best else { return nil }
    return distance <= max(2, word.count / 3) ? candidate : nil
}
