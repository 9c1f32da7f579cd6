import Foundation

/// YAML 1.1 implicit typing of plain scalars, as go-yaml v2 (and so the
/// Kubernetes API server) applies it. libyaml only tokenises.
enum ScalarResolver {
    static func type(forTag tag: String) -> ScalarType? {
        switch tag {
        case "tag:yaml.org,2002:str": .string
        case "tag:yaml.org,2002:int": .int
        case "tag:yaml.org,2002:float": .float
        case "tag:yaml.org,2002:bool": .bool
        case "tag:yaml.org,2002:null": .null
        default: nil
        }
    }

    /// Whether a plain scalar starting with `byte` can be anything but a
    /// string: every null, bool, int and float form starts with one of these.
    @inline(__always) static func mayBeTyped(firstByte byte: UInt8?) -> Bool {
        guard let byte else { return true }
        switch byte {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
            UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"),
            UInt8(ascii: "O"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    static func resolvePlain(_ text: String) -> ScalarType {
        guard mayBeTyped(firstByte: text.utf8.first) else { return .string }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
            "true", "True", "TRUE", "false", "False", "FALSE",
            "on", "On", "ON", "off", "Off", "OFF":
            return .bool
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
            ".nan", ".NaN", ".NAN":
            return .float
        default: break
        }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return .string }
        if parseInt(text) != nil { return .int }
        if isFloat(text) { return .float }
        return .string
    }

    /// The null, bool and float words (all ASCII, at most 5 bytes), packed as `packed` packs them.
    private static let wordForms: [UInt64: ScalarType] = {
        var forms: [UInt64: ScalarType] = [:]
        func add(_ words: [String], _ type: ScalarType) {
            for word in words {
                let bytes = Array(word.utf8)
                bytes.withUnsafeBufferPointer { forms[packed($0)] = type }
            }
        }
        add(["~", "null", "Null", "NULL"], .null)
        add(
            [
                "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
                "FALSE", "on", "On", "ON", "off", "Off", "OFF",
            ], .bool)
        add(
            [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"],
            .float)
        return forms
    }()

    /// Up to 5 bytes and their count in one integer.
    @inline(__always) private static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value = UInt64(bytes.count) << 40
        for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
        return value
    }

    /// `resolvePlain` from UTF-8 bytes for the common cases; nil when only
    /// the `String` version can tell (non-ASCII or `_` in a number, radix prefixes, exponents).
    static func resolvePlain(bytes: UnsafeBufferPointer<UInt8>) -> ScalarType? {
        guard let first = bytes.first else { return .null }
        guard mayBeTyped(firstByte: first) else { return .string }
        let isDigit = first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
        // A word form is ASCII, so a text with other bytes never equals one (nor, as an ASCII
        // String, is it canonically equivalent to one).
        if !isDigit, bytes.count <= 5, let form = wordForms[packed(bytes)] { return form }
        guard isDigit || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
        else { return .string }
        switch parseDecimal(bytes: bytes) {
        case .value?: return .int
        // All digits but too large for Int: neither an int nor a float (no `.`).
        case .overflow?: return .string
        case nil: return resolveNumberLike(bytes: bytes)
        }
    }

    /// The int-or-float-or-string decision for text that starts like a number but is not a plain
    /// decimal (`250m`, `128Mi`, `0.5`, `10.0.0.1`, `25%`), as `resolvePlain(String)` decides it;
    /// nil for the forms only it reads (exponents, radix prefixes, leading-0 octal, `_`, non-ASCII).
    private static func resolveNumberLike(bytes: UnsafeBufferPointer<UInt8>) -> ScalarType? {
        var position = 0
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { position = 1 }
        guard position < bytes.count else { return .string }
        var dots = 0
        var digitsAndDotsOnly = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: ".") {
                dots += 1
            } else if !(byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
                digitsAndDotsOnly = false
                switch byte {
                case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "x"), UInt8(ascii: "b"), UInt8(ascii: "o"),
                    UInt8(ascii: "_"), 0x80...0xFF:
                    return nil
                default: break
                }
            }
            position += 1
        }
        // Another character: neither an int (digits or a radix prefix) nor a float (digits and one `.`).
        guard digitsAndDotsOnly else { return .string }
        // All digits with a leading 0: octal or not, `parseInt` decides.
        guard dots > 0 else { return nil }
        return dots == 1 ? .float : .string
    }

    enum Decimal {
        case value(Int)
        case overflow

        var value: Int? {
            if case .value(let value) = self { return value }
            return nil
        }
    }

    /// `parseInt` for an ASCII, optionally signed, plain decimal without `_`;
    /// nil when the text is any other form.
    static func parseDecimal(bytes: UnsafeBufferPointer<UInt8>) -> Decimal? {
        var position = 0
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            negative = sign == UInt8(ascii: "-")
            position = 1
        }
        let digits = bytes.count - position
        guard digits > 0 else { return nil }
        // A leading 0 (octal, 0x, 0b, 0o) goes the `String` way.
        if digits > 1 && bytes[position] == UInt8(ascii: "0") { return nil }
        var value = 0
        var overflow = false
        while position < bytes.count {
            let byte = bytes[position]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            if !overflow {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                overflow = o1 || o2
                value = sum
            }
            position += 1
        }
        return overflow ? .overflow : .value(negative ? -value : value)
    }

    /// Decimal, `0x` hex, `0o`/leading-0 octal, `0b` binary, with `_` separators (YAML 1.1).
    static func parseInt(_ text: String) -> Int? {
        var body =
            text.utf8.contains(UInt8(ascii: "_"))
            ? Substring(String(decoding: text.utf8.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)) : Substring(text)
        var sign = 1
        if body.hasPrefix("-") {
            sign = -1
            body = body.dropFirst()
        } else if body.hasPrefix("+") {
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        let value: Int?
        if body.hasPrefix("0x") {
            value = Int(body.dropFirst(2), radix: 16)
        } else if body.hasPrefix("0b") {
            value = Int(body.dropFirst(2), radix: 2)
        } else if body.hasPrefix("0o") {
            value = Int(body.dropFirst(2), radix: 8)
        } else if body.count > 1 && body.hasPrefix("0") {
            value = Int(body.dropFirst(), radix: 8)
        } else {
            guard body.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            value = Int(body)
        }
        return value.map { $0 * sign }
    }

    private static func isFloat(_ text: String) -> Bool {
        // [-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?
        var scalars = Substring(text)
        if scalars.first == "-" || scalars.first == "+" { scalars = scalars.dropFirst() }
        let parts = scalars.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
        guard let mantissa = parts.first, mantissa.contains("."), !mantissa.isEmpty else { return false }
        let digits = mantissa.filter { $0 != "_" && $0 != "." }
        guard digits.allSatisfy(\.isNumber), mantissa.filter({ $0 == "." }).count == 1 else { return false }
        if parts.count == 2 {
            var exponent = parts[1]
            if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
            return !exponent.isEmpty && exponent.allSatisfy(\.isNumber)
        }
        return true
    }
}
