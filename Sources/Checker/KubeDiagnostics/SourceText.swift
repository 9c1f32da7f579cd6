import Foundation

/// Source lines for quoting the offending line in a report. Texts that came from stdin are kept
/// here; a file is indexed once, on its first quoted line (one streaming pass that records where
/// each line starts), and each quoted line is then read on its own, so a report costs one pass per
/// file with findings, not one per finding, and no file is held in memory.
public struct SourceMap: Sendable {
    private var texts: [String: [UInt8]] = [:]
    private let cache = LineIndexCache()

    public init() {}

    public mutating func add(path: String, text: String) {
        texts[path] = Array(text.utf8)
    }

    public mutating func add(path: String, bytes: [UInt8]) {
        texts[path] = bytes
    }

    /// The 1-based line `number` of `file` without its line ending; nil past the end, or when the
    /// line cannot be read or is not UTF-8.
    public func line(_ number: Int, in file: String) -> String? {
        guard number >= 1 else { return nil }
        let bytes: [UInt8]?
        if let text = texts[file] {
            bytes = cache.index(for: file) { LineIndex(memory: text) }.line(number, in: text)
        } else {
            bytes = cache.index(for: file) { LineIndex(path: file) }.line(number, path: file)
        }
        guard var bytes else { return nil }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// Where each line of one text starts (byte offsets), and where the text ends.
struct LineIndex: Sendable {
    private var starts: [Int] = [0]
    private var end = 0
    private(set) var readable = true

    init(memory text: [UInt8]) {
        text.withUnsafeBufferPointer { record($0, at: 0) }
        end = text.count
    }

    init(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            readable = false
            return
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var position = 0
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                readable = got == 0
                break
            }
            buffer.withUnsafeBufferPointer { record(UnsafeBufferPointer(rebasing: $0[..<got]), at: position) }
            position += got
        }
        end = position
    }

    private mutating func record(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        guard let base = bytes.baseAddress else { return }
        var position = 0
        while position < bytes.count,
            let found = memchr(base + position, Int32(UInt8(ascii: "\n")), bytes.count - position)
        {
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            starts.append(offset + index + 1)
            position = index + 1
        }
    }

    private func bounds(_ number: Int) -> Range<Int>? {
        guard readable, number <= starts.count else { return nil }
        let start = starts[number - 1]
        let stop = number < starts.count ? starts[number] - 1 : end
        return start <= stop ? start..<stop : nil
    }

    func line(_ number: Int, in text: [UInt8]) -> [UInt8]? {
        guard let range = bounds(number), range.upperBound <= text.count else { return nil }
        return Array(text[range])
    }

    func line(_ number: Int, path: String) -> [UInt8]? {
        guard let range = bounds(number) else { return nil }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let got = bytes.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return pread(descriptor, base + done, range.count - done, off_t(range.lowerBound + done))
            }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }
}

/// The line indexes built so far, shared by every copy of a `SourceMap` (the renderers of one run).
private final class LineIndexCache: @unchecked Sendable {
    private let lock = NSLock()
    private var indexes: [String: LineIndex] = [:]

    func index(for file: String, build: () -> LineIndex) -> LineIndex {
        lock.lock()
        defer { lock.unlock() }
        if let index = indexes[file] { return index }
        let index = build()
        indexes[file] = index
        return index
    }
}
