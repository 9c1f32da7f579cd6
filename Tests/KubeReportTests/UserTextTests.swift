import KubeDiagnostics
import Testing

/// The one quoting of user values in messages: bounded, printable, look-alikes visible.
struct UserTextTests {
    @Test func shortPrintableTextIsShownAsIs() {
        #expect(UserText.shown("posts-srv") == "posts-srv")
        #expect(UserText.quoted("app: web") == "`app: web`")
        #expect(UserText.isShownAsIs("posts-srv"))
    }

    @Test func controlCharactersAndNonASCIIAreEscaped() {
        #expect(UserText.shown("a\nb\tc\r") == "a\\nb\\tc\\r")
        #expect(UserText.shown("\u{1B}[2J") == "\\u{1B}[2J")
        #expect(UserText.shown("\u{212A}ind") == "\\u{212A}ind")
        #expect(UserText.shown("caf\u{E9}") == "caf\\u{E9}")
        #expect(!UserText.isShownAsIs("caf\u{E9}"))
    }

    @Test func longTextIsCutWithAnEllipsis() {
        let shown = UserText.shown(String(repeating: "x", count: 1_000_000))
        #expect(shown == String(repeating: "x", count: UserText.limit) + "…")
        // An escape is never cut in half.
        let escapes = UserText.shown(String(repeating: "\u{1B}", count: 100))
        #expect(escapes.hasSuffix("}…"))
        #expect(escapes.count <= UserText.limit + 1)
    }
}
