import Dispatch
import Foundation
import KubeDiagnostics
import KubeYAML

/// An input to check: a file, a directory (recursive), or stdin.
public enum ManifestInput: Hashable, Sendable {
    case path(String)
    case standardInput

    public init(argument: String) {
        self = argument == "-" ? .standardInput : .path(argument)
    }
}

public struct LoadOptions: Sendable {
    public var defaultNamespace: String
    public var limits: YAMLLimits
    /// How many files to parse at once.
    public var concurrency: Int
    /// Files found by walking a folder: one holding no Kubernetes object (a compose file, a CI
    /// workflow, a values file) is skipped, not an error. Files named on the command line are not here.
    public var skippableFiles: Set<String> = []
    /// Texts read in place of these files' contents on disk (an editor's unsaved documents), by the
    /// path the file is found under.
    public var unsavedTexts: [String: String] = [:]
    /// Files parsed by earlier loads, reused while unchanged (a language server checks the same
    /// workspace after every edit); nil parses every file.
    public var parsedFiles: ParsedFileCache?
    /// Scalar texts stored once for the run rather than per file (an optimisation; any vocabulary
    /// reads the same).
    public var vocabulary: YAMLVocabulary = .kubernetes
    /// Files known to be regular files, with their real paths (`InputPlan.walkedRegularFiles`: a
    /// walk read their type from the folder listing): the loader stats and resolves none of them
    /// again, so reading such a file costs one open, its reads, one fstat and one close.
    public var knownRegularFiles: [String: String] = [:]

    public init(
        defaultNamespace: String = "default", limits: YAMLLimits = YAMLLimits(),
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.defaultNamespace = defaultNamespace
        self.limits = limits
        self.concurrency = max(1, concurrency)
    }
}

public struct LoadedManifests: Sendable {
    public var graph: ManifestGraph
    /// Problems that stopped part of an input from being read (exit 2).
    public var problems: [Diagnostic]
    /// Files (and stdin) read.
    public var inputNames: [String]
    /// Texts that exist only in memory (stdin), for quoting in reports.
    public var sources: SourceMap
    /// Skippable files that held no Kubernetes object (not in `inputNames`).
    public var skippedFiles: [String] = []
    /// The files read that were found by walking a folder (or are in `skippableFiles`), as opposed
    /// to named one by one: two of them are not known to be applied together.
    public var walkedFiles: Set<String> = []
    /// Of `skippedFiles`, the templates (`key: {{ … }}`): a script renders and applies them.
    public var skippedTemplates: [String] = []

    /// The folders of `skippedTemplates`: they hold objects the inputs do not show.
    public var foldersWithTemplates: Set<String> {
        Set(skippedTemplates.map { ($0 as NSString).deletingLastPathComponent })
    }
}

/// Reads inputs through libyaml into a `ManifestGraph`.
public enum ManifestLoader {
    public static let standardInputName = "<stdin>"

