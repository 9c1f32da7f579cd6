import CYAML
import KubeDiagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resource limits for untrusted input.
public struct YAMLLimits: Sendable {
    /// Largest input accepted, in bytes. A file over it is refused before it is read.
    public var maxInputBytes: Int
    /// Deepest nesting of collections.
    public var maxDepth: Int
    /// Most nodes one document may reach through aliases (billion-laughs guard).
    public var maxAliasedNodes: Int
    /// Longest run of input libyaml may hold as one token (a scalar, in practice), in characters:
    /// libyaml builds a scalar whole before it hands it over, so this bounds its memory. The
    /// default (4 Mi) is far past anything the API server stores (etcd keeps at most 1.5 MiB an object).
    public var maxScalarCharacters: Int

    public init(
        maxInputBytes: Int = 64 << 20, maxDepth: Int = 200, maxAliasedNodes: Int = 1_000_000,
        maxScalarCharacters: Int = 4 << 20
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxAliasedNodes = maxAliasedNodes
        self.maxScalarCharacters = maxScalarCharacters
    }
}

public struct YAMLDocument: Sendable {
    public var root: YAMLNode
    /// 0-based index of the document in its stream.
    public var index: Int
}

public struct YAMLLoadResult: Sendable {
    public var file: String
    public var documents: [YAMLDocument]
    public var problems: [Diagnostic]
    /// False when the whole input was read and holds no `{{` (where a Go or Jinja template's
    /// action would be): a caller looking for templates need not read the file again.
    public var mayHoldDoubleBrace = true
}

/// Reads a YAML stream with libyaml's event API into nodes that keep their marks, in two stages:
/// `EventReader` streams the input to libyaml and turns its errors into diagnostics, `TreeBuilder`
/// turns the events into a `YAMLTable`. Every problem becomes a located `Diagnostic`; nothing traps.
public enum YAMLLoader {
    public static func load(
        bytes: UnsafeRawBufferPointer, file: String, limits: YAMLLimits = YAMLLimits(),
        vocabulary: YAMLVocabulary = .none
    ) -> YAMLLoadResult {
        var builder = TreeBuilder(file: file, limits: limits, vocabulary: vocabulary, inputBytes: bytes.count)
        if bytes.count > limits.maxInputBytes {
            builder.fail(
                at: Mark(line: 1, column: 1), rule: InputProblem.limit,
                "input is \(bytes.count) bytes; the limit is \(limits.maxInputBytes)")
        } else {
            EventReader.read(.memory(bytes), into: &builder)
        }
        return builder.finish()
    }

    public static func load(
        text: String, file: String, limits: YAMLLimits = YAMLLimits(), vocabulary: YAMLVocabulary = .none
    ) -> YAMLLoadResult {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBytes {
            load(bytes: UnsafeRawBufferPointer($0), file: file, limits: limits, vocabulary: vocabulary)
        }
    }

    /// Loads the file at `path`, streamed to libyaml (never held whole). A regular file over
    /// `maxInputBytes` is refused before it is read; a pipe is cut off when it passes the limit.
    /// `name`: the file as diagnostics name it (default: `path`), e.g. `<stdin>` for /dev/fd/0.
    public static func load(
        path: String, name: String? = nil, limits: YAMLLimits = YAMLLimits(), vocabulary: YAMLVocabulary = .none
    ) -> YAMLLoadResult {
        let file = name ?? path
        // One builder per load (it is not small): a refusal gets an empty one.
        func refused(_ rule: RuleInfo, _ message: String) -> YAMLLoadResult {
            var builder = TreeBuilder(file: file, limits: limits, vocabulary: vocabulary, inputBytes: 0)
            builder.fail(at: Mark(line: 1, column: 1), rule: rule, message)
            return builder.finish()
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return refused(InputProblem.unreadable, "cannot read \(file): \(reason())") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return refused(InputProblem.unreadable, "cannot read \(file): \(reason())")
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            return refused(InputProblem.unreadable, "cannot read \(file): it is a directory")
        }
        let size = status.st_mode & S_IFMT == S_IFREG ? Int(status.st_size) : 0
        if size > limits.maxInputBytes {
            return refused(InputProblem.limit, "input is \(size) bytes; the limit is \(limits.maxInputBytes)")
        }
        // /dev/fd/N of a regular file (spooled or redirected stdin) may share that descriptor's
        // offset (macOS): read from the start whatever it is.
        if status.st_mode & S_IFMT == S_IFREG, path.utf8.starts(with: "/dev/".utf8) {
            _ = lseek(descriptor, 0, SEEK_SET)
        }
        var builder = TreeBuilder(file: file, limits: limits, vocabulary: vocabulary, inputBytes: size)
        EventReader.read(.file(descriptor: descriptor, path: path, size: size), into: &builder)
        return builder.finish()
    }

    private static func reason() -> String {
        errno == ENOENT ? "no such file or directory" : String(cString: strerror(errno))
    }
}
