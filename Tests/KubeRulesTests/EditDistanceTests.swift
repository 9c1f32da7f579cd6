import KubeDiagnostics
import Testing

@Suite("bounded edit distance")
struct EditDistanceTests {
    static let words = [
        "", "a", "ab", "ba", "posts-srv", "post-srv", "posts-clusterip-srv", "contianer", "container",
        "app: web", "app: wbe", "tier: backnd", "tier: backend", "ünï", "uni", "naïve-svc", "naive-svc",
    ]

    /// Within the limit, the bounded distance is the full one; beyond it, nil: it stops early,
    /// never with another answer (transpositions included, ASCII and not).
    @Test func agreesWithTheFullDistanceWithinItsLimit() {
        for a in Self.words {
            for b in Self.words {
                let full = NearName.editDistance(a, b)
                for limit in 0...20 {
                    let bounded = NearName.editDistance(a, b, atMost: limit)
                    #expect(bounded == (full <= limit ? full : nil), "\(a) / \(b) at most \(limit)")
                }
            }
        }
    }

    @Test func aTranspositionIsOneEdit() {
        #expect(NearName.editDistance("contianer", "container", atMost: 1) == 1)
        #expect(NearName.editDistance("contianer", "container", atMost: 0) == nil)
    }
}
