import Foundation
import KubeDiagnostics
import KubeModel
import KubeRules
import Testing

/// Every fixture under `fixtures/<rule-id>/` is one case (a file, or a folder
/// loaded as a whole). A finding is expected on a line that carries
/// `# expect: <rule-id>[, <rule-id>…]`; the test asserts exactly those
/// findings from all rules, no more and no fewer. An expectation may also
/// name the severity and a fragment of the message:
/// `# expect: service-selector error "selects app=ports"`. The whole text
/// of each case is pinned by its `.expected` snapshot (KubewireCLITests).
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
                .filter { ($0.hasPrefix("broken") || $0.hasPrefix("clean")) && !$0.hasSuffix(".expected") }.sorted()
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

/// What an `# expect:` item says beyond the rule: `error|warning|note` and a `"message fragment"`.
struct ExpectedDetail: CustomStringConvertible {
    var at: Expectation
    var severity: Severity?
    var fragment: String?

    var description: String {
        ([at.description] + [severity?.rawValue, fragment.map { "\"\($0)\"" }].compactMap { $0 })
            .joined(separator: " ")
    }

    func isMet(by finding: Diagnostic) -> Bool {
        (severity == nil || finding.severity == severity) && (fragment.map { finding.message.contains($0) } ?? true)
    }
}

/// Splits the text after `# expect:` into items: `rule [severity] ["fragment"]`, comma-separated
/// (commas inside quotes belong to the fragment). Returns nil for an item it cannot read.
func expectItems(_ text: Substring) -> [(rule: String, severity: Severity?, fragment: String?)?] {
    var items: [[String]] = [[]]
    var word = ""
    var quoted: String?
    for character in text {
        if var fragment = quoted {
            if character == "\"" {
                items[items.count - 1].append("\"" + fragment)
                quoted = nil
            } else {
                fragment.append(character)
                quoted = fragment
            }
            continue
        }
        switch character {
        case "\"":
            if !word.isEmpty { items[items.count - 1].append(word) }
            word = ""
            quoted = ""
        case ",", " ", "\t":
            if !word.isEmpty { items[items.count - 1].append(word) }
            word = ""
            if character == "," { items.append([]) }
        default:
            word.append(character)
        }
    }
    if !word.isEmpty { items[items.count - 1].append(word) }
    if quoted != nil { return [nil] }
    return items.filter { !$0.isEmpty }.map { tokens in
        var rest = tokens.dropFirst()
        let rule = tokens[0]
        guard !rule.hasPrefix("\"") else { return nil }
        var severity: Severity?
        if let first = rest.first, let parsed = Severity(rawValue: first) {
            severity = parsed
            rest = rest.dropFirst()
        }
        var fragment: String?
        if let first = rest.first, first.hasPrefix("\"") {
            fragment = String(first.dropFirst())
            rest = rest.dropFirst()
        }
        return rest.isEmpty ? (rule, severity, fragment) : nil
    }
}

/// Reads `# expect:` comments and the optional `# kube-version: 1.21` header.
func expectations(in files: [String]) -> (Set<Expectation>, KubeVersion?) {
    let (result, _, _, version) = expectationDetails(in: files)
    return (result, version)
}

/// `# expect:` comments with their details, the lines whose comment cannot be read, and the version header.
func expectationDetails(in files: [String]) -> (Set<Expectation>, [ExpectedDetail], [String], KubeVersion?) {
    var result = Set<Expectation>()
    var details: [ExpectedDetail] = []
    var unreadable: [String] = []
    var version: KubeVersion?
    for file in files {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: "# expect:") {
                for item in expectItems(line[range.upperBound...]) {
                    guard let item else {
                        unreadable.append("\((file as NSString).lastPathComponent):\(index + 1): \(line)")
                        continue
                    }
                    let at = Expectation(file: file, line: index + 1, rule: item.rule)
                    result.insert(at)
                    if item.severity != nil || item.fragment != nil {
                        details.append(ExpectedDetail(at: at, severity: item.severity, fragment: item.fragment))
                    }
                }
            }
            if let range = line.range(of: "# kube-version:") {
                version = KubeVersion(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
            }
        }
    }
    return (result, details, unreadable, version)
}

