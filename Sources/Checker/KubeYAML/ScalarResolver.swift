import Foundation

/// YAML 1.1 implicit typing of plain scalars, as Kubernetes applies it: a byte-level transcription
/// of `resolve()` in sigs.k8s.io/yaml's goyaml.v2 (go-yaml v2.4 with the big-integer case), the
/// decoder behind kubectl and the API server. The one resolver: loaded and built nodes both use it.
///
/// Timestamps (`2006-01-02`) resolve to strings: goyaml.v2 keeps a timestamp-like value decoded
/// into `interface{}` (as Kubernetes decodes) as its text.
enum ScalarResolver {
    /// What a plain scalar resolves to, and its integer value when it is an integer that fits `Int`
    /// (nil for a `uint64` above `Int.max` or a big integer: Kubernetes reads those as out of range).
    struct Resolution: Equatable {
        var type: ScalarType
        var integer: Int?

        static let string = Resolution(type: .string, integer: nil)
    }

    /// goyaml.v2's `resolveTable`: whether a plain scalar starting with `byte` can be anything but
    /// a string (nil: the empty scalar, which is null).
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

    /// goyaml.v2's `resolve("", in)` from the scalar's UTF-8 bytes.
    static func resolve(bytes: UnsafeBufferPointer<UInt8>) -> Resolution {
        guard let first = bytes.first else { return Resolution(type: .null, integer: nil) }
        guard mayBeTyped(firstByte: first) else { return .string }
        // resolveMap: the null, bool and special float words (ASCII, at most 5 bytes).
        let isDigit = first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")
        if !isDigit, bytes.count <= 5, let form = wordForms[packed(bytes)] {
            return Resolution(type: form, integer: nil)
        }
        if first == UInt8(ascii: ".") {
            // strconv.ParseFloat of text that starts with `.`: `\.[0-9]+([eE][-+]?[0-9]+)?`, with Go's
            // digit separators (a `_` between two digits: `.5_0`).
            guard bytes.contains(UInt8(ascii: "_")) else {
                return isFiniteYAMLFloat(bytes) ? Resolution(type: .float, integer: nil) : .string
            }
            @inline(__always) func isDigit(_ at: Int) -> Bool {
                at >= 0 && at < bytes.count && bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9")
            }
            for index in bytes.indices where bytes[index] == UInt8(ascii: "_") {
                guard isDigit(index - 1), isDigit(index + 1) else { return .string }
            }
            let digits = bytes.filter { $0 != UInt8(ascii: "_") }
            return digits.withUnsafeBufferPointer { isFiniteYAMLFloat($0) }
                ? Resolution(type: .float, integer: nil) : .string
        }
        guard isDigit || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else { return .string }  // 'M'
        // 'D' and 'S': `plain` is the text without `_`.
        if bytes.contains(UInt8(ascii: "_")) {
            let plain = bytes.filter { $0 != UInt8(ascii: "_") }
            return plain.withUnsafeBufferPointer { resolveNumber(plain: $0) }
        }
        return resolveNumber(plain: bytes)
    }

    private static func resolveNumber(plain: UnsafeBufferPointer<UInt8>) -> Resolution {
        // strconv.ParseInt(plain, 0, 64)
        if case .value(let value) = parseInt(plain) { return Resolution(type: .int, integer: value) }
        // strconv.ParseUint(plain, 0, 64): above Int.max, an int Kubernetes cannot hold.
        let unsigned = parseUint(plain)
        if case .value = unsigned { return Resolution(type: .int, integer: nil) }
        if isFiniteYAMLFloat(plain) { return Resolution(type: .float, integer: nil) }
        // `0b` followed by what ParseInt(_, 2, 64) reads, sign included (`0b-1` is -1).
        if plain.count >= 2, plain[0] == UInt8(ascii: "0"), plain[1] == UInt8(ascii: "b") {
            let digits = UnsafeBufferPointer(rebasing: plain[2...])
            switch parseInt(digits, base: 2) {
            case .value(let value): return Resolution(type: .int, integer: value)
            case .range where digits.first.map({ $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "+") }) ?? false:
                return Resolution(type: .int, integer: nil)  // ParseUint(_, 2, 64) or, past it, a big integer
            default: break
            }
        }
        // `-0b` is read by ParseInt(plain, 0, 64) already; what it adds (`"-" + rest`) fails the same way.
        // Out of uint64's range but well formed in its base: a big integer.
        if case .range = unsigned { return Resolution(type: .int, integer: nil) }
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

