import Foundation
import KubeDiagnostics
import Testing

@testable import KubeReport

@Suite struct TextRendererTests {
    @Test func rendersTheWholeReportExactly() {
        let output = render(Fixtures.report(), as: .text, options: RenderOptions(color: false))
        let expected = """
            warning[image-latest]: container posts uses image posts without a tag
              --> infra/k8s/posts-depl.yaml:18:18
               |
            18 |           image: posts
               |                  ^^^^^
               = help: pin a tag, e.g. `posts:0.1.0`

            error[service-selector]: Service default/posts-srv selects app=ports, but no pod template has that label
              --> infra/k8s/posts-srv.yaml:7:10
               |
             7 |     app: ports
               |          ^^^^^
               |
            note: pods of Deployment posts-depl are labelled here
              --> infra/k8s/posts-depl.yaml:14:14
               |
            14 |         app: posts
               |              ^^^^^
               = note: selectors match labels exactly
               = help: did you mean `app: posts`? (replace with `posts`)

            error: 1 error, 1 warning in 2 files (3 objects)

            """
        #expect(output == expected)
    }

    @Test func okSummaryWhenThereAreNoFindings() {
        let report = Report(
            diagnostics: [], rules: [Fixtures.selectorRule], inputCount: 1, objectCount: 1)
        #expect(
            render(report, as: .text, options: RenderOptions())
                == "ok: no findings in 1 file (1 object)\n")
    }

    @Test func summaryCountsEverySeverity() {
        let d = Diagnostic(ruleID: "r", severity: .note, span: nil, message: "m")
        let report = Report(
            diagnostics: [d, d, Fixtures.latestDiagnostic], rules: [], inputCount: 12, objectCount: 240)
        let lastLine = TextRenderer().summary(report)
        #expect(lastLine == "warning: 1 warning, 2 notes in 12 files (240 objects)")
    }

    @Test func tabsDoNotMisalignTheCaret() {
        var sources = SourceMap()
        sources.add(path: "t.yaml", text: "\tapp:\tports\n")
        // scalars: \t a p p : \t p — "ports" starts at column 7
        let d = Diagnostic(
            ruleID: "r", severity: .error,
            span: SourceSpan(file: "t.yaml", line: 1, column: 7, endColumn: 12),
            message: "m")
        let output = TextRenderer().renderDiagnostic(d, sources: sources)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[3] == "1 |     app:    ports")
        #expect(lines[4] == "  |             ^^^^^")
        let quoted = lines[3].dropFirst(4)
        let carets = lines[4].dropFirst(4)
        let caretStart = carets.firstIndex(of: "^").map {
            carets.distance(from: carets.startIndex, to: $0)
        }
        let wordStart = quoted.range(of: "ports").map {
            quoted.distance(from: quoted.startIndex, to: $0.lowerBound)
        }
        #expect(caretStart == wordStart)
    }

    @Test func caretWidthFollowsTheSpan() {
        let line = "  name: posts-srv"
        let one = TextRenderer.quote(line, span: SourceSpan(file: "f", line: 1, column: 9))
        #expect(one == .init(text: line, caretOffset: 8, caretWidth: 1))
        let word = TextRenderer.quote(
            line, span: SourceSpan(file: "f", line: 1, column: 9, endColumn: 18))
        #expect(word == .init(text: line, caretOffset: 8, caretWidth: 9))
        // A span running onto later lines is underlined to the end of its first line.
        let multi = TextRenderer.quote(
            line, span: SourceSpan(file: "f", line: 1, column: 3, endLine: 4, endColumn: 2))
        #expect(multi.caretOffset == 2 && multi.caretWidth == 15)
        // Zero-width and past-the-end spans still get one caret.
        let empty = TextRenderer.quote(
            line, span: SourceSpan(file: "f", line: 1, column: 5, endColumn: 5))
        #expect(empty.caretWidth == 1)
        let past = TextRenderer.quote(
            line, span: SourceSpan(file: "f", line: 1, column: 30, endColumn: 31))
        #expect(past.caretOffset == 17 && past.caretWidth == 1)
    }

    @Test func wideCharactersTakeTwoCells() {
        let quoted = TextRenderer.quote(
            "name: 日本 x", span: SourceSpan(file: "f", line: 1, column: 7, endColumn: 9))
        #expect(quoted.caretOffset == 6 && quoted.caretWidth == 4)
        let after = TextRenderer.quote("name: 日本 x", span: SourceSpan(file: "f", line: 1, column: 10))
        #expect(after.caretOffset == 11)
    }

    @Test func unreadableLineStillShowsTheLocation() {
        let d = Diagnostic(
            ruleID: "unreadable-input", severity: .error,
            span: SourceSpan(file: "/nonexistent/kubewire/gone.yaml", line: 3, column: 1),
            message: "cannot read")
        let output = TextRenderer().renderDiagnostic(d, sources: SourceMap())
        #expect(
            output == """
                error[unreadable-input]: cannot read
                 --> /nonexistent/kubewire/gone.yaml:3:1

                """)
    }

    @Test func diagnosticWithoutSpanHasNoLocation() {
        let d = Diagnostic(
            ruleID: "r", severity: .note, span: nil, message: "m", notes: [DiagnosticNote("n")],
            fix: SuggestedFix("f"))
        #expect(
            TextRenderer().renderDiagnostic(d, sources: SourceMap()) == """
                note[r]: m
                  = note: n
                  = help: f

                """)
    }

    @Test func fixElsewhereNamesItsLocation() {
        var d = Fixtures.selectorDiagnostic
        d.notes = []
        d.fix = SuggestedFix(
            "rename the label",
            replacing: SourceSpan(file: Fixtures.deploymentFile, line: 14, column: 14),
            with: "ports")
        let output = TextRenderer().renderDiagnostic(d, sources: Fixtures.sources)
        #expect(
            output.hasSuffix(
                "= help: rename the label (replace with `ports`)\n          at infra/k8s/posts-depl.yaml:14:14\n"
            ))
    }

    @Test func colourOnlyWhenAsked() {
        let plain = render(Fixtures.report(), as: .text, options: RenderOptions(color: false))
        let coloured = render(Fixtures.report(), as: .text, options: RenderOptions(color: true))
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[1;31merror[service-selector]\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;33mwarning[image-latest]\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[0m"))
        // Stripping the escape codes gives back the plain output.
        let stripped = coloured.replacingOccurrences(
            of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain)
    }

    @Test func controlCharactersFromManifestsAreNotPassedToTheTerminal() {
        var sources = SourceMap()
        sources.add(path: "e.yaml", text: "name: a\u{1B}[31mb\n")
        let d = Diagnostic(
            ruleID: "r", severity: .error, span: SourceSpan(file: "e.yaml", line: 1, column: 7),
            message: "bad name a\u{1B}[2Jb")
        let output = TextRenderer(color: false).renderDiagnostic(d, sources: sources)
        #expect(!output.contains("\u{1B}"))
        #expect(output.contains("bad name a\u{FFFD}[2Jb"))
    }

    @Test func bidiOverridesCannotReorderTheQuotedLine() {
        var sources = SourceMap()
        sources.add(path: "b.yaml", text: "name: admin\u{202E}resu\u{2066}x\n")
        let d = Diagnostic(
            ruleID: "r", severity: .error,
            span: SourceSpan(file: "b.yaml", line: 1, column: 7, endLine: 1, endColumn: 19),
            message: "bad name admin\u{202E}resu")
        let output = TextRenderer(color: false).renderDiagnostic(d, sources: sources)
        #expect(
            !output.unicodeScalars.contains {
                (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value)
            })
        #expect(output.contains("1 | name: admin\u{FFFD}resu\u{FFFD}x"))
        // One cell per replaced scalar: the carets still cover the 12 scalars of the span.
        #expect(output.contains("  |       ^^^^^^^^^^^^\n"))
    }
    @Test func aNewlineInMessageTextCannotForgeALine() {
        // A key `a\nok: no findings in 1 file (1 object)` in a manifest, quoted into a message.
        let forged = "ok: no findings in 1 file (1 object)"
        let d = Diagnostic(
            ruleID: "r", severity: .error, span: nil, message: "unknown key `a\n\(forged)\r`",
            notes: [DiagnosticNote("see\n\(forged)")], fix: SuggestedFix("rename\n\(forged)"))
        let output = render(Fixtures.report([d]), as: .text, options: RenderOptions(color: false))
        let lines = output.split(separator: "\n").map(String.init)
        #expect(!lines.contains { $0.hasPrefix("ok:") || $0.hasPrefix(forged) }, "\(output)")
        #expect(output.contains("unknown key `a\\n\(forged)\\r`"))
        #expect(output.contains("= note: see\\n\(forged)"))
        #expect(output.contains("= help: rename\\n\(forged)"))
    }

    @Test func skippedFilesAreCountedAndListedOnlyWhenAsked() {
        var report = Report(diagnostics: [], rules: [], inputCount: 2, objectCount: 3)
        report.skippedFiles = ["docker-compose.yml", "evil\u{1B}[2J\nname.yaml"]
        let counted = TextRenderer(color: false).render(report)
        #expect(counted == "ok: no findings in 2 files (3 objects); 2 files skipped: not Kubernetes objects\n")
        report.listsSkippedFiles = true
        let listed = TextRenderer(color: false).render(report)
        #expect(listed.contains("  skipped (not Kubernetes objects): docker-compose.yml\n"))
        #expect(listed.contains("  skipped (not Kubernetes objects): evil\u{FFFD}[2J\\nname.yaml\n"))
    }
}
