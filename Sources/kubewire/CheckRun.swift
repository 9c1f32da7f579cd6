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
    /// `--context`: loaded to resolve references (plain files, and kustomizations and charts rendered
    /// as the inputs' are); the policy's focus is then the inputs' files.
    var context: [String] = []
    /// What the user asked (`Policy.load`): applied by the checker, never here.
    var policy: Policy
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
        /// `--context` kustomizations and charts that could not be rendered (notes: the context is
        /// evidence, never checked, so its failure is not the run's).
        var contextNotes: [Diagnostic] = []
        var findings: [Diagnostic]
        var loaded: LoadedManifests
        /// The graphs the findings came from: the plain files', then each rendered layout's.
        var graphs: [ManifestGraph]
        var rules: [RuleInfo]
        var objectCount: Int
        var inputCount: Int
        var notValidated: Int
        /// How many of `findings` come from the plain files (the rest: rendered layouts, fixed only where
        /// an edit was moved to the source that writes the same text).
        var plainFindingCount: Int
        /// Walked files left unchecked: test-harness inputs and patches no kustomization uses.
        var setAsideFiles: [InputPlan.SetAsideFile]
        /// With `takesSignatures`: the plain files' identities, by real path, before they were read.
        var signatures: [String: FileSignature] = [:]
        /// `--fix --diff`: some kustomization reading a fixed file was built from the files on disk,
        /// without the fixes (its copy could not be built), so what is left is approximate.
        var rendersFixedSourcesOnDisk = false
    }

    func perform() -> Outcome {
        let plan = InputPlanner.plan(inputs)
        let contextPlan = InputPlanner.plan(context)
        var loadOptions = LoadOptions(defaultNamespace: policy.namespace)
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
        var signatures = takesSignatures ? FixRun.signatures(of: plan.plainFiles.map(\.path)) : [:]
        loadOptions.parsedFiles = parsedFiles
        // Files the walks found as regular files are read without another stat or realpath each.
        loadOptions.knownRegularFiles = plan.walkedRegularFiles.merging(contextPlan.walkedRegularFiles) { first, _ in
            first
        }
        let focus = plan.plainFiles.map { ManifestInput.path($0.path) } + (readsStandardInput ? [.standardInput] : [])
        let loaded = ManifestLoader.load(
            focus + contextPlan.plainFiles.map { ManifestInput.path($0.path) }, options: loadOptions)
        // A rendered kustomization or chart of the inputs is in focus whole.
        let checker = Checker(policy: policy)
        var plainPolicy = policy
        if !context.isEmpty {
            // With --context, only the inputs' own files are in focus; `helm template | kubewire check -
            // --context base/`: what came on stdin is too.
            var focus = Set(plan.plainFiles.map { ManifestLoader.canonicalPath($0.path) ?? $0.path })
            if readsStandardInput { focus.insert(ManifestLoader.standardInputName) }
            plainPolicy.focus = focus
        }
        // Plain files found by walking may be alternatives of each other (duplicate-object's policy);
        // a rendered kustomization or chart is one applied whole.
        // Each kustomization root and each chart is deployed on its own: its own graph. All are
        // loaded before any is checked, so each knows what the others define (`DeployUnitNames`).
        let tools = RenderTools.find()
        let kubeVersion = "\(policy.kubeVersion.major).\(policy.kubeVersion.minor)"
        let builds = FixedTextBuilds.render(
            kustomizations: plan.kustomizations, charts: plan.charts, replacing: replacingRealPaths, tools: tools,
            valuesFiles: policy.helmValues, kubeVersion: kubeVersion)
        defer { builds.removeCopies() }
        let outcomes = builds.outcomes
        let units = outcomes.map { outcome -> (RenderedInput, LoadedManifests)? in
            guard case .rendered(let input) = outcome else { return nil }
            return (input, ManifestLoader.load(text: input.text, name: input.name, options: loadOptions))
        }
        let inputFolders = plan.kustomizations.map(\.path) + plan.charts.map(\.path)
        let context = ContextUnits.render(
            contextPlan, inputUnits: Array(zip(inputFolders, units)), tools: tools, valuesFiles: policy.helmValues,
            kubeVersion: kubeVersion, options: loadOptions)
        let contextGraphs = context.units.map(\.1.graph)
        // Files a kustomization's folder holds but no kustomization lists (kubebuilder's commented-out
        // `service_account.yaml`) are never checked: the names they define are evidence only.
        let unlisted = plan.unlistedKustomizationFiles + contextPlan.unlistedKustomizationFiles
        var unlistedOptions = LoadOptions(defaultNamespace: policy.namespace)
        unlistedOptions.skippableFiles = Set(unlisted)
        let unlistedGraph =
            unlisted.isEmpty ? nil : ManifestLoader.load(unlisted.map { .path($0) }, options: unlistedOptions).graph
        let unitNames = DeployUnitNames(
            [loaded.graph] + units.compactMap { $0?.1.graph }
                + context.units.dropFirst(context.reusedCount).map(\.1.graph),
            evidenceOnly: unlistedGraph.map { [$0] } ?? [])
        var plainChecker = Checker(policy: plainPolicy, walkedFiles: loaded.walkedFiles)
        plainChecker.context.foldersWithTemplates = loaded.foldersWithTemplates
        plainChecker.context.definedInOtherUnits = unitNames.definedInOtherUnits(than: loaded.graph)
        // The context's rendered objects join the plain files' graph as evidence (their findings are
        // out of focus); each input kustomization or chart is its own deploy unit and only learns
        // what they define.
        var plainGraph = loaded.graph
        if !contextGraphs.isEmpty {
            plainGraph = ManifestGraph(objects: loaded.graph.objects + contextGraphs.flatMap(\.objects))
            plainChecker.context.contextUnitFiles = Set(context.units.map(\.0.name))
        }
        let outcome = plainChecker.run(plainGraph)
        var graphs = [loaded.graph]
        var findings = outcome.diagnostics.map { finding in
            context.units.reduce(finding) { $1.0.mapMentionsToSource($0) }
        }
        var problems = plan.problems + contextPlan.problems + loaded.problems
        var objectCount = loaded.graph.objects.count
        var inputCount = loaded.inputNames.count
        var notValidated = outcome.notValidated

        var notChecked: [Diagnostic] = []
        var renderedFindings = RenderedFindings()
        var renderedInputs: [RenderedInput] = []
        for (outcome, loadedUnit) in zip(outcomes, units) {
            switch outcome {
            case .failed(let problem):
                problems.append(problem)
            case .notRendered(let note):
                var note = note
                if policy.requireRender { note.severity = .error }
                notChecked.append(note)
            case .rendered(let input):
                guard let (_, unit) = loadedUnit else { continue }
                problems += unit.problems.map(input.mapToSource)
                var unitChecker = checker
                unitChecker.context.definedInOtherUnits = unitNames.definedInOtherUnits(than: unit.graph)
                let result = unitChecker.run(unit.graph)
                for finding in result.diagnostics {
                    renderedFindings.add(
                        input.mapToSource(finding), exact: input.locatesExactly(finding),
                        from: input.producer)
                }
                graphs.append(unit.graph)
                renderedInputs.append(input)
                objectCount += unit.graph.objects.count
                inputCount += 1
                notValidated += result.notValidated
            }
        }
        let plainFindingCount = findings.count
        var rendered = renderedFindings.merged(builds: renderedInputs)
        if takesSignatures {
            // --fix: the repository's other overlays that read an edited base must agree too.
            rendered = FixOtherBuilds.consult(
                rendered, built: renderedInputs, inputs: inputs, tools: tools, options: loadOptions
            ) { graph in
                var otherChecker = checker
                otherChecker.context.definedInOtherUnits = unitNames.definedInOtherUnits(than: graph)
                return otherChecker.run(graph).diagnostics
            }
        }
        findings += rendered
        if takesSignatures {
            // The source files fixes of rendered findings edit (an edit also checks the text it replaces).
            let edited = rendered.flatMap { $0.fix?.edits.map(\.span.file) ?? [] }
            signatures.merge(FixRun.signatures(of: edited)) { first, _ in first }
        }
        return Outcome(
            problems: problems, notChecked: notChecked, contextNotes: context.notes, findings: findings, loaded: loaded,
            graphs: graphs,
            rules: checker.rules + InputProblem.all, objectCount: objectCount, inputCount: inputCount,
            notValidated: notValidated, plainFindingCount: plainFindingCount,
            setAsideFiles: plan.setAsideFiles + contextPlan.setAsideFiles,
            signatures: signatures, rendersFixedSourcesOnDisk: builds.approximate)
    }
}

