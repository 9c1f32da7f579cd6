/// What a rule is, for `kubewire rules`, SARIF rule metadata and help text.
public struct RuleInfo: Hashable, Sendable {
    public var id: String
    public var summary: String
    public var why: String
    public var fix: String
    public var defaultSeverity: Severity

    public init(id: RuleID, summary: String, why: String, fix: String, defaultSeverity: Severity = .error) {
        self.init(id: id.rawValue, summary: summary, why: why, fix: fix, defaultSeverity: defaultSeverity)
    }

    /// For ids outside the checker's registry (a finding of an unregistered id, the local cluster's probes).
    public init(id: String, summary: String, why: String, fix: String, defaultSeverity: Severity = .error) {
        self.id = id
        self.summary = summary
        self.why = why
        self.fix = fix
        self.defaultSeverity = defaultSeverity
    }
}

/// Problems that stop an input from being read at all. They are reported
/// like findings (same renderers) but make the run exit 2.
public enum InputProblem {
    public static let yamlSyntax = RuleInfo(
        id: .yamlSyntax, summary: "The file is not valid YAML",
        why: "Nothing in a file that does not parse can be checked or applied.",
        fix: "Fix the YAML at the reported position; the message is libyaml's.")
    public static let duplicateKey = RuleInfo(
        id: .duplicateKey, summary: "A mapping has the same key twice",
        why:
            "kubectl and the API server keep only one of the values (or reject the object); which one is easy to get wrong.",
        fix: "Remove one of the two keys or merge their values.")
    public static let notAnObject = RuleInfo(
        id: .notAnObject, summary: "A document is not a Kubernetes object mapping",
        why: "Every document of a manifest stream must be a mapping with apiVersion and kind.",
        fix: "Make the document a mapping with apiVersion, kind and metadata, or remove it.")
    public static let unreadable = RuleInfo(
        id: .unreadableInput, summary: "An input cannot be read or is not UTF-8",
        why: "The checker cannot prove anything about bytes it cannot read.",
        fix: "Check the path and permissions, and save the file as UTF-8.")
    public static let limit = RuleInfo(
        id: .inputLimit, summary: "An input exceeds a resource limit (size, depth, aliases)",
        why: "Unbounded alias expansion or nesting (\"billion laughs\") would exhaust memory.",
        fix: "Reduce the nesting or alias use; raise the limit only for inputs you trust.")

    public static let noObjects = RuleInfo(
        id: .noObjects, summary: "The inputs hold no Kubernetes object",
        why: "A mistyped path or a render that printed nothing would otherwise pass as a clean check.",
        fix: "Name the folders or files that hold the manifests, a kustomization or a chart.")
    public static let renderFailed = RuleInfo(
        id: .renderFailed, summary: "kustomize or helm cannot render a kustomization or chart of the inputs",
        why: "What the tool refuses to build cannot be deployed, and nothing of it can be checked.",
        fix: "Fix what the tool's message names (a missing resource, a bad patch, a template error).")
    public static let notRendered = RuleInfo(
        id: .notRendered,
        summary:
            "A kustomization or chart was not checked: it cannot be rendered on this machine (tool missing, offline, plugins, dependencies not fetched, a git-ignored file made at deploy time)",
        why:
            "kubewire checks what kustomize and helm render, never the templates or patches themselves; what this machine cannot render is said, not guessed.",
        fix:
            "Do what the note says: install kubectl (it carries kustomize) and helm or point KUBEWIRE_KUBECTL / KUBEWIRE_HELM at them, fetch chart dependencies, or render where the network is reachable."
    )

    public static let all: [RuleInfo] = [
        yamlSyntax, duplicateKey, notAnObject, unreadable, limit, noObjects, renderFailed, notRendered,
    ]
}
