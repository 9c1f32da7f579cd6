/// Port numbers as manifests write them: any integer a YAML scalar holds (a typo, a negative, the
/// largest Int), so arithmetic on them never traps.
public enum PortNumbers {
    /// The valid TCP/UDP port range; a number outside it names no port.
    public static let valid: ClosedRange<Int> = 1...65535

    /// The distance between two numbers, exact for any pair of `Int`s (no overflow).
    @inline(__always) public static func distance(_ a: Int, _ b: Int) -> UInt {
        a >= b ? UInt(bitPattern: a &- b) : UInt(bitPattern: b &- a)
    }

    /// The one "did you mean port N?" choice: the candidate nearest `number`, the first on a tie.
    public static func nearest(to number: Int, among candidates: some Sequence<Int>) -> Int? {
        var best: (port: Int, distance: UInt)?
        for candidate in candidates {
            let gap = distance(candidate, number)
            if best.map({ gap < $0.distance }) ?? true { best = (candidate, gap) }
        }
        return best?.port
    }
}
