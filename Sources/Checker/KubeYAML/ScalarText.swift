import Foundation

/// How scalar text is stored in a table's `text` buffer (and in `SharedText`): a LEB128 length,
/// then the UTF-8 bytes. The one encoder and decoder of that layout, for the loader (writing,
/// duplicate keys, merge keys) and `YAMLTable` (reading).
enum ScalarText {
    /// Appends `bytes` with its length to `text`; returns the offset it starts at.
    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to text: inout [UInt8]) -> Int {
        let offset = text.count
        var remaining = bytes.count
        repeat {
            let byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            text.append(remaining == 0 ? byte : byte | 0x80)
        } while remaining > 0
        if !bytes.isEmpty { text.append(contentsOf: bytes) }
        return offset
    }

    /// The bytes stored at `offset` of `text`.
    @inline(__always) static func bytes(at offset: Int, in text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<
        UInt8
    > {
        var position = offset
        var length = 0
        var shift = 0
        while true {
            let byte = text[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return UnsafeBufferPointer(rebasing: text[position..<position + length])
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        bytes.isEmpty ? "" : String(decoding: bytes, as: UTF8.self)
    }

    /// Whether two scalar texts are the same key: the same bytes, as Kubernetes compares keys (JSON
    /// field names, goyaml's maps). `café` and `cafe\u{301}`, or U+212A KELVIN SIGN and `K`, are
    /// different keys, though `String` calls them equal.
    @inline(__always) static func equal(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        sameBytes(x, y)
    }

    /// Byte equality through `memcmp` (the generic `elementsEqual` loop was a hot spot of key lookups).
    @inline(__always) static func sameBytes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        guard x.count == y.count else { return false }
        guard let left = x.baseAddress, let right = y.baseAddress else { return true }  // both empty
        return memcmp(left, right, x.count) == 0
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 < 0x80 }
    }
}
