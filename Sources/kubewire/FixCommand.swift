import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeFix
import KubeModel
import KubewireCLI

/// `check --fix` and `check --fix --diff`.
struct FixOptions: ParsableArguments {
    @Flag(
        name: .long,
        help:
            "Apply every machine-applicable fix in place (only the replaced text changes; each file written atomically), then check again and report what is left."
    )
    var fix = false

    @Flag(name: .long, help: "With --fix: print the fixes as a unified diff (patch -p0) instead of writing them.")
    var diff = false

    func validate() throws {
        if diff && !fix { throw ValidationError("--diff shows what --fix would change: kubewire check --fix --diff …") }
    }
}

/// What `--fix` did, for the check that follows it: that check reads the fixed texts (from disk, or
/// with `--diff` from `replacements`) and reports what is left.
struct FixPass {
    var summary = FixSummary()
    /// `--diff`: the fixed texts by real path, read in place of the files; and the diff to print
    /// in place of the report.
    var replacements: [String: String] = [:]
    var diff: String?
    /// Rendered findings whose fixes went to their source files.
    var fixedRendered: Set<Diagnostic> = []
}

/// What `--fix` did, said on standard error after the report of the check that follows it.
struct FixSummary {
    var appliedFixes = 0
    var files = 0
    /// Lines said before the summary (fixes not applied, input never fixed).
    var remarks: [String] = []
    /// `--diff`: whether fixes of rendered kustomize findings were moved to source files some
    /// kustomization was then built from as they are on disk (what is left is approximate).
    var fixesKustomizeSources = false

    /// Said of the findings left in rendered output whose fixes are words only: a template line, or
    /// source text other than what the build printed (nil when there are none).
    static func renderedRemark(left rendered: some Sequence<Diagnostic>) -> String? {
        let count = rendered.filter { $0.fix.map { $0.edits.isEmpty } ?? false }.count
        guard count > 0 else { return nil }
        return
            "kubewire: --fix: \(count) finding\(count == 1 ? "" : "s") in rendered kustomize or helm output not fixed (a template, or source text other than the build printed): change the source as each says"
    }

    /// "applied 3 fixes in 2 files; left: 1 error, 1 warning", for the findings of the re-check.
    func line(left findings: [Diagnostic], diff: Bool) -> String {
        let verb = diff ? "would apply" : "applied"
        let done =
            appliedFixes == 0
            ? "nothing to fix"
            : "\(verb) \(count(appliedFixes, "fix", "fixes")) in \(count(files, "file", "files"))"
        let counts = Severity.allCases.sorted(by: >).compactMap { severity -> String? in
            let number = findings.filter { $0.severity == severity }.count
            return number == 0 ? nil : count(number, severity.rawValue, severity.rawValue + "s")
        }
        let review = findings.filter { $0.fix?.applicability == .maybeIncorrect && $0.fix?.edits.isEmpty == false }
            .count
        var left = counts.isEmpty ? "nothing" : counts.joined(separator: ", ")
        if review > 0 {
            left += " (\(count(review, "suggested fix", "suggested fixes")) to review: a guess is never applied)"
        }
        if diff && fixesKustomizeSources {
            // A copy with the fixed texts could not be built: kustomize built what is on disk.
            left += "; kustomize output counted as built before the diff's changes to its sources"
        }
        return "kubewire: --fix: \(done); left: \(left)"
    }

    private func count(_ number: Int, _ one: String, _ many: String) -> String {
        "\(number) \(number == 1 ? one : many)"
    }
}

enum FixRun {
    /// The version of each file the check is about to read, by real path: a file that differs from
    /// it when the fixes are written changed since it was checked, and is not edited.
    static func signatures(of paths: [String]) -> [String: FileSignature] {
        var signatures: [String: FileSignature] = [:]
        for path in paths {
            guard let real = FixFiles.realPath(path), let signature = FileSignature.of(real) else { continue }
            signatures[real] = signature
        }
        return signatures
    }

    /// Plans the machine-applicable fixes of `findings` in report order (standard input is never
    /// edited; a rendered finding's fix only where its edits were moved to the source that writes
    /// the same text, see `RenderedInput.mapToSource`), and writes them, or, with `diff`, keeps the
    /// fixed texts and their diff for the check that follows.
    static func apply(
        _ findings: [Diagnostic], renderedFindings: Set<Diagnostic>, readsStandardInput: Bool,
        signatures: [String: FileSignature], inputs: [String], diff: Bool
    ) -> FixPass {
        let roots = inputs.filter { $0 != "-" }.compactMap(FixFiles.realPath)
        var summary = FixSummary()
        let stdin = ManifestLoader.standardInputName
        if readsStandardInput {
            summary.remarks.append(
                "kubewire: --fix: standard input is never fixed; its findings are reported as they are")
        }
        // "The first wins": first in the order the report lists the findings.
        let candidates = Diagnostic.sortedForOutput(findings.filter { $0.span?.file != stdin })
        var plan = FixPlanner.plan(candidates) { file in
            if file == stdin { return .refused("standard input is never fixed") }
            let real = FixFiles.realPath(file)
            return FixFiles.read(file, expected: real.flatMap { signatures[$0] }, roots: roots)
        }
        var pass = FixPass()
        if diff {
            pass.diff = plan.files.map { UnifiedDiff.render($0) }.joined()
            for file in plan.files {
                guard let real = FixFiles.realPath(file.path) else { continue }
                pass.replacements[real] = String(decoding: file.fixed, as: UTF8.self)
            }
        } else {
            var written: [FixedFile] = []
            for file in plan.files {
                do {
                    guard let real = FixFiles.realPath(file.path), let expected = signatures[real] else {
                        throw FixWriteError(description: "\(file.path) cannot be found now")
                    }
                    try FixFiles.writeAtomically(file.fixed, to: file.path, expected: expected)
                    written.append(file)
                } catch {
                    summary.remarks.append("kubewire: --fix: not written: \(error)")
                    // Its fixes were not applied after all.
                    let lost = Set(
                        plan.applied.filter { index in
                            candidates[index].fix?.edits.contains { $0.span.file == file.path } ?? false
                        })
                    plan.applied.removeAll { lost.contains($0) }
                }
            }
            plan.files = written
        }
        for refused in plan.refused {
            let finding = candidates[refused.index]
            let place = finding.span.map { "\($0): " } ?? ""
            summary.remarks.append("kubewire: --fix: not applied: \(place)\(finding.ruleID): \(refused.reason)")
        }
        summary.appliedFixes = plan.applied.count
        summary.files = plan.files.count
        pass.summary = summary
        pass.fixedRendered = Set(plan.applied.map { candidates[$0] }.filter(renderedFindings.contains))
        return pass
    }
}
