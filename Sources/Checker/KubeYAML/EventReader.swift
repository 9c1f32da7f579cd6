import CYAML
import KubeDiagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a stream's bytes come from.
enum InputSource {
    case memory(UnsafeRawBufferPointer)
    /// An open file or pipe, read as libyaml asks for more. `size`: a regular file's size as
    /// fstat gave it (0 when unknown, as for a pipe): no read is made past it, so a file costs no
    /// last read only to be told it has ended.
    case file(descriptor: Int32, path: String, size: Int)
}

extension InputSource {
    /// Up to `count` bytes at `offset` (fewer at the end); nil when they cannot be read again (a pipe).
    func bytes(at offset: Int, count: Int) -> [UInt8]? {
        switch self {
        case .memory(let bytes):
            guard offset <= bytes.count else { return [] }
            return Array(bytes[offset..<min(bytes.count, offset + count)])
        case .file(let descriptor, _, _):
            var buffer = [UInt8](repeating: 0, count: count)
            var got = -1
            repeat {
                got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
            } while got < 0 && errno == EINTR
            guard got >= 0 else { return nil }
            buffer.removeSubrange(got...)
            return buffer
        }
    }

    /// Back to the start for another parse; false when the source cannot go back (a pipe).
    func rewind() -> Bool {
        switch self {
        case .memory: true
        case .file(let descriptor, _, _): lseek(descriptor, 0, SEEK_SET) == 0
        }
    }
}

/// Where libyaml's character marks are in the source's bytes, moving forward only (events come in
/// order), to look at the source of a scalar after libyaml decoded it.
struct SourceCursor {
    private var character = 0
    private var byte: Int

    init(bomLength: Int) { byte = bomLength }

    /// Whether the double-quoted scalar whose event spans characters `start..<end` (an anchor or
    /// tag before the opening quote included) writes the escape `\/`. False when the source cannot
    /// be read again (a pipe): then nothing is known.
    mutating func hasSlashEscape(from start: Int, to end: Int, in source: InputSource) -> Bool {
        guard start >= character, let startByte = advance(to: start, in: source),
            let endByte = advance(to: end, in: source), endByte > startByte,
            let bytes = source.bytes(at: startByte, count: endByte - startByte)
        else { return false }
        guard var index = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return false }
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                if bytes[index + 1] == UInt8(ascii: "/") { return true }
                index += 2
            } else {
                index += 1
            }
        }
        return false
    }

    /// The byte offset of character `target`, reading forward from the last one found.
    private mutating func advance(to target: Int, in source: InputSource) -> Int? {
        while character < target {
            guard let chunk = source.bytes(at: byte, count: 1 << 14), !chunk.isEmpty else { return nil }
            var used = 0
            for value in chunk {
                if value & 0xC0 != 0x80 {
                    if character == target { break }
                    character += 1
                }
                used += 1
            }
            byte += used
            // Continuation bytes of the last character counted belong to it.
            if character == target {
                while let next = source.bytes(at: byte, count: 1)?.first, next & 0xC0 == 0x80 { byte += 1 }
            }
        }
        return byte
    }
}

/// goyaml v2's `\'` escapes found so far: where to feed libyaml `\"` instead, and, per
/// double-quoted scalar, which of the `"` characters in its decoded text are really `'`.
struct GoEscapes {
    /// Byte offsets of the `\` of each `\'`, sorted.
    private(set) var offsets: [Int] = []
    /// Keyed by the scalar's end (libyaml's character index just past its closing quote): the
    /// ordinals of the `"` characters of its decoded text to turn into `'`.
    private(set) var mends: [Int: Set<Int>] = [:]

