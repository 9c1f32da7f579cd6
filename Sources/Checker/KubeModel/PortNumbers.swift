import KubeYAML

extension YAMLNode {
    /// A port number as the model reads it: an integer of a 32-bit port field. Past Int32 the API
    /// server cannot decode the object (field-type and field-value say so), so the model sees no
    /// port there and no rule does arithmetic on a number no Kubernetes object can hold.
    public var portNumber: Int? {
        int.flatMap { Int32(exactly: $0) }.map(Int.init)
    }
}

/// Port numbers as manifests write them: any 32-bit integer (a typo, a negative, 0), so the
/// arithmetic on them is done here, where it cannot trap.
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
