import Foundation
import KubeDiagnostics
import KubeModel
import Testing

@testable import KubeSchema

/// CRD `pattern`s: RE2's verdicts where ICU can give them, no verdict where it cannot.
struct PatternMatchTests {
    @Test(arguments: ["^(?!x).*$", "^(?=a)", "(?<=a)b", "(?<!a)b", "^(a)\\1$", "(x)(y)\\2"])
    func patternsRE2RejectsAreNotChecked(_ pattern: String) {
        #expect(PatternMatch.usesConstructsRE2Rejects(pattern))
        #expect(PatternMatch.compile(pattern) == nil)
    }

    @Test(arguments: ["^[a-z]+$", "^(?:a|b)$", "^(?i)abc$", "[(?!x)]", "^\\\\1$", "^a{1,3}$"])
    func ordinaryPatternsCompile(_ pattern: String) {
        #expect(!PatternMatch.usesConstructsRE2Rejects(pattern))
        #expect(PatternMatch.compile(pattern) != nil)
    }

    @Test func verdicts() throws {
        let regex = try #require(PatternMatch.compile("^[a-z]+$"))
        #expect(PatternMatch.evaluate(regex, "abc") == .matches)
        #expect(PatternMatch.evaluate(regex, "ABC") == .doesNotMatch)
    }

    @Test func catastrophicBacktrackingIsBoundedAndNoVerdict() throws {
        // RE2 answers this in linear time (no match); ICU backtracks exponentially.
        let regex = try #require(PatternMatch.compile("^(a+)+$"))
        let start = Date()
        let outcome = PatternMatch.evaluate(regex, String(repeating: "a", count: 40) + "b")
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(outcome != .matches)
    }

    @Test func aMatchICUCannotFinishIsNoVerdict() throws {
        // RE2 matches this in linear time; ICU's backtracking stack runs out on a long value and
        // used to read as "does not match".
        let regex = try #require(PatternMatch.compile("^(a|b)*$"))
        let outcome = PatternMatch.evaluate(regex, String(repeating: "a", count: 1 << 20))
        #expect(outcome != .doesNotMatch)
    }

    static let crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        lookahead: {type: string, pattern: "^(?!x).*$"}
                        plain: {type: string, pattern: "^[a-z]+$"}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        spec:
          lookahead: xyz

        """

    @Test func aLongValueIsQuotedShortAndEscaped() throws {
        // `\e` is YAML's escape for ESC: the decoded value ends with a terminal escape sequence.
        let value = String(repeating: "X", count: 1_000_000) + "\\e[2J"
        let loaded = ManifestLoader.load(text: Self.crd + "  plain: \"\(value)\"\n", name: "m.yaml")
        #expect(loaded.problems.isEmpty)
        let result = SchemaPass.run(loaded.graph, minor: 37) { _, _ in false }
        let finding = try #require(result.findings.first { $0.ruleID == "field-value" })
        #expect(result.findings.filter { $0.ruleID == "field-value" }.count == 1)
        #expect(finding.message.count < 300, "\(finding.message.prefix(400))")
        #expect(finding.message.contains("…"))
        #expect(!finding.message.contains("\u{1B}"))
    }
}