    /// Records every `\'` of the double-quoted scalar that starts at `scalarStart`; false when there
    /// is nothing new to record (no `\'` not recorded before: libyaml failed on another escape).
    mutating func add(scalarStartingAt scalarStart: yaml_mark_t, in source: InputSource) -> Bool {
        let bomLength = source.bytes(at: 0, count: 3) == [0xEF, 0xBB, 0xBF] ? 3 : 0
        guard
            let start = EventReader.byteOffset(ofCharacter: Int(scalarStart.index), in: source, bomLength: bomLength),
            source.bytes(at: start, count: 1) == [UInt8(ascii: "\"")]
        else { return false }
        // Walk the scalar's escapes in order, counting those that decode to `"`.
        var ordinals = Set<Int>()
        var quotes = 0
        var found: [Int] = []
        var position = start + 1
        // Characters from the opening quote to the closing one, both included (libyaml's marks).
        var characters = 1
        scan: while true {
            guard let chunk = source.bytes(at: position, count: 1 << 16), !chunk.isEmpty else { return false }
            var index = 0
            while index < chunk.count {
                let byte = chunk[index]
                if byte == UInt8(ascii: "\"") {
                    characters += 1
                    break scan
                }
                guard byte == UInt8(ascii: "\\") else {
                    if byte & 0xC0 != 0x80 { characters += 1 }
                    index += 1
                    continue
                }
                // An escape: read it from the source whole (it may cross the chunk's end).
                guard let escape = source.bytes(at: position + index, count: 10), escape.count >= 2 else {
                    return false
                }
                var length = 2
                switch escape[1] {
                case UInt8(ascii: "'"):
                    ordinals.insert(quotes)
                    found.append(position + index)
                    quotes += 1
                case UInt8(ascii: "\""):
                    quotes += 1
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let digits = escape[1] == UInt8(ascii: "x") ? 2 : escape[1] == UInt8(ascii: "u") ? 4 : 8
                    length += digits
                    guard escape.count >= length,
                        let code = UInt32(String(decoding: escape[2..<length], as: UTF8.self), radix: 16)
                    else { break scan }  // libyaml reports the bad code itself
                    if code == 0x22 { quotes += 1 }
                default:
                    break
                }
                characters += length
                index += length
            }
            position += index
        }
        guard found.contains(where: { !offsets.contains($0) }) else { return false }
        offsets = (offsets + found).sorted()
        // Keyed by the scalar's end: its event starts at an anchor or tag written before it.
        mends[Int(scalarStart.index) + characters] = ordinals
        return true
    }
}

/// The first stage of a load: the input streamed to libyaml through a read handler (libyaml pulls
/// 16 KiB at a time, so a file is never held whole), its events handed to a `TreeBuilder`, and its
/// errors (syntax, invalid UTF-8, the input and scalar limits) turned into located diagnostics.
enum EventReader {
    /// Double-quoted scalars with goyaml v2's `\'` escape read again, at most (each read is a
    /// full parse; past this the unknown escape is reported).
    static let maxEscapeRereads = 64

    static func read(_ source: InputSource, into builder: inout TreeBuilder) {
        var escapes = GoEscapes()
        for reread in 0...maxEscapeRereads {
            guard parse(source, escapes: &escapes, mayReread: reread < maxEscapeRereads, into: &builder) else {
                return
            }
            // Emptied rather than replaced by a copy kept from the start: a kept copy would share
            // the builder's buffers, and every first write to one would copy it, on every load.
            builder.restart()
        }
    }

