import KubeDiagnostics
import Testing

@testable import KubeReport

@Suite struct GitHubRendererTests {
    @Test func escaping() {
        #expect(GitHubRenderer.escapeData("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d")
        #expect(GitHubRenderer.escapeProperty("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d")
        // `%` is escaped first, so an existing escape is not decoded by GitHub.
        #expect(GitHubRenderer.escapeData("%0A") == "%250A")
    }

    @Test func oneLinePerDiagnosticErrorsFirstThenSummary() {
        let note = Diagnostic(
            ruleID: "hint", severity: .note, span: SourceSpan(file: "a.yaml", line: 1, column: 1),
            message: "fyi")
        let output = render(
            Fixtures.report([note, Fixtures.latestDiagnostic, Fixtures.selectorDiagnostic]), as: .github,
            options: RenderOptions())
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines == [
                "::error file=infra/k8s/posts-srv.yaml,line=7,col=10,endLine=7,endColumn=15,title=service-selector::"
                    + "Service default/posts-srv selects app=ports, but no pod template has that label"
                    + "%0Anote: pods of Deployment posts-depl are labelled here (infra/k8s/posts-depl.yaml:14:14)"
                    + "%0Anote: selectors match labels exactly"
                    + "%0Ahelp: did you mean `app: posts`? (replace with `posts`)",
                "::warning file=infra/k8s/posts-depl.yaml,line=18,col=18,endLine=18,endColumn=23,title=image-latest::"
                    + "container posts uses image posts without a tag%0Ahelp: pin a tag, e.g. `posts:0.1.0`",
                "::notice file=a.yaml,line=1,col=1,endLine=1,endColumn=2,title=hint::fyi",
                "kubewire: 1 error, 1 warning, 1 note in 2 files (3 objects)",
                "",
            ])
    }

    @Test func propertiesAreEscaped() {
        let d = Diagnostic(
            ruleID: "r:x,y", severity: .error,
            span: SourceSpan(file: "dir,1/a:b%.yaml", line: 2, column: 3),
            message: "50% off\r\nnext")
        let line = GitHubRenderer.command(d, paths: PathRelativizer(workingDirectory: nil))
        #expect(
            line
                == "::error file=dir%2C1/a%3Ab%25.yaml,line=2,col=3,endLine=2,endColumn=4,title=r%3Ax%2Cy::50%25 off\\r\\nnext"
        )
        #expect(!line.contains("\n") && !line.contains("\r"))
    }

    @Test func multiLineSpansOmitColumnsAndSpanlessOmitFile() {
        let multi = Diagnostic(
            ruleID: "r", severity: .warning,
            span: SourceSpan(file: "a.yaml", line: 2, column: 3, endLine: 5, endColumn: 1),
            message: "m")
        let paths = PathRelativizer(workingDirectory: nil)
        #expect(
            GitHubRenderer.command(multi, paths: paths)
                == "::warning file=a.yaml,line=2,endLine=5,title=r::m")
        let none = Diagnostic(ruleID: "unreadable-input", severity: .error, span: nil, message: "m")
        #expect(GitHubRenderer.command(none, paths: paths) == "::error title=unreadable-input::m")
    }

    @Test func pathsRelativeToTheWorkingDirectory() {
        let d = Diagnostic(
            ruleID: "r", severity: .error,
            span: SourceSpan(file: "/work/repo/infra/a.yaml", line: 1, column: 1),
            message: "m")
        let output = render(
            Report(diagnostics: [d], rules: []), as: .github,
            options: RenderOptions(workingDirectory: "/work/repo"))
        #expect(output.hasPrefix("::error file=infra/a.yaml,line=1,"))
    }

    @Test func summaryMentionsTheAnnotationLimit() {
        let many = (1...11).map {
            Diagnostic(
                ruleID: "r", severity: .error, span: SourceSpan(file: "a.yaml", line: $0, column: 1),
                message: "m")
        }
        let output = render(Report(diagnostics: many, rules: []), as: .github, options: RenderOptions())
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 12)
        #expect(
            lines.last?.hasPrefix(
                "kubewire: 11 errors in 0 files (0 objects); GitHub shows only the first 10") == true)
        let few = render(
            Report(diagnostics: Array(many.prefix(10)), rules: []), as: .github, options: RenderOptions())
        #expect(!few.contains("GitHub shows"))
    }
    @Test func aNewlineInMessageTextCannotForgeAnnotationLines() {
        let d = Diagnostic(
            ruleID: "r", severity: .error, span: SourceSpan(file: "a.yaml", line: 1, column: 1),
            message: "bad key `a\nhelp: nothing to fix\u{1B}[2J`", notes: [DiagnosticNote("x\r\n::error ::forged")])
        let output = render(Fixtures.report([d]), as: .github, options: RenderOptions())
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(output)")
        // The message's own newline is shown as `\n`, not as an annotation line (%0A) of its own.
        #expect(
            lines.first
                == "::error file=a.yaml,line=1,col=1,endLine=1,endColumn=2,title=r::bad key `a\\nhelp: nothing to fix\u{FFFD}[2J`%0Anote: x\\r\\n::error ::forged"
        )
    }
}