    public static func load(_ inputs: [ManifestInput], options: LoadOptions = LoadOptions()) -> LoadedManifests {
        var problems: [Diagnostic] = []
        var sources = SourceMap()
        var files: [String] = []
        var walked = options.skippableFiles
        var stdinFile: String?
        var stdinProblem: Diagnostic?
        for input in inputs {
            switch input {
            case .standardInput:
                (stdinFile, stdinProblem) = standardInputFile(limit: options.limits.maxInputBytes)
            case .path(let path):
                if options.knownRegularFiles[path] != nil {
                    files.append(path)
                    continue
                }
                let (found, problem) = expand(path)
                files.append(contentsOf: found)
                if found != [path] { walked.formUnion(found) }
                if let problem { problems.append(problem) }
            }
        }
        // One file under two spellings (`./k8s`, `k8s//a.yaml`, a folder and a file in it) is read once.
        var seen = Set<String>()
        var realPaths = RealPaths()
        files = files.filter {
            seen.insert(options.knownRegularFiles[$0] ?? realPaths.resolve($0) ?? normalizedPath($0)).inserted
        }

        var results = parseFiles(files, options: options)
        var skipped: [String] = []
        var skippedTemplates: [String] = []
        if !options.skippableFiles.isEmpty {
            var kept: [String] = []
            var keptResults: [FileResult] = []
            for (file, result) in zip(files, results) {
                if options.skippableFiles.contains(file) && result.holdsNoObject {
                    skipped.append(file)
                    if result.isTemplate { skippedTemplates.append(file) }
                } else {
                    kept.append(file)
                    keptResults.append(result)
                }
            }
            files = kept
            results = keptResults
        }
        if let stdinFile {
            sources.add(path: standardInputName, readingFrom: stdinFile)
            let loaded = YAMLLoader.load(
                path: stdinFile, name: standardInputName, limits: options.limits, vocabulary: options.vocabulary)
            results.append(objects(from: loaded, options: options))
        }
        if let stdinProblem { problems.append(stdinProblem) }
        var objects: [ManifestObject] = []
        objects.reserveCapacity(results.reduce(0) { $0 + $1.objects.count })
        for result in results {
            problems.append(contentsOf: result.problems)
            objects.append(contentsOf: result.objects)
        }
        results = []
        let names = files + (stdinFile == nil && stdinProblem == nil ? [] : [standardInputName])
        return LoadedManifests(
            graph: ManifestGraph(objects: objects), problems: problems, inputNames: names, sources: sources,
            skippedFiles: skipped, walkedFiles: walked.intersection(files), skippedTemplates: skippedTemplates)
    }

    /// The path with links, `.` and `..` resolved; nil when it does not exist.
    public static func canonicalPath(_ path: String) -> String? {
        RealPaths.realpath(path)
    }

    /// Loads YAML text held in memory (tests, generated manifests).
    public static func load(text: String, name: String, options: LoadOptions = LoadOptions()) -> LoadedManifests {
        let result = parse(text: text, name: name, options: options)
        var sources = SourceMap()
        sources.add(path: name, text: text)
        return LoadedManifests(
            graph: ManifestGraph(objects: result.objects), problems: result.problems, inputNames: [name],
            sources: sources)
    }

    // MARK: - files

    /// The files `inputs` name (folders expanded as `load` does; standard input left out).
    public static func files(in inputs: [ManifestInput]) -> [String] {
        inputs.flatMap { input -> [String] in
            guard case .path(let path) = input else { return [] }
            return expand(path).files
        }
    }