    /// One parse; true when it stopped at goyaml v2's `\'` escape, recorded in `escapes`, and the
    /// source is rewound to be read again. goyaml v2 (kubectl, the API server) reads `\'` in a
    /// double-quoted scalar as `'`; libyaml rejects it. The scalar is read again with each `\'` fed
    /// to libyaml as the same-length `\"`, and its text mended: marks stay exact. Without
    /// `mayReread`, or from a source that cannot be read again, libyaml's error is reported.
    private static func parse(
        _ source: InputSource, escapes: inout GoEscapes, mayReread: Bool, into builder: inout TreeBuilder
    ) -> Bool {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            builder.fail(
                at: Mark(line: 1, column: 1), rule: InputProblem.unreadable, "libyaml could not allocate a parser")
            return false
        }
        defer { yaml_parser_delete(parser) }
        builder.quoteMends = escapes.mends
        // Set at the stream's start, once `Feed` has read the first bytes and knows of a byte order
        // mark (no read of its own).
        var cursor = SourceCursor(bomLength: 0)
        let feed = Feed(source: source, limits: builder.limits, parser: parser, substitutions: escapes.offsets)
        return withExtendedLifetime(feed) { () -> Bool in
            yaml_parser_set_input(parser, feedHandler, Unmanaged.passUnretained(feed).toOpaque())
            // UTF-8 is forced (a UTF-16 input is "not UTF-8"); a UTF-8 byte order mark is skipped
            // by `Feed` as libyaml skips it when it detects the encoding itself.
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while !builder.failed {
                guard yaml_parser_parse(parser, &event) != 0 else {
                    if feed.stop == nil, parser.pointee.error == YAML_SCANNER_ERROR,
                        TreeBuilder.optionalString(parser.pointee.problem) == "found unknown escape character",
                        isSingleQuoteEscape(at: parser.pointee.problem_mark, in: source, bomLength: feed.bomLength)
                    {
                        if mayReread, escapes.add(scalarStartingAt: parser.pointee.context_mark, in: source),
                            source.rewind()
                        {
                            return true
                        }
                        let mark = parser.pointee.problem_mark
                        builder.fail(
                            at: Mark(
                                line: Int32(truncatingIfNeeded: mark.line) &+ 1,
                                column: Int32(truncatingIfNeeded: mark.column) &+ 1),
                            rule: InputProblem.limit,
                            "goyaml's \\' escape is read in at most \(maxEscapeRereads) double-quoted scalars of a "
                                + "file (each costs a parse); write ' or \\x27 here")
                        return false
                    }
                    report(parser, feed: feed, into: &builder)
                    return false
                }
                feed.lastEventEnd = event.end_mark
                let type = event.type
                if type == YAML_STREAM_START_EVENT { cursor = SourceCursor(bomLength: feed.bomLength) }
                if type == YAML_SCALAR_EVENT, event.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE,
                    let value = event.data.scalar.value,
                    memchr(value, Int32(UInt8(ascii: "/")), Int(event.data.scalar.length)) != nil,
                    !Self.isVerbatim(event),
                    cursor.hasSlashEscape(
                        from: Int(event.start_mark.index), to: Int(event.end_mark.index), in: source)
                {
                    // libyaml reads `\/` (YAML 1.2); goyaml v2, which kubectl and the API server
                    // use, rejects it, and so the whole file.
                    builder.fail(
                        at: Mark(
                            line: Int32(truncatingIfNeeded: event.start_mark.line) &+ 1,
                            column: Int32(truncatingIfNeeded: event.start_mark.column) &+ 1),
                        rule: InputProblem.yamlSyntax,
                        "YAML syntax error: found unknown escape character `\\/` in this double-quoted scalar "
                            + "(kubectl's YAML parser, goyaml v2, does not accept it; write `/`)")
                    yaml_event_delete(&event)
                    return false
                }
                builder.handle(&event)
                yaml_event_delete(&event)
                if type == YAML_STREAM_END_EVENT {
                    builder.mayHoldDoubleBrace = feed.sawDoubleBrace
                    return false
                }
            }
            return false
        }
    }

    /// Whether a quoted scalar's source is its value between the quotes, character for character
    /// (no escape, no line folding, no anchor or tag before it): then it holds no escape to look at.
    private static func isVerbatim(_ event: yaml_event_t) -> Bool {
        let scalar = event.data.scalar
        guard let value = scalar.value else { return true }
        var characters = 0
        for index in 0..<Int(scalar.length) where value[index] & 0xC0 != 0x80 { characters += 1 }
        return Int(event.end_mark.index) - Int(event.start_mark.index) - 2 == characters
    }

    /// Whether the escape libyaml rejected at `mark` is `\'`.
    private static func isSingleQuoteEscape(at mark: yaml_mark_t, in source: InputSource, bomLength: Int) -> Bool {
        guard let offset = byteOffset(ofCharacter: Int(mark.index), in: source, bomLength: bomLength),
            let bytes = source.bytes(at: offset, count: 2)
        else { return false }
        return bytes == [UInt8(ascii: "\\"), UInt8(ascii: "'")]
    }

    /// The byte offset of character `index` (libyaml's marks count characters, after any BOM).
    static func byteOffset(ofCharacter index: Int, in source: InputSource, bomLength: Int) -> Int? {
        var characters = 0
        var position = bomLength
        while true {
            guard let chunk = source.bytes(at: position, count: 1 << 16), !chunk.isEmpty else { return nil }
            for byte in chunk {
                if byte & 0xC0 != 0x80 {
                    if characters == index { return position }
                    characters += 1
                }
                position += 1
            }
        }
    }

    private static func report(
        _ parser: UnsafeMutablePointer<yaml_parser_t>, feed: Feed, into builder: inout TreeBuilder
    ) {
        let limits = builder.limits
        switch feed.stop {
        case .inputLimit:
            builder.fail(
                at: Mark(line: 1, column: 1), rule: InputProblem.limit,
                "input is more than \(limits.maxInputBytes) bytes, the limit")
            return
        case .scalarLimit:
            let from = feed.lastEventEnd
            builder.fail(
                at: Mark(
                    line: Int32(truncatingIfNeeded: from.line) &+ 1, column: Int32(truncatingIfNeeded: from.column) &+ 1
                ),
                rule: InputProblem.limit,
                "a scalar (or comment) after this point runs past \(limits.maxScalarCharacters) characters, the limit; "
                    + "the API server stores no object that large")
            return
        case .readFailed(let code):
            builder.fail(
                at: Mark(line: 1, column: 1), rule: InputProblem.unreadable,
                "cannot read \(builder.file): \(String(cString: strerror(code)))")
            return
        case nil:
            break
        }
        let problem = TreeBuilder.optionalString(parser.pointee.problem) ?? "unknown libyaml error"
        if parser.pointee.error == YAML_READER_ERROR || parser.pointee.error == YAML_MEMORY_ERROR {
            let offset = Int(parser.pointee.problem_offset) + feed.bomLength
            builder.fail(
                at: mark(ofByteOffset: offset, in: feed.source, bomLength: feed.bomLength),
                rule: InputProblem.unreadable,
                "not valid UTF-8 text: \(problem) (byte offset \(offset))")
            return
        }
        var message = problem
        let problemMark = Mark(
            line: Int32(truncatingIfNeeded: parser.pointee.problem_mark.line) &+ 1,
            column: Int32(truncatingIfNeeded: parser.pointee.problem_mark.column) &+ 1)
        if let context = TreeBuilder.optionalString(parser.pointee.context) {
            let contextMark = parser.pointee.context_mark
            message += " (\(context) at line \(contextMark.line + 1), column \(contextMark.column + 1))"
        }
        builder.fail(at: problemMark, rule: InputProblem.yamlSyntax, "YAML syntax error: \(message)")
    }

    /// Line and column (in characters) of a byte offset, for reader errors where libyaml gives only
    /// the offset; a file is read again up to it (this is the error path).
    static func mark(ofByteOffset offset: Int, in source: InputSource, bomLength: Int = 0) -> Mark {
        var counter = MarkCounter()
        var position = bomLength
        while position < offset {
            guard let chunk = source.bytes(at: position, count: min(1 << 16, offset - position)), !chunk.isEmpty
            else { break }
            chunk.withUnsafeBytes { counter.advance($0) }
            position += chunk.count
        }
        return counter.mark
    }
}

