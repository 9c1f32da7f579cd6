import Foundation

/// nginx location regexes as ingress-nginx writes them (`~* "^<path>"`),
/// approximated with NSRegularExpression (ICU), which agrees with PCRE on the
/// syntax Ingress paths use. Shared by the `ingress-path` rule (which paths
/// swallow which) and the live probe (which request reaches a path).
public enum LocationRegex {
    static let metacharacters: Set<Character> = [
        "?", "*", "+", "(", ")", "[", "]", "{", "}", "|", "^", "$", "\\",
    ]

    /// Whether the path uses regex syntax (`.` alone is common in literal paths).
    public static func looksLikeRegex(_ path: String) -> Bool {
        // Every metacharacter is one ASCII byte, and a Character equal to one is that byte alone:
        // a path without any such byte (nearly all) needs no walk over its Characters.
        var bytes = path
        guard bytes.withUTF8({ $0.contains(where: isMetacharacterByte) }) else { return false }
        return path.contains { metacharacters.contains($0) }
    }

    private static func isMetacharacterByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "|"),
            UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "\\"):
            true
        default: false
        }
    }

    /// `^<path>`, case-insensitive, or the reason it does not compile.
    public static func compile(_ path: String) -> Result<NSRegularExpression, RegexProblem> {
        do {
            return .success(try NSRegularExpression(pattern: "^" + path, options: [.caseInsensitive]))
        } catch {
            return .failure(RegexProblem(reason: diagnose(path)))
        }
    }

    /// Whether a compiled location regex matches `text` as nginx's PCRE search does: the `^` that
    /// ingress-nginx prepends binds only the first branch of a top-level alternation (`^/a|/b`).
    /// A search ICU cannot finish within its bound is no match: no sample, no shadowing verdict.
    public static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        BoundedMatch.evaluate(regex, text) == .matches
    }

    /// Whether the location for `path` (a regex path) matches the request path `text`.
    public static func matches(_ text: String, path: String) -> Bool {
        guard case .success(let regex) = compile(path) else { return false }
        return matches(regex, text)
    }

    /// A readable reason for a pattern ICU rejects; ICU's own error carries only a code.
    public static func diagnose(_ pattern: String) -> String {
        var depth = 0
        var inClass = false
        var escaped = false
        var previous: Character?
        for character in pattern {
            defer { previous = escaped ? nil : character }
            if escaped {
                escaped = false
                continue
            }
            if character == "\\" {
                escaped = true
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
                continue
            }
            switch character {
            case "[": inClass = true
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth < 0 { return "unmatched `)`" }
            case "?" where previous == "(":
                break  // `(?:`, `(?i)`, `(?<name>`
            case "*", "+", "?":
                if previous == nil || previous == "(" || previous == "|" {
                    return "`\(character)` has nothing to repeat"
                }
            default: break
            }
        }
        if escaped { return "trailing backslash" }
        if inClass { return "unterminated character class `[`" }
        if depth > 0 { return "missing `)`" }
        return "ICU rejects this pattern (invalid quantifier, escape or group syntax)"
    }

    /// Strings that the path's regex matches: the path itself when literal,
    /// otherwise a shortest-ish and a longer synthesised sample, each verified.
    public static func samples(for path: String) -> [String] {
        guard looksLikeRegex(path) else { return [path] }
        guard case .success(let regex) = compile(path) else { return [] }
        var result: [String] = []
        for expand in [false, true] {
            var sampler = RegexSampler(pattern: Array(path), expand: expand)
            guard let sample = sampler.sample(), matches(regex, sample), !result.contains(sample) else {
                continue
            }
            result.append(sample)
        }
        return result
    }

    /// A request path that reaches the location of regex `path`, for probing it: it starts with `/`,
    /// needs no query, fragment, percent-escape, space or `//` (nginx matches the decoded, merged path
    /// without the query), and the location matches it. Nil when no sample qualifies.
    public static func requestSample(for path: String) -> String? {
        // The expanded sample first: it keeps optional slashes, so it reads like a real request.
        for sample in samples(for: path).reversed() {
            let request = sample.hasPrefix("/") ? sample : "/" + sample
            guard !request.contains(where: { "?#% \t".contains($0) }), !request.contains("//") else { continue }
            if matches(request, path: path) { return request }
        }
        return nil
    }
}

public struct RegexProblem: Error, Sendable {
    public var reason: String
}

/// Builds one string a regex matches: `.*` → `x`, `?` parts dropped, `+` once,
/// a class → one of its members. With `expand`, optional parts are kept and
/// repetitions doubled, so two samples cover both ends of the pattern.
struct RegexSampler {
    /// The longest sample built, in UTF-8 bytes; a request path longer than this is no real one.
    static let lengthBudget = 1024

    let pattern: [Character]
    let expand: Bool
    var index = 0

    init(pattern: [Character], expand: Bool) {
        self.pattern = pattern
        self.expand = expand
    }

