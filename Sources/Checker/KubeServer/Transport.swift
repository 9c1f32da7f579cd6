import Foundation

/// Splits a byte stream into LSP messages: `Content-Length: N` headers, a blank line, N bytes of
/// JSON. Bytes arrive in any chunking (a message over several reads, several in one read).
public struct MessageFramer: Sendable {
    public enum Frame: Equatable, Sendable {
        case message([UInt8])
        /// A header block that cannot be read; it is dropped and reading goes on after it.
        case badHeader(String)
    }

    /// A header block longer than this without its blank line is garbage, not a header.
    public static let maxHeaderBytes = 8 << 10
    /// Larger bodies are skipped (and reported): an editor never sends a 256 MiB document.
    public static let defaultMaxBodyBytes = 256 << 20
    public let maxBodyBytes: Int

    private var buffer: [UInt8] = []
    private var start = 0
    /// The body length of the header just read, while its bytes are still arriving.
    private var pendingLength: Int?
    /// Bytes of a refused body still to be thrown away.
    private var skipping = 0

    public init(maxBodyBytes: Int = defaultMaxBodyBytes) {
        self.maxBodyBytes = maxBodyBytes
    }

    public mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil until more bytes arrive.
    public mutating func next() -> Frame? {
        defer { compact() }
        if skipping > 0 {
            let dropped = min(skipping, buffer.count - start)
            start += dropped
            skipping -= dropped
            if skipping > 0 { return nil }
        }
        if let length = pendingLength {
            guard buffer.count - start >= length else { return nil }
            let body = Array(buffer[start..<start + length])
            start += length
            pendingLength = nil
            return .message(body)
        }
        guard let end = headerEnd() else {
            if buffer.count - start > Self.maxHeaderBytes {
                start = buffer.count
                return .badHeader("no blank line after \(Self.maxHeaderBytes) bytes of header")
            }
            return nil
        }
        let header = String(decoding: buffer[start..<end], as: UTF8.self)
        start = end + 4
        var length: Int?
        for line in header.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                return .badHeader("header line without a colon: \(line.prefix(80))")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                guard let number = Int(value), number >= 0 else {
                    return .badHeader("Content-Length is not a length: \(value.prefix(80))")
                }
                length = number
            }
        }
        guard let length else { return .badHeader("no Content-Length header") }
        guard length <= maxBodyBytes else {
            skipping = length
            return .badHeader("Content-Length \(length) is more than \(maxBodyBytes) bytes")
        }
        pendingLength = length
        return next()
    }

    /// Index of the `\r\n\r\n` that ends the header block starting at `start`.
    private func headerEnd() -> Int? {
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16, start > buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// `body` with its header, as it goes on the wire.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}

/// Writes framed messages to a file descriptor; whole messages, one at a time, from any thread.
public final class MessageWriter: Sendable {
    private let descriptor: Int32
    private let lock = NSLock()

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public func send(_ message: JSON) {
        let bytes = MessageFramer.frame(message.encoded())
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return  // The editor went away; the read loop sees the end of input and stops.
            }
            offset += written
        }
    }
}
