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
