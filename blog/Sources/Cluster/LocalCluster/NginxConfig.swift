import Foundation

/// Renders the ingress plan as an nginx configuration. Every manifest value
/// that reaches the file is validated first: hosts must be DNS names, paths
/// may not carry nginx syntax (`;`, braces, quotes, newlines) or the
/// patterns ingress-nginx's deep inspection refuses.
public struct NginxConfig: Sendable {
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    public var plan: IngressPlan
    public var listenPort: Int
    public var stateDirectory: String
    public var runningAsRoot: Bool
    /// When set, a server of its own (`readinessHost`, after the Ingress servers, never the
    /// default) answers `readinessPath` with this token: proof that nginx, not another process,
    /// serves on the port.
    public var readinessToken: String?

    /// A name no Ingress host can take over: `.invalid` is reserved (RFC 2606).
    public static let readinessHost = "kubewire-ready.invalid"
    public static let readinessPath = "/kubewire-ready"

    public init(
        plan: IngressPlan, listenPort: Int, stateDirectory: String, runningAsRoot: Bool = getuid() == 0,
        readinessToken: String? = nil
    ) {
        self.plan = plan
        self.listenPort = listenPort
        self.stateDirectory = stateDirectory
        self.runningAsRoot = runningAsRoot
        self.readinessToken = readinessToken
    }

    public func render() throws -> String {
        try Self.validatePath(stateDirectory, what: "state directory")
        var text = """
            # Rendered by kubewire up from the Ingress objects; do not edit.
            \(runningAsRoot ? "user root;\n" : "")worker_processes 1;
            daemon off;
            pid \(stateDirectory)/nginx.pid;
            error_log \(stateDirectory)/nginx-error.log warn;
            events { worker_connections 1024; }
            http {
                access_log \(stateDirectory)/nginx-access.log;
                client_body_temp_path \(stateDirectory)/nginx-body;
                proxy_temp_path \(stateDirectory)/nginx-proxy;
                fastcgi_temp_path \(stateDirectory)/nginx-fastcgi;
                uwsgi_temp_path \(stateDirectory)/nginx-uwsgi;
                scgi_temp_path \(stateDirectory)/nginx-scgi;
                server_tokens off;
                port_in_redirect off;
                client_max_body_size 1m;
                proxy_connect_timeout 5s;
                proxy_read_timeout 60s;
                proxy_send_timeout 60s;
                proxy_buffering off;
                proxy_http_version 1.1;
                proxy_next_upstream error timeout;

            """
        for server in plan.servers {
            text += try render(server)
        }
        if let readinessToken {
            guard !readinessToken.isEmpty, readinessToken.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            else {
                throw Refusal(
                    description: "refusing readiness token `\(Self.printable(readinessToken))`: letters and digits only"
                )
            }
            text += """
                    server {
                        listen 127.0.0.1:\(listenPort);
                        server_name \(Self.readinessHost);
                        location = \(Self.readinessPath) {
                            access_log off;
                            default_type text/plain;
                            return 200 "\(readinessToken)\\n";
                        }
                        location / { return 404; }
                    }

                """
        }
        text += "}\n"
        return text
    }

    private func render(_ server: NginxServer) throws -> String {
        let serverName: String
        if server.host == "_" {
            serverName = "_"
        } else {
            try Self.validateHost(server.host)
            if server.host.hasPrefix("*.") {
                let rest = server.host.dropFirst(2).replacingOccurrences(of: ".", with: "\\.")
                serverName = "\"~^(?<subdomain>[\\w-]+)\\.\(rest)$\""
            } else {
                serverName = "\"\(server.host)\""
            }
        }
        var text = """
                server {
                    listen 127.0.0.1:\(listenPort)\(server.host == "_" ? " default_server" : "");
                    server_name \(serverName);

            """
        for location in server.locations {
            try Self.validatePath(location.path, what: "Ingress path")
            try Self.validateMarker(location.marker)
            let quoted = "\"" + location.path.replacingOccurrences(of: "\\", with: "\\\\") + "\""
            let head: String
            switch location.match {
            case .regex: head = "location ~* \"^" + quoted.dropFirst()
            case .exact: head = "location = \(quoted)"
            case .prefix: head = "location \(quoted)"
            }
            text += "        \(head) {\n"
            text += "            add_header X-Kubewire-Backend \"\(location.marker)\" always;\n"
            switch location.target {
            case .service(_, _, _, let listener):
                text += """
                                proxy_set_header Host $http_host;
                                proxy_set_header X-Real-IP $remote_addr;
                                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                                proxy_set_header X-Forwarded-Host $http_host;
                                proxy_set_header X-Forwarded-Proto $scheme;
                                proxy_set_header Connection "";
                                proxy_pass http://127.0.0.1:\(listener);

                    """
            case .unavailable:
                text += "            return 503;\n"
            case .defaultBackend:
                text += "            return 404;\n"
            }
            text += "        }\n"
        }
        text += "    }\n"
        return text
    }

    static func validateHost(_ host: String) throws {
        let label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
        let pattern = "^(\\*\\.)?\(label)(\\.\(label))*$"
        guard host.count <= 253, host.range(of: pattern, options: .regularExpression) != nil else {
            throw Refusal(
                description:
                    "refusing Ingress host `\(printable(host))`: not a DNS name, so it is not written into the nginx config"
            )
        }
    }

    /// `namespace/service:port` goes into a quoted header value: names only.
    static func validateMarker(_ marker: String) throws {
        guard marker.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:/".contains($0)) }) else {
            throw Refusal(
                description:
                    "refusing backend `\(printable(marker))`: not a Service name, so it is not written into the config")
        }
    }

    static func validatePath(_ path: String, what: String) throws {
        let forbidden: Set<Character> = [";", "{", "}", "\"", "'", "`", "\n", "\r", "\t", " ", "#"]
        if let bad = path.first(where: {
            forbidden.contains($0) || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true
        }) {
            throw Refusal(
                description:
                    "refusing \(what) `\(printable(path))`: the character \(printable(String(bad))) would be nginx syntax, so it is not written into the config"
            )
        }
        for pattern in ["alias", "root", "_by_lua", "/etc/", "/var/run/secrets"]
        where path.lowercased().contains(pattern + (pattern.hasPrefix("/") || pattern.hasPrefix("_") ? "" : " ")) {
            throw Refusal(
                description:
                    "refusing \(what) `\(printable(path))`: it contains `\(pattern)`, which ingress-nginx's deep inspection refuses"
            )
        }
    }

    static func printable(_ text: String) -> String {
        text.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0)
        }.joined()
    }
}