    enum Parsed<Value> {
        case value(Value)
        /// Well formed, but out of the type's range (every digit valid in its base).
        case range
        case syntax
    }

    /// strconv.ParseUint(text, base, 64); base 0 reads the prefixes `0b`, `0o`, `0x` (either case,
    /// with at least one character after them) and a leading `0` as octal. Unlike Go it reads to the
    /// end past an overflow, so `.range` also says the text is well formed (what big.Int accepts).
    static func parseUint(_ text: UnsafeBufferPointer<UInt8>, base: Int = 0) -> Parsed<UInt64> {
        guard !text.isEmpty else { return .syntax }
        var radix = UInt64(base)
        var position = 0
        if base == 0 {
            radix = 10
            if text[0] == UInt8(ascii: "0") {
                let second = text.count >= 3 ? text[1] | 0x20 : 0
                switch second {
                case UInt8(ascii: "b"):
                    radix = 2
                    position = 2
                case UInt8(ascii: "o"):
                    radix = 8
                    position = 2
                case UInt8(ascii: "x"):
                    radix = 16
                    position = 2
                default:
                    radix = 8
                    position = 1
                }
            }
        }
        var value: UInt64 = 0
        var overflow = false
        while position < text.count {
            let byte = text[position]
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                digit = UInt64((byte | 0x20) - UInt8(ascii: "a")) + 10
            default: return .syntax
            }
            guard digit < radix else { return .syntax }
            if !overflow {
                let (times, o1) = value.multipliedReportingOverflow(by: radix)
                let (sum, o2) = times.addingReportingOverflow(digit)
                overflow = o1 || o2
                value = sum
            }
            position += 1
        }
        return overflow ? .range : .value(value)
    }

    /// strconv.ParseInt(text, base, 64): one optional sign, then what `parseUint` reads.
    static func parseInt(_ text: UnsafeBufferPointer<UInt8>, base: Int = 0) -> Parsed<Int> {
        guard let first = text.first else { return .syntax }
        let negative = first == UInt8(ascii: "-")
        let signed = negative || first == UInt8(ascii: "+")
        let magnitude = signed ? UnsafeBufferPointer(rebasing: text[1...]) : text
        switch parseUint(magnitude, base: base) {
        case .syntax: return .syntax
        case .range: return .range
        case .value(let unsigned):
            if negative {
                if unsigned > UInt64(Int.max) + 1 { return .range }
                return .value(unsigned == UInt64(Int.max) + 1 ? Int.min : -Int(unsigned))
            }
            return unsigned > UInt64(Int.max) ? .range : .value(Int(unsigned))
        }
    }

    /// goyaml.v2's `yamlStyleFloat` (`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`) and
    /// strconv.ParseFloat without a range error (finite as a Double; underflow to 0 is no error).
    static func isFiniteYAMLFloat(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var position = 0
        let count = text.count
        func isDigit(_ at: Int) -> Bool { at < count && text[at] >= UInt8(ascii: "0") && text[at] <= UInt8(ascii: "9") }
        func digits() -> Int {
            let start = position
            while isDigit(position) { position += 1 }
            return position - start
        }
        if position < count, text[position] == UInt8(ascii: "+") || text[position] == UInt8(ascii: "-") {
            position += 1
        }
        if position < count, text[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if position < count, text[position] == UInt8(ascii: ".") {
                position += 1
                _ = digits()
            }
        }
        if position < count, text[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < count, text[position] == UInt8(ascii: "+") || text[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { return false }
        }
        guard position == count else { return false }
        // Only ASCII digits, signs, `.` and `e` remain: Double's parser reads them as Go's does.
        guard let value = Double(String(decoding: text, as: UTF8.self)) else { return false }
        return value.isFinite
    }
}