    /// `path` without `.` segments, doubled or trailing slashes, for comparing paths as given.
    public static func normalizedPath(_ path: String) -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    private static func expand(_ path: String) -> (files: [String], problem: Diagnostic?) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = errno == ENOENT ? "no such file or directory" : String(cString: strerror(errno))
            return ([], unreadable(path, reason))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { return ([path], nil) }
        let base = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        var found: [String] = []
        guard walk(base, into: &found) else {
            return ([], unreadable(path, "cannot list this directory: \(String(cString: strerror(errno)))"))
        }
        return (found.sorted(), nil)
    }

    /// Collects `.yaml`/`.yml`/`.json` files below `directory` with readdir, which says most entries'
    /// types without a stat per file (FileManager's enumerator costs a serial tenth of a large
    /// load). Hidden entries (.git, .kubewire.yaml) are skipped with everything below them;
    /// symbolic links count when they lead to a file, and are not followed into directories.
    /// Returns false only when `directory` itself cannot be listed.
    private static func walk(_ directory: String, into found: inout [String]) -> Bool {
        guard let stream = opendir(directory) else { return false }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            let full = directory + "/" + name
            var kind = Int32(entry.pointee.d_type)
            if kind == Int32(DT_UNKNOWN) {
                var status = stat()
                guard lstat(full, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: kind = Int32(DT_DIR)
                case S_IFREG: kind = Int32(DT_REG)
                case S_IFLNK: kind = Int32(DT_LNK)
                default: continue
                }
            }
            switch kind {
            case Int32(DT_DIR):
                _ = walk(full, into: &found)
            case Int32(DT_REG), Int32(DT_LNK):
                guard isManifestFileName(name) else { continue }
                if kind == Int32(DT_LNK) {
                    var status = stat()
                    guard stat(full, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
                }
                found.append(full)
            default:
                continue
            }
        }
        return true
    }

    /// The files `kubectl apply -f DIR` reads: `.yaml`, `.yml` and `.json` (JSON is YAML to libyaml).
    /// Found by walking, one that holds no object (package.json, a dashboard) is skipped like YAML.
    public static func isManifestFileName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
    }

    private static func unreadable(_ path: String, _ reason: String) -> Diagnostic {
        Diagnostic(
            ruleID: InputProblem.unreadable.id, severity: .error, span: SourceSpan(file: path, line: 1, column: 1),
            message: "cannot read \(path): \(reason)")
    }

    struct FileResult: Sendable {
        var objects: [ManifestObject] = []
        var problems: [Diagnostic] = []
        /// Whether some document had both apiVersion and kind (or the text names both, when
        /// it does not parse: a broken manifest is still reported).
        var mentionsObject = false
        /// A walked template, set aside unread.
        var isTemplate = false

        var holdsNoObject: Bool { objects.isEmpty && !mentionsObject }
    }

    private static func parseFiles(_ files: [String], options: LoadOptions) -> [FileResult] {
        guard let cache = options.parsedFiles else {
            return files.parallelMap(workers: options.concurrency) { parseFile($0, options: options) }
        }
        let results = files.parallelMap(workers: options.concurrency) { path in
            let key = ParsedFileCache.Key(path: path, options: options)
            if let key, let cached = cache.result(path, key) { return cached }
            let result = parseFile(path, options: options)
            if let key { cache.store(path, key, result) }
            return result
        }
        cache.keepOnly(Set(files))
        return results
    }

    private static func parseFile(_ path: String, options: LoadOptions) -> FileResult {
        let loaded =
            options.unsavedTexts[path].map {
                YAMLLoader.load(text: $0, file: path, limits: options.limits, vocabulary: options.vocabulary)
            } ?? YAMLLoader.load(path: path, limits: options.limits, vocabulary: options.vocabulary)
        var result = objects(from: loaded, options: options)
        guard options.skippableFiles.contains(path) else { return result }
        // The file is read again only when the bytes parsed may hold a template's `{{` (an unsaved
        // text was parsed in its place: the file on disk is what `isTemplate` reads).
        if !result.objects.isEmpty || !loaded.problems.isEmpty,
            loaded.mayHoldDoubleBrace || options.unsavedTexts[path] != nil, isTemplate(path)
        {
            // A Go or Jinja template found by walking (`name: {{ .Name }}`): not a manifest until rendered.
            return FileResult(isTemplate: true)
        }
        if result.objects.contains(where: { namesPlaceholder($0, mayHoldDoubleBrace: loaded.mayHoldDoubleBrace) }) {
            // An envsubst or Flux template (`namespace: ${NAMESPACE}`), or a chart's template with
            // quoted actions: no API server takes them in a name or label, so the file is applied
            // only once a script, Flux or helm substitutes them.
            return FileResult(isTemplate: true)
        }
        if result.objects.isEmpty {
            if loaded.documents.contains(where: {
                $0.root.isMapping && $0.root["apiVersion"] != nil && $0.root["kind"] != nil
            }) {
                result.mentionsObject = true
            } else if !loaded.problems.isEmpty,
                let data = options.unsavedTexts[path].map({ Data($0.utf8) })
                    ?? FileManager.default.contents(atPath: path)
            {
                let text = String(decoding: data.prefix(1 << 20), as: UTF8.self)
                result.mentionsObject =
                    (text.contains("apiVersion:") && text.contains("kind:"))
                    || (text.contains("\"apiVersion\"") && text.contains("\"kind\""))
            }
        }
        return result
    }

    /// Whether the object's name or namespace holds a shell-style variable (`${NAME}`, `${NS:-dev}`) or
    /// a template action (`{{ .Release.Name }}`), or, when the file may hold `{{`, a label value does
    /// (`release: "{{ .Release.Name }}"`, quoted, which the line test of `isTemplate` leaves alone).
    /// None of them is a valid name or label value: the file is applied only once substituted.
    private static func namesPlaceholder(_ object: ManifestObject, mayHoldDoubleBrace: Bool) -> Bool {
        func holdsPlaceholder(_ text: String) -> Bool {
            var previous: UInt8 = 0
            for byte in text.utf8 {
                if byte == UInt8(ascii: "{") && (previous == UInt8(ascii: "$") || previous == UInt8(ascii: "{")) {
                    return true
                }
                previous = byte
            }
            return false
        }
        if holdsPlaceholder(object.name) || holdsPlaceholder(object.namespace) { return true }
        return mayHoldDoubleBrace && object.labels.contains { holdsPlaceholder($0.value) }
    }

    /// Whether the file holds an unquoted template action as a value (`key: {{ … }}`, `- {{ … }}`):
    /// YAML reads it as a mapping used as a key, which no Kubernetes object has; a manifest's own
    /// `{{` (alert templates in a ConfigMap) sits inside quotes or a block scalar.
    private static func isTemplate(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let bytes = [UInt8](data.prefix(1 << 20))
        var index = 0
        while index + 1 < bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else { continue }
            // At the very start of a line (`{{- if … }}`), or a plain value after `:` or `-`. Indented
            // line starts are left alone: they may be the inside of a block scalar.
            if index == 0 || bytes[index - 1] == UInt8(ascii: "\n") { return true }
            var back = index - 1
            while back >= 0, bytes[back] == UInt8(ascii: " ") || bytes[back] == UInt8(ascii: "\t") { back -= 1 }
            guard back >= 0, back < index - 1 else { continue }
            if bytes[back] == UInt8(ascii: ":") || bytes[back] == UInt8(ascii: "-") { return true }
        }
        return false
    }

    /// Standard input as a file to stream from (and to read again for quoting): itself when it is a
    /// regular file, else a copy in an unlinked temporary file, made in 64 KiB chunks, so it is never
    /// held in memory. More than `limit` bytes is an `input-limit` problem.
    private static func standardInputFile(limit: Int) -> (path: String?, problem: Diagnostic?) {
        func tooLarge() -> Diagnostic {
            Diagnostic(
                ruleID: InputProblem.limit.id, severity: .error,
                span: SourceSpan(file: standardInputName, line: 1, column: 1),
                message: "standard input is more than \(limit) bytes, the limit")
        }
        var status = stat()
        if fstat(STDIN_FILENO, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
            return Int(status.st_size) > limit ? (nil, tooLarge()) : ("/dev/fd/\(STDIN_FILENO)", nil)
        }
        var template = Array((NSTemporaryDirectory() + "/kubewire-stdin-XXXXXX").utf8CString)
        let spool = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard spool >= 0 else {
            return (nil, unreadable(standardInputName, "no temporary file: \(String(cString: strerror(errno)))"))
        }
        // Unlinked at once: the open descriptor keeps it for this run and nothing is left behind.
        template.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = unlink(base) }
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while true {
            let got = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { return (nil, unreadable(standardInputName, String(cString: strerror(errno)))) }
            if got == 0 {
                // Rewound: on macOS opening /dev/fd/N shares this descriptor's offset (at the end).
                _ = lseek(spool, 0, SEEK_SET)
                return ("/dev/fd/\(spool)", nil)
            }
            total += got
            guard total <= limit else { return (nil, tooLarge()) }
            let written = chunk.withUnsafeBytes { write(spool, $0.baseAddress, got) }
            guard written == got else {
                return (nil, unreadable(standardInputName, "cannot spool: \(String(cString: strerror(errno)))"))
            }
        }
    }

    private static func parse(text: String, name: String, options: LoadOptions) -> FileResult {
        objects(
            from: YAMLLoader.load(text: text, file: name, limits: options.limits, vocabulary: options.vocabulary),
            options: options)
    }

    // MARK: - documents → objects

    private static func objects(from loaded: YAMLLoadResult, options: LoadOptions) -> FileResult {
        var result = FileResult(problems: loaded.problems)
        // About one object a document: one allocation, not one and then a growth.
        result.objects.reserveCapacity(loaded.documents.count)
        for document in loaded.documents {
            collect(document.root, file: loaded.file, index: document.index, options: options, into: &result)
        }
        return result
    }

    private static func collect(
        _ root: YAMLNode, file: String, index: Int, options: LoadOptions, into result: inout FileResult
    ) {
        if root.isNull { return }  // an empty document (`---` with only comments)
        guard root.isMapping else {
            result.problems.append(
                notAnObject(
                    root, file: file, "this document is a \(root.isSequence ? "sequence" : "scalar"), not a mapping"))
            return
        }
        guard let kind = root["kind"]?.scalar, !kind.isEmpty else {
            result.problems.append(notAnObject(root, file: file, "this document has no `kind`"))
            return
        }
        guard let apiVersion = root["apiVersion"]?.scalar, !apiVersion.isEmpty else {
            result.problems.append(notAnObject(root, file: file, "this \(kind) has no `apiVersion`"))
            return
        }
        // v1/List and typed lists (`DeploymentList`) carry their objects in `items`.
        if kind == "List" || (kind.hasSuffix("List") && root["items"]?.isSequence == true) {
            for item in root["items"]?.items ?? [] {
                collect(item, file: file, index: index, options: options, into: &result)
            }
            return
        }
        let metadata = root["metadata"]
        let namespace = metadata?["namespace"]?.scalar.flatMap { $0.isEmpty ? nil : $0 } ?? options.defaultNamespace
        result.objects.append(
            ManifestObject(
                file: file, documentIndex: index, root: root, apiVersion: apiVersion, kind: kind,
                name: metadata?["name"]?.scalar ?? metadata?["generateName"]?.scalar ?? "", namespace: namespace))
    }

    private static func notAnObject(_ node: YAMLNode, file: String, _ message: String) -> Diagnostic {
        Diagnostic(
            ruleID: InputProblem.notAnObject.id, severity: .error,
            span: SourceSpan(file: file, line: Int(node.start.line), column: Int(node.start.column)),
            message: message + "; every document must be an object with apiVersion and kind",
            fix: SuggestedFix("add apiVersion and kind, or remove the document"))
    }
}

