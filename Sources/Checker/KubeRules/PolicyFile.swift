import Foundation
import KubeDiagnostics
import KubeYAML

/// `.kubewire.yaml` (or `.kubewire.yml`, or the file `--config` names): a policy as a file writes
/// it, every key optional. Read the same way by every entry point (`Policy.load`); the flags are
/// merged over it by `Policy.merging(file:flags:)`.
/// ```yaml
/// disable: [probe-port]          # rules to turn off
/// severity: {service-url: warning}
/// namespace: default             # for objects that name none
/// kubeVersion: "1.30"
/// failOn: error                  # error | warning | note
/// nodePortRange: "30000-32767"   # the cluster's --service-node-port-range
/// helmValues: [values-ci.yaml]   # more values files for every chart, after its values.yaml
/// requireRender: true            # a kustomization or chart that cannot be rendered here: exit 2
/// ```
public struct PolicyFile: Sendable, Equatable {
    public var disabled: Set<String> = []
    public var severities: [String: Severity] = [:]
    public var namespace: String?
    public var kubeVersion: KubeVersion?
    public var failOn: Severity?
    public var nodePortRange: ClosedRange<Int>?

    public var helmValues: [String] = []
    public var requireRender: Bool?

    public static let keys = [
        "disable", "severity", "namespace", "kubeVersion", "failOn", "nodePortRange", "helmValues", "requireRender",
    ]

    /// The names the file is looked for under, in this order.
    public static let fileNames = [".kubewire.yaml", ".kubewire.yml"]

    /// The configuration that applies in `directory`: `.kubewire.yaml` (or `.kubewire.yml`) in it or
    /// the nearest parent folder up to the repository root (the folder holding `.git`), as linters
    /// look for theirs. Outside a repository only `directory` itself is looked in, so a stray file
    /// in a home or temporary folder is never picked up. The path is relative when `directory` is
    /// the working directory (`../.kubewire.yaml`), as diagnostics show it.
    public static func find(from directory: String = FileManager.default.currentDirectoryPath) -> String? {
        let manager = FileManager.default
        var folders: [URL] = []
        var folder = URL(fileURLWithPath: directory).standardizedFileURL
        var repositoryRoot: URL?
        while true {
            folders.append(folder)
            if manager.fileExists(atPath: folder.appendingPathComponent(".git").path) {
                repositoryRoot = folder
                break
            }
            let parent = folder.deletingLastPathComponent().standardizedFileURL
            if parent.path == folder.path { break }
            folder = parent
        }
        if repositoryRoot == nil { folders = Array(folders.prefix(1)) }
        for (depth, folder) in folders.enumerated() {
            for name in fileNames where manager.fileExists(atPath: folder.appendingPathComponent(name).path) {
                return String(repeating: "../", count: depth) + name
            }
        }
        return nil
    }

    /// A problem in the file: reported like a finding, at its position (SARIF: a tool configuration
    /// notification), and the run exits 2.
    public static let rule = RuleInfo(
        id: .config, summary: "The configuration file (.kubewire.yaml or --config) is not valid",
        why: "A rule turned off or a severity changed by a misspelt key would silently not apply.",
        fix: "Fix the key or value at the reported position; the keys are \(keys.joined(separator: ", ")).")

    /// The file and its problems: YAML the loader refused, or keys and values that mean nothing.
    public struct Loaded: Sendable {
        public var file: PolicyFile
        public var problems: [Diagnostic]
    }

    public init() {}

