import KubeDiagnostics

/// Mappings, finished when their end event comes: `<<` merge keys applied, duplicate keys reported.
extension TreeBuilder {
    private func start(_ node: Int32) -> Mark { NodeRecord.start(of: node, records, wideMarks) }

    private func end(_ node: Int32) -> Mark { NodeRecord.end(of: node, records, wideMarks) }

    private func string(_ node: Int32) -> String {
        ScalarText.string(at: Int(records[Int(node)].payload), in: text)
    }

    /// Two scalar keys are the same key when their texts are equal `String`s (while all text so far
    /// is ASCII, that is byte equality).
    private func sameKey(_ a: Int32, _ b: Int32) -> Bool {
        ScalarText.equal(at: Int(records[Int(a)].payload), Int(records[Int(b)].payload), in: text, ascii: asciiOnly)
    }

    private func isMergeKey(_ node: Int32) -> Bool {
        let record = records[Int(node)]
        guard record.kind == .scalar else { return false }
        let (start, count) = ScalarText.range(at: Int(record.payload), in: text)
        guard count == 2, text[start] == UInt8(ascii: "<"), text[start + 1] == UInt8(ascii: "<")
        else { return false }
        if record.tag != .none { return record.tag == .merge }
        return record.style == .plain
    }

    /// Keys seen so far in one mapping: a list for small mappings, a
    /// dictionary by `String` for large ones.
    private struct SeenKeys {
        var list: [Int32] = []
        var dictionary: [String: Int32]?
    }

    private func firstSeen(_ key: Int32, in seen: SeenKeys) -> Int32? {
        if let dictionary = seen.dictionary { return dictionary[string(key)] }
        return seen.list.first { sameKey($0, key) }
    }

    private func remember(_ key: Int32, in seen: inout SeenKeys) {
        if seen.dictionary != nil {
            seen.dictionary?[string(key)] = key
            return
        }
        seen.list.append(key)
        if seen.list.count > 16 {
            var dictionary: [String: Int32] = [:]
            for key in seen.list where dictionary[string(key)] == nil { dictionary[string(key)] = key }
            seen.dictionary = dictionary
            seen.list = []
        }
    }

    /// Writes the pairs of the mapping whose children start at `pending[first]`
    /// into `children`, applying `<<` merge keys (explicit keys win, earlier
    /// sources win) and reporting keys written twice.
    mutating func finishMapping(from first: Int) {
        let countSlot = children.count
        children.append(0)
        var seen = SeenKeys()
        var merged: [(key: Int32, value: Int32)] = []
        var position = first
        while position + 1 < pending.count {
            let key = pending[position]
            let value = pending[position + 1]
            position += 2
            if isMergeKey(key) {
                let valueRecord = records[Int(value)]
                let sources: [Int32]
                if valueRecord.kind == .sequence {
                    let start = Int(valueRecord.payload)
                    sources = Array(children[start + 1..<start + 1 + Int(children[start])])
                } else {
                    sources = [value]
                }
                for source in sources {
                    let sourceRecord = records[Int(source)]
                    guard sourceRecord.kind == .mapping else {
                        problems.append(
                            Diagnostic(
                                ruleID: InputProblem.yamlSyntax.id, severity: .error,
                                span: span(start(source), end(source)),
                                message: "a `<<` merge key takes a mapping or a sequence of mappings"))
                        continue
                    }
                    let start = Int(sourceRecord.payload)
                    let count = Int(children[start])
                    var pair = start + 1
                    while pair + 1 < start + 1 + count {
                        merged.append((children[pair], children[pair + 1]))
                        pair += 2
                    }
                }
                continue
            }
            if records[Int(key)].kind == .scalar {
                if let earlier = firstSeen(key, in: seen) {
                    let name = string(key)
                    problems.append(
                        Diagnostic(
                            ruleID: InputProblem.duplicateKey.id, severity: .error,
                            span: span(start(key), end(key)),
                            message: "duplicate key `\(name)` in this mapping",
                            notes: [DiagnosticNote("first defined here", at: span(start(earlier), end(earlier)))],
                            fix: SuggestedFix("remove one of the two `\(name)` keys")))
                } else {
                    remember(key, in: &seen)
                }
            }
            children.append(key)
            children.append(value)
        }
        for pair in merged {
            if records[Int(pair.key)].kind == .scalar {
                guard firstSeen(pair.key, in: seen) == nil else { continue }
                remember(pair.key, in: &seen)
            }
            children.append(pair.key)
            children.append(pair.value)
        }
        children[countSlot] = Int32(truncatingIfNeeded: children.count - countSlot - 1)
    }
}