    mutating func sample() -> String? {
        guard let result = alternation(), index == pattern.count else { return nil }
        return result
    }

    private var current: Character? { index < pattern.count ? pattern[index] : nil }

    private mutating func alternation() -> String? {
        guard let first = sequence() else { return nil }
        while current == "|" {
            index += 1
            guard sequence() != nil else { return nil }
        }
        return first
    }

    private mutating func sequence() -> String? {
        var out = ""
        while let character = current, character != "|", character != ")" {
            guard let atom = atom() else { return nil }
            guard let (low, high) = quantifier() else { return nil }
            let count = expand ? high : low
            // Nested quantifiers multiply (`((a{64}){64}){64}` is 262,144 characters): past the
            // budget there is no sample, so no shadowing verdict.
            guard atom.utf8.count <= Self.lengthBudget / max(count, 1),
                out.utf8.count + atom.utf8.count * count <= Self.lengthBudget
            else { return nil }
            out += String(repeating: atom, count: count)
        }
        return out
    }

    private mutating func atom() -> String? {
        guard let character = current else { return nil }
        index += 1
        switch character {
        case "(":
            var lookaround = false
            if current == "?" {
                index += 1
                guard let kind = current else { return nil }
                switch kind {
                case ":": index += 1
                case "=", "!":
                    index += 1
                    lookaround = true
                case "<"
                where index + 1 < pattern.count && (pattern[index + 1] == "=" || pattern[index + 1] == "!"):
                    index += 2
                    lookaround = true
                case "<", "P", "'":
                    while let c = current, c != ">", c != "'" { index += 1 }
                    index += 1
                default:
                    // Inline flags `(?i)` or `(?i:...)`.
                    while let c = current, c != ")", c != ":" { index += 1 }
                    if current == ")" {
                        index += 1
                        return ""
                    }
                    index += 1
                }
            }
            guard let inner = alternation(), current == ")" else { return nil }
            index += 1
            return lookaround ? "" : inner
        case "[":
            var text = "["
            if current == "^" {
                text.append("^")
                index += 1
            }
            if current == "]" {
                text.append("]")
                index += 1
            }
            while let c = current, c != "]" {
                text.append(c)
                index += 1
                if c == "\\", let next = current {
                    text.append(next)
                    index += 1
                }
            }
            guard current == "]" else { return nil }
            index += 1
            text.append("]")
            return member(of: text)
        case "\\":
            guard let escaped = current else { return nil }
            index += 1
            switch escaped {
            case "d": return "1"
            case "w": return "a"
            case "s": return " "
            case "D", "W", "S": return "-"
            case "b", "B", "A", "z", "Z", "G": return ""
            default: return String(escaped)
            }
        case ".": return "x"
        case "^", "$": return ""
        case "*", "+", "?": return nil
        default: return String(character)
        }
    }

    /// The counts to use for a quantifier after an atom: (minimal, expanded).
    private mutating func quantifier() -> (Int, Int)? {
        var bounds: (Int, Int)
        switch current {
        case "*"?:
            index += 1
            bounds = (1, 2)
        case "+"?:
            index += 1
            bounds = (1, 2)
        case "?"?:
            index += 1
            bounds = (0, 1)
        case "{"?:
            var probe = index + 1
            var digits = ""
            while probe < pattern.count, pattern[probe].isASCII, pattern[probe].isNumber {
                digits.append(pattern[probe])
                probe += 1
            }
            guard let parsed = Int(digits) else { return (1, 1) }  // a literal `{`
            let low = min(parsed, 64)
            var high = low
            if probe < pattern.count, pattern[probe] == "," {
                probe += 1
                var more = ""
                while probe < pattern.count, pattern[probe].isASCII, pattern[probe].isNumber {
                    more.append(pattern[probe])
                    probe += 1
                }
                high = Int(more) ?? low + 1
            }
            guard probe < pattern.count, pattern[probe] == "}" else { return (1, 1) }
            index = probe + 1
            bounds = (low, min(max(high, low), low + 3))
        default:
            return (1, 1)
        }
        // Lazy or possessive suffix.
        if current == "?" || current == "+" { index += 1 }
        return bounds
    }

    /// One character the class accepts, tried against ICU itself.
    private func member(of classText: String) -> String? {
        // Case-insensitive, as the location is: `[^a]` must not yield `A`.
        guard let regex = try? NSRegularExpression(pattern: "^" + classText + "$", options: [.caseInsensitive])
        else { return nil }
        var candidates: [String] = ["x", "a", "1", "A", "-", "_", "/", ".", "z", "0"]
        if !classText.hasPrefix("[^") {
            let body = classText.dropFirst().prefix { $0 != "]" && $0 != "\\" }
            if let first = body.first { candidates.insert(String(first), at: 0) }
        }
        return candidates.first { LocationRegex.matches(regex, $0) }
    }
}
