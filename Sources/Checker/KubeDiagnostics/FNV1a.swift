/// 64-bit FNV-1a: the one hash behind key matching (the loader's shared words, the schema's field
/// table, `YAMLNode.scalarFNV1a`) and stable ids. Those must agree byte for byte (a schema field is
/// found by the hash the loader computed), so every caller uses this one. Stable across runs and
/// machines, unlike `Hasher`. `@inlinable`: it runs for every scalar the loader reads.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// `hash` after one more byte.
    @inlinable @inline(__always)
    public static func mix(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* prime
    }

    @inlinable
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes { hash = mix(hash, byte) }
        return hash
    }

    /// The hash of a string's UTF-8 (in place when the string is contiguous).
    @inlinable
    public static func hash(_ text: String) -> UInt64 {
        var hash = offsetBasis
        for byte in text.utf8 { hash = mix(hash, byte) }
        return hash
    }
}
