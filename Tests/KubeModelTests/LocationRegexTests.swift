import Foundation
import KubeModel
import Testing

/// nginx's own test of a `location ~* "^<path>"` (as ingress-nginx writes it):
/// case-insensitive, searched, so only the first branch of a top-level
/// alternation is bound to the start. Independent of the code under test.
private func nginxMatches(_ request: String, _ path: String) -> Bool {
    guard let regex = try? NSRegularExpression(pattern: "^" + path, options: [.caseInsensitive]) else { return false }
    return regex.firstMatch(in: request, range: NSRange(request.startIndex..., in: request)) != nil
}

@Suite("location regexes")
struct LocationRegexTests {
    /// Paths of the blog Ingress and trickier regexes, with the request the probe sends.
    static let requests: [(path: String, request: String)] = [
        ("/posts/?(.*)/comments", "/posts/xx/comments"),
        ("/posts/create", "/posts/create"),
        ("/posts", "/posts"),
        ("/?(.*)", "/xx"),
        ("/files/[a-z0-9_]+\\.txt", "/files/aa.txt"),
        ("/u/[^/]+/profile", "/u/xx/profile"),
        ("/api/(v1|v2)/items", "/api/v1/items"),
        ("/api/(?:alpha|beta)+/x", "/api/alphaalpha/x"),
        ("/opt(/extra)?/end", "/opt/extra/end"),
        ("^/anchored$", "/anchored"),
        ("/n/\\d+", "/n/11"),
        ("/d/\\d{4}", "/d/1111"),
        ("/x{2}", "/xx"),
        ("/w/\\w+-\\D", "/w/aa--"),
        ("/w/\\W", "/w/-"),
        ("/a|/b", "/a"),
        ("/lazy/.*?/x", "/lazy/xx/x"),
        ("/esc/\\(paren\\)", "/esc/(paren)"),
        ("/neg/[^xa1]", "/neg/-"),
        ("/cls/[\\d]", "/cls/1"),
        ("(?i)/foo", "/foo"),
        ("/(?<id>\\d+)", "/11"),
        ("/foo\\b", "/foo"),
    ]

    @Test(arguments: requests)
    func requestSampleIsTheExpectedPathAndNginxWouldMatchIt(_ entry: (path: String, request: String)) throws {
        let request = try #require(LocationRegex.requestSample(for: entry.path))
        #expect(request == entry.request)
        #expect(nginxMatches(request, entry.path), "nginx's ~* \"^\(entry.path)\" must match \(request)")
    }

    @Test func blogSamplesRouteToTheirOwnLocationInTheCourseOrder() throws {
        // The order ingress-nginx writes the locations in (longest first); the first match wins.
        let order = ["/posts/?(.*)/comments", "/posts/create", "/posts", "/?(.*)"]
        for path in order {
            let request = try #require(LocationRegex.requestSample(for: path))
            let winner = order.first { nginxMatches(request, $0) }
            #expect(winner == path, "\(request) is taken by \(winner ?? "nothing")")
        }
    }

    /// No request reaches these locations as a plain path: a space, a query or
    /// fragment, a percent-escape, a pattern not starting at `/`, one ICU
    /// rejects, or a construct the sampler does not model.
    @Test(arguments: ["/s/\\s", "/search\\?q", "/frag\\#x", "/pct%41", "[a-z]+/x", "x/posts", "/(unclosed"])
    func noRequestSampleRatherThanAWrongOne(_ path: String) {
        #expect(LocationRegex.requestSample(for: path) == nil)
    }

    @Test func everySampleMatchesItsRegex() {
        for (path, _) in Self.requests where LocationRegex.looksLikeRegex(path) {
            for sample in LocationRegex.samples(for: path) {
                #expect(LocationRegex.matches(sample, path: path), "\(sample) for \(path)")
            }
        }
    }

    @Test func matchingIsCaseInsensitiveAndBindsOnlyTheFirstBranchToTheStart() {
        #expect(LocationRegex.matches("/POSTS/create/extra", path: "/posts/create"))
        #expect(!LocationRegex.matches("/x/posts/create", path: "/posts/create"))
        #expect(LocationRegex.matches("/posts", path: "/?(.*)"))
        // `^/a|/b`: the second branch floats, as in nginx.
        #expect(LocationRegex.matches("/x/b", path: "/a|/b"))
        #expect(!LocationRegex.matches("/x/a", path: "/a|/b"))
    }

    @Test func compileExplainsWhatIsWrong() {
        guard case .failure(let problem) = LocationRegex.compile("/(unclosed") else {
            Issue.record("an unclosed group must not compile")
            return
        }
        #expect(problem.reason == "missing `)`")
        #expect(LocationRegex.looksLikeRegex("/posts/?(.*)"))
        #expect(!LocationRegex.looksLikeRegex("/v1.2/posts"))
    }
}
