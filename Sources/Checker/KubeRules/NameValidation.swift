import Foundation
import KubeYAML

/// Kubernetes name and label syntax (apimachinery `util/validation`). Each
/// check returns what is wrong in words, or nil when the value is valid.
enum NameValidation {
    private static func isLowerAlnum(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "0" && c <= "9")
    }

    private static func isAlnum(_ c: Unicode.Scalar) -> Bool {
        isLowerAlnum(c) || (c >= "A" && c <= "Z")
    }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63.
    static func dns1123Label(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty { return "must not be empty" }
        if scalars.count > 63 { return "must be at most 63 characters (it has \(scalars.count))" }
        if !scalars.allSatisfy({ isLowerAlnum($0) || $0 == "-" }) {
            return "must consist of lower case alphanumeric characters or '-'"
        }
        if scalars.first == "-" || scalars.last == "-" {
            return "must start and end with an alphanumeric character"
        }
        return nil
    }

    /// `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 (Service names).
    static func dns1035Label(_ text: String) -> String? {
        if let problem = dns1123Label(text) { return problem }
        if let first = text.unicodeScalars.first, !(first >= "a" && first <= "z") {
            return "must start with a lower case letter"
        }
        return nil
    }

    /// DNS-1123 labels joined by `.`, at most 253.
    static func dns1123Subdomain(_ text: String) -> String? {
        if text.isEmpty { return "must not be empty" }
        let count = text.unicodeScalars.count
        if count > 253 { return "must be at most 253 characters (it has \(count))" }
        if !text.unicodeScalars.allSatisfy({ isLowerAlnum($0) || $0 == "-" || $0 == "." }) {
            return "must consist of lower case alphanumeric characters, '-' or '.'"
        }
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            if part.isEmpty || part.first == "-" || part.last == "-" {
                return "must start and end with an alphanumeric character, also around each '.'"
            }
        }
        return nil
    }

    /// IANA_SVC_NAME: container port names and string targetPorts.
    static func ianaServiceName(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty { return "must not be empty" }
        if scalars.count > 15 { return "must be at most 15 characters (it has \(scalars.count))" }
        if !scalars.allSatisfy({ isLowerAlnum($0) || $0 == "-" }) {
            return "must contain only lower case alphanumeric characters and '-'"
        }
        if !scalars.contains(where: { $0 >= "a" && $0 <= "z" }) {
            return "must contain at least one letter (a-z)"
        }
        if text.contains("--") { return "must not contain consecutive hyphens" }
        if scalars.first == "-" || scalars.last == "-" { return "must not begin or end with a hyphen" }
        return nil
    }

    /// The name part of a qualified name (label keys, annotation keys) and label values.
    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63.
    static func qualifiedNamePart(_ text: String, allowEmpty: Bool) -> String? {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty { return allowEmpty ? nil : "must not be empty" }
        if scalars.count > 63 { return "must be at most 63 characters (it has \(scalars.count))" }
        if !scalars.allSatisfy({ isAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }) {
            return "must consist of alphanumeric characters, '-', '_' or '.'"
        }
        if let first = scalars.first, let last = scalars.last, !isAlnum(first) || !isAlnum(last) {
            return "must start and end with an alphanumeric character"
        }
        return nil
    }

    /// A label or annotation key: optional DNS-1123 subdomain prefix, `/`, name.
    static func qualifiedName(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            return qualifiedNamePart(text, allowEmpty: false).map { "name part " + $0 }
        case 2:
            if parts[0].isEmpty { return "prefix part must not be empty" }
            if let problem = dns1123Subdomain(String(parts[0])) { return "prefix part " + problem }
            return qualifiedNamePart(String(parts[1]), allowEmpty: false).map { "name part " + $0 }
        default:
            return "must have at most one '/' (an optional DNS prefix, '/', and a name)"
        }
    }

    /// A plausible valid spelling: lower case, `_` and spaces as `-`, trimmed.
    static func suggestion(for text: String, valid: (String) -> Bool) -> String? {
        var mapped = String(
            text.lowercased().unicodeScalars.map { scalar -> Character in
                if scalar == "_" || scalar == " " { return "-" }
                return Character(scalar)
            })
        while mapped.contains("--") { mapped = mapped.replacingOccurrences(of: "--", with: "-") }
        while mapped.hasPrefix("-") { mapped.removeFirst() }
        while mapped.hasSuffix("-") { mapped.removeLast() }
        return mapped != text && !mapped.isEmpty && valid(mapped) ? mapped : nil
    }
}

extension YAMLNode {
    /// How YAML reads this node, for messages: "a number", "a boolean", "a mapping".
    var typeDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            switch scalarType {
            case .int?: return "a number"
            case .float?: return "a floating-point number"
            case .bool?: return "a boolean"
            case .null?: return "null"
            case .string?, nil: return "a string"
            }
        }
    }
}
