/// The one way a message quotes a value the user wrote: bounded in length and printable, so a
/// megabyte scalar or a terminal escape in a manifest cannot flood or drive the reader's terminal,
/// and a look-alike character (U+212A KELVIN SIGN for `K`) shows as what it is.
public enum UserText {
    /// Characters kept before the text is cut with `…`.
    public static let limit = 80

    /// `text` between backticks, as `shown(_:)` prints it.
    public static func quoted(_ text: some StringProtocol) -> String { "`" + shown(text) + "`" }

    /// `text` with control characters and non-ASCII escaped (`\n`, `\t`, `\u{212A}`), cut after
    /// `limit` characters of the result with `…`.
    public static func shown(_ text: some StringProtocol) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar {
            case "\n": piece = "\\n"
            case "\r": piece = "\\r"
            case "\t": piece = "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value > 0x7E {
                    piece = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    piece = String(scalar)
                }
            }
            if count + piece.count > limit {
                result += "…"
                return result
            }
            result += piece
            count += piece.count
        }
        return result
    }

    /// Whether `shown(text)` is `text` itself (nothing escaped or cut).
    public static func isShownAsIs(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.count <= limit
            && text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value <= 0x7E }
    }
}
