import KubeYAML
import Testing

@Suite("syntax and encoding errors")
struct SyntaxErrorTests {
    @Test func mappingValueInPlainScalarContext() throws {
        let result = load("a: b\n  c: d\n")
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.severity == .error)
        #expect(problem.message.contains("mapping values are not allowed in this context"))
        #expect(problem.span?.file == "t.yaml")
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 4)
        #expect(result.documents.isEmpty)
    }

    @Test func tabIndentationCannotStartAToken() throws {
        let problem = try onlyProblem(load("a:\n\tb: 1\n"))
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.message.contains("found character that cannot start any token"))
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 1)
    }

    @Test func unclosedFlowSequenceNamesItsContext() throws {
        let problem = try onlyProblem(load("ports: [80, 443\nname: x\n"))
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.message.contains("did not find expected ',' or ']'"))
        #expect(problem.message.contains("while parsing a flow sequence at line 1, column 8"))
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 5)
    }

    @Test func unclosedQuoteIsReportedAtItsStart() throws {
        let problem = try onlyProblem(load("a: 1\nb: \"open\nc: 2\n"))
        #expect(problem.message.contains("found unexpected end of stream"))
        #expect(problem.message.contains("while scanning a quoted scalar at line 2, column 4"))
    }

    @Test func errorInALaterDocumentKeepsEarlierOnes() throws {
        let result = load("a: 1\n---\nb: [\n")
        #expect(result.documents.count == 1)
        #expect(result.documents.first?.root["a"]?.int == 1)
        let problem = try onlyProblem(result)
        #expect(problem.span?.line ?? 0 >= 3)
    }

    @Test(
        "invalid UTF-8 is reported with line and column",
        arguments: [
            ([UInt8]("a: b\nc: ".utf8) + [0xFF, 0x0A], 2, 4),
            ([UInt8]("é: ".utf8) + [0xC3], 1, 4),
            ([UInt8]("x: 1\ny: 2\nzz: ".utf8) + [0x80, 0x41], 3, 5),
        ])
    func invalidUTF8(_ bytes: [UInt8], _ line: Int, _ column: Int) throws {
        let result = load(bytes: bytes)
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "unreadable-input")
        #expect(problem.message.contains("UTF-8"))
        #expect(problem.span?.line == line)
        #expect(problem.span?.column == column)
        #expect(result.documents.isEmpty)
    }
}

@Suite("limits")
struct LimitTests {
    @Test func inputSizeLimit() throws {
        let limits = YAMLLimits(maxInputBytes: 16)
        #expect(load("a: 123456789012\n", limits: limits).problems.isEmpty)  // 16 bytes
        let result = load("a: 1234567890123\n", limits: limits)  // 17 bytes
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "input-limit")
        #expect(problem.message.contains("17 bytes"))
        #expect(problem.span?.line == 1)
        #expect(problem.span?.column == 1)
        #expect(result.documents.isEmpty)
    }

    @Test func depthLimit() throws {
        let limits = YAMLLimits(maxDepth: 3)
        #expect(load("a: {b: {c: 1}}", limits: limits).problems.isEmpty)
        let result = load("a: {b: {c: {d: 1}}}", limits: limits)
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "input-limit")
        #expect(problem.message.contains("3"))
        #expect(problem.span?.line == 1)
        #expect(problem.span?.column == 12)
        #expect(result.documents.isEmpty)
    }

    @Test func depthThroughAliasesCountsAgainstTheLimit() throws {
        // Each line nests only two levels, but `*a2` reaches four (a2 → a1 → a0), and walks follow it.
        let limits = YAMLLimits(maxDepth: 4)
        let chain = "a0: &a0 {k: v}\na1: &a1 {k: *a0}\na2: &a2 {k: *a1}\n"
        #expect(load(chain, limits: limits).problems.isEmpty)
        let result = load(chain + "a3: {k: *a2}\n", limits: limits)
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "input-limit")
        #expect(problem.message.contains("through alias *a2"))
        #expect(problem.span?.line == 4)
        #expect(problem.span?.column == 9)
    }

    @Test func deepAliasChainsStopAtTheDefaultLimit() throws {
        // 250 anchors, each one level deeper than the last: 2 levels of syntax, 250 through aliases.
        var text = "a0: &a0 [x]\n"
        for level in 1..<250 { text += "a\(level): &a\(level) [*a\(level - 1)]\n" }
        let problem = try onlyProblem(load(text))
        #expect(problem.ruleID == "input-limit")
        #expect(problem.span?.line == 200)
    }

    @Test func defaultDepthLimitStopsDeepNesting() throws {
        #expect(load(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)).problems.isEmpty)
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let problem = try onlyProblem(load(deep))
        #expect(problem.ruleID == "input-limit")
        #expect(problem.span?.column == 201)
    }

    @Test func aliasExpansionLimitCountsNodes() throws {
        let limits = YAMLLimits(maxAliasedNodes: 10)
        // `[1, 2, 3]` is four nodes; two uses are 8, three are 12.
        #expect(load("a: &x [1, 2, 3]\nb: [*x, *x]\n", limits: limits).problems.isEmpty)
        let problem = try onlyProblem(load("a: &x [1, 2, 3]\nb: [*x, *x, *x]\n", limits: limits))
        #expect(problem.ruleID == "input-limit")
        #expect(problem.message.contains("billion-laughs"))
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 13)
    }

    @Test(.timeLimit(.minutes(1)))
    func billionLaughsReturnsQuicklyWithALimitError() throws {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let letters = Array("bcdefghi")
        var previous = "a"
        for letter in letters {
            let refs = Array(repeating: "*\(previous)", count: 9).joined(separator: ",")
            text += "\(letter): &\(letter) [\(refs)]\n"
            previous = String(letter)
        }
        let clock = ContinuousClock()
        var result: YAMLLoadResult?
        let elapsed = clock.measure { result = load(text) }
        let problem = try onlyProblem(try #require(result))
        #expect(problem.ruleID == "input-limit")
        #expect(result?.documents.isEmpty == true)
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }
}
