import KubeDiagnostics
import KubeYAML

/// An http(s) URL found in a string, with its offset for precise columns.
public struct ServiceURL: Sendable {
    public var text: String
    public var scheme: String
    public var host: String
    public var port: Int
    public var explicitPort: Bool
    /// Offset of the URL in the scalar's value, in Unicode scalars.
    public var offset: Int

    /// URLs in a value: whole value, or separated by commas or whitespace.
    public static func find(in value: String) -> [ServiceURL] {
        var value = value
        return value.withUTF8 { find(inUTF8: $0) }
    }

    /// `find(in:)` of a scalar's text, read in place when it is ASCII (no `String` of the whole
    /// value); nil when the node is not a string.
    static func find(inScalar node: YAMLNode) -> [ServiceURL]? {
        guard node.scalarType == .string else { return nil }
        return node.withScalarBytes { bytes in
            // Other text goes through `String` as before: its repairs of invalid UTF-8 move offsets.
            bytes.allSatisfy { $0 < 0x80 } ? find(inUTF8: bytes) : find(in: String(decoding: bytes, as: UTF8.self))
        }
    }

    /// `find(in:)` over UTF-8 bytes.
    private static func find(inUTF8 bytes: UnsafeBufferPointer<UInt8>) -> [ServiceURL] {
        // Every URL has `://` after its scheme.
        guard containsSchemeSeparator(bytes[...]) else { return [] }
        var results: [ServiceURL] = []
        // Separators are ASCII, so tokens split on bytes; offsets count Unicode scalars (every
        // byte that is not a UTF-8 continuation byte starts one).
        var offset = 0
        var tokenStart = 0
        var tokenOffset = 0
        func flush(_ end: Int) {
            let token = bytes[tokenStart..<end]
            // No `://`, no URL: most tokens never become a String.
            guard containsSchemeSeparator(token) else { return }
            let text = String(decoding: token, as: UTF8.self)
            if let url = ServiceURL(text, offset: tokenOffset) { results.append(url) }
        }
        for index in 0..<bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: ";"):
                flush(index)
                tokenStart = index + 1
                tokenOffset = offset + 1
            default: break
            }
            if byte & 0xC0 != 0x80 { offset += 1 }
        }
        flush(bytes.count)
        return results
    }

    private static func containsSchemeSeparator(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard bytes.count >= 3 else { return false }
        var index = bytes.startIndex
        while index + 2 < bytes.endIndex {
            if bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/")
                && bytes[index + 2] == UInt8(ascii: "/")
            {
                return true
            }
            index += 1
        }
        return false
    }

    public init?(_ token: String, offset: Int) {
        guard let parts = Self.parts(token) else { return nil }
        let (scheme, host, port, explicit) = parts
        // Templated values ($(VAR), {{ }}) are resolved elsewhere.
        // (No `$` or `{` byte: the string search cannot find one either.)
        guard !host.isEmpty else { return nil }
        var hostBytes = host
        let (dollar, brace) = hostBytes.withUTF8 { ($0.contains(UInt8(ascii: "$")), $0.contains(UInt8(ascii: "{"))) }
        guard !(dollar && host.contains("$")), !(brace && host.contains("{")) else { return nil }
        self.text = token
        self.scheme = scheme
        // The byte test first: `hasSuffix` compares Characters.
        self.host = host.utf8.last == UInt8(ascii: ".") && host.hasSuffix(".") ? String(host.dropLast()) : host
        self.port = port
        self.explicitPort = explicit
        self.offset = offset
    }

    private typealias Parts = (scheme: String, host: String, port: Int, explicit: Bool)

    /// Scheme, host and port of a token, from its UTF-8 bytes: every delimiter (`:`, `/`, `?`, `#`,
    /// `@`) is ASCII, so the cuts fall between characters, as in Go's url.Parse, which reads bytes.
    private static func parts(_ token: String) -> Parts? {
        var token = token
        return token.withUTF8 { bytes -> Parts? in
            @inline(__always) func lower(_ byte: UInt8) -> UInt8 {
                byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            func hasPrefix(_ prefix: StaticString) -> Bool {
                guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
                for index in 0..<prefix.utf8CodeUnitCount where lower(bytes[index]) != prefix.utf8Start[index] {
                    return false
                }
                return true
            }
            let scheme: String
            if hasPrefix("http://") {
                scheme = "http"
            } else if hasPrefix("https://") {
                scheme = "https"
            } else {
                return nil
            }
            var end = scheme.utf8.count + 3
            while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"),
                bytes[end] != UInt8(ascii: "#")
            {
                end += 1
            }
            // The host is after the last `@` (userinfo may hold `@`s); trailing `@`s are skipped.
            let authorityStart = scheme.utf8.count + 3
            var hostEnd = end
            while hostEnd > authorityStart && bytes[hostEnd - 1] == UInt8(ascii: "@") { hostEnd -= 1 }
            var hostStart = hostEnd
            while hostStart > authorityStart && bytes[hostStart - 1] != UInt8(ascii: "@") { hostStart -= 1 }
            let hostPort = bytes[hostStart..<hostEnd]
            guard let colon = hostPort.lastIndex(of: UInt8(ascii: ":")) else {
                return (scheme, String(decoding: hostPort, as: UTF8.self), scheme == "http" ? 80 : 443, false)
            }
            guard let number = urlPort(hostPort[(colon + 1)...]) else { return nil }
            return (scheme, String(decoding: hostPort[..<colon], as: UTF8.self), number, true)
        }
    }

    /// A URL's port as RFC 3986 writes it: ASCII digits only (no sign: `http://svc:-1` has no port
    /// Go's url.Parse accepts), and within `Int` (no trap on `:99999999999999999999`).
    static func urlPort(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18,
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// The Service this host names, or nil for hosts outside the cluster.
    public func serviceTarget(defaultNamespace: String, knownNamespaces: Set<String>, graph: ManifestGraph)
        -> NamespacedName?
    {
        // ASCII hosts (nearly all) are read from their bytes: every service URL of every workload
        // comes here, and only the name and namespace labels become Strings.
        var host = host
        if let target = host.withUTF8({
            Self.asciiTarget($0, defaultNamespace: defaultNamespace, knownNamespaces: knownNamespaces, graph: graph)
        }) {
            return target
        }
        guard host.utf8.contains(where: { $0 >= 0x80 }) else { return nil }
        let labels = host.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if labels.contains(where: \.isEmpty) { return nil }
        switch labels.count {
        case 1:
            let label = labels[0]
            if label == "localhost" || label.allSatisfy(\.isNumber) { return nil }
            return NamespacedName(namespace: defaultNamespace, name: labels[0])
        case 2:
            // `name.namespace`, but only when that namespace is one we know: `example.com` is not.
            guard knownNamespaces.contains(labels[1]) || graph.service(named: labels[0], in: labels[1]) != nil
            else { return nil }
            return NamespacedName(namespace: labels[1], name: labels[0])
        case 3 where labels[2] == "svc":
            return NamespacedName(namespace: labels[1], name: labels[0])
        case 5 where labels[2] == "svc" && labels[3] == "cluster" && labels[4] == "local":
            return NamespacedName(namespace: labels[1], name: labels[0])
        default:
            return nil
        }
    }

    /// `serviceTarget` of an ASCII host, from its bytes, lowercased; nil for a host outside the
    /// cluster and for a host that is not ASCII (the caller tells them apart).
    private static func asciiTarget(
        _ host: UnsafeBufferPointer<UInt8>, defaultNamespace: String, knownNamespaces: Set<String>,
        graph: ManifestGraph
    ) -> NamespacedName? {
        // The labels' bounds; a sixth label already means no Service (`default:` below).
        var bounds = LabelBounds()
        var start = 0
        for position in 0...host.count {
            if position < host.count {
                let byte = host[position]
                if byte >= 0x80 { return nil }
                if byte != UInt8(ascii: ".") { continue }
            }
            if position == start { return nil }  // an empty label
            if bounds.count == LabelBounds.capacity { return nil }
            bounds.append(start..<position)
            start = position + 1
        }
        func lowercased(_ index: Int) -> String {
            let range = bounds[index]
            return String(unsafeUninitializedCapacity: range.count) { buffer in
                for (offset, byte) in host[range].enumerated() {
                    let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
                    buffer[offset] = isUpper ? byte + 32 : byte
                }
                return range.count
            }
        }
        func label(_ index: Int, is word: StaticString) -> Bool {
            let range = bounds[index]
            guard range.count == word.utf8CodeUnitCount else { return false }
            for (offset, byte) in host[range].enumerated() {
                let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
                if (isUpper ? byte + 32 : byte) != word.utf8Start[offset] { return false }
            }
            return true
        }
        switch bounds.count {
        case 1:
            // An IP-like number is not a Service.
            if label(0, is: "localhost")
                || host.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            {
                return nil
            }
            return NamespacedName(namespace: defaultNamespace, name: lowercased(0))
        case 2:
            // `name.namespace`, but only when that namespace is one we know: `example.com` is not.
            let name = lowercased(0)
            let namespace = lowercased(1)
            guard knownNamespaces.contains(namespace) || graph.service(named: name, in: namespace) != nil
            else { return nil }
            return NamespacedName(namespace: namespace, name: name)
        case 3 where label(2, is: "svc"):
            return NamespacedName(namespace: lowercased(1), name: lowercased(0))
        case 5 where label(2, is: "svc") && label(3, is: "cluster") && label(4, is: "local"):
            return NamespacedName(namespace: lowercased(1), name: lowercased(0))
        default:
            return nil
        }
    }

    /// The span of the URL inside a one-line scalar; the whole scalar otherwise.
    public func span(in node: YAMLNode, object: ManifestObject) -> SourceSpan {
        exactSpan(in: node, object: object) ?? object.span(node)
    }

    /// The span of exactly the URL's text in the source, where one can be known (an edit may
    /// replace it); nil where the scalar is block or multi-line, or escapes shift its columns.
    public func exactSpan(in node: YAMLNode, object: ManifestObject) -> SourceSpan? {
        // Subdivide only when the source and the decoded value have the same length: an escape
        // (`''`, `\t`, `\u00e9`) shifts every column after it, so then the whole scalar is underlined.
        guard node.start.line == node.end.line, let style = node.style, style != .literal, style != .folded,
            let raw = node.scalar,
            Int(node.end.column) - Int(node.start.column) - (style.isQuoted ? 2 : 0) == raw.unicodeScalars.count
        else { return nil }
        let column = Int(node.start.column) + (style.isQuoted ? 1 : 0) + offset
        let length = text.unicodeScalars.count
        return SourceSpan(
            file: object.file, line: Int(node.start.line), column: column, endLine: Int(node.start.line),
            endColumn: column + length)
    }
}

extension ServiceURL {
    /// The URL text with the first DNS label of its host (the Service name) replaced: the namespace
    /// and suffix (`.web.svc`), userinfo, port and path stay as written.
    public func replacingServiceName(with name: String) -> String {
        let prefixLength = scheme.count + 3
        let rest = text.dropFirst(prefixLength)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let labelEnd = authority[hostStart...].firstIndex { $0 == "." || $0 == ":" } ?? authority.endIndex
        return String(text[..<hostStart]) + name + String(text[labelEnd...])
    }

    /// The URL text with its authority replaced, e.g. by a local listener.
    public func replacingAuthority(with authority: String) -> String {
        let prefixLength = scheme.count + 3
        let rest = text.dropFirst(prefixLength)
        let path = rest.drop { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(text.prefix(prefixLength)) + authority + path
    }
}

/// A URL written in a value a workload's container sees, and where it is written.
public struct ServiceURLUse: Sendable {
    public var url: ServiceURL
    /// The scalar holding the URL.
    public var node: YAMLNode
    /// The object holding that scalar: the workload, or a ConfigMap or Secret it reads.
    public var holder: ManifestObject
}

extension ServiceURL {
    /// Every URL in the env values (including the ConfigMap and Secret values
    /// they read), command and args of the workload's containers. (`ManifestGraph.serviceURLUses`
    /// holds them for every workload.)
    public static func uses(in workload: Workload, graph: ManifestGraph) -> [ServiceURLUse] {
        var result: [ServiceURLUse] = []
        func add(_ node: YAMLNode, holder: ManifestObject) {
            guard let urls = find(inScalar: node) else { return }
            for url in urls { result.append(ServiceURLUse(url: url, node: node, holder: holder)) }
        }
        for container in workload.template.containers {
            // Env values, then command, then args, visited in place (no list of them built).
            for (node, holder) in container.environmentValues(of: workload.object, in: graph) {
                add(node, holder: holder)
            }
            container.node["command"]?.forEachItem { add($0, holder: workload.object) }
            container.node["args"]?.forEachItem { add($0, holder: workload.object) }
        }
        return result
    }
}

/// The bounds of up to five labels of a host, held inline: an array of them cost an allocation for
/// every URL found.
private struct LabelBounds {
    static let capacity = 5
    private var labels: (Range<Int>, Range<Int>, Range<Int>, Range<Int>, Range<Int>) = (
        0..<0, 0..<0, 0..<0, 0..<0, 0..<0
    )
    private(set) var count = 0

    /// Past `capacity`, nothing is kept (the caller stops before).
    mutating func append(_ range: Range<Int>) {
        switch count {
        case 0: labels.0 = range
        case 1: labels.1 = range
        case 2: labels.2 = range
        case 3: labels.3 = range
        case 4: labels.4 = range
        default: return
        }
        count += 1
    }

    /// An empty range past `count`.
    subscript(index: Int) -> Range<Int> {
        guard index < count else { return 0..<0 }
        switch index {
        case 0: return labels.0
        case 1: return labels.1
        case 2: return labels.2
        case 3: return labels.3
        case 4: return labels.4
        default: return 0..<0
        }
    }
}
