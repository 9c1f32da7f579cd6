import Foundation
import KubeDiagnostics
import KubeFix
import Testing

/// A finding with a machine-applicable fix of `edits` (line, column, endColumn on one line, text).
private func finding(
    _ file: String, _ edits: [(Int, Int, Int, String)], applicability: FixApplicability = .machineApplicable
) -> Diagnostic {
    let textEdits = edits.map { TextEdit(SourceSpan(file: file, line: $0.0, column: $0.1, endColumn: $0.2), $0.3) }
    return Diagnostic(
        ruleID: "test-rule", severity: .error, span: textEdits.first?.span, message: "wrong",
        fix: SuggestedFix("fix it", edits: textEdits, applicability: applicability))
}

private func plan(_ text: String, _ diagnostics: [Diagnostic]) -> (FixPlan, String?) {
    let result = FixPlanner.plan(diagnostics) { _ in .bytes(Array(text.utf8)) }
    return (result, result.files.first.map { String(decoding: $0.fixed, as: UTF8.self) })
}

@Suite("FixPlanner: edits at exact bytes")
struct FixPlannerTests {
    @Test func columnsCountCharactersNotBytes() {
        // `é` and `名` are 2 and 3 bytes, one column each (libyaml's unit): the edit lands on `posts`.
        let text = "a: {é: 名, app: posts}\n"
        let (result, fixed) = plan(text, [finding("f.yaml", [(1, 16, 21, "blog")])])
        #expect(result.applied == [0])
        #expect(fixed == "a: {é: 名, app: blog}\n")
    }

    /// An edit moved from kustomize output to its source applies only where the source still holds
    /// the text it was computed to replace.
    @Test func anEditWithItsReplacedTextAppliesOnlyWhereTheTextIsThat() {
        let span = SourceSpan(file: "base.yaml", line: 1, column: 13, endColumn: 19)
        let moved = Diagnostic(
            ruleID: "name-format", severity: .error, span: span, message: "quoted",
            fix: SuggestedFix(
                "remove the quotes", edits: [TextEdit(span, "8080", replacing: "\"8080\"")],
                applicability: .machineApplicable))
        let (applied, fixed) = plan("targetPort: \"8080\"\n", [moved])
        #expect(applied.applied == [0])
        #expect(fixed == "targetPort: 8080\n")
        // The base changed since the check: the same columns now hold other text.
        let (refused, unchanged) = plan("targetPort: \"9090\"\n", [moved])
        #expect(refused.applied.isEmpty && unchanged == nil)
        #expect(refused.refused.first?.reason.contains("no longer holds `\"8080\"`") == true, "\(refused.refused)")
    }

    @Test func crlfLinesAndCommentsStay() {
        let text = "kind: Service\r\nspec:\r\n  port: \"80\" # the web port\r\n"
        let (_, fixed) = plan(text, [finding("f.yaml", [(3, 9, 13, "80")])])
        #expect(fixed == "kind: Service\r\nspec:\r\n  port: 80 # the web port\r\n")
    }

    @Test func aLineBreakInTheNewTextTakesTheFilesLineEnding() {
        let text = "spec:\r\n  ports: []\r\n"
        let (_, fixed) = plan(text, [finding("f.yaml", [(2, 10, 12, "\n    - port: 80")])])
        #expect(fixed == "spec:\r\n  ports: \r\n    - port: 80\r\n")
        let (_, unix) = plan("spec:\n  ports: []\n", [finding("f.yaml", [(2, 10, 12, "\n    - port: 80")])])
        #expect(unix == "spec:\n  ports: \n    - port: 80\n")
    }

    @Test func endOfLineColumnIsBeforeTheCarriageReturn() {
        let text = "a: b\r\n"
        let (_, fixed) = plan(text, [finding("f.yaml", [(1, 4, 5, "c")])])
        #expect(fixed == "a: c\r\n")
        let (past, _) = plan(text, [finding("f.yaml", [(1, 4, 7, "c")])])
        #expect(past.applied.isEmpty && past.refused.count == 1)
    }

