/// Bytes that never move and live as long as their owner, so a pointer into them may be kept
/// while the owner is (an array's storage gives no such promise outside `withUnsafeBufferPointer`).
final class OwnedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>

    init(copying array: [UInt8]) {
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: array.count)
        _ = storage.initialize(from: array)
        bytes = UnsafeBufferPointer(storage)
    }

    deinit { bytes.deallocate() }
}

/// Scalar texts that recur in nearly every input, stored once for the whole run (a `YAMLVocabulary`:
/// for manifests, KubeModel passes the API's field names, kinds, apiVersions, enum values and
/// well-known label keys). A table's scalar whose text is one of them points here instead of keeping
/// a copy: field names alone are about half of a manifest's scalar text.
///
/// Same layout as a table's text (LEB128 length, then the bytes), found through an open-addressing
/// table keyed by the loader's FNV-1a hash.
final class SharedText: Sendable {
    /// A payload with this bit set is an offset here, not in the table's own text.
    static let flag: UInt32 = 0x8000_0000

    let text: OwnedBytes
    /// Offset + 1 of a word per slot; 0: empty.
    private let slots: [UInt32]
    /// The words of up to 15 bytes by the two machine words of the small `String` that holds them
    /// (its bytes and its length, inline), so a key lookup by a small string finds its word without
    /// hashing or comparing its bytes (`payload(ofSmall:)`). Open addressing; payload 0: empty.
    private let smallKeys: [SmallStringBits]
    private let smallPayloads: [UInt32]

    convenience init(wordList: [[UInt8]]) {
        var lines: [UInt8] = []
        for word in wordList { lines += word + [UInt8(ascii: "\n")] }
        self.init(lines: lines)
    }

    /// From newline-separated words, read in place: no array per word (this runs at every start).
    init(lines: [UInt8]) {
        var text: [UInt8] = []
        text.reserveCapacity(lines.count + lines.count / 4)
        let wordCount = lines.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } + 1
        var capacity = 16
        while capacity < wordCount * 2 { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [UInt32](repeating: 0, count: capacity)
        lines.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                var end = start
                while end < all.count && all[end] != UInt8(ascii: "\n") { end += 1 }
                let word = UnsafeBufferPointer(rebasing: all[start..<end])
                start = end + 1
                // Never `<<`: the loader takes a shared key for a plain key, not a merge key.
                guard !word.isEmpty && word.count <= TreeBuilder.shortText,
                    !(word.count == 2 && word[0] == UInt8(ascii: "<") && word[1] == UInt8(ascii: "<"))
                else { continue }
                var slot = Self.slot(TreeBuilder.hash(word), mask: mask)
                var isNew = true
                while slots[slot] != 0 {
                    let stored = text.withUnsafeBufferPointer { ScalarText.bytes(at: Int(slots[slot] - 1), in: $0) }
                    if ScalarText.sameBytes(stored, word) {
                        isNew = false
                        break
                    }
                    slot = (slot + 1) & mask
                }
                if isNew { slots[slot] = UInt32(ScalarText.append(word, to: &text)) + 1 }
            }
        }
        self.slots = slots
        let owned = OwnedBytes(copying: text)
        self.text = owned
        // Every word a small string can hold (a word's payload is never 0: it carries `flag`).
        var smallKeys = [SmallStringBits](repeating: SmallStringBits(low: 0, high: 0), count: capacity)
        var smallPayloads = [UInt32](repeating: 0, count: capacity)
        for slot in slots where slot != 0 {
            let payload = (slot - 1) | Self.flag
            let word = ScalarText.bytes(at: Int(slot - 1), in: owned.bytes)
            guard word.count <= SmallStringBits.maxBytes,
                let bits = SmallStringBits(String(decoding: word, as: UTF8.self))
            else { continue }
            var index = bits.slot(mask: mask)
            while smallPayloads[index] != 0 { index = (index + 1) & mask }
            smallKeys[index] = bits
            smallPayloads[index] = payload
        }
        self.smallKeys = smallKeys
        self.smallPayloads = smallPayloads
    }

    /// The payload of `key`'s word when `key` is a small string holding one; nil otherwise (also
    /// when it is a word held by a large string: then `payload(of:hash:)` finds it).
    @inline(__always)
    func payload(ofSmall key: String) -> UInt32? {
        guard let bits = SmallStringBits(key) else { return nil }
        let mask = smallKeys.count - 1
        var index = bits.slot(mask: mask)
        while true {
            let payload = smallPayloads[index]
            if payload == 0 { return nil }
            if smallKeys[index] == bits { return payload }
            index = (index + 1) & mask
        }
    }

    /// The payload (offset with `flag`) of `bytes` if it is a shared word.
    @inline(__always)
    func payload(of bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> UInt32? {
        let mask = slots.count - 1
        var slot = Self.slot(hash, mask: mask)
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if ScalarText.sameBytes(ScalarText.bytes(at: Int(entry - 1), in: text.bytes), bytes) {
                return (entry - 1) | Self.flag
            }
            slot = (slot + 1) & mask
        }
    }

    /// High bits of the hash: the loader's per-stream cache uses the low ones.
    @inline(__always) private static func slot(_ hash: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: hash >> 40) & mask
    }
}

/// A `String`'s two machine words. For a small string (up to 15 UTF-8 bytes, stored inline) they
/// are its bytes, its length and flags, and equal exactly when the strings' bytes are equal; a
/// large string's hold a pointer, and equal no small string's. Only ever compared with each other.
struct SmallStringBits: Equatable {
    static let maxBytes = 15

    let low: UInt64
    let high: UInt64

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// Nil on a platform whose `String` is not two 64-bit words.
    @inline(__always)
    init?(_ string: String) {
        guard MemoryLayout<String>.size == 16 else { return nil }
        (low, high) = withUnsafeBytes(of: string) { raw in
            (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
    }

    @inline(__always)
    func slot(mask: Int) -> Int {
        let mixed = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: mixed >> 40) & mask
    }
}

/// The words a load stores once for the run instead of per stream (`SharedText`): an optimisation
/// only, a load reads the same with any vocabulary. Made once and passed to every load of a run;
/// KubeYAML knows no Kubernetes, so the caller brings the words (KubeModel: the API's vocabulary).
public struct YAMLVocabulary: Sendable {
    let shared: SharedText

    /// No shared words: every scalar's text is the stream's own.
    public static let none = YAMLVocabulary(newlineSeparated: [])

    /// From words separated by `\n` (as kube-schema-gen writes them); words over 48 bytes and `<<`
    /// are left out.
    public init(newlineSeparated lines: [UInt8]) {
        shared = SharedText(lines: lines)
    }

    public init(words: [String]) {
        shared = SharedText(wordList: words.map { Array($0.utf8) })
    }

    /// Whether scalars with this exact text are shared.
    public func contains(_ word: String) -> Bool {
        var word = word
        return word.withUTF8 { shared.payload(of: $0, hash: TreeBuilder.hash($0)) != nil }
    }
}
