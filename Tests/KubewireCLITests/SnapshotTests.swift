import Foundation
import Testing

/// UI snapshots, as rustc's `tests/ui`: beside every fixture case
/// `fixtures/<rule>/<case>.yaml` (or folder `fixtures/<rule>/<case>/`) sits
/// `<case>.expected`, the exact text a user reads from
/// `kubewire check --color never fixtures/<rule>/<case>…`, run from the
/// package root so every path in it is relative. Any changed word fails with
/// a line diff. `make bless` (or `KUBEWIRE_BLESS=1`) rewrites the files after
/// a deliberate change; review the diff with `git diff fixtures/`.
struct SnapshotCase: CustomTestStringConvertible, Sendable {
    /// `fixtures/<rule>/<case>.yaml` or `fixtures/<rule>/<case>`, relative to the package root.
    var input: String
    /// `fixtures/<rule>/<case>.expected`.
    var expected: String

    var testDescription: String { String(input.dropFirst("fixtures/".count)) }

    static let fixturesFolder = "fixtures"
    static let manifestExtensions = ["yaml", "yml"]

    /// Every case: `broken-*` and `clean-*` manifests and folders of each rule folder.
    static var all: [SnapshotCase] {
        entries().compactMap { folder, entry in
            let relative = "\(fixturesFolder)/\(folder)/\(entry)"
            let ext = (entry as NSString).pathExtension
            guard entry.hasPrefix("broken") || entry.hasPrefix("clean") else { return nil }
            if isDirectory(relative) {
                return SnapshotCase(input: relative, expected: relative + ".expected")
            }
            guard manifestExtensions.contains(ext) else { return nil }
            return SnapshotCase(
                input: relative, expected: (relative as NSString).deletingPathExtension + ".expected")
        }
    }

    /// `.expected` files no case produces (a renamed or deleted fixture).
    static var orphans: [String] {
        let wanted = Set(all.map(\.expected))
        return entries().map { "\(fixturesFolder)/\($0)/\($1)" }
            .filter { $0.hasSuffix(".expected") && !wanted.contains($0) }
    }

