extension String {
    /// Whether `needle`'s UTF-8 bytes occur in this string's: the literal search Foundation's
    /// `contains` makes, without bridging to `NSString` (which costs microseconds per call).
    func containsLiteral(_ needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { bytes in
            needle.withUTF8 { wanted in
                guard !wanted.isEmpty else { return true }
                guard bytes.count >= wanted.count else { return false }
                outer: for start in 0...(bytes.count - wanted.count) where bytes[start] == wanted[0] {
                    for offset in 1..<wanted.count where bytes[start + offset] != wanted[offset] { continue outer }
                    return true
                }
                return false
            }
        }
    }

    /// Whether some UTF-8 byte satisfies `predicate`, read from the contiguous bytes: a walk of
    /// `utf8` costs several times more per byte, and these scans run once per Ingress path.
    func containsByte(where predicate: (UInt8) -> Bool) -> Bool {
        var text = self
        return text.withUTF8 { $0.contains(where: predicate) }
    }

    /// Whether every UTF-8 byte satisfies `predicate` (see `containsByte(where:)`).
    func allBytesSatisfy(_ predicate: (UInt8) -> Bool) -> Bool {
        var text = self
        return text.withUTF8 { $0.allSatisfy(predicate) }
    }
}
