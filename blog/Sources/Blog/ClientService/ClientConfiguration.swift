import BlogCore

public struct ClientConfiguration: Sendable {
    public var settings: ServiceSettings
    /// Base URL of the query service, whose `GET /posts` the page is rendered from.
    public var queryURL: String

    public init(settings: ServiceSettings, queryURL: String = "http://localhost:4002") {
        self.settings = settings
        self.queryURL = queryURL
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init(
            settings: try ServiceSettings(name: "client", defaultPort: 3000, environment: environment),
            queryURL: try EnvironmentReader(environment).baseURL(
                "QUERY_URL", default: "http://localhost:4002")
        )
    }
}