/// Parsed files kept between loads, each reused while its bytes (or the unsaved text read in their
/// place) and the options that shape its objects are the same. Safe to share between threads.
public final class ParsedFileCache: @unchecked Sendable {
    /// What a file's result depends on: its identity and change stamps on disk, or the unsaved text;
    /// and the options `parseFile` reads.
    struct Key: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec
        var unsavedText: String?
        var defaultNamespace: String
        var skippable: Bool

        init?(path: String, options: LoadOptions) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            #if canImport(Darwin)
                modified = status.st_mtimespec
                changed = status.st_ctimespec
            #else
                modified = status.st_mtim
                changed = status.st_ctim
            #endif
            unsavedText = options.unsavedTexts[path]
            defaultNamespace = options.defaultNamespace
            skippable = options.skippableFiles.contains(path)
        }

        static func == (a: Key, b: Key) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
                && a.unsavedText == b.unsavedText && a.defaultNamespace == b.defaultNamespace
                && a.skippable == b.skippable
        }
    }

    private let lock = NSLock()
    private var entries: [String: (key: Key, result: ManifestLoader.FileResult)] = [:]

    public init() {}

    /// How many files are kept.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    func result(_ path: String, _ key: Key) -> ManifestLoader.FileResult? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[path], entry.key == key else { return nil }
        return entry.result
    }

    func store(_ path: String, _ key: Key, _ result: ManifestLoader.FileResult) {
        lock.lock()
        defer { lock.unlock() }
        entries[path] = (key, result)
    }

    /// Forgets files the last load did not read (deleted, renamed, no longer walked): memory stays
    /// bounded by the workspace.
    func keepOnly(_ paths: Set<String>) {
        lock.lock()
        defer { lock.unlock() }
        entries = entries.filter { paths.contains($0.key) }
    }
}
