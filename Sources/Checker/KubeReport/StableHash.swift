/// 64-bit FNV-1a over the UTF-8 of `fields`, separated by NUL: stable across
/// runs and machines (unlike `Hasher`).
func stableHash(_ fields: [String]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for (index, field) in fields.enumerated() {
        if index > 0 {
            hash ^= 0
            hash &*= 0x0000_0100_0000_01b3
        }
        for byte in field.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
    }
    return String(hash, radix: 16).leftPadded(to: 16, with: "0")
}
