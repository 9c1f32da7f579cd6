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
    /// An open file or pipe, read as libyaml asks for more.
    case file(descriptor: Int32, path: String)
}

/// The first stage of a load: the input streamed to libyaml through a read handler (libyaml pulls
/// 16 KiB at a time, so a file is never held whole), its events handed to a `TreeBuilder`, and its
/// errors (syntax, invalid UTF-8, the input and scalar limits) turned into located diagnostics.
enum EventReader {
    static func read(_ source: InputSource, into builder: inout TreeBuilder) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) != 0 else {
            builder.fail(
                at: Mark(line: 1, column: 1), rule: InputProblem.unreadable, "libyaml could not allocate a parser")
            return
        }
        defer { yaml_parser_delete(parser) }
        let feed = Feed(source: source, limits: builder.limits, parser: parser)
        withExtendedLifetime(feed) {
            yaml_parser_set_input(parser, feedHandler, Unmanaged.passUnretained(feed).toOpaque())
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while !builder.failed {
                guard yaml_parser_parse(parser, &event) != 0 else {
                    report(parser, feed: feed, into: &builder)
                    return
                }
                feed.lastEventEnd = event.end_mark
                let type = event.type
                builder.handle(&event)
                yaml_event_delete(&event)
                if type == YAML_STREAM_END_EVENT { return }
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
            let offset = Int(parser.pointee.problem_offset)
            builder.fail(
                at: mark(ofByteOffset: offset, in: feed.source), rule: InputProblem.unreadable,
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
    static func mark(ofByteOffset offset: Int, in source: InputSource) -> Mark {
        var counter = MarkCounter()
        switch source {
        case .memory(let bytes):
            counter.advance(UnsafeRawBufferPointer(rebasing: bytes.prefix(offset)))
        case .file(let descriptor, _):
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var position = 0
            while position < offset {
                let got = buffer.withUnsafeMutableBytes { raw in
                    pread(descriptor, raw.baseAddress, min(raw.count, offset - position), off_t(position))
                }
                guard got > 0 else { break }
                buffer.withUnsafeBytes { counter.advance(UnsafeRawBufferPointer(rebasing: $0.prefix(got))) }
                position += got
            }
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
    /// Bytes handed to libyaml so far.
    var offset = 0
    /// Where the last event ended: the scanner's distance from it is the token it is building.
    var lastEventEnd = yaml_mark_t()
    var stop: Stop?

    init(source: InputSource, limits: YAMLLimits, parser: UnsafeMutablePointer<yaml_parser_t>) {
        self.source = source
        self.limits = limits
        self.parser = parser
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
        case .file(let descriptor, _):
            while true {
                count = systemRead(descriptor, buffer, size)
                if count >= 0 { break }
                if errno == EINTR { continue }
                stop = .readFailed(errno)
                return nil
            }
        }
        offset += count
        if offset > limits.maxInputBytes {
            stop = .inputLimit
            return nil
        }
        return count
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
