import Foundation
import KubeModel

/// A CRD `pattern` as the API server evaluates it (RE2: linear time, no lookaround, no
/// backreferences), approximated with ICU through NSRegularExpression, whose backtracking can take
/// exponential time: the match is bounded (`BoundedMatch`), and one ICU could not finish is no verdict.
enum PatternMatch {
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

    /// Whether `regex` finds a match in `text` (the API server's unanchored search), bounded.
    static func evaluate(_ regex: NSRegularExpression, _ text: String) -> BoundedMatch.Outcome {
        BoundedMatch.evaluate(regex, text)
    }
}