private struct MarkCounter {
    var mark = Mark(line: 1, column: 1)

    mutating func advance(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                mark.line += 1
                mark.column = 1
            } else if byte & 0xC0 != 0x80 {
                mark.column += 1
            }
        }
    }
}

/// What libyaml's read handler reads from, and why it stopped, if it did.
private final class Feed {
    enum Stop {
        case inputLimit, scalarLimit
        case readFailed(Int32)
    }

    let source: InputSource
    let limits: YAMLLimits
    let parser: UnsafeMutablePointer<yaml_parser_t>
    /// Byte offsets of `\'` escapes to hand libyaml as `\"` (sorted).
    let substitutions: [Int]
    /// Bytes read from the source so far (a skipped byte order mark included).
    var offset = 0
    /// 3 when the input starts with a UTF-8 byte order mark, which libyaml never sees.
    var bomLength = 0
    /// Where the last event ended: the scanner's distance from it is the token it is building.
    var lastEventEnd = yaml_mark_t()
    var stop: Stop?
    /// Whether the bytes fed so far hold `{{`; `endsInBrace`: the last chunk ended with `{`.
    var sawDoubleBrace = false
    private var endsInBrace = false

    init(source: InputSource, limits: YAMLLimits, parser: UnsafeMutablePointer<yaml_parser_t>, substitutions: [Int]) {
        self.source = source
        self.limits = limits
        self.parser = parser
        self.substitutions = substitutions
    }

