import Foundation
import Logging

/// A configuration value that cannot be used; `main` prints it and exits with status 2.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Settings every service reads: `HOST`, `PORT`, `DATA_DIR`, `LOG_LEVEL`.
public struct ServiceSettings: Sendable {
    public var name: String
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var logLevel: Logger.Level

    public init(
        name: String,
        host: String = "0.0.0.0",
        port: Int,
        dataDirectory: String? = nil,
        logLevel: Logger.Level = .info
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory ?? "./data/\(name)"
        self.logLevel = logLevel
    }

    public init(name: String, defaultPort: Int, environment: [String: String])
        throws(ConfigurationError)
    {
        let reader = EnvironmentReader(environment)
        self.init(
            name: name,
            host: reader.string("HOST") ?? "0.0.0.0",
            port: try reader.port("PORT", default: defaultPort),
            dataDirectory: reader.string("DATA_DIR"),
            logLevel: try reader.logLevel("LOG_LEVEL", default: .info)
        )
    }
}

/// Reads and validates environment variables; empty values count as unset.
public struct EnvironmentReader: Sendable {
    private let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    public func string(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }

    public func port(_ name: String, default defaultValue: Int) throws(ConfigurationError) -> Int {
        guard let text = string(name) else { return defaultValue }
        guard let port = Int(text), (0...65535).contains(port) else {
            throw ConfigurationError("\(name) must be a port number between 0 and 65535, got \"\(text)\"")
        }
        return port
    }

    public func logLevel(_ name: String, default defaultValue: Logger.Level)
        throws(ConfigurationError) -> Logger.Level
    {
        guard let text = string(name) else { return defaultValue }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError("\(name) must be one of \(names), got \"\(text)\"")
        }
        return level
    }

    /// A base URL such as `http://event-bus-srv:4005`, returned without a trailing slash.
    public func baseURL(_ name: String, default defaultValue: String) throws(ConfigurationError)
        -> String
    {
        try Self.validatedURL(string(name) ?? defaultValue, name: name)
    }

    /// A comma-separated list of full URLs.
    public func urlList(_ name: String, default defaultValue: [String]) throws(ConfigurationError)
        -> [String]
    {
        guard let text = string(name) else { return defaultValue }
        var urls: [String] = []
        for item in text.split(separator: ",") {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            urls.append(try Self.validatedURL(trimmed, name: name))
        }
        return urls
    }

    private static func validatedURL(_ text: String, name: String) throws(ConfigurationError)
        -> String
    {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw ConfigurationError(
                "\(name) must be an http(s) URL such as http://host:port, got \"\(text)\"")
        }
        if let port = url.port, !(1...65535).contains(port) {
            throw ConfigurationError("\(name) has an invalid port: \"\(text)\"")
        }
        var normalized = text
        while normalized.hasSuffix("/") { normalized.removeLast() }
        return normalized
    }
}

/// Settings of the four services that publish to or read from the bus.
public struct BusSettings: Sendable {
    /// Base URL of the event bus; events go to `<base>/events`.
    public var eventBusURL: String

    public init(eventBusURL: String = "http://localhost:4005") {
        self.eventBusURL = eventBusURL
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init(
            eventBusURL: try EnvironmentReader(environment).baseURL(
                "EVENT_BUS_URL", default: "http://localhost:4005"))
    }
}
