import Foundation
import KubeDiagnostics
import KubeFix
import KubeInputs
import KubeModel

/// `--fix` in a kustomize layout: a fix moved to a source file (a base resource, a patch) stays an
/// edit only if every deployed kustomization of the repository that reads that file — named as an
/// input or not — has the same finding with the same fix. Those not among the inputs are found
/// (`KustomizationReaders`), built with the same kustomize and checked here; otherwise the fix is
/// said in words, naming the overlay that needs the line as it is.
enum FixOtherBuilds {
    /// `rendered`: the findings of the inputs' builds at their source lines; `built`: those builds;
    /// `check`: the rules as the inputs' builds were checked.
    static func consult(
        _ rendered: [Diagnostic], built: [RenderedInput], inputs: [String], tools: RenderTools,
        options: LoadOptions, check: (ManifestGraph) -> [Diagnostic]
    ) -> [Diagnostic] {
        let edited = Set(rendered.flatMap { $0.fix?.edits.map(\.span.file) ?? [] })
        guard !edited.isEmpty else { return rendered }
        let search = KustomizationReaders.search(inputs: inputs)
        if let cutShort = search.cutShort {
            return rendered.map { finding in
                inWords(
                    finding,
                    because:
                        "kubewire stopped looking for the other kustomizations that read it (\(cutShort)), so an overlay that needs the line as it is may be missed"
                )
            }
        }
        let builtFiles = Set(built.compactMap { FixFiles.realPath($0.anchorFile) })
        var readers: [String: [KustomizationFolder]] = [:]
        var toBuild: [KustomizationFolder] = []
        for file in edited.sorted() {
            let others = search.readers(of: file).filter { folder in
                !(FixFiles.realPath(folder.file).map(builtFiles.contains) ?? false)
            }
            readers[file] = others
            for folder in others where !toBuild.contains(folder) { toBuild.append(folder) }
        }
        guard !toBuild.isEmpty else { return rendered }
        // What each other build says: the keys of its findings at their source lines, or why it
        // could not be built.
        var found: [KustomizationFolder: Set<FindingKey>] = [:]
        var failed: [KustomizationFolder: String] = [:]
        let outcomes = tools.renderAll(kustomizations: toBuild, charts: [], valuesFiles: [])
        for (folder, outcome) in zip(toBuild, outcomes) {
            switch outcome {
            case .rendered(let input):
                let loaded = ManifestLoader.load(text: input.text, name: input.name, options: options)
                guard loaded.problems.isEmpty else {
                    failed[folder] = "its output does not parse"
                    continue
                }
                found[folder] = Set(check(loaded.graph).map { FindingKey(input.mapToSource($0)) })
            case .failed(let problem), .notRendered(let problem):
                failed[folder] = problem.message
            }
        }
        return rendered.map { finding in
            guard let fix = finding.fix, !fix.edits.isEmpty else { return finding }
            let key = FindingKey(finding)
            for file in Set(fix.edits.map(\.span.file)).sorted() {
                for folder in readers[file] ?? [] {
                    let producer = "`kustomize build \(folder.path)`"
                    if failed[folder] != nil {
                        return inWords(
                            finding,
                            because:
                                "\(file) is also built by \(producer) (not an input), which could not be built here to see whether it needs the line as it is"
                        )
                    }
                    if !(found[folder]?.contains(key) ?? false) {
                        return inWords(
                            finding,
                            because: "\(file) is also built by \(producer) (not an input), where this is not a finding")
                    }
                }
            }
            return finding
        }
    }

    /// The finding with its fix said in words, with why kubewire does not make it.
    static func inWords(_ finding: Diagnostic, because reason: String) -> Diagnostic {
        guard let fix = finding.fix, !fix.edits.isEmpty else { return finding }
        var said = fix.help
        if let replacement = fix.replacement, !replacement.isEmpty, !said.contains(replacement) {
            said += " (`\(replacement)`)"
        }
        var changed = finding
        changed.fix = SuggestedFix(RenderedInput.cannotMake(said, because: reason))
        return changed
    }
}

/// A finding as another build must have it for the fix to be the same: rule, place, and edits (by
/// real path, so `base/web.yaml` and `overlays/dev/../../base/web.yaml` agree).
struct FindingKey: Hashable {
    var ruleID: String
    var place: [String]
    var edits: [[String]]

    init(_ finding: Diagnostic) {
        func real(_ file: String) -> String { FixFiles.realPath(file) ?? file }
        ruleID = finding.ruleID
        place = finding.span.map { [real($0.file), "\($0.line)", "\($0.column)"] } ?? []
        edits = (finding.fix?.edits ?? []).map { edit in
            [
                real(edit.span.file), "\(edit.span.line)", "\(edit.span.column)", "\(edit.span.endLine)",
                "\(edit.span.endColumn)", edit.newText,
            ]
        }
    }
}

/// The builds of `check --fix --diff`'s second check: a kustomization that reads a file the diff
/// changes is built from a copy with the fixed texts (`KustomizeMirror`), so what is left is counted
/// exactly; where the copy or its build fails, it is built as it is on disk (`approximate`).
struct FixedTextBuilds {
    var outcomes: [RenderOutcome]
    var approximate = false
    /// The copies' folder, removed by `removeCopies` once the findings are mapped (the mapping reads them).
    var mirror: String?

    static func render(
        kustomizations: [KustomizationFolder], charts: [ChartFolder], replacing texts: [String: String],
        tools: RenderTools, valuesFiles: [String], kubeVersion: String
    ) -> FixedTextBuilds {
        guard !texts.isEmpty, !kustomizations.isEmpty, let mirror = KustomizeMirror.makeRoot() else {
            return FixedTextBuilds(
                outcomes: tools.renderAll(
                    kustomizations: kustomizations, charts: charts, valuesFiles: valuesFiles, kubeVersion: kubeVersion),
                approximate: !texts.isEmpty && !kustomizations.isEmpty)
        }
        var result = FixedTextBuilds(outcomes: [], mirror: mirror)
        let copies = kustomizations.map { KustomizeMirror.copy($0, replacing: texts, into: mirror) }
        let folders = zip(kustomizations, copies).map { folder, copy in
            if case .copied(let copied) = copy { return copied }
            return folder
        }
        result.outcomes = tools.renderAll(
            kustomizations: folders, charts: charts, valuesFiles: valuesFiles, kubeVersion: kubeVersion)
        for (index, copy) in copies.enumerated() {
            switch (copy, result.outcomes[index]) {
            case (.failed, _):
                result.approximate = true
            case (.copied, .failed), (.copied, .notRendered):
                // A file the copy lacks (one kustomize reads that its kustomization file does not name).
                result.outcomes[index] = tools.build(kustomizations[index])
                result.approximate = true
            default: break
            }
        }
        return result
    }

    func removeCopies() {
        if let mirror { try? FileManager.default.removeItem(atPath: mirror) }
    }
}
