import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeRules
import KubewireCLI

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List every rule: id, default severity and what it checks; `kubewire rules ID` explains one.")

    @Argument(help: "A rule id: explain that rule alone (what it checks, why, how to fix, its severity).")
    var id: String?

    @Flag(name: .shortAndLong, help: "Also print why each rule matters and how to fix a finding.")
    var verbose = false

    @Flag(name: .long, help: "Print the list as JSON.")
    var json = false

    @Flag(name: .long, help: "Print the list as the Markdown table of the README (`make readme`).")
    var markdown = false

    func run() throws {
        if let id {
            try explain(id)
            return
        }
        let infos = RuleRegistry.all
        if markdown {
            Console.out(Self.markdownTable(infos))
            return
        }
        if json {
            let list = infos.map {
                [
                    "id": $0.id, "severity": $0.defaultSeverity.rawValue, "summary": $0.summary, "why": $0.why,
                    "fix": $0.fix,
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys])
            Console.out(String(decoding: data, as: UTF8.self) + "\n")
            return
        }
        let width = infos.map(\.id.count).max() ?? 0
        var text = ""
        for info in infos {
            let id = info.id.padding(toLength: width, withPad: " ", startingAt: 0)
            let severity = info.defaultSeverity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            text += "\(id)  \(severity)  \(info.summary)\n"
            if verbose {
                text += "    why: \(info.why)\n    fix: \(info.fix)\n\n"
            }
        }
        Console.out(text)
    }

    /// `kubewire rules ID`: one rule in full (also the input problems and `config`, which findings
    /// name too); an unknown id is a usage error with the nearest id.
    private func explain(_ id: String) throws {
        let infos = RuleRegistry.all + InputProblem.all + [PolicyFile.rule]
        guard let info = infos.first(where: { $0.id == id }) else {
            let hint = NearName.inputName.nearest(id, in: infos.map(\.id)).map { " (did you mean \($0)?)" }
            throw ValidationError("unknown rule `\(id)`\(hint ?? ""); `kubewire rules` lists them")
        }
        if json {
            let entry = [
                "id": info.id, "severity": info.defaultSeverity.rawValue, "summary": info.summary, "why": info.why,
                "fix": info.fix,
            ]
            let data = try JSONSerialization.data(withJSONObject: entry, options: [.prettyPrinted, .sortedKeys])
            Console.out(String(decoding: data, as: UTF8.self) + "\n")
            return
        }
        let registered = RuleRegistry.rule(id: id) != nil
        var text = "\(info.id) (\(info.defaultSeverity.rawValue)\(registered ? " by default" : ""))\n"
        text += "  checks: \(info.summary)\n  why:    \(info.why)\n  fix:    \(info.fix)\n"
        if registered {
            text +=
                "  off:    --disable \(info.id), `disable: [\(info.id)]` in .kubewire.yaml, or the annotation kubewire.dev/disable: \"\(info.id)\"\n"
        } else {
            text += "  (a problem with the inputs or the configuration: it cannot be turned off, and exits 2)\n"
        }
        Console.out(text)
    }

    /// One row per rule: id, default severity, summary (`|` escaped for Markdown).
    static func markdownTable(_ infos: [RuleInfo]) -> String {
        var text = "| id | default | checks |\n|---|---|---|\n"
        for info in infos {
            let summary = info.summary.replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\n", with: " ")
            text += "| `\(info.id)` | \(info.defaultSeverity.rawValue) | \(summary) |\n"
        }
        return text
    }
}
