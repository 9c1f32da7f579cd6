import Foundation
import Testing

@testable import LocalCluster

@Suite struct RegexSampleTests {
    /// Paths of the blog Ingress and trickier regexes, with the sample the generator should produce.
    static let supported: [(pattern: String, sample: String)] = [
        ("/posts/?(.*)/comments", "/posts/x/comments"),
        ("/posts/create", "/posts/create"),
        ("/posts", "/posts"),
        ("/?(.*)", "/x"),
        ("/files/[a-z0-9_]+\\.txt", "/files/a.txt"),
        ("/u/[^/]+/profile", "/u/x/profile"),
        ("/api/(v1|v2)/items", "/api/v1/items"),
        ("/api/(?:alpha|beta)+/x", "/api/alpha/x"),
        ("/opt(/extra)?/end", "/opt/extra/end"),
        ("^/anchored$", "/anchored"),
        ("/n/\\d+", "/n/1"),
        ("/w/\\w+-\\D", "/w/a-a"),
        ("/a|/b", "/a"),
        ("/lazy/.*?/x", "/lazy/x/x"),
        ("/esc/\\(paren\\)", "/esc/(paren)"),
        ("/neg/[^xa1]", "/neg/-"),
    ]

    @Test(arguments: supported)
    func sampleIsTheExpectedPathAndNginxWouldMatchIt(_ entry: (pattern: String, sample: String)) throws {
        let sample = try #require(RegexSample.sample(for: entry.pattern))
        #expect(sample == entry.sample)
        #expect(sample.hasPrefix("/"))
        #expect(nginxRegexMatches(sample, entry.pattern), "nginx's ~* \"^\(entry.pattern)\" must match \(sample)")
    }

    @Test func blogPathsSampleToRequestsTheCourseOrderRoutesToTheirOwnLocation() throws {
        // Locations in the order ingress-nginx writes them; the first match wins.
        let order = ["/posts/?(.*)/comments", "/posts/create", "/posts", "/?(.*)"]
        for pattern in order {
            let sample = try #require(RegexSample.sample(for: pattern))
            let winner = order.first { nginxRegexMatches(sample, $0) }
            #expect(winner == pattern, "\(sample) is taken by \(winner ?? "nothing")")
        }
    }

    /// Constructs the generator does not model: it must give up rather than return a path that does not match.
    static let unsupported = [
        "(?i)/foo", "/(?<id>\\d+)", "/foo\\b", "/x{2}", "/d/\\d{4}", "/\\p{L}", "/s/\\s", "/(unclosed",
        "/cls/[\\d]", "/w/\\W",
    ]

    @Test(arguments: unsupported)
    func unsupportedConstructGivesNilOrAMatchingSample(_ pattern: String) {
        if let sample = RegexSample.sample(for: pattern) {
            #expect(nginxRegexMatches(sample, pattern), "\(sample) does not match \(pattern)")
        }
    }

    @Test(arguments: ["(?i)/foo", "/(?<id>\\d+)", "/x{2}", "/(unclosed", "/cls/[\\d]"])
    func unsupportedConstructGivesNil(_ pattern: String) {
        #expect(RegexSample.sample(for: pattern) == nil)
    }

    @Test func nonWordClassSamplesANonWordCharacter() throws {
        let sample = try #require(RegexSample.sample(for: "/w/\\W"))
        #expect(nginxRegexMatches(sample, "/w/\\W"))
    }

    @Test(arguments: ["[a-z]+/x", "x/posts"])
    func patternNotStartingWithSlashNeverYieldsANonMatchingPath(_ pattern: String) {
        // The generator puts a leading `/` on its output; the result must still match.
        if let sample = RegexSample.sample(for: pattern) {
            #expect(nginxRegexMatches(sample, pattern), "\(sample) does not match \(pattern)")
        }
    }

    @Test(arguments: ["/search\\?q", "/frag\\#x", "/pct%41"])
    func sampleNeedingAQueryFragmentOrEscapeIsRefused(_ pattern: String) {
        // nginx matches locations on the decoded path without the query: such a sample would not reach the location.
        #expect(RegexSample.sample(for: pattern) == nil)
    }

    @Test func matchesIsCaseInsensitiveAndAnchoredAtTheStartOnly() {
        #expect(RegexSample.matches("/POSTS/create/extra", "/posts/create"))
        #expect(!RegexSample.matches("/x/posts/create", "/posts/create"))
        #expect(RegexSample.matches("/posts", "/?(.*)"))
    }
}
