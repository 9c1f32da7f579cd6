import Foundation
import KubeDiagnostics
import KubeModel
import KubeRules
import Testing

/// Every fixture under `fixtures/<rule-id>/` is one case (a file, or a folder
/// loaded as a whole). A finding is expected on a line that carries
/// `# expect: <rule-id>[, <rule-id>…]`; the test asserts exactly those
/// findings from all rules, no more and no fewer.
struct FixtureCase: CustomTestStringConvertible, Sendable {
    var path: String
    var ruleFolder: String

    var testDescription: String { "\(ruleFolder)/\((path as NSString).lastPathComponent)" }

    static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures").path
    }()

    static var all: [FixtureCase] {
        let manager = FileManager.default
        let folders = ((try? manager.contentsOfDirectory(atPath: root)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return folders.flatMap { folder in
            let entries = ((try? manager.contentsOfDirectory(atPath: root + "/" + folder)) ?? [])
                .filter { $0.hasPrefix("broken") || $0.hasPrefix("clean") }.sorted()
            return entries.map { FixtureCase(path: root + "/" + folder + "/" + $0, ruleFolder: folder) }
        }
    }
}

struct Expectation: Hashable, CustomStringConvertible {
    var file: String
    var line: Int
    var rule: String
    var description: String { "\((file as NSString).lastPathComponent):\(line) \(rule)" }
}

/// Reads `# expect:` comments and the optional `# kube-version: 1.21` header.
func expectations(in files: [String]) -> (Set<Expectation>, KubeVersion?) {
    var result = Set<Expectation>()
    var version: KubeVersion?
    for file in files {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: "# expect:") {
                for rule in line[range.upperBound...].split(separator: ",") {
                    let id = rule.trimmingCharacters(in: .whitespaces)
                    if !id.isEmpty { result.insert(Expectation(file: file, line: index + 1, rule: id)) }
                }
            }
            if let range = line.range(of: "# kube-version:") {
                version = KubeVersion(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
            }
        }
    }
    return (result, version)
}

@Test("fixture", arguments: FixtureCase.all)
func fixture(_ fixture: FixtureCase) throws {
    let loaded = ManifestLoader.load([.path(fixture.path)])
    let (expected, version) = expectations(in: loaded.inputNames)
    let checker = Checker(context: RuleContext(kubeVersion: version ?? .current))
    let findings = loaded.problems + checker.check(loaded.graph)
    let actual = Set(
        findings.compactMap { finding in
            finding.span.map { Expectation(file: $0.file, line: $0.line, rule: finding.ruleID) }
        })
    let missing = expected.subtracting(actual).sorted { $0.description < $1.description }
    let unexpected = actual.subtracting(expected).sorted { $0.description < $1.description }
    let messages = findings.map { "\($0.span?.description ?? "-") \($0.ruleID): \($0.message)" }
    #expect(missing.isEmpty, "expected but not found: \(missing)\nfindings:\n\(messages.joined(separator: "\n"))")
    #expect(unexpected.isEmpty, "found but not expected: \(unexpected)\nfindings:\n\(messages.joined(separator: "\n"))")
    #expect(findings.allSatisfy { $0.span != nil }, "every finding has a location")
    if fixture.testDescription.contains("/broken") {
        #expect(!expected.isEmpty, "a broken fixture must expect at least one finding")
    } else {
        #expect(expected.isEmpty, "a clean fixture expects no finding")
    }
}

@Test func everyRuleHasBrokenAndCleanFixtures() {
    let cases = FixtureCase.all
    for rule in RuleRegistry.all {
        let mine = cases.filter { $0.ruleFolder == rule.info.id }
        #expect(mine.contains { $0.testDescription.contains("/broken") }, "\(rule.info.id) has no broken fixture")
        #expect(mine.contains { $0.testDescription.contains("/clean") }, "\(rule.info.id) has no clean fixture")
    }
}

@Test func everyRuleDescribesItself() {
    var ids = Set<String>()
    for rule in RuleRegistry.all {
        let info = rule.info
        #expect(ids.insert(info.id).inserted, "duplicate rule id \(info.id)")
        #expect(info.id.allSatisfy { $0.isLowercase || $0 == "-" }, "\(info.id) is kebab-case")
        #expect(!info.summary.isEmpty && !info.why.isEmpty && !info.fix.isEmpty, "\(info.id) has summary, why and fix")
    }
}
