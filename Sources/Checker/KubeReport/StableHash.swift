import KubeDiagnostics

/// 64-bit FNV-1a over the UTF-8 of `fields`, separated by NUL: stable across
/// runs and machines (unlike `Hasher`).
func stableHash(_ fields: [String]) -> String {
    var hash = FNV1a.offsetBasis
    for (index, field) in fields.enumerated() {
        if index > 0 { hash = FNV1a.mix(hash, 0) }
        for byte in field.utf8 { hash = FNV1a.mix(hash, byte) }
    }
    return String(hash, radix: 16).leftPadded(to: 16, with: "0")
}
