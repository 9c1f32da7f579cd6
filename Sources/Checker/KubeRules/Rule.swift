import Foundation
import KubeDiagnostics
import KubeModel
import KubeSchema
import KubeYAML

/// One analysis, run once per check, and the rules whose findings it produces: the unit the
/// checker schedules (one task per pass) and the registry lists. Rule identity (`RuleInfo`: id,
/// summary, why, fix, severity) lives in the rule's own file, `Rules/<id>.swift`; an analysis
/// several ids share lives in `Passes/<Name>Pass.swift` and runs once for all of them.
public protocol RulePass: Sendable {
    /// Every rule this pass may report, in the order `kubewire rules` lists them. A pass never
    /// reports another id (the checker asserts it; `RulePassTests` holds every pass to it).
    var rules: [RuleInfo] { get }
    /// Runs the analysis once. `enabled` holds the ids of `rules` the check reports (never
    /// empty): a pass may skip work whose only product is findings of the others; the checker
    /// drops those anyway.
    func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult
    /// Whether the pass takes much longer than the others (the schema walk): such passes start
    /// first, so no core idles at the end of a check.
    var runsLong: Bool { get }
}

extension RulePass {
    public var runsLong: Bool { false }
}

/// What one run of a pass produced.
public struct PassResult: Sendable {
    public var findings: [Diagnostic]
    /// Objects the pass could not check (the schema walk: custom resources whose CRD is not in the inputs).
    public var notValidated: Int

    public init(findings: [Diagnostic] = [], notValidated: Int = 0) {
        self.findings = findings
        self.notValidated = notValidated
    }
}

/// A pass of one rule: its `info` and its own analysis, together in `Rules/<id>.swift`.
public protocol Rule: RulePass {
    var info: RuleInfo { get }
    func check(_ graph: ManifestGraph, context: RuleContext) -> [Diagnostic]
}

extension Rule {
    public var rules: [RuleInfo] { [info] }

    public func run(_ graph: ManifestGraph, context: RuleContext, enabled: Set<String>) -> PassResult {
        PassResult(findings: check(graph, context: context))
    }
}

/// What a rule may know besides the graph.
public struct RuleContext: Sendable {
    /// The Kubernetes release the manifests target (`--kube-version`).
    public var kubeVersion: KubeVersion
    /// Whether a path exists on disk (skaffold contexts, Dockerfiles).
    public var fileExists: @Sendable (String) -> Bool
    /// The cluster's NodePort range (the API server's --service-node-port-range).
    public var nodePortRange: ClosedRange<Int>
    /// Input files found by walking a folder rather than named one by one (`LoadedManifests.walkedFiles`):
    /// two such files are applied together only when something in the inputs says so (see `AppliedTogether`).
    public var walkedFiles: Set<String>
    /// Whether another deploy unit of the same run (another rendered kustomization or chart, or the
    /// plain files when this graph is a rendered one) defines an object of this kind and name: the
    /// repository installs it separately, so its absence from this graph proves nothing.
    public var definedInOtherUnits: @Sendable (_ kind: String, _ name: String) -> Bool = { _, _ in false }
    /// Folders holding walked templates (`LoadedManifests.foldersWithTemplates`): a script renders
    /// and applies them, so an object missing beside them may be one they create.
    public var foldersWithTemplates: Set<String> = []
    /// Names of kustomizations and charts rendered from `--context` whose objects are in this graph:
    /// applied with the inputs, so a reference resolves to them and a near name among them proves a
    /// typo, but they never collide with the inputs' objects nor prove a target missing by being
    /// others of its kind (see `AppliedTogether`).
    public var contextUnitFiles: Set<String> = []

    /// The API server's default --service-node-port-range.
    public static let defaultNodePortRange = 30000...32767

    public init(
        kubeVersion: KubeVersion = .current,
        nodePortRange: ClosedRange<Int> = RuleContext.defaultNodePortRange,
        walkedFiles: Set<String> = [],
        fileExists: @escaping @Sendable (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) {
        self.kubeVersion = kubeVersion
        self.nodePortRange = nodePortRange
        self.walkedFiles = walkedFiles
        self.fileExists = fileExists
    }
}

/// A `major.minor` Kubernetes release.
public struct KubeVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    /// The newest release the embedded API schema covers: the default target.
    public static let current = KubeVersion(major: 1, minor: BuiltinSchema.newest)

    /// Releases whose API kubewire knows (1.25 … 1.37).
    public static let supported = KubeVersion(major: 1, minor: BuiltinSchema.releases.lowerBound)...current

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `1.29`, `v1.29`, `1.29.3`.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.hasPrefix("v") { body = body.dropFirst() }
        let parts = body.split(separator: ".")
        guard parts.count >= 2, parts.count <= 3, let major = Int(parts[0]), let minor = Int(parts[1]),
            parts.count < 3 || Int(parts[2]) != nil
        else { return nil }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (a: KubeVersion, b: KubeVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
}

extension RuleInfo {
    /// A finding of this rule, at its one severity (a finding of another severity is another rule).
    func diagnostic(
        _ message: String, at span: SourceSpan?, object: ManifestObject? = nil, notes: [DiagnosticNote] = [],
        fix: SuggestedFix? = nil
    ) -> Diagnostic {
        Diagnostic(
            ruleID: id, severity: defaultSeverity, span: span, message: message, notes: notes, fix: fix,
            object: object?.reference)
    }
}
