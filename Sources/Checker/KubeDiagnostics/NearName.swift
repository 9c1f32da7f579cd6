/// "Did you mean": the candidate nearest a name that matched nothing, when it is near enough to be
/// a slip of the keyboard. One edit distance for every did-you-mean; what legitimately differs
/// between callers (case, how far a slip may go) is a parameter, named by the presets below.
public struct NearName: Sendable {
    /// Whether `containerport` is a slip of `containerPort` (distance 0).
    public var ignoresCase: Bool
    /// The distance allowed is a third of the name's length, within these bounds.
    public var atLeast: Int
    public var atMost: Int

    public init(ignoresCase: Bool, atLeast: Int, atMost: Int) {
        self.ignoresCase = ignoresCase
        self.atLeast = atLeast
        self.atMost = atMost
    }

    /// The API's vocabulary (field names, kinds, apiVersions, enum values): hundreds of candidates,
    /// so the distance is capped at 3 (a loose one lands on an unrelated field); a wrong case is a
    /// common slip in camelCase names.
    public static let apiName = NearName(ignoresCase: true, atLeast: 1, atMost: 3)

    /// Names written in the inputs or on the command line (Services, ports, volumes, label keys and
    /// values, rule ids): a handful of candidates, so a looser distance; case-sensitive, as
    /// Kubernetes compares them.
    public static let inputName = NearName(ignoresCase: false, atLeast: 2, atMost: .max)

    /// The largest distance still a slip for a name of `length` characters.
    public func allowedDistance(forLength length: Int) -> Int {
        max(atLeast, min(atMost, length / 3))
    }

    /// The candidate nearest `word` (the first of equals, in candidate order), never `word` itself.
    public func nearest(_ word: String, in candidates: some Sequence<String>) -> String? {
        let key = ignoresCase ? word.lowercased() : word
        var best: (String, Int)?
        for candidate in candidates where candidate != word {
            let distance = Self.editDistance(key, ignoresCase ? candidate.lowercased() : candidate)
            if let (_, bestDistance) = best, bestDistance <= distance { continue }
            best = (candidate, distance)
        }
        guard let (candidate, distance) = best else { return nil }
        return distance <= allowedDistance(forLength: word.count) ? candidate : nil
    }

    /// Levenshtein distance over Unicode scalars, a transposition counting as one edit.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        // Never nil: no limit.
        editDistance(a, b, atMost: .max) ?? .max
    }

    /// `editDistance(a, b)` when it is at most `limit`, else nil, found without filling the whole
    /// table: a caller comparing a name with thousands wants only the near ones.
    public static func editDistance(_ a: String, _ b: String, atMost limit: Int) -> Int? {
        var a = a
        var b = b
        // ASCII (nearly every name): the bytes are the scalars.
        let ascii = a.withUTF8 { left in
            b.withUTF8 { right -> Int?? in
                guard !left.contains(where: { $0 >= 0x80 }), !right.contains(where: { $0 >= 0x80 }) else { return nil }
                return .some(distance(left, right, atMost: limit))
            }
        }
        if let ascii { return ascii }
        let left = a.unicodeScalars.map(\.value)
        let right = b.unicodeScalars.map(\.value)
        return left.withUnsafeBufferPointer { left in
            right.withUnsafeBufferPointer { distance(left, $0, atMost: limit) }
        }
    }
    /// Optimal string alignment: a transposition (`contianer` → `container`) is one edit. Nil once
    /// two rows in a row exceed `limit`: every later cell comes from one of them plus a cost.
    private static func distance<Element: Equatable>(
        _ a: UnsafeBufferPointer<Element>, _ b: UnsafeBufferPointer<Element>, atMost limit: Int
    ) -> Int? {
        // The length difference is a lower bound.
        guard abs(a.count - b.count) <= limit else { return nil }
        let exact = distance(a, b, rowLimit: limit)
        return exact.flatMap { $0 <= limit ? $0 : nil }
    }

    private static func distance<Element: Equatable>(
        _ a: UnsafeBufferPointer<Element>, _ b: UnsafeBufferPointer<Element>, rowLimit limit: Int
    ) -> Int? {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        // Three rows in one scratch buffer: two back, previous, current.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * width) { rows in
            // Never nil: the capacity is at least 6.
            guard let base = rows.baseAddress else { return max(a.count, b.count) }
            var twoBack = base
            var previous = twoBack + width
            var current = previous + width
            for j in 0..<width {
                twoBack[j] = 0
                previous[j] = j
            }
            var previousMinimum = 0
            for i in 1...a.count {
                current[0] = i
                var minimum = i
                for j in 1...b.count {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        value = min(value, twoBack[j - 2] + 1)
                    }
                    current[j] = value
                    minimum = min(minimum, value)
                }
                if minimum > limit && previousMinimum > limit { return nil }
                previousMinimum = minimum
                (twoBack, previous, current) = (previous, current, twoBack)
            }
            return previous[b.count]
        }
    }
}
