import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A bare TCP client for what HTTP clients do not do: several requests in one write (pipelining).
enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One answer: the head as text and the body's bytes as text.
    struct Answer {
        var head: String
        var body: String
    }

    /// Writes `requests` at once on a new connection to 127.0.0.1:`port`, then reads `count`
    /// answers framed by `Content-Length`, except the answers at `toHEAD` (answers to `HEAD`),
    /// which end with their head whatever `Content-Length` says.
    static func exchange(port: Int, _ requests: String, answers count: Int, toHEAD: Set<Int> = []) throws -> [Answer] {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        let bytes = Array(requests.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw Failure(description: "send: \(errno)") }
            sent += written
        }
        var received: [UInt8] = []
        var answers: [Answer] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while answers.count < count {
            if let (answer, length) = parse(received, bodiless: toHEAD.contains(answers.count)) {
                answers.append(answer)
                received.removeFirst(length)
                continue
            }
            let read = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard read > 0 else { throw Failure(description: "connection ended after \(answers.count) answers") }
            received += chunk[..<read]
        }
        return answers
    }

    private static func parse(_ bytes: [UInt8], bodiless: Bool) -> (Answer, Int)? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) })
        else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let length =
            head.split(separator: "\r\n").compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
        let total = end + 4 + (bodiless ? 0 : length)
        guard bytes.count >= total else { return nil }
        return (Answer(head: head, body: String(decoding: bytes[(end + 4)..<total], as: UTF8.self)), total)
    }
}