    @Test func byteOrderMarkIsNoColumn() {
        let text = "\u{FEFF}a: b\n"
        let (_, fixed) = plan(text, [finding("f.yaml", [(1, 4, 5, "c")])])
        #expect(fixed == "\u{FEFF}a: c\n")
    }

    @Test func overlappingFixesFirstWins() {
        let text = "name: postz\n"
        let (result, fixed) = plan(
            text, [finding("f.yaml", [(1, 7, 12, "posts")]), finding("f.yaml", [(1, 9, 12, "sts")])])
        #expect(result.applied == [0])
        #expect(result.refused.map(\.index) == [1])
        #expect(result.refused.first?.reason.contains("overlaps") == true)
        #expect(fixed == "name: posts\n")
    }

    @Test func sameEditTwiceIsMadeOnce() {
        let text = "name: postz\n"
        let (result, fixed) = plan(
            text, [finding("f.yaml", [(1, 7, 12, "posts")]), finding("f.yaml", [(1, 7, 12, "posts")])])
        #expect(result.refused.isEmpty)
        #expect(fixed == "name: posts\n")
        #expect(result.files.first?.fixCount == 1)
    }

    @Test func twoFixesOnOneLineBothApply() {
        let text = "ports: [{port: \"80\", name: Web}]\n"
        let (result, fixed) = plan(
            text, [finding("f.yaml", [(1, 28, 31, "web")]), finding("f.yaml", [(1, 16, 20, "80")])])
        #expect(result.applied == [0, 1])
        #expect(fixed == "ports: [{port: 80, name: web}]\n")
        #expect(result.files.first?.fixCount == 2)
    }

    @Test func guessesAndWordsAreNotApplied() {
        let text = "name: postz\n"
        let guess = finding("f.yaml", [(1, 7, 12, "posts")], applicability: .maybeIncorrect)
        let words = Diagnostic(
            ruleID: "r", severity: .error, span: nil, message: "m", fix: SuggestedFix("change it yourself"))
        let (result, fixed) = plan(text, [guess, words])
        #expect(result.applied.isEmpty && result.refused.isEmpty && fixed == nil)
    }

    @Test func staleSpanIsRefused() {
        let (result, _) = plan("a: b\n", [finding("f.yaml", [(3, 1, 2, "x")])])
        #expect(result.applied.isEmpty)
        #expect(result.refused.first?.reason.contains("not in f.yaml as it is now") == true)
    }

    @Test func multiLineSpanKeepsWhatFollows() {
        let text = "backend:\n  serviceName: posts\n  servicePort: 80 # api\nnext: 1\n"
        let edit = TextEdit(
            SourceSpan(file: "f.yaml", line: 2, column: 3, endLine: 3, endColumn: 18),
            "service: {name: posts, port: {number: 80}}")
        let diagnostic = Diagnostic(
            ruleID: "r", severity: .error, span: edit.span, message: "m",
            fix: SuggestedFix("convert", edits: [edit], applicability: .machineApplicable))
        let (_, fixed) = plan(text, [diagnostic])
        #expect(fixed == "backend:\n  service: {name: posts, port: {number: 80}} # api\nnext: 1\n")
    }

    @Test func aFixThatWouldDeleteACommentIsRefused() {
        let text = "backend:\n  serviceName: posts # API\n  servicePort: 80\n"
        let edit = TextEdit(
            SourceSpan(file: "f.yaml", line: 2, column: 3, endLine: 3, endColumn: 18),
            "service: {name: posts, port: {number: 80}}")
        let diagnostic = Diagnostic(
            ruleID: "r", severity: .error, span: edit.span, message: "m",
            fix: SuggestedFix("convert", edits: [edit], applicability: .machineApplicable))
        let (result, fixed) = plan(text, [diagnostic])
        #expect(fixed == nil)
        #expect(result.refused.first?.reason.contains("would remove the comment `# API`") == true)
    }

