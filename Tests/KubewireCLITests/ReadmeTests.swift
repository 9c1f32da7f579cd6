import Foundation
import Testing

/// The README's rules table is generated (`make readme`); it must equal what
/// the registry says now, so a new or renamed rule cannot be forgotten there.
@Suite("README")
struct ReadmeTests {
    static let begin = "<!-- rules:begin"
    static let end = "<!-- rules:end"

    @Test func rulesTableMatchesTheRegistry() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix(Self.begin) }, "README.md has no \(Self.begin) marker")
        let stop = try #require(
            lines[start...].firstIndex { $0.hasPrefix(Self.end) }, "README.md has no \(Self.end) marker")
        let table = lines[(start + 1)..<stop].map { $0 + "\n" }.joined()
        let scratch = try Scratch()
        let generated = try kubewire(["rules", "--markdown"], in: scratch)
        #expect(generated.status == 0, "\(generated)")
        if table != generated.stdout {
            Issue.record(
                """
                README.md's rules table differs from `kubewire rules --markdown` (- README, + registry):
                \(lineDiff(table, generated.stdout))
                run `make readme` to regenerate it
                """)
        }
    }

    @Test func markdownHasOneRowPerRule() throws {
        let scratch = try Scratch()
        let json = try kubewire(["rules", "--json"], in: scratch)
        let markdown = try kubewire(["rules", "--markdown"], in: scratch)
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            .compactMap { $0["id"] as? String }
        let rows = markdown.stdout.split(separator: "\n").dropFirst(2)
        #expect(rows.count == ids.count)
        for (row, id) in zip(rows, ids) {
            #expect(row.hasPrefix("| `\(id)` | "), "\(row)")
        }
    }
    /// The README's example finding is what kubewire prints for the blog's manifests with the
    /// course's selector typo planted back (a copy of infra/ and skaffold.yaml in a scratch folder).
    @Test func exampleOutputIsWhatKubewirePrints() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("<!-- example:begin") }, "no example:begin marker")
        let stop = try #require(
            lines[start...].firstIndex { $0.hasPrefix("<!-- example:end") }, "no example:end marker")
        // The marker, the opening fence, the text, the closing fence.
        let example = lines[(start + 2)..<(stop - 1)].map { $0 + "\n" }.joined()

        let scratch = try Scratch()
        let manager = FileManager.default
        try manager.copyItem(
            at: packageRoot.appendingPathComponent("infra"), to: scratch.url.appendingPathComponent("infra"))
        try manager.copyItem(
            at: packageRoot.appendingPathComponent("skaffold.yaml"),
            to: scratch.url.appendingPathComponent("skaffold.yaml"))
        let service = scratch.path("infra/k8s/posts-srv.yaml")
        let text = try String(contentsOfFile: service, encoding: .utf8)
        let planted = text.replacingOccurrences(
            of: "  selector:\n    app: posts\n", with: "  selector:\n    app: ports\n")
        try #require(planted != text, "infra/k8s/posts-srv.yaml no longer has `selector: app: posts`")
        try Data(planted.utf8).write(to: URL(fileURLWithPath: service))

        let result = try kubewire(["check", "infra/", "skaffold.yaml", "--color", "never"], in: scratch)
        #expect(result.status == 1, "\(result)")
        if example != result.stdout {
            Issue.record(
                """
                README.md's example output differs from what kubewire prints (- README, + kubewire):
                \(lineDiff(example, result.stdout))
                """)
        }
    }
}
