import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Free loopback ports, so parallel runs never clash on fixed numbers.
public enum PortAllocator {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Ports already handed out: the kernel picks bind-to-0 ports at random and
    /// may return a closed one again, which would give two listeners one port.
    private static let handedOut = NIOLockedValueBox<Set<Int>>([])

    /// A free port on 127.0.0.1 that this process has not handed out before.
    public static func freePort() throws -> Int {
        for _ in 0..<100 {
            let port = try kernelPort()
            if handedOut.withLockedValue({ $0.insert(port).inserted }) { return port }
        }
        throw Failure(description: "no free port that was not handed out already after 100 attempts")
    }

    /// Throws `IngressPortUnavailable` unless `port` on 127.0.0.1 can be bound the way nginx
    /// binds it (with SO_REUSEADDR, so a port left in TIME_WAIT counts as free).
    public static func checkBindable(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound != 0 else { return }
        let code = errno
        let reason: String
        switch code {
        case EADDRINUSE: reason = "address already in use (another process listens there)"
        case EACCES: reason = "permission denied (ports below 1024 need root)"
        default: reason = String(cString: strerror(code)).lowercased()
        }
        throw IngressPortUnavailable(port: port, reason: reason)
    }

    /// Asks the kernel for a free port on 127.0.0.1 (bind to 0, read it back).
    private static func kernelPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw Failure(description: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
