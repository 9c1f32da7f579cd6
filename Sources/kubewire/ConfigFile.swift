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
/// ```
struct ConfigFile {
    var disabled: Set<String> = []
    var severities: [String: Severity] = [:]
    var namespace: String?
    var kubeVersion: KubeVersion?
    var failOn: Severity?

    static let keys = ["disable", "severity", "namespace", "kubeVersion", "failOn"]

    static func load(path: String, output: OutputOptions) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            fail([
                Diagnostic(
                    ruleID: InputProblem.unreadable.id, severity: .error,
                    span: SourceSpan(file: path, line: 1, column: 1), message: "cannot read configuration file \(path)")
            ])
        }
        let loaded = data.withUnsafeBytes { YAMLLoader.load(bytes: $0, file: path) }
        if !loaded.problems.isEmpty { fail(loaded.problems) }
        var config = ConfigFile()
        guard let root = loaded.documents.first?.root, !root.isNull else { return config }
        var problems: [Diagnostic] = []
        func problem(_ node: YAMLNode, _ message: String) {
            problems.append(
                Diagnostic(
                    ruleID: "config", severity: .error,
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
            fail(problems)
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
            default:
                problem(pair.key, "unknown key `\(key)`; expected one of \(keys.joined(separator: ", "))")
            }
        }
        if !problems.isEmpty { fail(problems) }
        return config
    }

    /// Reports configuration problems on stderr and exits 2.
    private static func fail(_ problems: [Diagnostic]) -> Never {
        for problem in problems {
            let location = problem.span.map { "\($0.file):\($0.line):\($0.column): " } ?? ""
            Console.error("\(location)error: \(problem.message)\n")
        }
        Foundation.exit(2)
    }
}
