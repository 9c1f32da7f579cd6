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

extension String {
    /// Whether `needle`'s UTF-8 bytes occur in this string's: the literal search Foundation's
    /// `contains` makes, without bridging to `NSString` (which costs microseconds per call).
    func containsLiteral(_ needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { bytes in
            needle.withUTF8 { wanted in
                guard !wanted.isEmpty else { return true }
                guard bytes.count >= wanted.count else { return false }
                outer: for start in 0...(bytes.count - wanted.count) where bytes[start] == wanted[0] {
                    for offset in 1..<wanted.count where bytes[start + offset] != wanted[offset] { continue outer }
                    return true
                }
                return false
            }
        }
    }
}
