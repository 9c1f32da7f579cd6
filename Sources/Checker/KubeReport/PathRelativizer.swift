import Foundation
import KubeDiagnostics

/// Makes paths repository-relative for CI formats.
struct PathRelativizer: Sendable {
    let base: [String]?
    let currentDirectory: [String]

    init(workingDirectory: String?) {
        let cwd = Self.components(FileManager.default.currentDirectoryPath)
        currentDirectory = cwd
        if let workingDirectory, !workingDirectory.isEmpty {
            base = Self.normalize(
                workingDirectory.hasPrefix("/")
                    ? Self.components(workingDirectory) : cwd + Self.components(workingDirectory))
        } else {
            base = nil
        }
    }

    enum Resolved: Equatable {
        /// Relative path with forward slashes, no `.` segments.
        case relative(String)
        /// Absolute path outside the working directory.
        case absolute(String)
    }

    /// Without a working directory: the path normalised (`./` dropped).
    /// With one: relative to it when the file is inside it, else absolute.
    /// Relative inputs are taken relative to the process's current directory.
    func resolve(_ path: String) -> Resolved {
        var path = path
        #if os(Windows)
            path = path.replacingOccurrences(of: "\\", with: "/")
        #endif
        if path.isEmpty { return .relative(path) }
        let isAbsolute = path.hasPrefix("/")
        guard let base else {
            let parts = Self.normalize(Self.components(path))
            return isAbsolute
                ? .absolute("/" + parts.joined(separator: "/")) : .relative(parts.joined(separator: "/"))
        }
        let absolute = Self.normalize(
            isAbsolute ? Self.components(path) : currentDirectory + Self.components(path))
        if absolute.count > base.count, Array(absolute.prefix(base.count)) == base {
            path = absolute.dropFirst(base.count).joined(separator: "/")
            return .relative(path)
        }
        return .absolute("/" + absolute.joined(separator: "/"))
    }

    /// The path as GitHub/JUnit show it: relative when possible.
    func displayPath(_ path: String) -> String {
        switch resolve(path) {
        case .relative(let p): p.isEmpty ? path : p
        case .absolute(let p): p
        }
    }

    /// A SARIF `artifactLocation.uri`: a percent-encoded relative reference,
    /// or a `file://` URI for a file outside the working directory.
    func uri(_ path: String) -> String {
        switch resolve(path) {
        case .relative(let p): Self.percentEncode(p.isEmpty ? path : p)
        case .absolute(let p): "file://" + Self.percentEncode(p)
        }
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// Drops `.` segments and resolves `..` where possible.
    static func normalize(_ parts: [String]) -> [String] {
        var out: [String] = []
        for part in parts {
            switch part {
            case ".": continue
            case "..":
                if let last = out.last, last != ".." { out.removeLast() } else { out.append(part) }
            default: out.append(part)
            }
        }
        return out
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
    static func percentEncode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2, with: "0")
            }
        }
        return out
    }
}
