import Foundation
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The blog services' log handler: the lines `StreamLogHandler` writes, to a `LogSink` that
/// writes them in batches. `StreamLogHandler.standardError` costs a `write` to unbuffered stderr,
/// a `localtime` and re-rendering the handler's metadata on every line; at info, where every
/// request logs a line, that was a large part of serving a request.
public struct BatchedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// `<timestamp> <level> <label>: <key=value ...> [<source>] <message>`, keys sorted, the
    /// handler's metadata overridden by the provider's and then the event's, as `StreamLogHandler`.
    public func log(event: LogEvent) {
        let message = event.message.description
        // Values rendered before taking the sink's lock.
        let fields = effectiveMetadata(for: event).sorted { $0.key < $1.key }.map { key, value in
            if case .string(let text) = value { return (key, text) }
            return (key, value.description)
        }
        let level = event.level.rawValue
        let source = event.source
        let label = label
        // Straight into the sink's buffer, after the timestamp: no line of its own to build.
        sink.append(urgent: event.level >= .error) { bytes in
            bytes.appendUTF8(level)
            if !label.isEmpty {
                bytes.append(.space)
                bytes.appendUTF8(label)
            }
            bytes.append(UInt8(ascii: ":"))
            for (key, value) in fields {
                bytes.append(.space)
                bytes.appendUTF8(key)
                bytes.append(UInt8(ascii: "="))
                bytes.appendUTF8(value)
            }
            bytes.append(.space)
            bytes.append(UInt8(ascii: "["))
            bytes.appendUTF8(source)
            bytes.append(UInt8(ascii: "]"))
            bytes.append(.space)
            bytes.appendUTF8(message)
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    /// Merges only when there is something to merge: most lines have metadata from one place.
    private func effectiveMetadata(for event: LogEvent) -> Logger.Metadata {
        let provided = metadataProvider?.get() ?? [:]
        let explicit = event.metadata ?? [:]
        if provided.isEmpty, event.error == nil {
            if explicit.isEmpty { return metadata }
            if metadata.isEmpty { return explicit }
        }
        var merged = metadata
        merged.merge(provided) { $1 }
        merged.merge(explicit) { $1 }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return merged
    }
}

/// Log lines on their way to a file descriptor. A line is appended under a lock, after the
/// timestamp of its second; a writer thread writes what has gathered a few milliseconds after the
/// first line of a batch, in one `write`. Errors and critical lines, a full buffer and `flush()`
/// (called before the process exits) write at once, so a graceful shutdown loses nothing; a crash
/// can lose the last few milliseconds of lines, which is the trade for not paying a system call
/// per line.
public final class LogSink: @unchecked Sendable {
    /// The process's standard error.
    public static let standardError = LogSink { bytes in writeAll(bytes, to: 2) }

    /// Beyond this many buffered bytes the appending thread writes them itself.
    static let maxBufferedBytes = 1 << 20

    private let write: @Sendable (UnsafeRawBufferPointer) -> Void
    private let batchDelayMicroseconds: UInt32
    /// True while lines wait to be written; guards the fields below.
    private let pending = ConditionLock(value: false)
    private var buffer: [UInt8] = []
    private var second = -1
    private var timestamp: [UInt8] = []
    private var writerStarted = false
    /// Keeps batches in order on the file when `flush` and the writer thread race.
    private let writeOrder = NIOLock()

    public init(
        batchDelayMicroseconds: UInt32 = 2_000, write: @escaping @Sendable (UnsafeRawBufferPointer) -> Void
    ) {
        self.batchDelayMicroseconds = batchDelayMicroseconds
        self.write = write
    }

    /// Appends a line: its timestamp and a space, then what `writeLine` writes (ending in a newline).
    func append(urgent: Bool, now: Int = Int(time(nil)), _ writeLine: (inout [UInt8]) -> Void) {
        pending.lock()
        if now != second {
            second = now
            timestamp = Self.timestamp(secondsSince1970: now)
        }
        let wasEmpty = buffer.isEmpty
        buffer.append(contentsOf: timestamp)
        buffer.append(.space)
        writeLine(&buffer)
        let full = buffer.count >= Self.maxBufferedBytes
        let startWriter = !writerStarted
        writerStarted = true
        if wasEmpty {
            pending.unlock(withValue: true)
        } else {
            pending.unlock()
        }
        if startWriter {
            Thread.detachNewThread { [self] in runWriter() }
        }
        if urgent || full { flush() }
    }

    /// Writes every line appended so far before returning.
    public func flush() {
        writeOrder.withLock {
            pending.lock()
            let batch = buffer
            buffer.removeAll(keepingCapacity: true)
            pending.unlock(withValue: false)
            if !batch.isEmpty { batch.withUnsafeBytes(write) }
        }
    }

    private func runWriter() {
        while true {
            pending.lock(whenValue: true)
            pending.unlock()
            usleep(batchDelayMicroseconds)
            flush()
        }
    }

    /// `StreamLogHandler`'s timestamp: local time, `%Y-%m-%dT%H:%M:%S%z`.
    static func timestamp(secondsSince1970: Int) -> [UInt8] {
        var seconds = time_t(secondsSince1970)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return Array("<unknown>".utf8) }
        var text = [Int8](repeating: 0, count: 64)
        let length = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return text[..<length].map { UInt8(bitPattern: $0) }
    }

    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fileDescriptor: Int32) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(fileDescriptor, next, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return  // nowhere left to log to
            }
            next += written
            remaining -= written
        }
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif

extension UInt8 {
    fileprivate static let space = UInt8(ascii: " ")
}

extension [UInt8] {
    /// One copy of the string's UTF-8 bytes (`append(contentsOf: text.utf8)` goes byte by byte).
    fileprivate mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }
}
