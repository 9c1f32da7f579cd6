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
        if FastASCII.check(text, FastASCII.isDNS1123Label) { return nil }
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
        if FastASCII.check(text, { FastASCII.isDNS1123Label($0) && FastASCII.isLower($0[0]) }) { return nil }
        if let problem = dns1123Label(text) { return problem }
        if let first = text.unicodeScalars.first, !(first >= "a" && first <= "z") {
            return "must start with a lower case letter"
        }
        return nil
    }

    /// DNS-1123 labels joined by `.`, at most 253.
    static func dns1123Subdomain(_ text: String) -> String? {
        if FastASCII.check(text, FastASCII.isDNS1123Subdomain) { return nil }
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
        if FastASCII.check(text, FastASCII.isIANAServiceName) { return nil }
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty { return "must not be empty" }
        if scalars.count > 15 { return "must be at most 15 characters (it has \(scalars.count))" }
        if !scalars.allSatisfy({ isLowerAlnum($0) || $0 == "-" }) {
            return "must contain only lower case alphanumeric characters and '-'"
        }
        if !scalars.contains(where: { $0 >= "a" && $0 <= "z" }) {
            return "must contain at least one letter (a-z)"
        }
        if text.containsLiteral("--") { return "must not contain consecutive hyphens" }
        if scalars.first == "-" || scalars.last == "-" { return "must not begin or end with a hyphen" }
        return nil
    }

    /// The name part of a qualified name (label keys, annotation keys) and label values.
    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63.
    static func qualifiedNamePart(_ text: String, allowEmpty: Bool) -> String? {
        if FastASCII.check(text, { FastASCII.isQualifiedNamePart($0, allowEmpty: allowEmpty) }) { return nil }
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
        if FastASCII.check(text, FastASCII.isQualifiedName) { return nil }
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

    /// Whether lower-casing `text` leaves it unchanged, without building a copy for ASCII text.
    static func lowercased(_ text: String) -> String {
        var copy = text
        let unchanged = copy.withUTF8 { bytes in
            bytes.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) }
        }
        return unchanged ? text : text.lowercased()
    }

    /// A plausible valid spelling: lower case, `_` and spaces as `-`, trimmed (of leading non-letters if need be).
    static func suggestion(for text: String, valid: (String) -> Bool) -> String? {
        var mapped = String(
            text.lowercased().unicodeScalars.map { scalar -> Character in
                if scalar == "_" || scalar == " " { return "-" }
                return Character(scalar)
            })
        while mapped.contains("--") { mapped = mapped.replacingOccurrences(of: "--", with: "-") }
        while mapped.hasPrefix("-") { mapped.removeFirst() }
        while mapped.hasSuffix("-") { mapped.removeLast() }
        // DNS-1035 labels start with a letter: `1posts-srv` → `posts-srv`.
        if !valid(mapped) {
            mapped = String(mapped.drop { !($0.isASCII && $0.isLetter) })
        }
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

extension NameValidation {
    /// True only when the scalar is ASCII and a valid label value; false means "ask
    /// `qualifiedNamePart`", which explains. Reads the bytes in place: no `String` per label.
    static func isValidQualifiedNamePart(_ node: YAMLNode, allowEmpty: Bool) -> Bool {
        node.withScalarBytes { bytes in
            bytes.allSatisfy { $0 < 0x80 } && FastASCII.isQualifiedNamePart(bytes, allowEmpty: allowEmpty)
        } ?? false
    }

    /// True only when the scalar is ASCII and a valid label or annotation key (as written, or
    /// lower-cased first); false means "ask `qualifiedName`".
    static func isValidQualifiedName(_ node: YAMLNode, lowerCasedFirst: Bool) -> Bool {
        node.withScalarBytes { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            if lowerCasedFirst && bytes.contains(where: FastASCII.isUpper) { return false }
            return FastASCII.isQualifiedName(bytes)
        } ?? false
    }
}

extension NameValidation {
    /// True only when the scalar is ASCII and `valid` accepts its bytes: settled as valid without
    /// building a `String`; false means "ask the checks above", which explain.
    static func isValidASCII(_ node: YAMLNode, _ valid: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        node.withScalarBytes { bytes in bytes.allSatisfy { $0 < 0x80 } && valid(bytes) } ?? false
    }
}

/// Byte-level validity checks for ASCII text: each says only "valid"; any
/// other answer goes to the checks above, which explain the problem.
enum FastASCII {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// True only when `text` is ASCII and `valid` accepts its bytes.
    static func check(_ text: String, _ valid: (Bytes) -> Bool) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } && valid(bytes) }
    }

    static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    static func isLowerAlnum(_ byte: UInt8) -> Bool { isLower(byte) || isDigit(byte) }
    static func isAlnum(_ byte: UInt8) -> Bool { isLowerAlnum(byte) || isUpper(byte) }
    static let hyphen = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")

    static func isDNS1123Label(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        return first != hyphen && last != hyphen && bytes.allSatisfy { isLowerAlnum($0) || $0 == hyphen }
    }

    static func isDNS1123Subdomain(_ bytes: Bytes) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var previous = dot
        for byte in bytes {
            guard isLowerAlnum(byte) || byte == hyphen || byte == dot else { return false }
            // Each part starts and ends with an alphanumeric: no `.-`, `-.`, `..`.
            if byte == dot && (previous == dot || previous == hyphen) { return false }
            if byte == hyphen && previous == dot { return false }
            previous = byte
        }
        return previous != dot && previous != hyphen
    }

    static func isIANAServiceName(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 15 else { return false }
        guard first != hyphen, last != hyphen, bytes.contains(where: isLower) else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            guard isLowerAlnum(byte) || byte == hyphen else { return false }
            if byte == hyphen && previous == hyphen { return false }
            previous = byte
        }
        return true
    }

    static func isQualifiedNamePart(_ bytes: Bytes, allowEmpty: Bool) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return allowEmpty }
        return bytes.count <= 63 && isAlnum(first) && isAlnum(last)
            && bytes.allSatisfy { isAlnum($0) || $0 == hyphen || $0 == UInt8(ascii: "_") || $0 == dot }
    }

    static func isQualifiedName(_ bytes: Bytes) -> Bool {
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else {
            return isQualifiedNamePart(bytes, allowEmpty: false)
        }
        let name = Bytes(rebasing: bytes[(slash + 1)...])
        return !name.contains(UInt8(ascii: "/")) && isDNS1123Subdomain(Bytes(rebasing: bytes[..<slash]))
            && isQualifiedNamePart(name, allowEmpty: false)
    }
}
