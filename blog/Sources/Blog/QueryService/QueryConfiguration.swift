import BlogCore

public struct QueryConfiguration: Sendable {
    public var settings: ServiceSettings
    public var bus: BusSettings
    /// How often query asks the bus for events it might have missed, besides catching up on start and on gaps.
    public var pollInterval: Duration
    /// Longest pause between two catch-up attempts while the bus does not answer.
    public var retryCap: Duration

    public init(
        settings: ServiceSettings,
        bus: BusSettings = BusSettings(),
        pollInterval: Duration = .seconds(5),
        retryCap: Duration = .seconds(2)
    ) {
        self.settings = settings
        self.bus = bus
        self.pollInterval = pollInterval
        self.retryCap = retryCap
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init(
            settings: try ServiceSettings(name: "query", defaultPort: 4002, environment: environment),
            bus: try BusSettings(environment: environment)
        )
    }
}
