import Foundation

/// A CRD `pattern` as the API server evaluates it (RE2: linear time, no lookaround, no
/// backreferences), approximated with ICU through NSRegularExpression, whose backtracking can take
/// exponential time: the match is bounded, and a match ICU could not finish is no verdict.
enum PatternMatch {
    enum Outcome: Equatable {
        case matches, doesNotMatch
        /// ICU gave up (internal error) or ran past the work bound: nothing is known.
        case unevaluated
    }

    /// Progress callbacks ICU may make before the match is abandoned (each is a slice of matcher
    /// work; a real value and pattern need none).
    static let progressBound = 64

    /// The compiled pattern, or nil when RE2 would not compile it either (lookaround, a
    /// backreference) or ICU cannot: then the CRD is wrong, not the value, and values go unchecked.
    static func compile(_ pattern: String) -> NSRegularExpression? {
        guard !usesConstructsRE2Rejects(pattern) else { return nil }
        return try? NSRegularExpression(pattern: pattern)
    }

    /// Whether `pattern` has a lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`) or a backreference (`\1`).
    static func usesConstructsRE2Rejects(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var inClass = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                if !inClass, index + 1 < scalars.count, ("1"..."9").contains(scalars[index + 1]) { return true }
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
            } else if scalar == "[" {
                inClass = true
            } else if scalar == "(", index + 2 < scalars.count, scalars[index + 1] == "?" {
                let kind = scalars[index + 2]
                if kind == "=" || kind == "!" { return true }
                if kind == "<", index + 3 < scalars.count, scalars[index + 3] == "=" || scalars[index + 3] == "!" {
                    return true
                }
            }
            index += 1
        }
        return false
    }

    /// Whether `regex` finds a match in `text` (the API server's unanchored search).
    static func evaluate(_ regex: NSRegularExpression, _ text: String) -> Outcome {
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
