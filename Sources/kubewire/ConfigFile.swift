import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeReport
import KubeRules
import KubeYAML

/// `.kubewire.yaml`:
/// ```yaml
/// disable: [probe-port]          # rules to turn off
/// severity: {service-url: warning}
/// namespace: default             # for objects that name none
/// kubeVersion: "1.30"
/// failOn: error                  # error | warning | note
/// helmValues: [values-ci.yaml]   # more values files for every chart, after its values.yaml
/// requireRender: true            # a kustomization or chart that cannot be rendered here: exit 2
/// ```
struct ConfigFile {
    var disabled: Set<String> = []
    var severities: [String: Severity] = [:]
    var namespace: String?
    var kubeVersion: KubeVersion?
    var failOn: Severity?
    var helmValues: [String] = []
    var requireRender: Bool?

    static let keys = ["disable", "severity", "namespace", "kubeVersion", "failOn", "helmValues", "requireRender"]

    /// A problem in the file: reported like a finding, at its position (SARIF: a tool configuration
    /// notification), and the run exits 2.
    static let rule = RuleInfo(
        id: "config", summary: "The configuration file (.kubewire.yaml or --config) is not valid",
        why: "A rule turned off or a severity changed by a misspelt key would silently not apply.",
        fix: "Fix the key or value at the reported position; the keys are \(keys.joined(separator: ", ")).")

    /// The file and its problems: YAML the loader refused, or keys and values that mean nothing.
    struct Loaded {
        var file: ConfigFile
        var problems: [Diagnostic]
    }

    static func load(path: String) -> Loaded {
        let loaded = YAMLLoader.load(path: path)
        if !loaded.problems.isEmpty { return Loaded(file: ConfigFile(), problems: loaded.problems) }
        var config = ConfigFile()
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
        func ruleID(_ node: YAMLNode) -> String? {
            guard let id = node.string else {
                problem(node, "expected a rule id (a string)")
                return nil
            }
            do {
                try Settings.validateRuleID(id)
            } catch {
                problem(node, (error as? ValidationError)?.message ?? "unknown rule `\(id)`")
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
                for item in value.items { if let id = ruleID(item) { config.disabled.insert(id) } }
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
                config.kubeVersion = version
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
}
