import Foundation

/// A request path that a regex Ingress path matches, for probing it:
/// every quantified atom is taken once, every alternation by its first
/// branch, every class by a member. Checked against the regex before use.
public enum RegexSample {
    public static func sample(for pattern: String) -> String? {
        var output = ""
        var characters = Array(pattern)
        var index = 0
        var skipDepth: Int?  // inside an alternative we are skipping
        var depth = 0
        while index < characters.count {
            let c = characters[index]
            index += 1
            if let target = skipDepth {
                switch c {
                case "\\": index += 1
                case "(": depth += 1
                case ")":
                    depth -= 1
                    if depth < target { skipDepth = nil }
                default: break
                }
                continue
            }
            switch c {
            case "^", "$":
                continue
            case "(":
                depth += 1
                if index + 1 < characters.count, characters[index] == "?", characters[index + 1] == ":" { index += 2 }
            case ")":
                depth -= 1
            case "|":
                skipDepth = depth  // skip the rest of this group
                if depth == 0 { characters = Array(characters[..<index]) }
            case "*", "+", "?":
                if index < characters.count, characters[index] == "?" || characters[index] == "+" { index += 1 }
            case "{":
                while index < characters.count, characters[index] != "}" { index += 1 }
                index += 1
            case ".":
                output.append("x")
            case "\\":
                guard index < characters.count else { return nil }
                let escaped = characters[index]
                index += 1
                switch escaped {
                case "d": output.append("1")
                case "w", "S", "D": output.append("a")
                case "W": output.append("-")
                case "s": output.append("-")
                default: output.append(escaped)
                }
            case "[":
                var members: [Character] = []
                var negated = false
                if index < characters.count, characters[index] == "^" {
                    negated = true
                    index += 1
                }
                while index < characters.count, characters[index] != "]" || members.isEmpty {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    members.append(characters[index])
                    index += 1
                }
                index += 1
                if negated {
                    output.append(["x", "a", "1", "-"].first { !members.contains($0) } ?? "z")
                } else {
                    output.append(members.first { $0 != "-" } ?? "x")
                }
            default:
                output.append(c)
            }
        }
        let path = output.hasPrefix("/") ? output : "/" + output
        // nginx matches the decoded path without query or fragment: such a sample would not reach the location.
        guard !path.contains(where: { "?#%".contains($0) }), matches(path, pattern) else { return nil }
        return path
    }

    /// ingress-nginx's `~* "^<path>"`: case-insensitive, anchored at the start only.
    public static func matches(_ path: String, _ pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")", options: [.caseInsensitive]) else {
            return false
        }
        return regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }
}
