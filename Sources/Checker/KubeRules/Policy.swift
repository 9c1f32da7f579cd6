import Foundation
import KubeDiagnostics
import KubeModel

/// What the user asked of a check, in one value: which rules run, which findings an object's
/// annotation silences, each rule's severity, which files' findings are reported, and what fails
/// the run. Every entry point (`kubewire check`, `check --fix`, `lsp`, `up`) builds it the same
/// way — `.kubewire.yaml` with the flags merged over it, `Policy.load` — and hands it to `Checker`,
/// which applies it once (`selects`, `apply(to:in:)`); no entry point filters findings itself.
public struct Policy: Sendable, Equatable {
    // Applied by `Checker`.

    /// Rule ids turned off (`--disable`, `disable:`); `all` turns every rule off. Input problems
    /// are not rules and are always reported.
    public var disabled: Set<String>
    /// A severity per rule id in place of the rule's own (`severity:`).
    public var severities: [String: Severity]
    /// The files whose findings are reported, as canonical paths (`ManifestLoader.canonicalPath`;
    /// standard input as `ManifestLoader.standardInputName`); the other files loaded are context,
    /// read only to resolve references (`check --context`). Nil: every file is in focus. A finding
    /// with no location is always reported.
    public var focus: Set<String>?
    /// The release the manifests target (`--kube-version`, `kubeVersion:`).
    public var kubeVersion: KubeVersion
    /// The cluster's NodePort range (`nodePortRange:`), for `node-port-range`.
    public var nodePortRange: ClosedRange<Int>

    // Read by the entry point around the check.

    /// The lowest severity that fails the run, exit 1 (`--fail-on`, `failOn:`): `fails(_:)`.
    public var failOn: Severity
    /// The namespace of objects that name none (`--namespace`, `namespace:`), for the loader.
    public var namespace: String
    /// Values files for every chart, after the chart's values.yaml (`helmValues:`, then
    /// `--helm-values`), for the renderer.
    public var helmValues: [String]
    /// A kustomization or chart that cannot be rendered here is an error, exit 2
    /// (`--require-render`, `requireRender:`).
    public var requireRender: Bool

    /// The policy with nothing asked: every rule at its own severity, every file in focus.
    public init(
        disabled: Set<String> = [], severities: [String: Severity] = [:], focus: Set<String>? = nil,
        kubeVersion: KubeVersion = .current, nodePortRange: ClosedRange<Int> = RuleContext.defaultNodePortRange,
        failOn: Severity = .error, namespace: String = "default", helmValues: [String] = [],
        requireRender: Bool = false
    ) {
        self.disabled = disabled
        self.severities = severities
        self.focus = focus
        self.kubeVersion = kubeVersion
        self.nodePortRange = nodePortRange
        self.failOn = failOn
        self.namespace = namespace
        self.helmValues = helmValues
        self.requireRender = requireRender
    }

    /// Per-object opt-out: `kubewire.dev/disable: "rule-a,rule-b"` (or `all`).
    public static let disableAnnotation = "kubewire.dev/disable"
    /// The id that turns every rule off: in the annotation, `--disable` and .kubewire.yaml alike.
    public static let disableAll = "all"
}

// MARK: applying it (Checker's one step after its rules)

extension Policy {
    /// Whether the rule runs at all.
    public func selects(_ rule: RuleInfo) -> Bool {
        !disabled.contains(Self.disableAll) && !disabled.contains(rule.id)
    }

    /// The findings of one check as the user asked for them, in order: those an object's
    /// `kubewire.dev/disable` annotation names dropped; each at its rule's severity; only those in
    /// focus.
    public func apply(to findings: [Diagnostic], in graph: ManifestGraph) -> [Diagnostic] {
        let silenced = Self.suppressions(in: graph)
        var result: [Diagnostic] = []
        result.reserveCapacity(findings.count)
        for finding in findings {
            if let object = finding.object, let ids = silenced[object],
                ids.contains(finding.ruleID) || ids.contains(Self.disableAll)
            {
                continue
            }
            guard isInFocus(finding) else { continue }
            result.append(withSeverity(finding))
        }
        return result
    }

    /// The finding at the severity `severities` gives its rule.
    public func withSeverity(_ finding: Diagnostic) -> Diagnostic {
        guard let severity = severities[finding.ruleID] else { return finding }
        var changed = finding
        changed.severity = severity
        return changed
    }

    /// Whether the finding's file is in `focus` (a finding with no location always is).
    public func isInFocus(_ finding: Diagnostic) -> Bool {
        guard let focus, let file = finding.span?.file else { return true }
        return focus.contains(file) || focus.contains(ManifestLoader.canonicalPath(file) ?? file)
    }

    /// Whether these findings fail the run (exit 1): one at `failOn` or above.
    public func fails(_ findings: [Diagnostic]) -> Bool {
        findings.contains { $0.severity >= failOn }
    }

    /// The rule ids each object's `kubewire.dev/disable` annotation names (a comma-separated list).
    public static func suppressions(in graph: ManifestGraph) -> [ObjectReference: Set<String>] {
        var result: [ObjectReference: Set<String>] = [:]
        for object in graph.objects {
            guard let value = object.annotation(disableAnnotation) else { continue }
            let ids = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            result[object.reference, default: []].formUnion(ids)
        }
        return result
    }
}

