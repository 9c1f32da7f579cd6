import Foundation

/// Source lines for quoting the offending line in a report. Texts that came from stdin are kept
/// here; a file is scanned once, lazily (as far as the lines asked for, recording where each line
/// starts), and each quoted line is then read on its own: a report costs at most one pass per file
/// with findings, not one per finding, and no file is held in memory.
public struct SourceMap: Sendable {
    /// Longer lines are not quoted (nil): a 40 MB scalar on one line is nothing to show on a terminal.
    public static let maxQuotedLineBytes = 16 << 10

    private var texts: [String: [UInt8]] = [:]
    private var aliases: [String: String] = [:]
    private let cache = LineIndexCache()

    public init() {}

    public mutating func add(path: String, text: String) {
        texts[path] = Array(text.utf8)
    }

    /// Lines of `path` (say `<stdin>`) are read from `file` (say `/dev/fd/3`).
    public mutating func add(path: String, readingFrom file: String) {
        aliases[path] = file
    }

    /// The 1-based line `number` of `file` without its line ending; nil past the end, when the
    /// line cannot be read or is not UTF-8, or when it is longer than `maxQuotedLineBytes`.
    public func line(_ number: Int, in file: String) -> String? {
        guard number >= 1 else { return nil }
        guard var bytes = cache.line(number, of: aliases[file] ?? file, memory: texts[file]) else { return nil }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Where the lines of one text start (byte offsets), found by scanning forward only as far as the
/// lines asked for so far.
private final class LineIndex {
    private let path: String
    private let memory: [UInt8]?
    /// Open only while a line is being found (thousands of files may have findings).
    private var descriptor: Int32 = -1
    private var starts: [UInt32] = [0]
    /// Bytes scanned so far; `finished` once the end was reached (or the file failed).
    private var scanned = 0
    private var finished = false
    private var failed = false

    init(path: String, memory: [UInt8]?) {
        self.path = path
        self.memory = memory
    }

    func line(_ number: Int) -> [UInt8]? {
        if memory == nil {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
        }
        defer {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
        while !finished && starts.count <= number { scanChunk() }
        guard !failed, number <= starts.count else { return nil }
        let start = Int(starts[number - 1])
        let stop = number < starts.count ? Int(starts[number]) - 1 : scanned
        guard start <= stop, stop - start <= SourceMap.maxQuotedLineBytes else { return nil }
        if let memory { return Array(memory[start..<stop]) }
        return read(start..<stop)
    }

    private func scanChunk() {
        if let memory {
            memory.withUnsafeBufferPointer { record($0, at: 0) }
            scanned = memory.count
            finished = true
            return
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(scanned)) }
        if got < 0 && errno == EINTR { return }
        guard got > 0, scanned + got < Int(UInt32.max) else {
            failed = got < 0
            finished = true
            return
        }
        buffer.withUnsafeBufferPointer { record(UnsafeBufferPointer(rebasing: $0[..<got]), at: scanned) }
        scanned += got
    }

    private func record(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        guard let base = bytes.baseAddress else { return }
        var position = 0
        while position < bytes.count,
            let found = memchr(base + position, Int32(UInt8(ascii: "\n")), bytes.count - position)
        {
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            starts.append(UInt32(truncatingIfNeeded: offset + index + 1))
            position = index + 1
        }
    }

    private func read(_ range: Range<Int>) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let got = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return pread(descriptor, base + done, range.count - done, off_t(range.lowerBound + done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }
}

/// The line indexes of one report's files, shared by every copy of a `SourceMap` (the renderers
/// of one run); the lock makes a `SourceMap` safe to share between threads.
private final class LineIndexCache: @unchecked Sendable {
    private let lock = NSLock()
    private var indexes: [String: LineIndex] = [:]

    func line(_ number: Int, of file: String, memory: [UInt8]?) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        let index = indexes[file] ?? LineIndex(path: file, memory: memory)
        indexes[file] = index
        return index.line(number)
    }
}
