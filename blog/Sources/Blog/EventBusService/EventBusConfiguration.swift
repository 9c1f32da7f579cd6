import BlogCore

public struct EventBusConfiguration: Sendable {
    public static let defaultSubscribers = [
        "http://localhost:4000/events", "http://localhost:4001/events",
        "http://localhost:4002/events", "http://localhost:4003/events",
    ]

    public var settings: ServiceSettings
    /// Full URLs each event is delivered to.
    public var subscribers: [String]
    /// Longest pause between two delivery attempts to a subscriber that is down.
    public var retryCap: Duration

    public init(
        settings: ServiceSettings, subscribers: [String] = defaultSubscribers,
        retryCap: Duration = .seconds(2)
    ) {
        self.settings = settings
        self.subscribers = subscribers
        self.retryCap = retryCap
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init(
            settings: try ServiceSettings(name: "event-bus", defaultPort: 4005, environment: environment),
            subscribers: try EnvironmentReader(environment).urlList(
                "SUBSCRIBERS", default: Self.defaultSubscribers)
        )
    }
}
