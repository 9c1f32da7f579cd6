import Foundation
import KubeDiagnostics
import Testing

@testable import KubeReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct JUnitRendererTests {
    func parse(_ report: Report) throws -> XMLElement {
        let output = render(report, as: .junit, options: RenderOptions())
        let document = try XMLDocument(data: Data(output.utf8), options: [])
        return try #require(document.rootElement())
    }

    func attribute(_ element: XMLElement?, _ name: String) -> String? {
        element?.attribute(forName: name)?.stringValue
    }

    func suite(_ root: XMLElement, _ name: String) -> XMLElement? {
        root.elements(forName: "testsuite").first { attribute($0, "name") == name }
    }

    @Test func countsPerSuiteAndTotal() throws {
        let yaml = Diagnostic(
            ruleID: "yaml-syntax", severity: .error,
            span: SourceSpan(file: "bad.yaml", line: 3, column: 1),
            message: "mapping values are not allowed here")
        let root = try parse(
            Fixtures.report([Fixtures.selectorDiagnostic, Fixtures.latestDiagnostic, yaml]))
        #expect(root.name == "testsuites")
        #expect(attribute(root, "name") == "kubewire")
        let rules = Fixtures.report().rules
        #expect(root.elements(forName: "testsuite").count == rules.count)
        // 3 rules with one finding each, 5 other rules with one passing case each.
        #expect(attribute(root, "tests") == "\(rules.count)")
        #expect(attribute(root, "failures") == "2")
        #expect(attribute(root, "errors") == "1")
        #expect(attribute(root, "skipped") == "0")

        let selector = try #require(suite(root, "service-selector"))
        #expect(attribute(selector, "tests") == "1")
        #expect(attribute(selector, "failures") == "1")
        #expect(attribute(selector, "errors") == "0")
        let testcase = try #require(selector.elements(forName: "testcase").first)
        #expect(attribute(testcase, "classname") == "service-selector")
        #expect(attribute(testcase, "name") == "Service default/posts-srv")
        #expect(attribute(testcase, "file") == "infra/k8s/posts-srv.yaml")
        let failure = try #require(testcase.elements(forName: "failure").first)
        #expect(attribute(failure, "type") == "error")
        #expect(attribute(failure, "message") == Fixtures.selectorDiagnostic.message)
        let body = try #require(failure.stringValue)
        #expect(body.hasPrefix("infra/k8s/posts-srv.yaml:7:10: Service default/posts-srv selects"))
        #expect(
            body.contains(
                "infra/k8s/posts-depl.yaml:14:14: note: pods of Deployment posts-depl are labelled here"))
        #expect(body.contains("note: selectors match labels exactly"))
        #expect(body.contains("help: did you mean `app: posts`?"))

        let latest = try #require(suite(root, "image-latest")?.elements(forName: "testcase").first)
        #expect(attribute(latest.elements(forName: "failure").first, "type") == "warning")

        // Input problems are errors, not failures.
        let syntax = try #require(suite(root, "yaml-syntax"))
        #expect(attribute(syntax, "errors") == "1" && attribute(syntax, "failures") == "0")
        let syntaxCase = try #require(syntax.elements(forName: "testcase").first)
        #expect(syntaxCase.elements(forName: "error").count == 1)
        #expect(syntaxCase.elements(forName: "failure").isEmpty)
        #expect(attribute(syntaxCase, "name") == "bad.yaml:3")

        // A rule without findings has one passing case.
        let passing = try #require(suite(root, "ingress-backend"))
        #expect(attribute(passing, "tests") == "1" && attribute(passing, "failures") == "0")
        let passingCases = passing.elements(forName: "testcase")
        #expect(passingCases.count == 1 && (passingCases.first?.children ?? []).isEmpty)
    }

    @Test func escapingAndIllegalCharacters() throws {
        let message = "a <b> & \"c\" 'd'\u{1}\u{8}\u{B}\u{C}\u{1F}\u{FFFE} end\nsecond line"
        let d = Diagnostic(
            ruleID: "service-selector", severity: .error,
            span: SourceSpan(file: "x&y.yaml", line: 1, column: 1),
            message: message, object: ObjectReference(kind: "Service", namespace: "ns", name: "<n>&\"q\"")
        )
        let output = render(Fixtures.report([d]), as: .junit, options: RenderOptions())
        #expect(
            !output.unicodeScalars.contains { [0x1, 0x8, 0xB, 0xC, 0x1F, 0xFFFE].contains($0.value) })
        let root = try parse(Fixtures.report([d]))
        let testcase = try #require(
            suite(root, "service-selector")?.elements(forName: "testcase").first)
        #expect(attribute(testcase, "name") == "Service ns/<n>&\"q\"")
        #expect(attribute(testcase, "file") == "x&y.yaml")
        let failure = try #require(testcase.elements(forName: "failure").first)
        // The newline in the attribute survives as a character reference.
        #expect(attribute(failure, "message") == "a <b> & \"c\" 'd' end\nsecond line")
        #expect(failure.stringValue == "x&y.yaml:1:1: a <b> & \"c\" 'd' end\nsecond line")
    }

    @Test func escapeFunctions() {
        #expect(JUnitRenderer.text("<&>\"'") == "&lt;&amp;&gt;&quot;&apos;")
        #expect(JUnitRenderer.attribute("a\nb\tc\rd") == "a&#10;b&#9;c&#13;d")
        #expect(JUnitRenderer.text("a\nb\u{0}c") == "a\nbc")
    }

    @Test func testNamesAreUniqueWithinASuite() throws {
        var a = Fixtures.selectorDiagnostic
        a.notes = []
        var b = a
        b.span = SourceSpan(file: Fixtures.serviceFile, line: 7, column: 3)
        let c = a
        let root = try parse(Fixtures.report([a, b, c]))
        let names = try #require(suite(root, "service-selector")).elements(forName: "testcase")
            .compactMap {
                attribute($0, "name")
            }
        #expect(names.count == 3 && Set(names).count == 3)
        #expect(names.first == "Service default/posts-srv")
    }

    @Test func classnameHasNoDots() {
        #expect(JUnitRenderer.classname("k8s.io.rule") == "k8s_io_rule")
    }
}