// MARK: building it: the configuration file, then the flags

/// What an entry point's flags say about the policy, as given (nil or empty: not given). Validated
/// by `Policy.merging`.
public struct PolicyFlags: Sendable, Equatable {
    /// `--disable`, each entry a rule id or a comma-separated list of them.
    public var disable: [String]
    public var namespace: String?
    /// `--kube-version`, as typed (`1.29`, `v1.29`).
    public var kubeVersion: String?
    public var failOn: Severity?
    public var helmValues: [String]
    /// `--require-render` (a flag: false means not given).
    public var requireRender: Bool

    public init(
        disable: [String] = [], namespace: String? = nil, kubeVersion: String? = nil, failOn: Severity? = nil,
        helmValues: [String] = [], requireRender: Bool = false
    ) {
        self.disable = disable
        self.namespace = namespace
        self.kubeVersion = kubeVersion
        self.failOn = failOn
        self.helmValues = helmValues
        self.requireRender = requireRender
    }
}

/// A flag that means nothing (an unknown rule id, an empty namespace, a release kubewire has no API
/// for): a usage error, said before anything is checked.
public struct PolicyFlagError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Policy {
    /// The one merge of a configuration file and the flags: the file's values over the defaults,
    /// then the flags over those — a flag given wins over the file's key. Lists add up instead:
    /// `--disable` turns rules off besides the file's `disable:`, `--helm-values` come after its
    /// `helmValues:`; `--require-render` can only turn it on. Severities and the NodePort range
    /// have no flag; the focus is set by the entry point from what it planned (`check --context`).
    /// Throws for a flag that means nothing.
    public static func merging(file: PolicyFile?, flags: PolicyFlags) throws(PolicyFlagError) -> Policy {
        var policy = Policy()
        if let file {
            policy.disabled = file.disabled
            policy.severities = file.severities
            if let namespace = file.namespace { policy.namespace = namespace }
            if let version = file.kubeVersion { policy.kubeVersion = version }
            if let failOn = file.failOn { policy.failOn = failOn }
            if let range = file.nodePortRange { policy.nodePortRange = range }
            policy.helmValues = file.helmValues
            if let requireRender = file.requireRender { policy.requireRender = requireRender }
        }
        for entry in flags.disable {
            for id in entry.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !id.isEmpty {
                if let message = PolicyFile.unknownRuleMessage(id, allowingAll: true) {
                    throw PolicyFlagError(message + "; `kubewire rules` lists them")
                }
                policy.disabled.insert(id)
            }
        }
        if let namespace = flags.namespace {
            guard !namespace.isEmpty else { throw PolicyFlagError("--namespace must not be empty") }
            policy.namespace = namespace
        }
        if let text = flags.kubeVersion {
            guard let version = KubeVersion(text) else {
                throw PolicyFlagError("--kube-version takes a release like 1.29, not `\(text)`")
            }
            policy.kubeVersion = version
        }
        if let failOn = flags.failOn { policy.failOn = failOn }
        policy.helmValues += flags.helmValues
        if flags.requireRender { policy.requireRender = true }
        guard KubeVersion.supported.contains(policy.kubeVersion) else {
            let range = KubeVersion.supported
            throw PolicyFlagError(
                "Kubernetes \(policy.kubeVersion) is not supported: kubewire knows the API of \(range.lowerBound)–\(range.upperBound) (--kube-version or kubeVersion in the configuration)"
            )
        }
        return policy
    }

    /// A policy as an entry point reads it, and what was wrong with its file.
    public struct Loaded: Sendable {
        public var policy: Policy
        /// The configuration file read, as diagnostics name it; nil when there is none.
        public var configPath: String?
        /// The file's problems (`config` findings at file:line:column). With any, the run means
        /// nothing: the entry point reports them alone and exits 2.
        public var problems: [Diagnostic]

        public init(policy: Policy, configPath: String?, problems: [Diagnostic]) {
            self.policy = policy
            self.configPath = configPath
            self.problems = problems
        }
    }

    /// Every entry point's way to its policy: the configuration file `configPath` (`--config`), else
    /// the one `PolicyFile.find` finds from `folder` (nil: the working directory, the path then
    /// relative to it as `check` shows it), read by `PolicyFile.load`, with the flags merged over it
    /// (`merging(file:flags:)`). Throws for a flag that means nothing.
    public static func load(
        configPath: String? = nil, from folder: String? = nil, flags: PolicyFlags = PolicyFlags()
    ) throws(PolicyFlagError) -> Loaded {
        var path = configPath
        if path == nil, let folder {
            path = PolicyFile.find(from: folder).map {
                URL(fileURLWithPath: folder).appendingPathComponent($0).standardizedFileURL.path
            }
        } else if path == nil {
            path = PolicyFile.find()
        }
        let file = path.map(PolicyFile.load(path:))
        let policy = try merging(file: file?.file, flags: flags)
        return Loaded(policy: policy, configPath: path, problems: file?.problems ?? [])
    }
}
