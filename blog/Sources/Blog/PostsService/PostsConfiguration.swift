import BlogCore

public struct PostsConfiguration: Sendable {
    public var settings: ServiceSettings
    public var bus: BusSettings
    /// How long `POST /posts/create` waits for the bus to accept `PostCreated` before answering anyway.
    public var publishWait: Duration

    public init(
        settings: ServiceSettings, bus: BusSettings = BusSettings(), publishWait: Duration = .seconds(1)
    ) {
        self.settings = settings
        self.bus = bus
        self.publishWait = publishWait
    }

    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init(
            settings: try ServiceSettings(name: "posts", defaultPort: 4000, environment: environment),
            bus: try BusSettings(environment: environment)
        )
    }
}