    /// (rule folder, entry) pairs, sorted.
    private static func entries() -> [(String, String)] {
        let manager = FileManager.default
        let root = packageRoot.appendingPathComponent(fixturesFolder).path
        let folders = ((try? manager.contentsOfDirectory(atPath: root)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return folders.flatMap { folder in
            ((try? manager.contentsOfDirectory(atPath: root + "/" + folder)) ?? []).sorted().map { (folder, $0) }
        }
    }

    static func isDirectory(_ relative: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(
            atPath: packageRoot.appendingPathComponent(relative).path, isDirectory: &flag) && flag.boolValue
    }

    /// The manifest files of the case, for its `# kube-version:` header.
    var manifestFiles: [URL] {
        let url = packageRoot.appendingPathComponent(input)
        guard Self.isDirectory(input) else { return [url] }
        let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? [])
            .filter { Self.manifestExtensions.contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    /// `kubewire check` arguments: the case, and `--kube-version` from a `# kube-version: 1.21` header.
    var arguments: [String] {
        var arguments = ["check", "--color", "never"]
        for file in manifestFiles {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard let range = line.range(of: "# kube-version:") else { continue }
                arguments += ["--kube-version", line[range.upperBound...].trimmingCharacters(in: .whitespaces)]
            }
        }
        return arguments + [input]
    }
}

/// Whether snapshots are rewritten instead of compared (`make bless`).
let blessing: Bool = {
    let value = ProcessInfo.processInfo.environment["KUBEWIRE_BLESS"] ?? ""
    return !value.isEmpty && value != "0"
}()

let blessHint = "if the change is deliberate, run `make bless` (or KUBEWIRE_BLESS=1 swift test --filter Snapshot)"

@Suite("UI snapshots (fixtures/**/*.expected)")
struct SnapshotTests {
    @Test("snapshot", arguments: SnapshotCase.all)
    func snapshot(_ snapshot: SnapshotCase) throws {
        let result = try kubewire(snapshot.arguments, in: packageRoot)
        // 0 and 1 are what the summary line says; 2 (an input problem) is pinned
        // in the snapshot; anything else is a crash, never blessed.
        try #require([0, 1, 2].contains(result.status), "kubewire crashed: \(result)")
        var actual = result.stdout
        if !result.stderr.isEmpty { actual += "--- stderr\n" + result.stderr }
        if result.status == 2 { actual += "--- exit status 2\n" }
        let expectedURL = packageRoot.appendingPathComponent(snapshot.expected)
        if blessing {
            let old = try? String(contentsOf: expectedURL, encoding: .utf8)
            if old != actual { try Data(actual.utf8).write(to: expectedURL) }
            return
        }
        guard let expected = try? String(contentsOf: expectedURL, encoding: .utf8) else {
            Issue.record(
                "\(snapshot.expected) is missing; create it with `make bless`. kubewire printed:\n\(actual)")
            return
        }
        if expected != actual {
            Issue.record(
                """
                \(snapshot.expected) differs from `kubewire \(snapshot.arguments.joined(separator: " "))` \
                (- expected, + actual):
                \(lineDiff(expected, actual))
                \(blessHint)
                """)
        }
    }

    @Test func everyExpectedFileHasItsCase() throws {
        let orphans = SnapshotCase.orphans
        if blessing {
            for orphan in orphans { try FileManager.default.removeItem(at: packageRoot.appendingPathComponent(orphan)) }
            return
        }
        #expect(orphans.isEmpty, "no fixture produces \(orphans); remove them or run `make bless`")
    }

    @Test func everyRuleFolderHasCases() {
        #expect(SnapshotCase.all.count > 10, "found only \(SnapshotCase.all.map(\.input)) under \(packageRoot.path)")
    }

    @Test func diffShowsChangedLinesWithContext() {
        let diff = lineDiff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n")
        #expect(
            diff == """
                @@ line 1 @@
                  a
                - b
                + B
                  c
                  d
                + e
                """, "\(diff)")
        #expect(lineDiff("same\n", "same\n").isEmpty)
        #expect(lineDiff("x", "x\n").contains("(no newline at end)"))
    }
}

/// A unified-style line diff (LCS), with two lines of context around each change.
func lineDiff(_ old: String, _ new: String, context: Int = 2) -> String {
    func lines(_ text: String) -> [String] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if result.last == "" {
            result.removeLast()
        } else if !result.isEmpty {
            result[result.count - 1] += " (no newline at end)"
        }
        return result
    }
    let a = lines(old)
    let b = lines(new)
    guard a != b else { return "" }
    // lcs[i][j]: length of the longest common subsequence of a[i...] and b[j...].
    var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
        }
    }
    enum Edit {
        case same(String, Int)
        case removed(String, Int)
        case added(String, Int)
        var isChange: Bool {
            if case .same = self { return false }
            return true
        }
    }
    var edits: [Edit] = []
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
        if i < a.count, j < b.count, a[i] == b[j] {
            edits.append(.same(a[i], i + 1))
            i += 1
            j += 1
        } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
            edits.append(.removed(a[i], i + 1))
            i += 1
        } else {
            edits.append(.added(b[j], i + 1))
            j += 1
        }
    }
    let changed = edits.indices.filter { edits[$0].isChange }
    var shown = Set<Int>()
    for index in changed {
        for k in max(0, index - context)...min(edits.count - 1, index + context) { shown.insert(k) }
    }
    var out: [String] = []
    var previous = -2
    for index in shown.sorted() {
        if index != previous + 1 {
            let line: Int
            switch edits[index] {
            case .same(_, let n), .removed(_, let n), .added(_, let n): line = n
            }
            out.append("@@ line \(line) @@")
        }
        switch edits[index] {
        case .same(let text, _): out.append("  " + text)
        case .removed(let text, _): out.append("- " + text)
        case .added(let text, _): out.append("+ " + text)
        }
        previous = index
    }
    return out.joined(separator: "\n")
}
