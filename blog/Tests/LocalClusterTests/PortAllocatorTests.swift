import Foundation
import Testing

@testable import LocalCluster

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Binds a TCP socket to 127.0.0.1:port; the descriptor, or nil when bind fails.
private func bindLoopback(_ port: Int) -> Int32? {
    #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else {
        close(fd)
        return nil
    }
    return fd
}

@Suite struct PortAllocatorTests {
    @Test func portsAreDistinctAndEachCanBeBoundAtTheSameTime() throws {
        // As many as a plan asks for in one run, and then some: the kernel alone repeats ports.
        let ports = try (0..<300).map { _ in try PortAllocator.freePort() }
        #expect(Set(ports).count == ports.count)
        #expect(ports.allSatisfy { (1024...65535).contains($0) })
        var descriptors: [Int32] = []
        defer { for fd in descriptors { close(fd) } }
        for port in ports.prefix(50) {
            let fd = bindLoopback(port)
            #expect(fd != nil, "port \(port) could not be bound")
            if let fd { descriptors.append(fd) }
        }
    }

    @Test func aPortInUseIsNotHandedOut() throws {
        let fd = try #require(bindLoopback(0).map { $0 })
        defer { close(fd) }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let taken = Int(UInt16(bigEndian: address.sin_port))
        let ports = try (0..<100).map { _ in try PortAllocator.freePort() }
        #expect(!ports.contains(taken))
    }
}