@Test("fixture", arguments: FixtureCase.all)
func fixture(_ fixture: FixtureCase) throws {
    let loaded = loadFixture(fixture.path)
    let (expected, details, unreadable, version) = expectationDetails(in: loaded.inputNames)
    #expect(
        unreadable.isEmpty,
        "unreadable `# expect:` comments (write `rule [error|warning|note] [\"fragment\"]`): \(unreadable)")
    // A folder fixture is walked, as `kubewire check fixtures/<rule>/<case>/` walks it.
    var checker = Checker(policy: Policy(kubeVersion: version ?? .current), walkedFiles: loaded.walkedFiles)
    checker.context.foldersWithTemplates = loaded.foldersWithTemplates
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
    for detail in details {
        let candidates = findings.filter {
            $0.ruleID == detail.at.rule && $0.span?.file == detail.at.file && $0.span?.line == detail.at.line
        }
        #expect(
            candidates.contains(where: detail.isMet),
            "expected \(detail); found: \(candidates.map { "\($0.severity.rawValue) \($0.message)" })")
    }
    if fixture.testDescription.contains("/broken") {
        #expect(!expected.isEmpty, "a broken fixture must expect at least one finding")
    } else {
        #expect(expected.isEmpty, "a clean fixture expects no finding")
    }
}

@Test func everyRuleHasBrokenAndCleanFixtures() {
    let cases = FixtureCase.all
    for rule in RuleRegistry.all {
        let mine = cases.filter { $0.ruleFolder == rule.id }
        #expect(mine.contains { $0.testDescription.contains("/broken") }, "\(rule.id) has no broken fixture")
        #expect(mine.contains { $0.testDescription.contains("/clean") }, "\(rule.id) has no clean fixture")
    }
}

@Test func everyRuleDescribesItself() {
    var ids = Set<String>()
    for info in RuleRegistry.all {
        #expect(ids.insert(info.id).inserted, "duplicate rule id \(info.id)")
        #expect(info.id.allSatisfy { $0.isLowercase || $0 == "-" }, "\(info.id) is kebab-case")
        #expect(!info.summary.isEmpty && !info.why.isEmpty && !info.fix.isEmpty, "\(info.id) has summary, why and fix")
    }
}

@Test func expectCommentsReadBareAndDetailedItems() throws {
    let items = expectItems(#" service-selector, probe-port warning, ingress-path error "a, b", name-format "x""#)
    #expect(items.count == 4)
    #expect(items[0]?.rule == "service-selector" && items[0]?.severity == nil && items[0]?.fragment == nil)
    #expect(items[1]?.rule == "probe-port" && items[1]?.severity == .warning && items[1]?.fragment == nil)
    #expect(items[2]?.rule == "ingress-path" && items[2]?.severity == .error && items[2]?.fragment == "a, b")
    #expect(items[3]?.rule == "name-format" && items[3]?.severity == nil && items[3]?.fragment == "x")
    #expect(expectItems(#" rule "unterminated"#).contains { $0 == nil })
    #expect(expectItems(" rule error extra").contains { $0 == nil })
    let detail = ExpectedDetail(
        at: Expectation(file: "f", line: 1, rule: "r"), severity: .warning, fragment: "needle")
    let finding = Diagnostic(ruleID: "r", severity: .warning, span: nil, message: "a needle here")
    #expect(detail.isMet(by: finding))
    var error = finding
    error.severity = .error
    #expect(!detail.isMet(by: error))
    error.message = "other"
    #expect(!ExpectedDetail(at: detail.at, severity: nil, fragment: "needle").isMet(by: error))
}

/// One severity per rule id: every finding in the fixtures has its rule's
/// default severity, so `--disable` and the config's `severity:` address one
/// kind of finding. (`RuleInfo.diagnostic` takes no severity; the schema
/// rules, which build their findings in KubeSchema, are held to it here.)
@Test func everyFindingHasItsRulesDefaultSeverity() {
    var mixed: [String: Set<String>] = [:]
    for fixture in FixtureCase.all {
        let loaded = loadFixture(fixture.path)
        let (_, version) = expectations(in: loaded.inputNames)
        var checker = Checker(policy: Policy(kubeVersion: version ?? .current), walkedFiles: loaded.walkedFiles)
        checker.context.foldersWithTemplates = loaded.foldersWithTemplates
        for finding in checker.check(loaded.graph) {
            guard let rule = RuleRegistry.rule(id: finding.ruleID), finding.severity != rule.defaultSeverity
            else { continue }
            mixed[finding.ruleID, default: []].insert(fixture.testDescription)
        }
    }
    for (id, cases) in mixed {
        Issue.record("\(id) reports findings that are not its default severity in \(cases.sorted()): split it")
    }
}

/// A fixture as `kubewire check` reads it: files found by walking a folder case that hold no
/// object (a package.json beside the manifests) are skipped, not read as manifests.
func loadFixture(_ path: String) -> LoadedManifests {
    let inputs = [ManifestInput.path(path)]
    var options = LoadOptions()
    let files = ManifestLoader.files(in: inputs)
    if files != [path] { options.skippableFiles = Set(files) }
    return ManifestLoader.load(inputs, options: options)
}