    /// The file at `path`, parsed; each problem a `config` finding at its file:line:column.
    public static func load(path: String) -> Loaded {
        let loaded = YAMLLoader.load(path: path)
        if !loaded.problems.isEmpty { return Loaded(file: PolicyFile(), problems: loaded.problems) }
        var config = PolicyFile()
        guard let root = loaded.documents.first?.root, !root.isNull else { return Loaded(file: config, problems: []) }
        var problems: [Diagnostic] = []
        func problem(_ node: YAMLNode, _ message: String) {
            problems.append(
                Diagnostic(
                    ruleID: rule.id, severity: .error,
                    span: SourceSpan(
                        file: path, line: Int(node.start.line), column: Int(node.start.column),
                        endLine: Int(node.end.line), endColumn: Int(node.end.column)), message: message))
        }
        func ruleID(_ node: YAMLNode, allowingAll: Bool = false) -> String? {
            guard let id = node.string else {
                problem(node, "expected a rule id (a string)")
                return nil
            }
            if let message = unknownRuleMessage(id, allowingAll: allowingAll) {
                problem(node, message + "; `kubewire rules` lists them")
                return nil
            }
            return id
        }
        guard root.isMapping else {
            problem(root, "expected a mapping with keys \(keys.joined(separator: ", "))")
            return Loaded(file: config, problems: problems)
        }
        for pair in root.pairs {
            let key = pair.key.scalar ?? ""
            let value = pair.value
            switch key {
            case "disable":
                guard value.isSequence else {
                    problem(value, "`disable` takes a list of rule ids")
                    continue
                }
                for item in value.items { if let id = ruleID(item, allowingAll: true) { config.disabled.insert(id) } }
            case "severity":
                guard value.isMapping else {
                    problem(value, "`severity` maps rule ids to error, warning or note")
                    continue
                }
                for entry in value.pairs {
                    guard let id = ruleID(entry.key) else { continue }
                    guard let severity = entry.value.string.flatMap(Severity.init(rawValue:)) else {
                        problem(entry.value, "expected error, warning or note")
                        continue
                    }
                    config.severities[id] = severity
                }
            case "namespace":
                guard let namespace = value.string, !namespace.isEmpty else {
                    problem(value, "`namespace` takes a non-empty string")
                    continue
                }
                config.namespace = namespace
            case "kubeVersion":
                guard let version = value.scalar.flatMap(KubeVersion.init) else {
                    problem(value, "`kubeVersion` takes a release like \"1.30\" (quoted)")
                    continue
                }
                guard KubeVersion.supported.contains(version) else {
                    let range = KubeVersion.supported
                    problem(
                        value,
                        "Kubernetes \(version) is not supported: kubewire knows the API of \(range.lowerBound)–\(range.upperBound)"
                    )
                    continue
                }
                config.kubeVersion = version
            case "nodePortRange":
                guard let range = value.string.flatMap(Self.portRange) else {
                    problem(
                        value,
                        "`nodePortRange` takes the cluster's --service-node-port-range as \"LOW-HIGH\", e.g. \"30000-32767\", with 1 ≤ LOW ≤ HIGH ≤ 65535"
                    )
                    continue
                }
                config.nodePortRange = range
            case "failOn":
                guard let severity = value.string.flatMap(Severity.init(rawValue:)) else {
                    problem(value, "`failOn` takes error, warning or note")
                    continue
                }
                config.failOn = severity
            case "helmValues":
                guard value.isSequence, value.items.allSatisfy({ $0.string.map { !$0.isEmpty } ?? false }) else {
                    problem(value, "`helmValues` takes a list of values files")
                    continue
                }
                // Relative to the configuration file, as a reader of the file expects.
                let folder = (path as NSString).deletingLastPathComponent
                config.helmValues = value.items.compactMap(\.string).map { file in
                    file.hasPrefix("/") || folder.isEmpty ? file : folder + "/" + file
                }
            case "requireRender":
                guard value.scalarType == .bool, let text = value.scalar else {
                    problem(value, "`requireRender` takes true or false")
                    continue
                }
                config.requireRender = ["true", "True", "TRUE"].contains(text)
            default:
                problem(pair.key, "unknown key `\(key)`; expected one of \(keys.joined(separator: ", "))")
            }
        }
        return Loaded(file: config, problems: problems)
    }

    /// "unknown rule `x` (did you mean y?)" for an id no registered rule has; nil for a known id
    /// (and for `all` where rules are turned off, as in the annotation).
    public static func unknownRuleMessage(_ id: String, allowingAll: Bool = false) -> String? {
        guard RuleRegistry.rule(id: id) == nil, !(allowingAll && id == Policy.disableAll) else { return nil }
        let known = RuleRegistry.all.map(\.id)
        let hint = NearName.inputName.nearest(id, in: known).map { " (did you mean \($0)?)" } ?? ""
        return "unknown rule `\(id)`\(hint)"
    }

    /// `LOW-HIGH` (the API server's --service-node-port-range syntax; `LOW+SIZE` is not accepted).
    public static func portRange(_ text: String) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Int(parts[0].trimmingCharacters(in: .whitespaces)),
            let high = Int(parts[1].trimmingCharacters(in: .whitespaces)), 1 <= low, low <= high, high <= 65535
        else { return nil }
        return low...high
    }
}