    @Test func unusualLineBreaksAreRefused() {
        let (result, _) = plan("a: b\rc: d\n", [finding("f.yaml", [(1, 4, 5, "c")])])
        #expect(result.applied.isEmpty && result.refused.first?.reason.contains("carriage return") == true)
    }

    @Test func refusedFileRefusesItsFixes() {
        let result = FixPlanner.plan([finding("-", [(1, 1, 2, "x")])]) { _ in .refused("never") }
        #expect(result.refused == [RefusedFix(index: 0, reason: "never")])
    }
}

@Suite("UnifiedDiff")
struct UnifiedDiffTests {
    @Test func oneChangeWithThreeLinesOfContext() {
        let old = (1...10).map { "line \($0)\n" }.joined()
        let new = old.replacingOccurrences(of: "line 5\n", with: "LINE 5\n")
        let diff = UnifiedDiff.render(
            FixedFile(path: "infra/a.yaml", original: Array(old.utf8), fixed: Array(new.utf8), fixCount: 1))
        #expect(
            diff == """
                --- infra/a.yaml
                +++ infra/a.yaml
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +LINE 5
                 line 6
                 line 7
                 line 8

                """)
    }

    @Test func distantChangesAreTwoHunksAndLineCountChangesShiftTheSecond() {
        let old = (1...20).map { "l\($0)\n" }.joined()
        var lines = (1...20).map { "l\($0)\n" }
        lines[1] = "x\ny\n"  // line 2 becomes two
        lines[17] = "z\n"  // line 18
        let diff = UnifiedDiff.render(
            FixedFile(path: "a", original: Array(old.utf8), fixed: Array(lines.joined().utf8), fixCount: 2))
        #expect(diff.contains("@@ -1,5 +1,6 @@\n l1\n-l2\n+x\n+y\n l3\n"))
        #expect(diff.contains("@@ -15,6 +16,6 @@\n l15\n l16\n l17\n-l18\n+z\n l19\n l20\n"))
    }

    @Test func missingFinalNewlineIsSaid() {
        let diff = UnifiedDiff.render(
            FixedFile(path: "a", original: Array("a\nb".utf8), fixed: Array("a\nc".utf8), fixCount: 1))
        #expect(
            diff
                == "--- a\n+++ a\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        )
    }
}

@Suite("FixFiles: atomic write")
struct FixFilesTests {
    @Test func writeKeepsPermissionsAndRefusesAChangedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kubefix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.yaml").path
        try Data("a: b\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, 0o640) == 0)
        let signature = try #require(FileSignature.of(path))
        guard case .bytes(let bytes) = FixFiles.read(path, expected: signature, roots: [folder.path]) else {
            Issue.record("not read")
            return
        }
        #expect(bytes == Array("a: b\n".utf8))
        try FixFiles.writeAtomically(Array("a: c\n".utf8), to: path, expected: signature)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a: c\n")
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o7777 == 0o640)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.yaml"])
        // The signature taken before is of the old version now.
        guard case .refused(let reason) = FixFiles.read(path, expected: signature, roots: [folder.path]) else {
            Issue.record("a changed file was read for fixing")
            return
        }
        #expect(reason.contains("changed since it was checked"))
        #expect(throws: FixWriteError.self) {
            try FixFiles.writeAtomically(Array("x".utf8), to: path, expected: signature)
        }
    }

    @Test func symbolicLinkOutOfTheInputsIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kubefix-\(UUID().uuidString)")
        let inputs = folder.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outside = folder.appendingPathComponent("outside.yaml").path
        try Data("a: b\n".utf8).write(to: URL(fileURLWithPath: outside))
        let link = inputs.appendingPathComponent("link.yaml").path
        #expect(symlink(outside, link) == 0)
        let root = try #require(FixFiles.realPath(inputs.path))
        guard case .refused(let reason) = FixFiles.read(link, expected: FileSignature.of(link), roots: [root]) else {
            Issue.record("a link out of the inputs was read for fixing")
            return
        }
        #expect(reason.contains("outside the inputs"))
    }
}
