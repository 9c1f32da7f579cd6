import KubeDiagnostics

/// Mappings, finished when their end event comes: `<<` merge keys applied, duplicate keys reported.
extension TreeBuilder {
    private func start(_ node: Int32) -> Mark { NodeRecord.start(of: node, records, wideMarks) }

    /// As `YAMLTable.end`, over the arrays under construction.
    private func end(_ node: Int32) -> Mark {
        let payload = records[Int(node)].payload
        return NodeRecord.end(of: node, records, wideMarks, entry: { children[$0] }, text: { withText(payload, $0) })
    }

    private func string(_ node: Int32) -> String {
        withText(records[Int(node)].payload) { ScalarText.string($0) }
    }

    /// Two scalar keys are the same key when their bytes are equal, as goyaml and Kubernetes'
    /// JSON decoding compare them.
    private func sameKey(_ a: Int32, _ b: Int32) -> Bool {
        let (x, y) = (records[Int(a)].payload, records[Int(b)].payload)
        if x == y { return true }
        let (xShared, yShared) = (x & SharedText.flag != 0, y & SharedText.flag != 0)
        // Shared words are distinct texts, and a stream's own text is never byte-equal to one (it
        // would have been shared).
        if xShared || yShared { return false }
        return withTexts(x, y) { first, second in ScalarText.equal(first, second) }
    }