/// The kustomizations and charts of `--context`, rendered as the inputs' are (same tools, values
/// files and release). They are evidence only: never checked, and one that cannot be rendered is a
/// note (`not-rendered`), never an error of the run.
struct ContextUnits {
    /// The first `reusedCount` are input units the context also names (already deploy units).
    var units: [(RenderedInput, LoadedManifests)] = []
    var reusedCount = 0
    var notes: [Diagnostic] = []

    static func render(
        _ contextPlan: InputPlan, inputUnits: [(String, (RenderedInput, LoadedManifests)?)], tools: RenderTools,
        valuesFiles: [String], kubeVersion: String, options: LoadOptions
    ) -> ContextUnits {
        // One that is also an input is checked there and not rendered twice; its build is still
        // evidence for the plain files.
        func key(_ path: String) -> String { InputPlanner.canonicalPath(path) ?? path }
        let inputFolders = Set(inputUnits.map { key($0.0) })
        let contextFolders = Set(
            contextPlan.kustomizations.map { key($0.path) } + contextPlan.charts.map { key($0.path) })
        var result = ContextUnits()
        for (folder, unit) in inputUnits where contextFolders.contains(key(folder)) {
            if let unit { result.units.append(unit) }
        }
        result.reusedCount = result.units.count
        let kustomizations = contextPlan.kustomizations.filter { !inputFolders.contains(key($0.path)) }
        let charts = contextPlan.charts.filter { !inputFolders.contains(key($0.path)) }
        guard !kustomizations.isEmpty || !charts.isEmpty else { return result }
        let outcomes = tools.renderAll(
            kustomizations: kustomizations, charts: charts, valuesFiles: valuesFiles, kubeVersion: kubeVersion)
        for outcome in outcomes {
            switch outcome {
            case .rendered(let input):
                let loaded = ManifestLoader.load(text: input.text, name: input.name, options: options)
                if loaded.problems.isEmpty {
                    result.units.append((input, loaded))
                } else {
                    // Objects of a build that does not parse whole are no evidence.
                    result.notes.append(note(loaded.problems.map(input.mapToSource)[0], folder: input.label))
                }
            case .failed(let problem), .notRendered(let problem):
                result.notes.append(note(problem, folder: nil))
            }
        }
        return result
    }

    /// The tool's failure as a note on the context: what it means for this run, then its words.
    private static func note(_ problem: Diagnostic, folder: String?) -> Diagnostic {
        var note = problem
        note.ruleID = InputProblem.notRendered.id
        note.severity = .note
        let anchor = problem.span.map { ($0.file as NSString).deletingLastPathComponent }
        let subject =
            (folder ?? anchor).map { "--context \($0.isEmpty ? "." : $0)" } ?? "a --context kustomization or chart"
        note.message =
            "\(subject) could not be rendered, so its objects are not used to resolve references: "
            + problem.message
        return note
    }
}
