import Foundation
import KubeDiagnostics
import KubeFix
import KubeInputs
import KubeModel
import KubeReport
import KubeRules

/// One check as `kubewire check` runs it: the inputs planned (plain files, kustomizations, charts),
/// loaded, checked with the settings, rendered layouts checked on their own graphs, findings mapped
/// back to the lines that wrote them. `check` reports the outcome; `lsp` publishes it to an editor.
struct CheckRun {
    var inputs: [String]
    var readsStandardInput = false
    var context: [String] = []
    var settings: Settings
    var helmValues: [String] = []
    var requireRender = false
    /// Unsaved editor texts that take the place of these files on disk (plain files only: kustomize
    /// and helm render what is saved).
    var unsavedTexts: [String: String] = [:]
    /// Named files that hold no Kubernetes object are skipped as walked ones are: a YAML file an
    /// editor opens outside its workspace may be a compose file or a CI workflow, not a manifest.
    var skipsNamedFilesWithoutObjects = false
    /// Files parsed by the previous run over the same inputs, reused while unchanged.
    var parsedFiles: ParsedFileCache?
    /// `check --fix --diff`: fixed texts, by real path, read in place of the files.
    var replacingRealPaths: [String: String] = [:]
    /// `check --fix`: record each plain file's identity before it is read, so a file changed
    /// between the check and the write is never overwritten.
    var takesSignatures = false

    struct Outcome {
        /// Inputs that cannot be read or rendered (exit 2).
        var problems: [Diagnostic]
        /// Kustomizations and charts not rendered for want of the tool.
        var notChecked: [Diagnostic]
        var findings: [Diagnostic]
        var loaded: LoadedManifests
        /// The graphs the findings came from: the plain files', then each rendered layout's.
        var graphs: [ManifestGraph]
        var rules: [RuleInfo]
        var objectCount: Int
        var inputCount: Int
        var notValidated: Int
        /// How many of `findings` come from the plain files (the rest: rendered layouts, never fixed).
        var plainFindingCount: Int
        /// Walked files left unchecked: test-harness inputs and patches no kustomization uses.
        var setAsideFiles: [InputPlan.SetAsideFile]
        /// With `takesSignatures`: the plain files' identities, by real path, before they were read.
        var signatures: [String: FileSignature] = [:]
    }

    func perform() -> Outcome {
        let plan = InputPlanner.plan(inputs)
        let contextPlan = InputPlanner.plan(context)
        var loadOptions = LoadOptions(defaultNamespace: settings.namespace)
        loadOptions.skippableFiles = Set(
            (plan.plainFiles + contextPlan.plainFiles).filter { !$0.isExplicit || skipsNamedFilesWithoutObjects }.map(
                \.path))
        var texts = unsavedTexts
        if !replacingRealPaths.isEmpty {
            for file in plan.plainFiles {
                if let real = FixFiles.realPath(file.path), let text = replacingRealPaths[real] {
                    texts[file.path] = text
                }
            }
        }
        loadOptions.unsavedTexts = texts
        let signatures = takesSignatures ? FixRun.signatures(of: plan.plainFiles.map(\.path)) : [:]
        loadOptions.parsedFiles = parsedFiles
        let focus = plan.plainFiles.map { ManifestInput.path($0.path) } + (readsStandardInput ? [.standardInput] : [])
        let loaded = ManifestLoader.load(
            focus + contextPlan.plainFiles.map { ManifestInput.path($0.path) }, options: loadOptions)
        let checker = Checker(
            disabled: settings.disabled,
            context: RuleContext(kubeVersion: settings.kubeVersion, nodePortRange: settings.nodePortRange))
        // Plain files found by walking may be alternatives of each other (duplicate-object's policy);
        // a rendered kustomization or chart is one applied whole.
        // Each kustomization root and each chart is deployed on its own: its own graph. All are
        // loaded before any is checked, so each knows what the others define (`DeployUnitNames`).
        let tools = RenderTools.find()
        let outcomes = tools.renderAll(
            kustomizations: plan.kustomizations, charts: plan.charts, valuesFiles: settings.helmValues + helmValues,
            kubeVersion: "\(settings.kubeVersion.major).\(settings.kubeVersion.minor)")
        let units = outcomes.map { outcome -> (RenderedInput, LoadedManifests)? in
            guard case .rendered(let input) = outcome else { return nil }
            return (input, ManifestLoader.load(text: input.text, name: input.name, options: loadOptions))
        }
        let unitNames = DeployUnitNames([loaded.graph] + units.compactMap { $0?.1.graph })
        var plainChecker = checker
        plainChecker.context.walkedFiles = loaded.walkedFiles
        plainChecker.context.foldersWithTemplates = loaded.foldersWithTemplates
        plainChecker.context.definedInOtherUnits = unitNames.definedInOtherUnits(than: loaded.graph)
        let outcome = plainChecker.run(loaded.graph)
        var graphs = [loaded.graph]
        var findings = outcome.diagnostics.map(settings.applySeverity)
        if !context.isEmpty {
            var shown = Set(plan.plainFiles.map { ManifestLoader.canonicalPath($0.path) ?? $0.path })
            // `helm template | kubewire check - --context base/`: what came on stdin is in focus.
            if readsStandardInput { shown.insert(ManifestLoader.standardInputName) }
            findings = findings.filter { finding in
                finding.span.map { shown.contains(ManifestLoader.canonicalPath($0.file) ?? $0.file) } ?? true
            }
        }
        var problems = plan.problems + contextPlan.problems + loaded.problems
        var objectCount = loaded.graph.objects.count
        var inputCount = loaded.inputNames.count
        var notValidated = outcome.notValidated

        var notChecked: [Diagnostic] = []
        var renderedFindings = RenderedFindings()
        for (outcome, loadedUnit) in zip(outcomes, units) {
            switch outcome {
            case .failed(let problem):
                problems.append(problem)
            case .notRendered(let note):
                var note = note
                if requireRender || settings.requireRender { note.severity = .error }
                notChecked.append(note)
            case .rendered(let input):
                guard let (_, unit) = loadedUnit else { continue }
                problems += unit.problems.map(input.mapToSource)
                var unitChecker = checker
                unitChecker.context.definedInOtherUnits = unitNames.definedInOtherUnits(than: unit.graph)
                let result = unitChecker.run(unit.graph)
                for finding in result.diagnostics {
                    renderedFindings.add(
                        input.mapToSource(settings.applySeverity(finding)), exact: input.locatesExactly(finding),
                        from: input.producer)
                }
                graphs.append(unit.graph)
                objectCount += unit.graph.objects.count
                inputCount += 1
                notValidated += result.notValidated
            }
        }
        let plainFindingCount = findings.count
        findings += renderedFindings.merged()
        return Outcome(
            problems: problems, notChecked: notChecked, findings: findings, loaded: loaded, graphs: graphs,
            rules: checker.rules.map(\.info) + InputProblem.all, objectCount: objectCount, inputCount: inputCount,
            notValidated: notValidated, plainFindingCount: plainFindingCount,
            setAsideFiles: plan.setAsideFiles + contextPlan.setAsideFiles, signatures: signatures)
    }
}