    private func isMergeKey(_ node: Int32) -> Bool {
        let record = records[Int(node)]
        // `<<` is never a shared word (SharedText leaves it out), so a shared key is not a merge key.
        guard record.kind == .scalar, record.payload & SharedText.flag == 0 else { return false }
        let isLessLess = withText(record.payload) {
            $0.count == 2 && $0[0] == UInt8(ascii: "<") && $0[1] == UInt8(ascii: "<")
        }
        guard isLessLess else { return false }
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
        // A loop, not `first(where:)`: a closure over `self` copied the builder for each key.
        for earlier in seen.list where sameKey(earlier, key) { return earlier }
        return nil
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
            seen.list.removeAll(keepingCapacity: true)
        }
    }

    /// The pairs of a finished mapping of this stream, from either layout of its child list.
    private func pairs(of mapping: Int32) -> [(key: Int32, value: Int32)] {
        let record = records[Int(mapping)]
        let header = Int(record.payload)
        // A local copy: a closure over `self` would copy the whole builder.
        let children = children
        let list = PairList(header: header, entries: Int(children[header]), implicit: record.hasImplicitValues)
        return (0..<list.count).map { (children[list.keyPosition($0)], list.value($0) { children[$0] }) }
    }

    /// Writes the entry count, `packedEnd` and pairs of the mapping whose children start at
    /// `pending[first]` into `children`, applying `<<` merge keys (explicit keys win, earlier
    /// sources win) and reporting keys written twice. Returns whether the list holds only the keys
    /// and the last value: it does when every other value is the node just before the next key
    /// (nodes are numbered as they end), which is all of them unless a key is a collection or
    /// pairs were merged in.
    mutating func finishMapping(from first: Int, packedEnd: Int32) -> Bool {
        if let implicit = finishPlainMapping(from: first, packedEnd: packedEnd) { return implicit }
        // The scratch buffers are moved out and back, so appending to them never copies them.
        var seen = SeenKeys(list: seenScratch)
        var written = pairScratch
        (seenScratch, pairScratch) = ([], [])
        seen.list.removeAll(keepingCapacity: true)
        written.removeAll(keepingCapacity: true)
        defer { (seenScratch, pairScratch) = (seen.list, written) }
        var merged: [(key: Int32, value: Int32)] = []
        var position = first
        while position + 1 < pendingCount {
            let key = pending[position]
            let value = pending[position + 1]
            position += 2
            if isMergeKey(key) {
                let valueRecord = records[Int(value)]
                let sources: [Int32]
                if valueRecord.kind == .sequence {
                    let start = Int(valueRecord.payload)
                    sources = Array(children[start + 2..<start + 2 + Int(children[start])])
                } else {
                    sources = [value]
                }
                for source in sources {
                    guard records[Int(source)].kind == .mapping else {
                        problems.append(
                            Diagnostic(
                                ruleID: InputProblem.yamlSyntax.id, severity: .error,
                                span: span(start(source), end(source)),
                                message: "a `<<` merge key takes a mapping or a sequence of mappings"))
                        continue
                    }
                    merged += pairs(of: source)
                }
                continue
            }
            if records[Int(key)].kind == .scalar {
                if let earlier = firstSeen(key, in: seen) {
                    reportDuplicate(key, firstDefinedAt: earlier)
                } else {
                    remember(key, in: &seen)
                }
            }
            written.append((key, value))
        }
        let mergedAny = !merged.isEmpty
        for pair in merged {
            if records[Int(pair.key)].kind == .scalar {
                guard firstSeen(pair.key, in: seen) == nil else { continue }
                remember(pair.key, in: &seen)
            }
            written.append(pair)
        }
        var implicit = !mergedAny && written.count >= 2
        if implicit {
            for pair in 0..<written.count - 1 where written[pair].value != written[pair + 1].key - 1 {
                implicit = false
                break
            }
        }
        if implicit {
            children.append(Int32(truncatingIfNeeded: written.count + 1))
            children.append(packedEnd)
            for pair in written { children.append(pair.key) }
            children.append(written[written.count - 1].value)
        } else {
            children.append(Int32(truncatingIfNeeded: written.count * 2))
            children.append(packedEnd)
            for pair in written {
                children.append(pair.key)
                children.append(pair.value)
            }
        }
        return implicit
    }

    /// Most keys in one mapping compared pairwise; past it, `finishMapping` hashes them.
    static let pairwiseKeys = 16

    /// `finishMapping` for the common mapping: at most `pairwiseKeys` pairs and no `<<` key. Keys
    /// are compared pairwise in place (no list of seen keys, no `String`); nil for any other
    /// mapping, with nothing written. Same duplicates, in the same order, as the general path.
    private mutating func finishPlainMapping(from first: Int, packedEnd: Int32) -> Bool? {
        let count = (pendingCount - first) / 2
        guard count <= Self.pairwiseKeys else { return nil }
        // Each duplicate key with the first key equal to it (a key equal to an earlier key is a
        // duplicate of that key's first occurrence).
        var duplicates: [(key: Int32, earlier: Int32)] = []
        var implicit = count >= 2
        let plain = pending.withUnsafeBufferPointer { pending in
            records.withUnsafeBufferPointer { records in
                text.withUnsafeBufferPointer { text -> Bool in
                    for pair in 0..<count {
                        let key = pending[first + 2 * pair]
                        let record = records[Int(key)]
                        guard record.kind == .scalar else { continue }
                        let payload = record.payload
                        let isShared = payload & SharedText.flag != 0
                        // `<<` is never a shared word (SharedText leaves it out).
                        if !isShared && Self.isLessLess(at: Int(payload), in: text) { return false }
                        var other = 0
                        while other < pair {
                            let earlier = pending[first + 2 * other]
                            let earlierRecord = records[Int(earlier)]
                            other += 1
                            guard earlierRecord.kind == .scalar else { continue }
                            let earlierPayload = earlierRecord.payload
                            if earlierPayload == payload {
                                duplicates.append((key, earlier))
                                break
                            }
                            // Shared words are distinct texts, and a stream's own text is never
                            // byte-equal to one (it would have been shared).
                            if isShared || earlierPayload & SharedText.flag != 0 { continue }
                            if ScalarText.sameBytes(
                                ScalarText.bytes(at: Int(earlierPayload), in: text),
                                ScalarText.bytes(at: Int(payload), in: text))
                            {
                                duplicates.append((key, earlier))
                                break
                            }
                        }
                    }
                    if implicit {
                        for pair in 0..<count - 1
                        where pending[first + 2 * pair + 1] != pending[first + 2 * pair + 2] - 1 {
                            implicit = false
                            break
                        }
                    }
                    return true
                }
            }
        }
        guard plain else { return nil }
        for duplicate in duplicates { reportDuplicate(duplicate.key, firstDefinedAt: duplicate.earlier) }
        if implicit {
            children.append(Int32(truncatingIfNeeded: count + 1))
            children.append(packedEnd)
            for pair in 0..<count { children.append(pending[first + 2 * pair]) }
            children.append(pending[first + 2 * count - 1])
        } else {
            children.append(Int32(truncatingIfNeeded: count * 2))
            children.append(packedEnd)
            children.append(contentsOf: pending[first..<first + 2 * count])
        }
        return implicit
    }

    /// Whether the stream's own scalar text at `offset` is `<<`.
    @inline(__always)
    private static func isLessLess(at offset: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        offset + 2 < text.count && text[offset] == 2 && text[offset + 1] == UInt8(ascii: "<")
            && text[offset + 2] == UInt8(ascii: "<")
    }

    private mutating func reportDuplicate(_ key: Int32, firstDefinedAt earlier: Int32) {
        let name = string(key)
        problems.append(
            Diagnostic(
                ruleID: InputProblem.duplicateKey.id, severity: .error,
                span: span(start(key), end(key)),
                message: "duplicate key `\(name)` in this mapping",
                notes: [DiagnosticNote("first defined here", at: span(start(earlier), end(earlier)))],
                fix: SuggestedFix("remove one of the two `\(name)` keys")))
    }
}
