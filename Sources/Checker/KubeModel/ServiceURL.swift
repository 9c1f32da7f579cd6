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
        // Every URL has `://` after its scheme.
        guard Self.containsSchemeSeparator(value) else { return [] }
        var results: [ServiceURL] = []
        let scalars = value.unicodeScalars
        var offset = 0
        var tokenStart = 0
        var tokenStartIndex = scalars.startIndex
        func flush(_ end: String.UnicodeScalarView.Index) {
            if tokenStartIndex < end, let url = ServiceURL(String(scalars[tokenStartIndex..<end]), offset: tokenStart) {
                results.append(url)
            }
        }
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if scalar == "," || scalar == " " || scalar == "\t" || scalar == "\n" || scalar == ";" {
                flush(index)
                tokenStart = offset + 1
                tokenStartIndex = next
            }
            offset += 1
            index = next
        }
        flush(scalars.endIndex)
        return results
    }

    private static func containsSchemeSeparator(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.count >= 3 else { return false }
            for index in 0..<bytes.count - 2
            where bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/")
                && bytes[index + 2] == UInt8(ascii: "/")
            {
                return true
            }
            return false
        }
    }

    public init?(_ token: String, offset: Int) {
        let lower = token.lowercased()
        let scheme: String
        if lower.hasPrefix("http://") {
            scheme = "http"
        } else if lower.hasPrefix("https://") {
            scheme = "https"
        } else {
            return nil
        }
        let rest = token.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        var host = hostPort
        var port = scheme == "http" ? 80 : 443
        var explicit = false
        if let colon = hostPort.lastIndex(of: ":") {
            guard let number = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
            host = String(hostPort[..<colon])
            port = number
            explicit = true
        }
        // Templated values ($(VAR), {{ }}) are resolved elsewhere.
        // (No `$` or `{` byte: the string search cannot find one either.)
        guard !host.isEmpty, !(host.utf8.contains(UInt8(ascii: "$")) && host.contains("$")),
            !(host.utf8.contains(UInt8(ascii: "{")) && host.contains("{"))
        else { return nil }
        self.text = token
        self.scheme = scheme
        self.host = host.hasSuffix(".") ? String(host.dropLast()) : host
        self.port = port
        self.explicitPort = explicit
        self.offset = offset
    }

    /// The Service this host names, or nil for hosts outside the cluster.
    public func serviceTarget(defaultNamespace: String, knownNamespaces: Set<String>, graph: ManifestGraph)
        -> NamespacedName?
    {
        let labels = host.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if labels.contains(where: \.isEmpty) { return nil }
        switch labels.count {
        case 1:
            if labels[0] == "localhost" || labels[0].allSatisfy(\.isNumber) { return nil }
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

    /// The span of the URL inside a one-line scalar; the whole scalar otherwise.
    public func span(in node: YAMLNode, object: ManifestObject) -> SourceSpan {
        guard node.start.line == node.end.line, let style = node.style, style != .literal, style != .folded,
            let raw = node.scalar, !(style == .doubleQuoted && raw.contains("\\"))
        else { return object.span(node) }
        let column = Int(node.start.column) + (style.isQuoted ? 1 : 0) + offset
        let length = text.unicodeScalars.count
        return SourceSpan(
            file: object.file, line: Int(node.start.line), column: column, endLine: Int(node.start.line),
            endColumn: column + length)
    }
}

extension ServiceURL {
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
    /// they read), command and args of the workload's containers.
    /// - Parameter serviceName: when given, only values that may name this Service are parsed (a host
    ///   naming it contains it, ASCII case aside); the others cannot reach it.
    public static func uses(in workload: Workload, graph: ManifestGraph, naming serviceName: String? = nil)
        -> [ServiceURLUse]
    {
        var result: [ServiceURLUse] = []
        for container in workload.template.containers {
            let values =
                container.environmentValues(of: workload.object, in: graph)
                + (container.command + container.args).map { (node: $0, object: workload.object) }
            for (node, holder) in values {
                guard let text = node.string else { continue }
                if let serviceName, !mayContain(text, serviceName) { continue }
                for url in find(in: text) { result.append(ServiceURLUse(url: url, node: node, holder: holder)) }
            }
        }
        return result
    }

    /// False only when ASCII `text` cannot contain `name` under ASCII case folding. Text with other
    /// bytes may lowercase into it (`K`, the Kelvin sign, lowercases to `k`), so it is kept.
    static func mayContain(_ text: String, _ name: String) -> Bool {
        var text = text
        var name = name
        return text.withUTF8 { haystack in
            name.withUTF8 { needle in
                if needle.isEmpty { return true }
                if haystack.contains(where: { $0 >= 0x80 }) { return true }
                guard haystack.count >= needle.count else { return false }
                @inline(__always) func folded(_ byte: UInt8) -> UInt8 {
                    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                }
                for start in 0...(haystack.count - needle.count) {
                    var index = 0
                    while index < needle.count && folded(haystack[start + index]) == folded(needle[index]) {
                        index += 1
                    }
                    if index == needle.count { return true }
                }
                return false
            }
        }
    }
}