    /// Fills `buffer` with up to `size` bytes; 0 at the end. nil: stop (a limit, a read error).
    func fill(_ buffer: UnsafeMutablePointer<UInt8>, _ size: Int) -> Int? {
        if parser.pointee.mark.index - lastEventEnd.index > limits.maxScalarCharacters {
            stop = .scalarLimit
            return nil
        }
        var count = 0
        switch source {
        case .memory(let bytes):
            count = min(size, bytes.count - offset)
            if count > 0, let base = bytes.baseAddress {
                buffer.update(from: base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), count: count)
            }
        case .file(let descriptor, _, let fileSize):
            // At a regular file's end (its size known), 0 without a read.
            while fileSize <= 0 || offset < fileSize {
                count = systemRead(descriptor, buffer, size)
                if count >= 0 { break }
                if errno == EINTR { continue }
                stop = .readFailed(errno)
                return nil
            }
        }
        let start = offset
        offset += count
        if offset > limits.maxInputBytes {
            stop = .inputLimit
            return nil
        }
        if !sawDoubleBrace && count > 0 { noteDoubleBrace(UnsafeRawBufferPointer(start: buffer, count: count)) }
        // The `'` of each `\'` in this chunk becomes `"` (the `\` may be in the chunk before).
        for substitution in substitutions where substitution + 1 >= start && substitution + 1 < start + count {
            buffer[substitution + 1 - start] = UInt8(ascii: "\"")
        }
        if start == 0, count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            // A UTF-8 byte order mark: skipped, as libyaml skips it when it detects the encoding
            // (marks start after it); kubectl reads such a file too.
            bomLength = 3
            count -= 3
            memmove(buffer, buffer + 3, count)
            if count == 0 { return fill(buffer, size) }
        }
        return count
    }
}

extension Feed {
    /// Looks for `{{` in one chunk (memchr from brace to brace), across the boundary with the last.
    fileprivate func noteDoubleBrace(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress else { return }
        let brace = Int32(UInt8(ascii: "{"))
        if endsInBrace && chunk[0] == UInt8(ascii: "{") {
            sawDoubleBrace = true
            return
        }
        var position = 0
        while position < chunk.count, let found = memchr(base + position, brace, chunk.count - position) {
            let index = base.distance(to: UnsafeRawPointer(found))
            if index + 1 < chunk.count && chunk[index + 1] == UInt8(ascii: "{") {
                sawDoubleBrace = true
                return
            }
            position = index + 1
        }
        endsInBrace = chunk[chunk.count - 1] == UInt8(ascii: "{")
    }
}

/// libyaml's `yaml_read_handler_t`: 1 with `*read` bytes (0 at the end of input), 0 to stop.
private let feedHandler:
    @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int, UnsafeMutablePointer<Int>?) ->
        Int32 = { data, buffer, size, read in
            guard let data, let buffer, let read else { return 0 }
            let feed = Unmanaged<Feed>.fromOpaque(data).takeUnretainedValue()
            guard let count = feed.fill(buffer, size) else { return 0 }
            read.pointee = count
            return 1
        }

#if canImport(Glibc)
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    private let systemRead = Darwin.read
#endif
