import Foundation

/// A regex search whose work is bounded. ICU (behind NSRegularExpression) backtracks, so a nested
/// quantifier can take exponential time, and a long input can exhaust its backtracking stack; nginx's
/// PCRE and the API server's RE2 answer such cases. A search ICU abandons or cannot finish is no
/// verdict, never "does not match".
public enum BoundedMatch {
    public enum Outcome: Equatable, Sendable {
        case matches, doesNotMatch
        /// ICU gave up (an internal error such as its stack limit) or ran past the work bound.
        case unevaluated
    }

    /// Progress reports ICU may make before the search is abandoned (each is a slice of matcher
    /// work; the searches manifests need make none or a few).
    public static let progressBound = 64

    /// Whether `regex` finds a match anywhere in `text`.
    public static func evaluate(_ regex: NSRegularExpression, _ text: String) -> Outcome {
        var outcome = Outcome.doesNotMatch
        var progress = 0
        let range = NSRange(text.startIndex..., in: text)
        regex.enumerateMatches(in: text, options: [.reportProgress, .reportCompletion], range: range) {
            result, flags, stop in
            if result != nil {
                outcome = .matches
                stop.pointee = true
            } else if flags.contains(.internalError) {
                outcome = .unevaluated
                stop.pointee = true
            } else if flags.contains(.progress) {
                progress += 1
                if progress > progressBound {
                    outcome = .unevaluated
                    stop.pointee = true
                }
            }
        }
        return outcome
    }
}
