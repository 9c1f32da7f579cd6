import ArgumentParser
import Foundation
import KubeDiagnostics
import KubeRules
import KubewireCLI

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List every rule: id, default severity and what it checks.")

    @Flag(name: .shortAndLong, help: "Also print why each rule matters and how to fix a finding.")
    var verbose = false

    @Flag(name: .long, help: "Print the list as JSON.")
    var json = false

    func run() throws {
        let infos = RuleRegistry.all.map(\.info)
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
}
