import KubeDiagnostics

/// Everything a renderer needs: the findings, what the rules that ran are
/// about, the source text to quote, and how much was checked.
public struct Report: Sendable {
    public var diagnostics: [Diagnostic]
    /// Problems in the configuration file, not in the inputs: rendered like diagnostics, but SARIF
    /// writes them as tool configuration notifications, not results.
    public var configurationDiagnostics: [Diagnostic]
    /// Metadata for every rule that ran (plus `InputProblem.all`).
    public var rules: [RuleInfo]
    public var sources: SourceMap
    /// Files/streams read.
    public var inputCount: Int
    /// Kubernetes objects checked.
    public var objectCount: Int
    /// Objects no API schema covered (custom resources whose CRD is not in the inputs).
    public var notValidatedCount: Int = 0
    /// YAML and JSON files found by walking folders that hold no Kubernetes object (compose files,
    /// workflows, package.json).
    public var skippedFiles: [String] = []
    /// YAML files found by walking in kuttl or chainsaw test folders: the harness's inputs, not manifests.
    public var testHarnessFiles: [String] = []
    /// YAML files found by walking below a kustomization that lists none of them, read as patches.
    public var unusedPatchFiles: [String] = []
    /// List `skippedFiles` (and the test-harness and unused patch files) after the summary (`--verbose`), not just count them.
    public var listsSkippedFiles = false
    public var toolName: String
    public var toolVersion: String
    /// Project page, written to SARIF `tool.driver.informationUri` when set.
    public var informationURI: String?

    public init(
        diagnostics: [Diagnostic],
        configurationDiagnostics: [Diagnostic] = [],
        rules: [RuleInfo],
        sources: SourceMap = SourceMap(),
        inputCount: Int = 0,
        objectCount: Int = 0,
        toolName: String = "kubewire",
        toolVersion: String = "0.1.0",
        informationURI: String? = nil
    ) {
        self.diagnostics = diagnostics
        self.configurationDiagnostics = configurationDiagnostics
        self.rules = rules
        self.sources = sources
        self.inputCount = inputCount
        self.objectCount = objectCount
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.informationURI = informationURI
    }
}

extension Report {
    /// Configuration problems and diagnostics, for the formats that show them alike.
    var allDiagnostics: [Diagnostic] { configurationDiagnostics + diagnostics }
}
